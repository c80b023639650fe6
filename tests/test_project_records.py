"""The json export keeps the documents' attributes and the memos, and `gloss import` reads
them back: a round trip between two stores, the later memo winning, and a bad entry
refusing the whole file with nothing imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import Document, Store
from annotations.attributes import set_attributes, stored
from annotations.memos import PROJECT, memos, set_memo
from tui.cli import main


@pytest.fixture
def source(tmp_path: Path) -> tuple[Path, Document]:
    path = tmp_path / "source.json"
    with Store(path) as store:
        document = store.add_document(
            Document.from_text("Iran builds shrines.", title="One", metadata={"date": "2015"})
        )
        store.annotate(document.id, 0, 4, tags=["actor/iran"], analyst="ana")
        set_attributes(store, document.id, {"outlet": "Observer", "region": "Levant"})
        set_memo(store, PROJECT, "The project.", analyst="ana")
        set_memo(store, document.id, "About one.", analyst="ben")
    return path, document


def export(capsys, store: Path, *arguments: str) -> dict:
    assert main(["export", "--format", "json", "--db", str(store), *arguments]) == 0
    return json.loads(capsys.readouterr().out)


def test_round_trip(capsys, tmp_path: Path, source) -> None:
    path, document = source
    data = export(capsys, path)
    # Only what the analyst set: not the file's date, not the year derived from it.
    assert data["attributes"] == {document.id: {"outlet": "Observer", "region": "Levant"}}
    assert [(m["about"], m["text"], m["analyst"]) for m in data["memos"]] == [
        (PROJECT, "The project.", "ana"),
        (document.id, "About one.", "ben"),
    ]
    file = tmp_path / "export.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target.json"
    assert main(["import", str(file), "--db", str(target)]) == 0
    with Store(target) as imported, Store(path) as original:
        assert stored(imported) == stored(original)
        assert memos(imported) == memos(original)


def test_the_later_memo_wins_and_attributes_merge(capsys, tmp_path: Path, source) -> None:
    path, document = source
    data = export(capsys, path)
    with Store(path) as store:
        set_memo(store, document.id, "Rewritten since.", analyst="ben")
        set_attributes(store, document.id, {"outlet": "Changed", "author": "Ana"})
    file = tmp_path / "old.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    assert main(["import", str(file), "--db", str(path)]) == 0
    with Store(path) as store:
        assert memos(store)[document.id].text == "Rewritten since."  # newer than the file's
        # The file's values replace those of the same name; others stay.
        assert stored(store)[document.id] == {
            "outlet": "Observer",
            "region": "Levant",
            "author": "Ana",
        }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["attributes"].update({"sha256:nope": {"a": "b"}}), "unknown document"),
        (lambda d: d["attributes"].update({d["documents"][0]["id"]: {"a": 1}}), "{name: text}"),
        (lambda d: d["memos"].append({"about": "project"}), "memos[2]: expected text fields"),
        (lambda d: d.update(memos={"not": "a list"}), '"memos" must be a list'),
    ],
)
def test_a_bad_entry_refuses_the_file(capsys, tmp_path: Path, source, change, message) -> None:
    path, _ = source
    data = export(capsys, path)
    change(data)
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "target.json"
    assert main(["import", str(file), "--db", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    with Store(target) as store:
        assert store.documents() == [] and stored(store) == {} and memos(store) == {}


def test_no_attributes_no_memos_no_keys(capsys, store_path: Path) -> None:
    with Store(store_path) as store:
        store.add_document(Document.from_text("Plain."))
    # The codebook is always there (a project travels with it); attributes and memos not.
    assert set(export(capsys, store_path)) == {"gloss", "documents", "annotations", "codebook"}

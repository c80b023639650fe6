"""Document and project memos (annotations/memos.py, `gloss memo`, `gloss memos`): saved
and there after reopening, removed by an empty text, listed with every annotation memo by
document, code or analyst."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotations import Codebook, Document, Store
from annotations.memos import PROJECT, MemoError, memo, memo_entries, memos, set_memo
from tui.cli import main


@pytest.fixture
def two(store_path: Path) -> tuple[Document, Document]:
    first = replace(
        Document.from_text("Iran builds shrines.", title="One"), added="2026-01-01T00:00:00Z"
    )
    second = replace(
        Document.from_text("Russia holds bases.", title="Two"), added="2026-01-01T00:00:01Z"
    )
    with Store(store_path) as store:
        store.add_document(first)
        store.add_document(second)
        store.annotate(first.id, 0, 4, tags=["actor/iran"], memo="Iran as patron.", analyst="ben")
        store.annotate(first.id, 12, 19, tags=["interest/society"], analyst="ben")
        store.annotate(
            second.id,
            0,
            6,
            tags=["actor/russia", "interest/military"],
            memo="Bases.",
            analyst="ana",
        )
    return first, second


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_memos_are_saved_and_removed(store_path: Path, two) -> None:
    first, _ = two
    with Store(store_path) as store:
        assert memos(store) == {}
        set_memo(store, PROJECT, "Institutions against people.", analyst="ana")
        set_memo(store, first.id, "Read twice.", analyst="ben")
    with Store(store_path) as store:
        assert memo(store, PROJECT).text == "Institutions against people."
        assert (memo(store, first.id).text, memo(store, first.id).analyst) == ("Read twice.", "ben")
        set_memo(store, first.id, "  \n", analyst="ben")
    with Store(store_path) as store:
        assert set(memos(store)) == {PROJECT}


def test_a_memo_about_an_unknown_document_is_refused(store: Store) -> None:
    with pytest.raises(MemoError, match="no document sha256:nope"):
        set_memo(store, "sha256:nope", "text", analyst="ana")


def test_memo_entries_by_document_code_and_analyst(store_path: Path, two) -> None:
    first, second = two
    with Store(store_path) as store:
        set_memo(store, PROJECT, "P.", analyst="ana")
        set_memo(store, second.id, "About two.", analyst="ana")
        annotations = store.annotations()
        stored = memos(store)
    documents = [first, second]
    by_document = memo_entries(annotations, documents=documents, stored=stored)
    assert [(e.heading, e.text) for e in by_document] == [
        ("Project", "P."),
        ("One", "Iran as patron."),
        ("Two", "About two."),
        ("Two", "Bases."),
    ]
    by_code = memo_entries(
        annotations, by="code", codebook=Codebook.default(), documents=documents, stored=stored
    )
    assert [(e.heading, e.text) for e in by_code] == [
        ("Project", "P."),
        ("Two", "About two."),
        ("Russia", "Bases."),
        ("Iran", "Iran as patron."),
        ("military", "Bases."),
    ]
    by_analyst = memo_entries(annotations, by="analyst", documents=documents, stored=stored)
    assert [(e.heading, e.text) for e in by_analyst] == [
        ("Project", "P."),
        ("ana", "About two."),
        ("ana", "Bases."),
        ("ben", "Iran as patron."),
    ]


def test_gloss_memo_writes_and_prints(capsys, store_path: Path, two, monkeypatch) -> None:
    db = ["--db", str(store_path)]
    assert run(capsys, "memo", "--set", "Whole project.", "--analyst", "ana", *db)[1] == (
        "wrote the memo about the project\n"
    )
    assert run(capsys, "memo", *db)[1] == "Whole project.\n"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("From stdin\x1b[2J.\n"))
    assert run(capsys, "memo", "One", "--set", "-", *db)[1] == "wrote the memo about “One”\n"
    code, out, _ = run(capsys, "memo", "One", *db)
    assert (code, out) == (0, "From stdin␛[2J.\n")  # the escape shown, never sent
    code, _, err = run(capsys, "memo", "Nine", "--set", "x", *db)
    assert code == 2 and err == "gloss: no document 'Nine' in the store\n"


def test_gloss_memos_lists_every_memo(capsys, store_path: Path, two) -> None:
    db = ["--db", str(store_path)]
    run(capsys, "memo", "Two", "--set", "About two.", "--analyst", "ana", *db)
    code, out, _ = run(capsys, "memos", *db)
    assert code == 0
    assert out == (
        "One\n"
        "  “Iran” · ben\n"
        "    Iran as patron.\n"
        "\n"
        "Two\n"
        "  document memo · ana\n"
        "    About two.\n"
        "  “Russia” · ana\n"
        "    Bases.\n"
    )
    code, _, err = run(capsys, "memos", "--where", "outlet=Nobody", *db)
    assert code == 2 and "no document in the scope has outlet=Nobody" in err
    code, out, _ = run(capsys, "memos", "--by", "analyst", "-f", "json", "--analyst", "ben", *db)
    data = json.loads(out)
    assert [(m["heading"], m["memo"], m["quote"]) for m in data["memos"]] == [
        ("ben", "Iran as patron.", "Iran")
    ]


@pytest.mark.parametrize(
    "arguments", [["memo", "--set", "x"], ["attributes", "set", "One", "outlet=X"]]
)
def test_writing_to_no_store_makes_none(capsys, tmp_path: Path, arguments) -> None:
    missing = tmp_path / "nowhere.json"
    code, _, err = run(capsys, *arguments, "--db", str(missing))
    assert code == 2 and "no store here yet" in err
    assert not missing.exists()

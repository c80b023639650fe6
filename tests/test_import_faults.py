"""`gloss import` of a malformed file: one line naming the record and field, exit 2, and
nothing written — and the checks behind it (annotations/validation.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotations import Document, Store
from annotations.errors import StoreError
from annotations.export import render, select
from tui.cli import main

TEXT = "Russia backs the state. Iran builds networks.\n"


@pytest.fixture
def good_export(tmp_path: Path, codebook) -> dict:
    """A real `gloss export --format json` of one document with one annotation."""
    with Store(tmp_path / "source.json") as store:
        document = store.add_document(Document.from_text(TEXT, title="Two interests"))
        store.annotate(document.id, 0, 6, tags=["actor/russia"], memo="first", analyst="ana")
        return json.loads(render("json", select(store, codebook)))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def import_file(capsys, store_path: Path, file: Path) -> tuple[int, str]:
    code = main(["import", "--db", str(store_path), str(file)])
    return code, capsys.readouterr().err


def changed(export: dict, kind: str, field: str, value) -> dict:
    copy = json.loads(json.dumps(export))
    copy[kind][0][field] = value
    return copy


BAD_RECORDS = [
    ("documents", "title", 5, "documents[0] (id sha256:", '"title" must be a string'),
    ("documents", "title", {"a": 1}, "documents[0]", '"title" must be a string or null, not an'),
    ("documents", "added", 20260101, "documents[0]", '"added" must be a string or null'),
    ("documents", "added", {"y": 2026}, "documents[0]", '"added"'),
    ("documents", "path", ["a"], "documents[0]", '"path"'),
    ("documents", "metadata", "x", "documents[0]", '"metadata" must be an object'),
    ("annotations", "start", 1.0, "annotations[0] (id ", '"start" must be a whole number'),
    ("annotations", "start", True, "annotations[0]", '"start" must be a whole number'),
    ("annotations", "end", "6", "annotations[0]", '"end" must be a whole number'),
    ("annotations", "start", -1, "annotations[0]", '"start" is -1'),
    ("annotations", "start", 6, "annotations[0]", '"start" (6) must be before "end" (6)'),
    ("annotations", "end", 999, "annotations[0]", '"end" (999) is past the end'),
    ("annotations", "tags", "actor/russia", "annotations[0]", '"tags" must be a list'),
    ("annotations", "tags", [1], "annotations[0]", '"tags" must be a list of strings'),
    ("annotations", "memo", 7, "annotations[0]", '"memo" must be a string or null'),
    ("annotations", "memo", "a\ud800b", "annotations[0]", '"memo" holds a lone surrogate'),
    ("annotations", "quote", None, "annotations[0]", '"quote" must be a string'),
    ("annotations", "confidence", "sure", "annotations[0]", '"confidence"'),
    ("annotations", "id", 12, "annotations[0]", '"id" must be a non-empty string'),
]


@pytest.mark.parametrize(("kind", "field", "value", "record", "reason"), BAD_RECORDS)
def test_a_bad_record_is_refused_in_one_line_and_nothing_is_written(
    capsys, tmp_path: Path, good_export: dict, kind, field, value, record, reason
) -> None:
    file = tmp_path / "bad.json"
    # json.dumps writes a lone surrogate as the escape a file can hold: \ud800.
    file.write_text(json.dumps(changed(good_export, kind, field, value)), encoding="utf-8")
    store_path = tmp_path / "store" / "gloss.json"
    code, err = import_file(capsys, store_path, file)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"gloss: {file}: bad record {record}")
    assert reason in err
    assert not store_path.parent.exists()  # not even an empty store


def test_a_refused_import_leaves_an_existing_store_byte_for_byte(
    capsys, tmp_path: Path, good_export: dict
) -> None:
    store_path = tmp_path / "store" / "gloss.json"
    with Store(store_path) as store:
        store.add_document(Document.from_text("Another text.\n", title="Other"))
    before = folder_bytes(store_path.parent)
    bad = changed(good_export, "documents", "title", 5)
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(bad), encoding="utf-8")
    assert import_file(capsys, store_path, file)[0] == 2
    assert folder_bytes(store_path.parent) == before
    # And the store still works for every command that reads it.
    assert main(["export", "--db", str(store_path), "-f", "md"]) == 0


@pytest.mark.parametrize(
    ("replacement", "reason"),
    [
        ('"start": Infinity', "Infinity is not a number JSON allows"),
        ('"start": -Infinity', "-Infinity is not a number JSON allows"),
        ('"start": NaN', "NaN is not a number JSON allows"),
        ('"start": 1e400', "the number 1e400 is too large"),
        ('"start": ' + "9" * 5000, "a number of 5000 digits is past 64 bits"),
        ('"start": 18446744073709551616', "is past 64 bits"),
    ],
)
def test_numbers_json_cannot_hold_are_refused_in_one_line(
    capsys, tmp_path: Path, good_export: dict, replacement: str, reason: str
) -> None:
    text = json.dumps(good_export).replace('"start": 0', replacement)
    assert replacement in text
    file = tmp_path / "bad.json"
    file.write_text(text, encoding="utf-8")
    code, err = import_file(capsys, tmp_path / "gloss.json", file)
    assert code == 2
    assert err.startswith(f"gloss: {file}: ") and err.count("\n") == 1
    assert reason in err
    assert not (tmp_path / "gloss.json").exists()


def test_nesting_100_000_deep_is_refused_in_one_line(
    capsys, tmp_path: Path, good_export: dict
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    text = json.dumps(good_export).replace('"metadata": {}', f'"metadata": {{"x": {deep}}}')
    file = tmp_path / "deep.json"
    file.write_text(text, encoding="utf-8")
    code, err = import_file(capsys, tmp_path / "gloss.json", file)
    assert (code, err) == (2, f"gloss: {file}: not valid JSON (nested too deeply)\n")


def test_a_lone_surrogate_escape_in_the_file_is_refused(
    capsys, tmp_path: Path, good_export: dict
) -> None:
    text = json.dumps(good_export).replace('"memo": "first"', '"memo": "\\udc80 first"')
    file = tmp_path / "surrogate.json"
    file.write_text(text, encoding="utf-8")
    code, err = import_file(capsys, tmp_path / "gloss.json", file)
    assert code == 2
    assert '"memo" holds a lone surrogate (U+DC80)' in err


def test_offsets_are_checked_against_a_document_already_in_the_store(
    store: Store, good_export: dict
) -> None:
    document = store.add_document(Document.from_text(TEXT, title="Two interests"))
    annotation = {**good_export["annotations"][0], "start": 40, "end": len(TEXT) + 5}
    with pytest.raises(StoreError, match=r'"end" \(51\) is past the end of its document \(46'):
        store.import_records({"gloss": 1, "documents": [], "annotations": [annotation]})
    assert store.annotations(document.id) == []


def test_an_import_file_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    # In a process of its own: were it to wait for a writer, the test fails, not hangs.
    finished = subprocess.run(
        [sys.executable, "-m", "tui.cli", "import", "--db", str(tmp_path / "g.json"), str(fifo)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (finished.returncode, finished.stderr) == (2, f"gloss: {fifo}: is not a regular file\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "command",
    [["export"], ["export", "-f", "md"], ["stats"], ["codebook", "show"], ["codebook", "check"]],
)
def test_a_write_error_on_stdout_is_one_line_and_exit_2(
    tmp_path: Path, good_export: dict, command: list[str]
) -> None:
    store_path = tmp_path / "gloss.json"
    with Store(store_path) as store:
        store.import_records(good_export)
    with open("/dev/full", "wb") as full:
        finished = subprocess.run(
            [sys.executable, "-m", "tui.cli", *command, "--db", str(store_path)]
            if command[0] != "codebook"
            else [sys.executable, "-m", "tui.cli", *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert finished.returncode == 2
    assert finished.stderr == (
        "gloss: cannot write to stdout (No space left on device); the output is incomplete\n"
    )


def test_the_command_line_refuses_offsets_past_a_document_already_in_the_store(
    tmp_path: Path, capsys, good_export: dict
) -> None:
    store_path = tmp_path / "gloss.json"
    with Store(store_path) as store:
        store.add_document(Document.from_text(TEXT, title="Two interests"))
    annotation = {**good_export["annotations"][0], "start": 40, "end": len(TEXT) + 5}
    file = tmp_path / "past.json"
    file.write_text(json.dumps({"gloss": 1, "documents": [], "annotations": [annotation]}))
    code, err = import_file(capsys, store_path, file)
    assert code == 2
    assert '"end" (51) is past the end of its document (46 characters)' in err
    with Store(store_path) as store:
        assert store.annotations() == []


def test_a_json_import_checks_its_records_as_it_parses_them(
    tmp_path: Path, capsys, good_export: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each walk of 100,000 records costs a quarter of a second: the command line checks
    # a file as Gloss writes it while msgspec parses it (in C), before it opens the store,
    # and the store then checks only what needs it — no walk of the check in Python.
    import annotations.validation as validation

    walks = []
    plainly_good = validation._is_plainly_good

    def counted_fast(record, lengths, **options):
        walks.append(record["id"])
        return plainly_good(record, lengths, **options)

    monkeypatch.setattr(validation, "_is_plainly_good", counted_fast)
    file = tmp_path / "good.json"
    file.write_text(json.dumps(good_export))
    code, _ = import_file(capsys, tmp_path / "gloss.json", file)
    assert code == 0
    assert walks == []

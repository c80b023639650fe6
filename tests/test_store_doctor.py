"""`gloss doctor`: check, repair into a new file, list and restore backups."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from annotations import Document, Store
from annotations import journal as journal_module
from annotations.recovery import salvage_tables
from annotations.storage import journal_path, list_backups
from tui.cli import main

TEXT = "Russia keeps the army.\n\nIran keeps the people.\n"


def make_store(path: Path, count: int = 12, *, journal_limit: int = 1 << 30) -> list[str]:
    """A store with `count` annotations, the last few only in the journal."""
    with Store(path, journal_limit=journal_limit) as store:
        document = store.add_document(Document.from_text(TEXT, title="Two interests"))
        ids = [store.annotate(document.id, i % 20, i % 20 + 3, memo=str(i)).id for i in range(8)]
    with Store(path, journal_limit=journal_limit) as store:
        ids += [store.annotate(document.id, 0, i + 1).id for i in range(count - 8)]
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
    return ids


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_healthy_store_checks_out(store_path: Path, capsys: pytest.CaptureFixture) -> None:
    make_store(store_path)
    assert main(["doctor", "--db", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert "schema 6" in out
    assert "12 annotation(s)" in out
    assert "PROBLEM" not in out


def test_a_truncated_store_is_reported_repaired_beside_it_and_left_as_it_was(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    ids = make_store(store_path)
    raw = store_path.read_bytes()
    store_path.write_bytes(raw[: len(raw) * 3 // 4])
    before = files(store_path.parent)

    assert main(["export", "--db", str(store_path)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0
    assert str(store_path) in error and "gloss doctor" in error

    assert main(["doctor", "--db", str(store_path)]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM" in out and "--repair" in out

    assert main(["doctor", "--db", str(store_path), "--repair"]) == 0
    out = capsys.readouterr().out
    (recovered,) = [p for p in store_path.parent.iterdir() if ".recovered-" in p.name]
    assert str(recovered) in out
    after = files(store_path.parent)
    del after[recovered.name]
    assert after == before  # nothing of the store was touched
    with Store(recovered) as store:
        found = {a.id for a in store.annotations()}
    assert set(ids[8:]) <= found  # the journal's saves
    assert 0 < len(found) < len(ids) or found == set(ids)


def test_repair_skips_a_damaged_journal_entry_and_keeps_the_rest(store_path: Path) -> None:
    ids = make_store(store_path, count=14)
    journal = journal_path(store_path)
    lines = journal.read_bytes().split(b"\n")
    lines[2] = lines[2][:20] + b"X" + lines[2][21:]
    journal.write_bytes(b"\n".join(lines))
    assert main(["doctor", "--db", str(store_path)]) == 1
    assert main(["doctor", "--db", str(store_path), "--repair"]) == 0
    (recovered,) = [p for p in store_path.parent.iterdir() if ".recovered-" in p.name]
    with Store(recovered) as store:
        found = {a.id for a in store.annotations()}
    assert len(found) == len(ids) - 1
    assert ids[9] not in found


def test_backups_are_listed_and_restored(store_path: Path, capsys: pytest.CaptureFixture) -> None:
    make_store(store_path, journal_limit=2_000)
    backups = list_backups(store_path)
    assert backups
    assert main(["doctor", "--db", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert all(b.name in out for b in backups)
    oldest = backups[0]
    with Store(oldest, read_only=True) as old:
        expected = {a.id for a in old.annotations()}
    assert main(["doctor", "--db", str(store_path), "--restore", oldest.name]) == 0
    out = capsys.readouterr().out
    (aside,) = [
        p for p in store_path.parent.iterdir() if ".replaced-" in p.name and p.suffix == ".json"
    ]
    assert str(aside) in out
    with Store(store_path) as store:
        assert {a.id for a in store.annotations()} == expected
    with Store(aside) as kept:  # the store as it was still opens
        assert len(kept.annotations()) == 12


def test_restoring_an_unknown_backup_is_one_line_and_exit_2(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    make_store(store_path)
    assert main(["doctor", "--db", str(store_path), "--restore", "no-such-backup"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_salvage_reads_records_up_to_the_damage() -> None:
    text = json.dumps({"meta": {"schema": {"schema": 2}}, "t": {"a": {"x": 1}, "b": {"x": 2}}})
    tables, complete = salvage_tables(text)
    assert complete and tables["t"] == {"a": {"x": 1}, "b": {"x": 2}}
    tables, complete = salvage_tables(text[: text.index('"b"') + 8])
    assert not complete and tables["t"] == {"a": {"x": 1}}


def test_import_into_a_full_disk_exits_2_with_a_message(
    tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    source = tmp_path / "source.json"
    make_store(source)
    exported = tmp_path / "export.json"
    assert main(["export", "--db", str(source), "-o", str(exported)]) == 0
    with Store(store_path):
        pass

    def disk_full(descriptor: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(journal_module.os, "write", disk_full)
    capsys.readouterr()
    assert main(["import", "--db", str(store_path), str(exported)]) == 2
    error = capsys.readouterr().err
    assert "disk is full" in error and error.count("\n") == 1
    monkeypatch.undo()
    with Store(store_path) as store:
        assert store.annotations() == []


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("on_terminal", [True, False])
def test_import_shows_progress_on_a_terminal_only(
    tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch, on_terminal: bool
) -> None:
    source = tmp_path / "source.json"
    make_store(source)
    exported = tmp_path / "export.json"
    assert main(["export", "--db", str(source), "-o", str(exported)]) == 0
    stderr = Terminal() if on_terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(["import", "--db", str(store_path), str(exported)]) == 0
    lines = stderr.getvalue().splitlines()
    assert "imported 12 new annotations" in lines[-1]
    assert ("importing" in stderr.getvalue()) is on_terminal
    if not on_terminal:
        assert len(lines) == 1


def test_repair_carries_the_tables_it_does_not_repair(store_path: Path) -> None:
    ids = make_store(store_path)
    with Store(store_path) as store:
        (document,) = store.documents()
        store.mark_opened(document.id, "2026-11-26T09:30:00Z")
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
    # A table some later Gloss keeps: carried as it is, like `opened`.
    snapshot = json.loads(store_path.read_text())
    snapshot["bookmarks"] = {"b1": {"document": document.id, "offset": 7}}
    snapshot["documents"][document.id]["reviewed_by"] = "kim"  # a field it does not know
    store_path.write_text(json.dumps(snapshot))
    assert main(["doctor", "--db", str(store_path), "--repair"]) == 0
    (recovered,) = [p for p in store_path.parent.iterdir() if ".recovered-" in p.name]
    with Store(recovered) as store:
        assert store.last_opened(document.id) == "2026-11-26T09:30:00Z"
        assert {a.id for a in store.annotations()} == set(ids)
        assert store.document(document.id).text == TEXT
    repaired = json.loads(recovered.read_text())
    assert repaired["bookmarks"] == snapshot["bookmarks"]
    assert repaired["documents"][document.id]["reviewed_by"] == "kim"


def test_repair_rebuilds_a_document_whose_record_was_lost_from_its_text(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    ids = make_store(store_path)
    snapshot = json.loads(store_path.read_text())
    (key,) = snapshot["documents"]
    snapshot["documents"][key] = {"id": key, "title": 7, "metadata": "damaged"}
    store_path.write_text(json.dumps(snapshot))
    assert main(["doctor", "--db", str(store_path), "--repair"]) == 0
    assert "1 document(s) rebuilt from their text" in capsys.readouterr().out
    (recovered,) = [p for p in store_path.parent.iterdir() if ".recovered-" in p.name]
    with Store(recovered) as store:
        (document,) = store.documents()
        assert document.text == TEXT and document.title == "Russia keeps the army."
        assert {a.id for a in store.annotations()} == set(ids)


def test_the_backup_of_a_schema_2_store_restores_with_its_journal(store_path: Path) -> None:
    data = Path(__file__).parent / "data"
    shutil.copy(data / "store-schema2.json", store_path)
    shutil.copy(data / "store-schema2.json.journal", journal_path(store_path))
    with Store(store_path) as store:  # migrated; the original kept as a backup pair
        before = {a.id: a for a in store.annotations()}
        for annotation in before.values():
            store.delete(annotation.id)
    (backup,) = [b for b in list_backups(store_path) if "schema2" in b.name]
    assert main(["doctor", "--db", str(store_path), "--restore", backup.name]) == 0
    with Store(store_path) as store:
        assert {a.id: a for a in store.annotations()} == before
        assert store.schema_version == 6


def test_a_schema_2_store_checks_out_and_repairs_into_the_current_layout(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = Path(__file__).parent / "data"
    shutil.copy(data / "store-schema2.json", store_path)
    shutil.copy(data / "store-schema2.json.journal", journal_path(store_path))
    assert main(["doctor", "--db", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert "schema 2" in out and "migrated to schema 6 when Gloss next opens it" in out
    assert "3 document(s), 5 annotation(s)" in out
    assert main(["doctor", "--db", str(store_path), "--repair"]) == 0
    (recovered,) = [p for p in store_path.parent.iterdir() if ".recovered-" in p.name]
    with Store(store_path, read_only=True) as original, Store(recovered) as repaired:
        assert repaired.schema_version == 6
        assert repaired.documents() == original.documents()
        assert repaired.annotations() == original.annotations()
        for document in original.documents():
            assert repaired.last_opened(document.id) == original.last_opened(document.id)

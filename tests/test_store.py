"""The store: what it saves, how it opens old and damaged files, what it does when a save fails."""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from annotations import Annotation, Codebook, Document, Store, StoreError, StoreSaveError
from annotations import journal as journal_module
from annotations.export import select
from annotations.export.json import records
from annotations.storage import backup_folder, journal_path, list_backups, load_json

DATA = Path(__file__).parent / "data"
SCHEMA_1 = DATA / "store-schema1.json"
# Written by the schema-2 Gloss (commit d0dba50): a report revised once (its old version
# superseded, one annotation orphaned on it), a multilingual document with control
# characters, last-opened times, and seven saves still in the journal beside it.
SCHEMA_2 = DATA / "store-schema2.json"

TEXT = "Russia keeps the army.\n\nIran keeps the people.\n"


def small_document(text: str = TEXT, title: str = "Two interests") -> Document:
    return Document.from_text(text, title=title)


def exported_records(store: Store) -> dict:
    """What `gloss export --format json` writes, as data."""
    return records(select(store, Codebook.default()))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- what is saved ----------------------------------------------------------------------


def test_every_change_is_there_after_reopening(store_path: Path) -> None:
    with Store(store_path) as store:
        document = store.add_document(small_document())
        kept = store.annotate(document.id, 0, 6, tags=["actor/russia"], analyst="ana")
        store.update(kept.id, memo="state first", tags=["actor/russia", "interest/military"])
        gone = store.annotate(document.id, 24, 28, tags=["actor/iran"], analyst="bob")
        store.delete(gone.id)
    with Store(store_path) as store:
        (annotation,) = store.annotations(document.id)
        assert annotation.id == kept.id
        assert annotation.memo == "state first"
        assert annotation.tags == ("actor/russia", "interest/military")
        assert store.count(document.id) == 1
        assert store.schema_version == 6


def test_filters_and_document_order(store: Store) -> None:
    document = store.add_document(small_document())
    late = store.annotate(document.id, 24, 28, tags=["actor/iran"], analyst="bob")
    early = store.annotate(document.id, 0, 6, tags=["actor/russia"], analyst="ana")
    assert [a.id for a in store.annotations(document.id)] == [early.id, late.id]
    assert [a.id for a in store.annotations(analyst="bob")] == [late.id]
    assert [a.id for a in store.annotations(tag="actor/russia")] == [early.id]
    assert store.find_document(document.id[:15]) == document


def test_a_save_appends_to_the_journal_and_leaves_the_snapshot_alone(store_path: Path) -> None:
    with Store(store_path) as store:
        document = store.add_document(small_document("x" * 200_000 + "\n"))
        snapshot = store_path.read_bytes()
        journal_size = journal_path(store_path).stat().st_size
        store.annotate(document.id, 0, 5)
        assert store_path.read_bytes() == snapshot
        grown = journal_path(store_path).stat().st_size - journal_size
        assert 0 < grown < 2_000  # the annotation, not the 200 kB text


def test_document_metadata_is_merged_and_saved(store_path: Path) -> None:
    with Store(store_path) as store:
        old = store.add_document(small_document())
        new = store.add_document(small_document(TEXT + "More.\n"))
        updated = store.set_document_metadata(old.id, superseded_by=new.id)
        assert updated.metadata["superseded_by"] == new.id
    with Store(store_path) as store:
        assert store.document(old.id).metadata == {"superseded_by": new.id}


def test_last_opened_reads_the_older_place_too(store: Store) -> None:
    """Before the `opened` table, the time was kept in the document's metadata."""
    older = store.add_document(
        Document.from_text(TEXT, metadata={"last_opened": "2026-01-01T00:00:00Z"})
    )
    assert store.last_opened(older.id) == "2026-01-01T00:00:00Z"
    store.mark_opened(older.id, "2026-11-26T09:00:00Z")
    assert store.last_opened(older.id) == "2026-11-26T09:00:00Z"
    assert store.last_opened("sha256:unknown") is None


def test_read_only_store_refuses_writes_and_says_why(store_path: Path) -> None:
    with Store(store_path) as store:
        document = store.add_document(small_document())
    before = folder_bytes(store_path.parent)
    with Store(store_path, read_only=True) as store:
        assert store.read_only_reason
        with pytest.raises(StoreError, match="read-only"):
            store.annotate(document.id, 0, 6)
    assert folder_bytes(store_path.parent) == before


# -- import ----------------------------------------------------------------------------


def test_import_merges_reports_conflicts_and_calls_progress(tmp_path: Path) -> None:
    with Store(tmp_path / "a.json") as source:
        document = source.add_document(small_document())
        first = source.annotate(document.id, 0, 6, tags=["actor/russia"], analyst="ana")
        second = source.annotate(document.id, 24, 28, tags=["actor/iran"], analyst="ana")
        exported = exported_records(source)
    with Store(tmp_path / "b.json") as target:
        calls: list[tuple[int, int]] = []
        report = target.import_records(exported, progress=lambda d, t: calls.append((d, t)))
        assert (report.documents_added, report.annotations_added) == (1, 2)
        assert calls[-1] == (2, 2)
        again = target.import_records(exported)
        assert (again.annotations_added, again.unchanged, again.conflicts) == (0, 2, 0)
        changed = json.loads(json.dumps(exported))
        changed["annotations"][0]["memo"] = "newer"
        changed["annotations"][0]["modified"] = "2999-01-01T00:00:00Z"
        merged = target.import_records(changed)
        assert (merged.annotations_updated, merged.conflicts) == (1, 1)
    with Store(tmp_path / "b.json") as target:
        assert target.annotation(first.id).memo == "newer"
        assert target.annotation(second.id).memo == ""


def test_import_with_a_bad_record_changes_nothing(store: Store) -> None:
    document = store.add_document(small_document())
    good = exported_records(store)
    bad = {
        "gloss": 1,
        "documents": good["documents"],
        "annotations": [{"id": "x", "document": document.id, "start": "nope", "end": 3}],
    }
    with pytest.raises(StoreError, match=r'bad record annotations\[0\] \(id x\): "start"'):
        store.import_records(bad)
    assert store.annotations() == []


# -- migration from the first released layout --------------------------------------------


def test_the_first_released_layout_is_migrated_and_kept_as_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    shutil.copy(SCHEMA_1, path)
    original = json.loads(SCHEMA_1.read_text())
    with Store(path) as store:
        assert store.schema_version == 6
        titles = sorted(d.title for d in store.documents())
        assert titles == ["Second", "Two interests"]
        ids = sorted(a.id for a in store.annotations())
        expected = sorted(
            key
            for name, table in original.items()
            if name.startswith("annotations:")
            for key in table
        )
        assert ids == expected
        store.annotate(store.documents()[0].id, 0, 4)
    on_disk = json.loads(path.read_text())
    assert on_disk["meta"]["schema"]["schema"] == 6
    (backup,) = [b for b in list_backups(path) if "schema1" in b.name]
    assert backup.read_bytes() == SCHEMA_1.read_bytes()
    with Store(path, journal_limit=2_000) as store:
        assert len(store.annotations()) == len(expected) + 1
        for start in range(40):
            store.annotate(store.documents()[0].id, start % 20, start % 20 + 2)
            # Background compactions run as the thread gets time; compact in the
            # foreground too, so the number of snapshots does not depend on the load.
            if start % 5 == 0:
                store.compact()
    backups = list_backups(path)
    assert len(backups) == 6  # five rotating, and the original kept out of the rotation
    assert backups[0].read_bytes() == SCHEMA_1.read_bytes()


def test_a_read_only_open_of_the_first_layout_leaves_it_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    shutil.copy(SCHEMA_1, path)
    with Store(path, read_only=True) as store:
        assert store.schema_version == 6
        assert len(store.annotations()) == 3
    assert path.read_bytes() == SCHEMA_1.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gloss.json"]


def schema_2_contents() -> dict[str, dict]:
    """The schema-2 fixture's tables as a reader sees them: its journal's saves applied
    (read here by hand, not by the store's code)."""
    tables = json.loads(SCHEMA_2.read_text(encoding="utf-8"))
    journal = journal_path(SCHEMA_2).read_bytes().split(b"\n")
    assert json.loads(journal[0][9:])["generation"] == tables["meta"]["snapshot"]["generation"]
    for line in filter(None, journal[1:]):
        for table, key, record in json.loads(line[9:]):
            if record is None:
                tables.setdefault(table, {}).pop(key, None)
            else:
                tables.setdefault(table, {})[key] = record
    return tables


def test_a_schema_2_store_is_migrated_with_its_journal_and_kept_as_a_backup(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gloss.json"
    shutil.copy(SCHEMA_2, path)
    shutil.copy(journal_path(SCHEMA_2), journal_path(path))
    expected = schema_2_contents()
    documents = expected["documents"]
    annotations = {
        key: record
        for name, table in expected.items()
        if name.startswith("annotations:")
        for key, record in table.items()
    }
    assert len(documents) == 3 and len(annotations) == 5  # what the fixture holds
    for _ in range(2):  # migrated on the first open; the second reads the new layout
        with Store(path) as store:
            assert store.schema_version == 6
            assert {d.id: d.to_record() for d in store.documents()} == documents
            for key, record in documents.items():
                assert store.document(key).text == record["text"]  # exactly, every character
            assert {a.id: a.to_record() for a in store.annotations()} == annotations
            for key in expected["opened"]:
                assert store.last_opened(key) == expected["opened"][key]["last_opened"]
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["meta"]["schema"] == {"schema": 6, "migrated_from": 2}
    assert all("text" not in record for record in on_disk["documents"].values())
    assert {key: r["text"] for key, r in on_disk["texts"].items()} == {
        key: r["text"] for key, r in documents.items()
    }
    # The original snapshot and its journal, byte for byte, side by side in the backups.
    (backup,) = [b for b in list_backups(path) if "schema2" in b.name]
    assert backup.read_bytes() == SCHEMA_2.read_bytes()
    assert journal_path(backup).read_bytes() == journal_path(SCHEMA_2).read_bytes()


def test_a_crash_between_the_migration_s_two_renames_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations import journaled_tables as store_module

    path = tmp_path / "gloss.json"
    shutil.copy(SCHEMA_2, path)
    shutil.copy(journal_path(SCHEMA_2), journal_path(path))
    real_replace = store_module.replace_file

    def die_before_the_journal(target: Path, chunks) -> None:  # type: ignore[no-untyped-def]
        if target == journal_path(path):
            raise OSError(errno.EIO, "killed")
        real_replace(target, chunks)

    monkeypatch.setattr(store_module, "replace_file", die_before_the_journal)
    Store(path, read_only=False).close()
    monkeypatch.undo()
    # The new snapshot is in place beside the old journal.
    assert json.loads(path.read_text())["meta"]["schema"]["schema"] == 6
    assert journal_path(path).read_bytes() == journal_path(SCHEMA_2).read_bytes()
    expected = schema_2_contents()
    with Store(path) as store:
        assert {d.id: d.to_record() for d in store.documents()} == expected["documents"]
        assert len(store.annotations()) == 5
        store.annotate(store.documents()[0].id, 0, 3)
    with Store(path) as store:
        assert len(store.annotations()) == 6


def test_a_read_only_open_of_a_schema_2_store_reads_it_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gloss.json"
    shutil.copy(SCHEMA_2, path)
    shutil.copy(journal_path(SCHEMA_2), journal_path(path))
    before = folder_bytes(tmp_path)
    with Store(path, read_only=True) as store:
        texts = {d.id: d.text for d in store.documents()}
        assert len(store.annotations()) == 5
    assert texts == {key: r["text"] for key, r in schema_2_contents()["documents"].items()}
    assert folder_bytes(tmp_path) == before


def test_a_copy_that_read_a_schema_2_store_follows_its_migration(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    shutil.copy(SCHEMA_2, path)
    shutil.copy(journal_path(SCHEMA_2), journal_path(path))
    with Store(path, read_only=True) as reader:  # migrated in memory only
        with Store(path) as writer:  # migrates the files
            document = writer.documents()[0]
            added = writer.annotate(document.id, 0, 3, memo="after the migration")
        assert reader.refresh() is True
        assert reader.annotation(added.id).memo == "after the migration"
        assert len(reader.annotations()) == 6
        assert reader.document(document.id).text == document.text


def test_a_schema_2_store_with_a_damaged_journal_is_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    shutil.copy(SCHEMA_2, path)
    lines = journal_path(SCHEMA_2).read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"ana"', b'"eve"')
    journal_path(path).write_bytes(b"\n".join(lines))
    before = folder_bytes(tmp_path)
    with pytest.raises(StoreError, match="damaged entry"):
        Store(path)
    after = folder_bytes(tmp_path)
    assert after.pop("gloss.json.lock") == b""  # the lock file, empty, is all it made
    assert after == before


def test_a_metadata_change_journals_the_metadata_not_the_text(store_path: Path) -> None:
    with Store(store_path) as store:
        document = store.add_document(small_document("a megabyte of words. " * 50_000))
        assert len(document.text) > 1_000_000
        journal = journal_path(store_path)
        before = journal.stat().st_size
        store.set_document_metadata(document.id, superseded_by="sha256:" + "0" * 64)
        store.add_document(replace(document, path="/elsewhere/report.txt"))  # a new path
        store.mark_opened(document.id, "2026-11-26T09:00:00Z")
        grown = journal.stat().st_size - before
        assert 0 < grown < 10_000
    with Store(store_path) as store:
        reopened = store.document(document.id)
        assert reopened.text == document.text
        assert reopened.metadata == {"superseded_by": "sha256:" + "0" * 64}
        assert reopened.path == "/elsewhere/report.txt"


def test_a_document_and_its_text_are_saved_as_one_journal_entry(store_path: Path) -> None:
    """All or nothing: a crash can never leave a document record without its text."""
    with Store(store_path) as store:
        journal = journal_path(store_path)
        lines = journal.read_bytes().count(b"\n")
        store.add_document(small_document())
        (entry,) = journal.read_bytes().split(b"\n")[lines:-1]
    tables = sorted(table for table, _, _ in json.loads(entry[9:]))
    assert tables == ["documents", "texts"]


def test_another_copy_sees_a_metadata_change_with_the_text_intact(store_path: Path) -> None:
    with Store(store_path) as first, Store(store_path) as second:
        document = first.add_document(small_document())
        second.refresh()
        first.set_document_metadata(document.id, author="Анна")
        assert second.refresh() is True
        seen = second.document(document.id)
        assert seen.metadata == {"author": "Анна"} and seen.text == document.text


# -- damaged, truncated and foreign files ------------------------------------------------

DAMAGED = {
    "garbage": b"\x00\x01not json at all\xff",
    "truncated": SCHEMA_1.read_bytes()[: len(SCHEMA_1.read_bytes()) // 2],
    "foreign list": b"[1, 2, 3]",
    "foreign tinydb": b'{"_default": {"1": {"name": "someone else"}}}',
    "newer": b'{"meta": {"schema": {"schema": 99}}}',
}


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_or_foreign_file_is_named_and_left_untouched(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "gloss.json"
    path.write_bytes(DAMAGED[kind])
    for read_only in (False, True):
        with pytest.raises(StoreError) as caught:
            Store(path, read_only=read_only)
        message = str(caught.value)
        assert str(path) in message
        assert "gloss doctor" in message or "upgrade" in message
        assert "\n" not in message
    assert path.read_bytes() == DAMAGED[kind]
    assert [p.name for p in tmp_path.iterdir() if p.name != "gloss.json.lock"] == ["gloss.json"]


def test_a_damaged_file_is_described_as_the_standard_json_parser_sees_it(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    path.write_bytes(b'{"meta": {"schema": {"schema": 3}}, "documents": {"x": ')
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert "invalid JSON at byte 55: Expecting value" in str(caught.value)
    path.write_bytes(b'{"meta": "caf\xe9"}')
    with pytest.raises(StoreError, match="not UTF-8 text"):
        Store(path)


def test_an_integer_past_64_bits_in_metadata_survives_reopening(store_path: Path) -> None:
    # An import refuses such a number (annotations/validation.py); a document made in
    # Python may still carry one, and the store keeps it exactly.
    document = replace(small_document(), metadata={"catalogue": 2**70, "ratio": 0.5})
    with Store(store_path) as store:
        store.add_document(document)
        store.compact()  # into the snapshot
    with Store(store_path) as store:
        metadata = store.document(document.id).metadata
    assert metadata == {"catalogue": 2**70, "ratio": 0.5}
    assert type(metadata["catalogue"]) is int


def test_a_damaged_journal_line_is_reported_and_nothing_is_touched(store_path: Path) -> None:
    with Store(store_path, journal_limit=1 << 30) as store:
        document = store.add_document(small_document())
        for start in range(0, 20, 2):
            store.annotate(document.id, start, start + 1)
    # closing compacted the small store; write more to have a journal to damage
    with Store(store_path, journal_limit=1 << 30) as store:
        store.annotate(document.id, 0, 3)
        store.annotate(document.id, 3, 6)
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
    journal = journal_path(store_path)
    lines = journal.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"start":0', b'"start":9')
    journal.write_bytes(b"\n".join(lines))
    before = folder_bytes(store_path.parent)
    with pytest.raises(StoreError, match="damaged entry") as caught:
        Store(store_path)
    assert str(journal) in str(caught.value)
    assert folder_bytes(store_path.parent) == before


def test_an_unfinished_last_journal_line_is_ignored_then_cut(store_path: Path) -> None:
    with Store(store_path) as store:
        document = store.add_document(small_document())
        kept = store.annotate(document.id, 0, 6)
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
    journal = journal_path(store_path)
    complete = journal.read_bytes()
    with journal.open("ab") as handle:
        handle.write(b'0badc0de [["annotations:x","y",{"half":')
    with Store(store_path, read_only=True) as store:
        assert [a.id for a in store.annotations()] == [kept.id]
    with Store(store_path) as store:
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
        another = store.annotate(document.id, 24, 28)
        written = journal.read_bytes()
        assert written.startswith(complete)
        assert b"half" not in written
    with Store(store_path) as store:
        assert {a.id for a in store.annotations()} == {kept.id, another.id}


# -- failed saves ----------------------------------------------------------------------


def failing_write(code: int):
    def write(descriptor: int, *data: bytes) -> int:
        raise OSError(code, os.strerror(code))

    return write


@pytest.mark.parametrize(
    ("code", "reason"), [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only")]
)
def test_a_save_that_cannot_be_written_is_kept_and_retried(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    with Store(store_path) as store:
        document = store.add_document(small_document())
        monkeypatch.setattr(journal_module.os, "write", failing_write(code))
        with pytest.raises(StoreSaveError, match=reason) as caught:
            first = store.annotate(document.id, 0, 6, memo="one")
        assert str(store_path) in str(caught.value)
        assert store.pending == 1
        (shown,) = store.annotations()
        assert shown.memo == "one"
        with pytest.raises(StoreSaveError):
            store.update(shown.id, memo="two")
        assert store.pending == 2
        assert store.retry() is False
        monkeypatch.undo()
        assert store.retry() is True
        assert store.pending == 0
        first = shown
    with Store(store_path) as store:
        assert store.annotation(first.id).memo == "two"


def test_the_next_save_also_writes_what_was_pending(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(store_path) as store:
        document = store.add_document(small_document())
        monkeypatch.setattr(journal_module.os, "fdatasync", failing_write(errno.EIO))
        with pytest.raises(StoreSaveError, match="input/output"):
            lost_once = store.annotate(document.id, 0, 6)
        monkeypatch.undo()
        lost_once = store.annotations()[0]
        later = store.annotate(document.id, 24, 28)
        assert store.pending == 0
    with Store(store_path) as store:
        assert {a.id for a in store.annotations()} == {lost_once.id, later.id}


def test_closing_tries_the_pending_changes_once_more(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(store_path)
    document = store.add_document(small_document())
    monkeypatch.setattr(journal_module.os, "write", failing_write(errno.ENOSPC))
    with pytest.raises(StoreSaveError):
        store.annotate(document.id, 0, 6, memo="pending at close")
    monkeypatch.undo()
    store.close()
    assert store.pending == 0
    with Store(store_path) as reopened:
        assert [a.memo for a in reopened.annotations()] == ["pending at close"]


# -- compaction, backups, two copies in one process ---------------------------------------


def test_compaction_keeps_everything_and_makes_backups(store_path: Path) -> None:
    with Store(store_path, journal_limit=4_000) as store:
        document = store.add_document(small_document())
        made = [store.annotate(document.id, i % 40, i % 40 + 3, memo=str(i)) for i in range(60)]
        for annotation in made[::3]:
            store.delete(annotation.id)
    backups = list_backups(store_path)
    assert 1 <= len(backups) <= 5
    assert backup_folder(store_path).is_dir()
    with Store(store_path) as store:
        assert {a.id for a in store.annotations()} == {a.id for a in made} - {
            a.id for a in made[::3]
        }


def test_two_copies_see_each_other_and_survive_compaction(store_path: Path) -> None:
    with Store(store_path, journal_limit=3_000) as first, Store(store_path) as second:
        document = first.add_document(small_document())
        assert second.refresh() is True
        assert second.refresh() is False
        mine = [first.annotate(document.id, 0, 6, memo=str(i)) for i in range(30)]
        first.wait_for_compaction()
        theirs = second.annotate(document.id, 24, 28, memo="second copy")
        assert first.refresh() is True
        assert first.annotation(theirs.id).memo == "second copy"
        assert {a.id for a in second.annotations()} == {a.id for a in mine} | {theirs.id}
        # a stale copy's update is applied on top of the other's changes, not over them
        first.update(mine[0].id, memo="edited in first")
        second.update(mine[1].id, memo="edited in second")
    with Store(store_path) as store:
        assert store.annotation(mine[0].id).memo == "edited in first"
        assert store.annotation(mine[1].id).memo == "edited in second"
        assert len(store.annotations()) == 31


def test_refresh_reads_nothing_when_nothing_changed(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(store_path) as first, Store(store_path) as second:
        document = first.add_document(small_document())
        assert second.refresh() is True
        reads: list[int] = []
        real_read = journal_module.JournalFile.read_from

        def counting_read(self, offset: int, **options):  # type: ignore[no-untyped-def]
            reads.append(offset)
            return real_read(self, offset, **options)

        monkeypatch.setattr(journal_module.JournalFile, "read_from", counting_read)
        for _ in range(5):
            assert second.refresh() is False
        assert reads == []
        first.annotate(document.id, 0, 6)
        assert second.refresh() is True
        assert len(reads) == 1


def test_a_reader_thread_never_sees_a_table_change_under_it(store_path: Path) -> None:
    """The app reads in worker threads while its timer takes in another copy's saves."""
    with Store(store_path) as writer, Store(store_path) as reader:
        document = writer.add_document(small_document("word " * 2_000 + "\n"))
        many = [
            Annotation.create(document=document.id, text=document.text, start=s, end=s + 2)
            for s in range(0, 3_000, 3)
        ]
        writer.import_records({"gloss": 1, "annotations": [a.to_record() for a in many]})
        reader.refresh()
        failures: list[BaseException] = []
        stop = threading.Event()

        def read_all_the_time() -> None:
            try:
                while not stop.is_set():
                    reader.annotations(document.id)
                    reader.documents()
                    reader._sorted_cache.clear()  # make every pass walk the table
                    reader._made_from.clear()
            except BaseException as error:  # reported below
                failures.append(error)

        thread = threading.Thread(target=read_all_the_time)
        thread.start()
        try:
            for start in range(0, 450, 3):
                writer.annotate(document.id, start, start + 1)
                writer.add_document(small_document(f"doc {start}\n"))
                reader.refresh()
        finally:
            stop.set()
            thread.join()
        assert failures == []
        assert reader.count(document.id) == 1_000 + 150


def test_a_compaction_that_hits_a_full_disk_loses_nothing(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations import storage as storage_module

    with Store(store_path) as store:
        document = store.add_document(small_document())
        made = [store.annotate(document.id, i, i + 2).id for i in range(10)]
        real_fsync = storage_module.os.fsync

        def fsync_disk_full(descriptor: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(storage_module.os, "fsync", fsync_disk_full)
        with pytest.raises(StoreSaveError, match="nothing was lost"):
            store.compact()
        monkeypatch.setattr(storage_module.os, "fsync", real_fsync)
        assert not [p for p in store_path.parent.iterdir() if p.suffix == ".tmp"]
        later = store.annotate(document.id, 20, 24).id
    with Store(store_path) as store:
        assert {a.id for a in store.annotations()} == {*made, later}


@pytest.mark.parametrize(
    "content",
    [
        # What the fast parser refuses but json reads is still read, as json reads it.
        b'{"a": Infinity, "b": "\\ud800"}',
        # Integers past 64 bits stay exact integers.
        b'{"a": 123456789012345678901234567890, "b": 1.5e300, "c": "\\u001b[31m"}',
    ],
)
def test_store_json_is_read_as_json_reads_it(content: bytes) -> None:
    loaded = load_json(content)
    assert loaded == json.loads(content.decode("utf-8"))
    assert all(type(loaded[k]) is type(v) for k, v in json.loads(content.decode()).items())


def test_a_store_nested_too_deeply_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(StoreError, match="damaged or not a Gloss store"):
        Store(path)
    assert path.read_bytes() == b"[" * 100_000 + b"]" * 100_000

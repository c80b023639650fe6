"""A save larger than the journal limit and the snapshot (an import into a new store) is
written as the new snapshot, not as a journal line compacted at once: its records are
encoded and written once. Nothing else changes: another copy sees it, keeps it, and a
kill at any sync or rename leaves it whole or absent — and, once a copy has it, kept.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from store_kills import run_killed

from annotations import Annotation, Document, Store
from annotations import journaled_tables as journaled_tables_module
from annotations.journal import JournalFile, encode_operations, line_size_at_least
from annotations.storage import holds_no_floats, journal_path, list_backups

TEXT = "A sentence to mark, and another after it. " * 20 + "\n"
LIMIT = 4_000  # small: 200 records pass it many times over


def export_of(document: Document, count: int, memo: str = "") -> dict:
    records = [
        Annotation.create(
            document=document.id, text=document.text, start=i % 400, end=i % 400 + 8, memo=memo
        ).to_record()
        for i in range(count)
    ]
    return {"gloss": 1, "documents": [document.to_record()], "annotations": records}


@pytest.fixture
def appended(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every line appended to a journal, in order."""
    lengths: list[int] = []
    real = JournalFile.append

    def append(self: JournalFile, line: bytes) -> None:
        real(self, line)
        lengths.append(len(line))

    monkeypatch.setattr(JournalFile, "append", append)
    return lengths


def test_an_import_into_a_new_store_is_written_as_its_snapshot_not_a_journal_line(
    tmp_path: Path, appended: list[int]
) -> None:
    path = tmp_path / "gloss.json"
    document = Document.from_text(TEXT, title="t")
    data = export_of(document, 200)
    with Store(path, journal_limit=LIMIT) as store:
        store.import_records(data)
        header_only = journal_path(path).read_bytes().count(b"\n") == 1
    # Only the reload mark went into a journal, never the 200 records' line.
    assert max(appended) < 100, appended
    assert header_only
    assert list_backups(path), "the snapshot it replaced is kept as a backup"
    with Store(path, read_only=True) as reopened:
        assert {a.id for a in reopened.annotations()} == {r["id"] for r in data["annotations"]}
        assert [d.id for d in reopened.documents()] == [document.id]


def test_a_large_save_into_a_larger_store_is_a_journal_line(
    tmp_path: Path, appended: list[int]
) -> None:
    path = tmp_path / "gloss.json"
    document = Document.from_text(TEXT, title="t")
    with Store(path, journal_limit=1 << 30) as store:
        store.import_records(export_of(document, 600))
        store.compact()
    appended.clear()
    with Store(path, journal_limit=LIMIT) as store:
        store.import_records(export_of(document, 60))  # past the limit, smaller than the store
        assert max(appended) > LIMIT  # the line itself
    with Store(path, read_only=True) as reopened:
        assert len(reopened.annotations()) == 660


def test_another_copy_sees_a_large_save_and_keeps_it_through_its_own_compaction(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gloss.json"
    document = Document.from_text(TEXT, title="t")
    with Store(path) as first:
        first.add_document(document)
    data = export_of(document, 200)
    with Store(path, journal_limit=LIMIT) as first, Store(path) as second:
        first.import_records(data)
        assert second.refresh()
        assert len(second.annotations()) == 200
        own = second.annotate(document.id, 0, 8, memo="second").id
        second.compact()
        first.refresh()
        assert len(first.annotations()) == 201
    with Store(path, read_only=True) as reopened:
        assert {a.id for a in reopened.annotations()} == {r["id"] for r in data["annotations"]} | {
            own
        }


def test_a_snapshot_that_cannot_be_written_leaves_the_save_to_a_journal_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, appended: list[int]
) -> None:
    path = tmp_path / "gloss.json"
    document = Document.from_text(TEXT, title="t")
    data = export_of(document, 200)
    with Store(path, journal_limit=LIMIT) as store:
        store.add_document(document)

        def no_room(*_: object) -> Path:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(journaled_tables_module, "write_temporary", no_room)
        store.import_records(data)  # no StoreSaveError: the journal took it
        assert store.pending == 0
        assert max(appended) > LIMIT
    with Store(path, read_only=True) as reopened:
        assert len(reopened.annotations()) == 200


KILLED_IMPORT = r"""
import json
from annotations import Store

path, export = sys.argv[1], sys.argv[2]
store = Store(path, journal_limit=4_000)
with open(export, encoding="utf-8") as handle:
    data = json.load(handle)
count_calls("fsync", "fdatasync", "replace", "rename")
store.import_records(data)
print("ok", flush=True)
print("calls", calls, flush=True)
os._exit(0)  # no close: only the save itself is counted
"""


def run_import(path: Path, export: Path, point: int, when: str) -> list[str]:
    return run_killed(KILLED_IMPORT, str(path), str(export), point, when)


def test_a_kill_at_each_sync_and_rename_of_a_large_save_beside_another_copy(
    tmp_path: Path,
) -> None:
    """At every point the importer can die, the copy running beside it ends up with the
    import whole or not at all, as the files have it, and its own compaction keeps it."""
    document = Document.from_text(TEXT, title="t")
    data = export_of(document, 200)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(data), encoding="utf-8")
    imported = {r["id"] for r in data["annotations"]}
    counting = tmp_path / "counting" / "gloss.json"
    counting.parent.mkdir()
    with Store(counting) as store:
        store.add_document(document)
    lines = run_import(counting, export, 0, "never")
    total = int(next(line for line in lines if line.startswith("calls")).split()[1])
    assert total >= 5  # the mark, the snapshot, the journal, two renames, the folder
    for point in range(1, total + 1):
        for when in ("before", "after"):
            path = tmp_path / f"{point}-{when}" / "gloss.json"
            path.parent.mkdir()
            with Store(path) as store:
                store.add_document(document)
            with Store(path) as beside:
                acknowledged = "ok" in run_import(path, export, point, when)
                with Store(path, read_only=True) as files:
                    on_disk = {a.id for a in files.annotations()} & imported
                beside.refresh()
                seen = {a.id for a in beside.annotations()} & imported
                assert seen == on_disk, (point, when)
                assert seen in (set(), imported), (point, when)
                own = beside.annotate(document.id, 0, 8, memo="beside").id
                beside.compact()
            with Store(path, read_only=True) as fresh:
                present = {a.id for a in fresh.annotations()}
            assert own in present, (point, when)
            assert present & imported == seen, (point, when, len(seen))
            if acknowledged:
                assert seen == imported, (point, when)


record = st.dictionaries(
    st.text(max_size=4),
    st.one_of(st.none(), st.integers(), st.text(max_size=6), st.lists(st.text(max_size=3))),
    max_size=5,
)
operation = st.tuples(st.text(max_size=8), st.text(max_size=8), st.one_of(st.none(), record))


@given(st.lists(operation, max_size=12))
def test_line_size_at_least_never_exceeds_the_line(operations: list) -> None:
    line = encode_operations(operations, holds_no_floats)
    assert line_size_at_least(operations) <= len(line)


def test_line_size_at_least_is_near_the_line_of_an_import() -> None:
    document = Document.from_text(TEXT, title="t")
    records = export_of(document, 100)["annotations"]
    operations = [("annotations:" + document.id, r["id"], r) for r in records]
    line = encode_operations(operations, holds_no_floats)
    assert len(line) / 4 < line_size_at_least(operations) <= len(line)

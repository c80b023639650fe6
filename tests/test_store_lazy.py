"""The store reads an annotation record from the snapshot only when it is asked for: opening
a store of 10,000 and drawing the first screen reads the few records on it. Every reader
of records still sees what it saw when the whole file was parsed at once."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import pytest

from annotations import Annotation, Codebook, Document, Store, StoreError
from annotations import storage as storage_module
from annotations.export import select
from annotations.export.json import records
from annotations.recovery import check
from annotations.storage import JournalStorage, SnapshotInfo, encode_snapshot, journal_path

PARAGRAPHS = 40


def make_store(path: Path) -> tuple[Document, list[Annotation]]:
    """A store whose every record is in the snapshot (closing compacts): one annotation on
    each of 40 paragraphs, in document order."""
    text = "\n\n".join(f"Paragraph {i} keeps words of its own." for i in range(PARAGRAPHS))
    with Store(path) as store:
        document = store.add_document(Document.from_text(text, title="Paragraphs"))
        made = []
        for i in range(PARAGRAPHS):
            start = text.index(f"Paragraph {i} ")
            made.append(
                store.annotate(document.id, start, start + 9, tags=[f"code/{i % 3}"], analyst="ana")
            )
    assert journal_path(path).read_bytes().count(b"\n") == 1  # the header: no saves left
    return document, made


def exported(store: Store) -> dict[str, Any]:
    return records(select(store, Codebook.default()))


def table_of(store: Store, document: Document) -> dict[str, Any]:
    return store._tables.tables[f"annotations:{document.id}"]


def read_ones(store: Store, document: Document) -> set[str]:
    """The keys of the records of the document's table read so far."""
    return {key for key, record in table_of(store, document).items() if type(record) is dict}


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every record read from its JSON text, as it is read."""
    seen: list[bytes] = []
    original = storage_module.decode_raw

    def counted(raw: msgspec.Raw) -> Any:
        seen.append(bytes(raw))
        return original(raw)

    monkeypatch.setattr(storage_module, "decode_raw", counted)
    return seen


def rewrite_snapshot(path: Path, change: Any, spelled: tuple[bytes, bytes] | None = None) -> None:
    """Change the snapshot's tables (`change(tables)`) and write it back as Gloss would:
    checksum and generation as they belong, so only the records themselves are wrong.
    `spelled`: (what, instead) — bytes of the annotation tables written otherwise."""
    tables = json.loads(path.read_bytes())
    change(tables)
    if spelled is not None:
        for name in [name for name in tables if name.startswith("annotations:")]:
            text = json.dumps(tables[name]).encode().replace(*spelled)
            tables[name] = msgspec.Raw(text)  # written as it is
    snapshot = tables["meta"]["snapshot"]
    info = SnapshotInfo(snapshot["generation"], snapshot["parent"], snapshot["journal_offset"])
    path.write_bytes(b"".join(encode_snapshot(tables, info)))


# -- what opening reads -----------------------------------------------------------------


def test_opening_and_reading_a_range_reads_only_the_records_in_it(
    store_path: Path, decodes: list[bytes]
) -> None:
    document, made = make_store(store_path)
    with Store(store_path) as store:
        assert decodes == [] and read_ones(store, document) == set()
        found = store.annotations_overlapping(document.id, made[10].start, made[12].end)
        assert found == made[10:13]
        assert len(decodes) == 3
        assert read_ones(store, document) == {a.id for a in made[10:13]}
        # Asked again, the records read stay read.
        assert store.annotations_overlapping(document.id, made[10].start, made[12].end) == found
        assert len(decodes) == 3
        assert store.annotation(made[30].id) == made[30]
        assert len(decodes) == 4
        assert store.count(document.id) == PARAGRAPHS
        assert len(decodes) == 4


def test_a_record_replaced_by_the_journal_is_judged_by_its_new_offsets(store_path: Path) -> None:
    document, made = make_store(store_path)
    moved = replace(made[0], start=made[20].start, end=made[20].end)
    with Store(store_path) as store:
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
        store.put(moved)
    assert journal_path(store_path).read_bytes().count(b"\n") == 2
    with Store(store_path) as store:
        assert store.annotations_overlapping(document.id, made[0].start, made[0].end) == []
        near = store.annotations_overlapping(document.id, moved.start, moved.end)
        assert {a.id: a for a in near} == {moved.id: moved, made[20].id: made[20]}


# -- every reader sees what it saw -------------------------------------------------------


def test_every_reader_of_records_sees_them_as_they_were_saved(store_path: Path) -> None:
    document, made = make_store(store_path)
    with Store(store_path) as store:
        everything = exported(store)
    by_order = sorted(made, key=lambda a: (a.start, a.end))
    with Store(store_path) as store:
        assert store.annotation(made[5].id) == made[5]
        assert store.annotations(document.id, tag="code/1") == [
            a for a in by_order if "code/1" in a.tags
        ]
    with Store(store_path) as store:
        assert store.annotation_records(document.id) == [a.to_record() for a in by_order]
    with Store(store_path) as store:
        assert exported(store) == everything
    with Store(store_path) as store:
        assert store.annotations() == by_order
        assert store.annotations_overlapping(document.id, 0, made[1].end) == made[:2]


def test_update_delete_and_import_of_records_not_read_yet(store_path: Path) -> None:
    document, made = make_store(store_path)
    with Store(store_path) as store:
        changed = store.update(made[3].id, memo="read, changed, saved")
        assert changed == replace(made[3], memo="read, changed, saved", modified=changed.modified)
        assert store.delete(made[4].id) == made[4]
        report = store.import_records(exported_of(made[5:8]))
        assert (report.annotations_added, report.unchanged) == (0, 3)
    with Store(store_path) as store:
        assert store.annotation(made[3].id).memo == "read, changed, saved"
        with pytest.raises(StoreError, match="no annotation"):
            store.annotation(made[4].id)
        assert len(store.annotations(document.id)) == PARAGRAPHS - 1


def exported_of(annotations: list[Annotation]) -> dict[str, Any]:
    return {"gloss": 1, "documents": [], "annotations": [a.to_record() for a in annotations]}


def test_the_journal_replayed_over_records_not_read_yet(store_path: Path) -> None:
    document, made = make_store(store_path)
    with Store(store_path) as store:
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
        store.update(made[1].id, tags=["code/new"])
        store.delete(made[2].id)
        added = store.annotate(document.id, made[3].start, made[3].end - 2)
        expected = store.annotations(document.id)
    assert journal_path(store_path).read_bytes().count(b"\n") == 4
    with Store(store_path) as store:
        assert added.id in read_ones(store, document)  # from the journal: read
        assert made[6].id not in read_ones(store, document)
        assert store.annotations_overlapping(document.id, made[1].start, made[3].end) == [
            a for a in expected if a.start < made[3].end and a.end > made[1].start
        ]
        assert store.annotations(document.id) == expected


def test_a_copy_takes_in_what_another_wrote_over_records_not_read_yet(store_path: Path) -> None:
    document, made = make_store(store_path)
    with Store(store_path) as reader, Store(store_path) as writer:
        writer.update(made[7].id, memo="from the other copy")
        writer.delete(made[8].id)
        assert reader.refresh()
        assert read_ones(reader, document) <= {made[7].id}
        near = reader.annotations_overlapping(document.id, made[7].start, made[9].end)
        assert [a.id for a in near] == [made[7].id, made[9].id]
        assert near[0].memo == "from the other copy"
        assert reader.annotations(document.id) == writer.annotations(document.id)


def test_compaction_writes_records_not_read_yet_as_they_were(store_path: Path) -> None:
    document, made = make_store(store_path)
    name = f"annotations:{document.id}"
    before = msgspec.json.decode(store_path.read_bytes(), type=dict[str, msgspec.Raw])[name]
    with Store(store_path) as store:
        store.annotation(made[0].id)  # one read, the rest not
        store.compact()
        assert len(read_ones(store, document)) == 1
    after = msgspec.json.decode(store_path.read_bytes(), type=dict[str, msgspec.Raw])[name]
    assert bytes(after) == bytes(before)


def test_compaction_through_json_writes_records_not_read_yet(store_path: Path) -> None:
    """A lone surrogate (which msgspec refuses to write) beside records not read yet:
    `json` writes the table, and those records as their values."""
    document, made = make_store(store_path)
    with Store(store_path) as store:
        odd = store.annotate(document.id, 0, 4, memo="half a pair: \ud800")
        store.compact()
        assert made[9].id not in read_ones(store, document)
    with Store(store_path) as store:
        assert store.annotation(odd.id).memo == "half a pair: \ud800"
        assert store.annotations(document.id) == sorted(
            [*made, odd], key=lambda a: (a.start, a.end)
        )


def test_doctor_reads_every_record(store_path: Path) -> None:
    make_store(store_path)
    lines = "\n".join(check(store_path).lines)
    assert f"1 document(s), {PARAGRAPHS} annotation(s)" in lines


def test_a_record_read_from_its_json_into_the_old_table_is_no_change() -> None:
    """Another thread reading a record (replacing it in the table TinyDB copied) while a
    save goes on: the copy's record, still its JSON text, is not saved again."""
    raw = msgspec.Raw(b'{"start":0}')
    table: dict[str, Any] = {"k": raw}
    saved: list[Any] = []
    storage = JournalStorage({"annotations:d": table}, saved.extend)
    copy = dict(table)
    storage_module.read_record(table, "k")
    storage.write({"annotations:d": {**copy, "j": {"start": 1}}})
    assert saved == [("annotations:d", "j", {"start": 1})]


# -- damage ------------------------------------------------------------------------------


def test_a_damaged_record_is_said_when_it_is_read(store_path: Path) -> None:
    document, made = make_store(store_path)
    name = f"annotations:{document.id}"
    rewrite_snapshot(store_path, lambda tables: tables[name].update({made[20].id: {"start": 1}}))
    with pytest.raises(ValueError) as reading:
        Annotation.from_record({"start": 1})
    why = reading.value  # what reading the record always said
    with Store(store_path) as store:
        assert store.annotation(made[30].id) == made[30]
        for read in (
            lambda: store.annotation(made[20].id),
            lambda: store.annotations_overlapping(document.id, 0, 5),  # its start: 1
            lambda: store.annotations(document.id),
            lambda: store.annotation_records(document.id),
        ):
            with pytest.raises(StoreError) as raised:
                read()
            assert str(raised.value) == (
                f"{store.path}: damaged annotation record {made[20].id} ({why}); it was left "
                f"untouched — run 'gloss doctor --db {store.path}'"
            )
    assert "1 annotation record(s) cannot be read" in "\n".join(check(store_path).lines)


def test_a_record_that_is_not_an_object_is_refused_at_open(store_path: Path) -> None:
    document, made = make_store(store_path)
    name = f"annotations:{document.id}"
    rewrite_snapshot(store_path, lambda tables: tables[name].update({made[20].id: [1, 2]}))
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match=r"not a Gloss store \(not a TinyDB file of tables\)"):
        Store(store_path)
    assert store_path.read_bytes() == before


def with_memo_written_as(store_path: Path, memo: bytes) -> tuple[Document, list[Annotation]]:
    """A store whose 21st annotation's memo is the JSON bytes `memo` in its snapshot
    (checksum and all), for JSON that a whole-file parse would have read otherwise."""
    document, made = make_store(store_path)
    name = f"annotations:{document.id}"
    rewrite_snapshot(
        store_path,
        lambda tables: tables[name][made[20].id].update(memo="MEMO"),
        (b'"MEMO"', memo),
    )
    return document, made


def test_a_record_only_json_reads_is_read_as_json_reads_it(store_path: Path) -> None:
    """A number past a float's range: msgspec refuses the record, `json` reads it, as the
    whole file was read before."""
    document, made = with_memo_written_as(store_path, b"1e400")
    name = f"annotations:{document.id}"
    as_json_reads = json.loads(store_path.read_bytes())[name][made[20].id]
    assert as_json_reads["memo"] == float("inf")
    assert (
        type(storage_module.load_lazily(store_path.read_bytes())) is storage_module.SnapshotTables
    )
    with Store(store_path) as store:
        assert store.annotation(made[21].id) == made[21]
        assert store.annotation(made[20].id) == Annotation.from_record(as_json_reads)
        assert (
            store.annotation_records(document.id)[20] == replace(made[20], memo="inf").to_record()
        )


def test_a_record_that_is_not_utf_8_is_damage_said_when_it_is_read(store_path: Path) -> None:
    """Gloss never writes one, and the checksum finds one written since; one written with
    its checksum is found when it is read."""
    document, made = with_memo_written_as(store_path, b'"\xff"')
    assert b'"\xff"' in store_path.read_bytes()
    with Store(store_path) as store:
        assert store.annotation(made[21].id) == made[21]
        with pytest.raises(StoreError) as raised:
            store.annotations(document.id)
    message = str(raised.value)
    assert message.startswith(f"{store.path}: damaged annotation record {made[20].id} (")
    assert message.endswith(f"run 'gloss doctor --db {store.path}'")
    assert "1 annotation record(s) cannot be read" in "\n".join(check(store_path).lines)

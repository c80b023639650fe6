"""The store: documents and annotations in TinyDB, durable the moment a save returns.

`Store` is the repository: documents and annotations, and the indexes over them, which
follow every change applied to the tables through one callback (`_follow`). Keeping the
tables durable and the files' life — pending saves, batches, retries, the lock, catching
up with other processes, following a compaction, migration, the compaction thread — is
`JournaledTables` (`journaled_tables.py`); the files are `storage.py` and `journal.py`.
These are the only code that touches TinyDB. Layout: a `documents` table (metadata), a
`texts` table (each document's text, written once), an `opened` table (when each was
last opened), a `meta` table (schema version) and one table of annotations per document
(`annotations:<document id>`), keyed by the annotation's uuid — TinyDB rebuilds a whole
table on every write, so small tables keep a save cheap, and a change to a document's
metadata journals its metadata, not its text.

Files, for a store at PATH:

- `PATH` — the snapshot: a plain TinyDB JSON file of every table. Never written in
  place: a new one is written beside it, synced, and renamed over it.
- `PATH.journal` — every save since the snapshot, appended as one checksummed line and
  `fdatasync`ed before the call returns. A save costs one short append, whatever the
  size of the store; document texts are written once, when the document is added.
- `PATH.lock` — `fcntl.flock` on it serialises writers across processes. The kernel
  drops the lock when a process dies, so it never goes stale.
- `PATH.backups/` — copies of the last few snapshots, restorable with
  `gloss doctor --restore`.
- `PATH.texts/` — texts of a million characters or more, a file each named by the text's
  hash, synced before the save that names it (`text_files.py`): no JSON holds them.

Compaction: when the journal passes `journal_limit` bytes (and on close, when it holds
saves and the snapshot is small or the journal large next to it), the tables are copied
in memory, written as a new snapshot in a background
thread without holding the lock, then — under the lock, briefly — the journal lines
written meanwhile are carried into a fresh journal and both files are renamed into place.
Each snapshot has a generation; the journal's header names the generation it continues
(and the one it was cut from), so a crash between the two renames is recognised and
read correctly. A save whose line would pass the limit on its own and is larger than the
snapshot (an import into a new store) is written as the new snapshot directly, under
the lock (`JournaledTables._save_as_snapshot`): its records encoded and written once,
not as a line and again at once by a compaction. A crash anywhere leaves a store that
loads with every acknowledged save: at worst an unfinished last journal line, which is
ignored and cut by the next writer.

Two running copies: both may write. A writer takes the lock, first applies what others
appended to the journal since it last looked, then appends its own change, so nobody's
save is overwritten by a stale copy. `refresh()` picks up others' saves; it costs one
`stat()` when nothing changed. Each copy rebuilds TinyDB's `Table` objects after taking in
others' changes, since TinyDB caches per `Table` object.

Faults: a file that does not parse, a journal line that fails its checksum (or lost its
newline), a snapshot whose checksum fails, a header not exactly as written, a foreign or
newer file, a FIFO, device or folder in a file's place, a damaged record — opening (or
reading the record) raises `StoreError` naming the file, which is left byte for byte as
it was. When a save cannot be written (disk full, read-only folder, I/O error), the change
stays in memory and visible, `pending` counts it, `StoreSaveError` says so, and `retry()`
(or the next save) writes it — one line per save if the backlog does not fit as one.
Older layouts (schema 1: one TinyDB file rewritten on every save; 2: texts inside the
document records; 3: no snapshot checksum; 4: a source's structure in its document
record; 5: no text files) are migrated on open for writing; the original
is kept as a backup (with its journal, if it had one).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_not, itemgetter
from pathlib import Path
from typing import Any

from msgspec import Raw
from tinydb import TinyDB
from tinydb.table import Table

from annotations.annotation_records import ANNOTATION_ORDER, RECORD_ORDER, canonical_texts
from annotations.document import Document
from annotations.errors import GlossError, StoreError
from annotations.journal import Operation
from annotations.journaled_tables import JOURNAL_LIMIT, Change, JournaledTables, StoreSaveError
from annotations.lazy_texts import revised, stored_document, supply_text, text_is_read
from annotations.model import Annotation, are_canonical_records, is_canonical_record
from annotations.safe_text import path_text
from annotations.storage import (
    ANNOTATIONS_PREFIX,
    DOCUMENTS_TABLE,
    SCHEMA_VERSION,
    TEXTS_TABLE,
    UnreadableRecord,
    document_record,
    paused_gc,
    read_document,
    read_record,
    read_records,
    record_spans,
    schema_of,
    text_record,
)
from annotations.text_files import LARGE_TEXT, write_text_file

__all__ = ["SCHEMA_VERSION", "ImportReport", "Store", "StoreSaveError"]

OPENED_TABLE = "opened"  # document id -> {"last_opened": ISO time}
# Tables of records about documents and the project, kept beside the annotations and read
# and written whole by the modules that own them (annotations/attributes.py, memos.py,
# codebook_store.py, workspace.py). A store without one simply has none of its records: no
# schema step.
SIDE_TABLES = frozenset({"attributes", "memos", "codebook", "workspaces"})


class _KeyedTable(Table):
    """A table whose document ids are strings we choose (uuids, document ids)."""

    document_id_class = str  # type: ignore[assignment]

    def put(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Insert or replace records whole, in one TinyDB write.

        Never `Table.update`, which changes the stored dict in place and so would hide the
        change from `JournalStorage`.
        """

        def updater(table: dict[str, Any]) -> None:
            for key, record in records.items():
                table[key] = dict(record)

        self._update_table(updater)


def _check_side_table(table: str) -> None:
    if table not in SIDE_TABLES:
        raise StoreError(f"no side table {table!r} (there are {', '.join(sorted(SIDE_TABLES))})")


class _GlossDB(TinyDB):
    table_class = _KeyedTable


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What `Store.import_records` did."""

    documents_added: int
    annotations_added: int
    annotations_updated: int
    conflicts: int
    unchanged: int


class Store:
    """Documents and annotations, saved the moment they change.

    `with Store(path) as store:` opens or creates the store at `path`; a damaged file
    raises `StoreError` and stays as it was. Every failure is a `StoreError`; a save that
    could not be written is a `StoreSaveError` and is kept (see `pending`, `retry`).

    Two copies of Gloss on one store both write: each save first takes in what the other
    saved (`refresh()` does so on demand). `read_only_reason` is None unless this copy was
    opened read-only, and then says why.
    """

    def __init__(
        self,
        path: str | Path,
        read_only: bool = False,
        *,
        journal_limit: int = JOURNAL_LIMIT,
    ) -> None:
        # Resolved once: a store reached through a symlink keeps its journal, lock and
        # backups beside the real file, and a compaction replaces the file, not the link.
        resolved = Path(os.path.realpath(Path(path).expanduser()))
        self._documents: dict[str, Document] = {}
        self._annotation_documents: dict[str, str] = {}
        self._sorted_cache: dict[str, tuple[int, list[Annotation]]] = {}
        self._made_from: dict[str, tuple[dict[str, Any], Annotation]] = {}
        self._written_documents: dict[str, Document] = {}
        self._tables = JournaledTables(
            resolved, self._follow, read_only=read_only, journal_limit=journal_limit
        )
        self._db = _GlossDB(storage=lambda: self._tables.storage)
        self._tables.open()

    @property
    def path(self) -> Path:
        """The store's file (symlinks resolved)."""
        return self._tables.path

    @property
    def read_only(self) -> bool:
        return self._tables.read_only

    @property
    def read_only_reason(self) -> str | None:
        """None unless this copy was opened read-only; then why."""
        return self._tables.read_only_reason

    @property
    def journal_limit(self) -> int:
        return self._tables.journal_limit

    @property
    def closed(self) -> bool:
        """Whether `close()` has been called."""
        return self._tables.closed

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store. Everything is already saved; a large journal is compacted.

        Changes still pending get one more try (in pieces, if the whole backlog does not
        fit); `pending` counts any left, which are lost with the process.
        """
        if self._tables.closed:
            return
        self._tables.close(compact=self._should_compact_on_close)
        self._db.close()

    def _should_compact_on_close(self) -> bool:
        """Whether closing compacts (a test turns it off to keep saves in the journal)."""
        return self._tables.should_compact_on_close()

    @property
    def schema_version(self) -> int:
        """The store layout version (`meta` table); migrated stores report the current one."""
        return schema_of(self._tables.tables) or SCHEMA_VERSION

    @property
    def pending(self) -> int:
        """How many changes are kept in memory because they could not be written yet."""
        return self._tables.pending

    # -- documents ---------------------------------------------------------------------

    def add_document(self, document: Document) -> Document:
        """Store a document (once: the same text is the same document) and return it.

        A known document keeps its record; a new path for it is remembered.
        """
        with self._tables.changing():
            known = self._documents.get(document.id)
            if known is not None:
                if not text_is_read(known):
                    # The same id is the same text: the store's file need not be read.
                    known = supply_text(known, document.text)
                    self._documents = {**self._documents, known.id: known}
                if document.path and document.path != known.path:
                    known = revised(known, path=document.path)
                    self._write_documents([known])
                return known
            with self._tables.batched():  # the text and the record: one entry, all or nothing
                self._write_texts([document])
                self._write_documents([document])
            return document

    def set_document_metadata(self, document_id: str, **fields: Any) -> Document:
        """Merge `fields` into a stored document's metadata, save, and return the document.
        A `title` field renames the document too."""
        with self._tables.changing():
            document = self.document(document_id)
            updated = revised(document, metadata={**document.metadata, **fields})
            if fields.get("title"):
                updated = revised(updated, title=str(fields["title"]))
            self._write_documents([updated])
            return updated

    def mark_opened(self, document_id: str, when: str) -> None:
        """Remember when a document was last opened (in a small table of its own: the
        library reads it for every document, the reader writes it on every open)."""
        self.document(document_id)
        with self._tables.changing():
            table = self._db.table(OPENED_TABLE)
            table.put({document_id: {"last_opened": when}})  # type: ignore[attr-defined]

    def last_opened(self, document_id: str) -> str | None:
        """When `mark_opened` last said the document was opened, if ever."""
        record = self._tables.tables.get(OPENED_TABLE, {}).get(document_id)
        if record:
            return record.get("last_opened")
        # Stores written before `mark_opened` kept the time in the document's metadata.
        document = self._documents.get(document_id)
        return document.metadata.get("last_opened") if document else None

    def side_records(self, table: str) -> dict[str, dict[str, Any]]:
        """The records of a side table (`SIDE_TABLES`), by key; empty when it has none.
        The records are the store's own: read them, never change them."""
        _check_side_table(table)
        return dict(self._tables.tables.get(table, {}))

    def put_side_records(
        self,
        table: str,
        records: Mapping[str, Mapping[str, Any] | None],
        *,
        annotations: Iterable[Annotation] = (),
    ) -> None:
        """Insert or replace records of a side table whole (None removes the record), and
        save `annotations` (a codebook change retags them), all in one durable write."""
        _check_side_table(table)
        removed = [key for key, record in records.items() if record is None]
        kept = {key: record for key, record in records.items() if record is not None}
        with self._tables.changing(), self._tables.batched():
            side = self._db.table(table)
            present = [key for key in removed if key in self._tables.tables.get(table, {})]
            if present:
                side.remove(doc_ids=present)
            if kept:
                side.put(kept)  # type: ignore[attr-defined]
            self.put_many(annotations)

    def document(self, document_id: str) -> Document:
        """The document with this id; `StoreError` if there is none."""
        try:
            return self._documents[document_id]
        except KeyError:
            raise StoreError(f"no document {document_id} in {self.path}") from None

    def find_document(self, reference: str) -> Document | None:
        """A document by id, id prefix (at least 8 hex digits), path or title.

        A path or title that several versions of a revised file share names the current
        version: the one not superseded (the last opened, if more than one).
        """
        if reference in self._documents:
            return self._documents[reference]
        resolved = path_text(Path(reference).expanduser().resolve())
        documents = list(self._documents.values())
        for matches in (
            [d for d in documents if d.path == resolved],
            [d for d in documents if d.title == reference],
        ):
            if matches:
                return self._current_of(matches)
        digits = reference.removeprefix("sha256:")
        if len(digits) >= 8:
            matches = [d for d in self._documents.values() if d.id[7:].startswith(digits)]
            if len(matches) == 1:
                return matches[0]
        return None

    def documents(self) -> list[Document]:
        """Every document, in the order they were added."""
        return sorted(self._documents.values(), key=lambda d: (d.added, d.title))

    def _current_of(self, versions: list[Document]) -> Document:
        """Of several versions of one file, the one a reader would open now."""
        current = [d for d in versions if not d.metadata.get("superseded_by")] or versions
        return max(current, key=lambda d: (self.last_opened(d.id) or "", d.added))

    # -- annotations -------------------------------------------------------------------

    def annotate(
        self,
        document_id: str,
        start: int,
        end: int,
        *,
        tags: Iterable[str] = (),
        memo: str = "",
        analyst: str = "",
        confidence: str | None = None,
    ) -> Annotation:
        """Create and save an annotation of `[start, end)` in a stored document."""
        with self._tables.changing():
            document = self.document(document_id)
            try:
                annotation = Annotation.create(
                    document=document.id,
                    text=document.text,
                    start=start,
                    end=end,
                    tags=tuple(tags),
                    memo=memo,
                    confidence=confidence,
                    analyst=analyst,
                )
            except ValueError as error:
                raise StoreError(str(error)) from None
            self.put(annotation)
            return annotation

    def update(self, annotation_id: str, **changes: Any) -> Annotation:
        """Change `tags`, `memo` or `confidence` of an annotation and save it."""
        unknown = set(changes) - {"tags", "memo", "confidence"}
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))} of an annotation")
        with self._tables.changing():
            try:
                annotation = self.annotation(annotation_id).evolve(**changes)
            except ValueError as error:
                raise StoreError(str(error)) from None
            self.put(annotation)
            return annotation

    def put(self, annotation: Annotation) -> None:
        """Save an annotation as it is, replacing one with the same id (undo, import)."""
        with self._tables.changing():
            if annotation.document not in self._documents:
                raise StoreError(f"no document {annotation.document} in {self.path}")
            self._put_many(annotation.document, {annotation.id: annotation.to_record()})

    def put_many(self, annotations: Iterable[Annotation], *, removing: Iterable[str] = ()) -> None:
        """Save several annotations as they are, and remove those with the ids `removing`,
        in one durable write (all or nothing): re-anchoring a revised document moves all
        its annotations at once; coding from search (and its undo) is one change."""
        by_document: dict[str, dict[str, dict[str, Any]]] = {}
        for annotation in annotations:
            by_document.setdefault(annotation.document, {})[annotation.id] = annotation.to_record()
        with self._tables.changing(), self._tables.batched():
            unknown = [d for d in by_document if d not in self._documents]
            if unknown:
                raise StoreError(f"no document {unknown[0]} in {self.path}")
            gone: dict[str, list[str]] = {}
            for annotation_id in removing:
                owner = self._annotation_documents.get(annotation_id)
                if owner is not None:
                    gone.setdefault(owner, []).append(annotation_id)
            for document_id, annotation_ids in gone.items():
                self._annotations_table(document_id).remove(doc_ids=annotation_ids)
            for document_id, records in by_document.items():
                self._put_many(document_id, records)

    def delete(self, annotation_id: str) -> Annotation:
        """Remove an annotation and return it (so that it can be put back)."""
        with self._tables.changing():
            annotation = self.annotation(annotation_id)
            self._annotations_table(annotation.document).remove(doc_ids=[annotation_id])
            return annotation

    def annotation(self, annotation_id: str) -> Annotation:
        """The annotation with this id; `StoreError` if there is none."""
        record = self._raw_annotation(annotation_id)
        if record is None:
            raise StoreError(f"no annotation {annotation_id}")
        known = self._made_from.get(annotation_id)
        if known is not None and known[0] is record:
            return known[1]
        return self._read_annotation(annotation_id, record)

    def _read_annotation(self, key: str, record: dict[str, Any]) -> Annotation:
        """An annotation of a stored record; a damaged one (a record `{}`, an offset of
        1e400 in a line whose checksum holds) is a `StoreError` naming the store."""
        try:
            return Annotation.from_record(record)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
            raise self._damaged(key, error) from None

    def _damaged(self, key: str, error: Exception) -> StoreError:
        return StoreError(
            f"{self.path}: damaged annotation record {key} ({error}); it was left "
            f"untouched — run 'gloss doctor --db {self.path}'"
        )

    def _record(self, table: dict[str, Any], key: str) -> dict[str, Any] | None:
        """The record at `key` of an annotation table, read if the snapshot's JSON text
        of it is all there is yet (`storage.read_record`)."""
        try:
            return read_record(table, key)
        except UnreadableRecord as error:
            raise self._damaged(key, error.error) from None

    def _records(self, name: str) -> dict[str, Any]:
        """The annotation table `name`, every record of it read (`storage.read_records`)."""
        try:
            return read_records(self._tables.tables.get(name, {}))
        except UnreadableRecord as error:
            raise self._damaged(error.key, error.error) from None

    def annotations(
        self,
        document: str | None = None,
        *,
        analyst: str | None = None,
        tag: str | None = None,
    ) -> list[Annotation]:
        """Annotations in document order (by start, then end), filtered as asked."""
        document_ids = [document] if document is not None else [d.id for d in self.documents()]
        found: list[Annotation] = []
        # Every annotation made here stays alive (cached): collecting meanwhile would walk
        # the whole store again and again (100,000 annotations: 0.9 s, not 0.3 s).
        with paused_gc():
            for document_id in document_ids:
                found.extend(
                    a
                    for a in self._sorted_annotations(document_id)
                    if (analyst is None or a.analyst == analyst) and (tag is None or tag in a.tags)
                )
        return found

    def annotation_records(
        self,
        document_id: str,
        *,
        analyst: str | None = None,
        tag: str | None = None,
    ) -> list[dict[str, Any]]:
        """A document's annotations as their records (`Annotation.to_record()`), in the
        order of `annotations` and filtered as it filters, with no `Annotation` made of a
        record that is in that form already. The records are the store's own: read them,
        never change them."""
        table = self._records(ANNOTATIONS_PREFIX + document_id)
        records = list(table.values())
        if not are_canonical_records(records):
            with paused_gc():
                records = [
                    record
                    if is_canonical_record(record)
                    else self._read_annotation(key, record).to_record()
                    for key, record in table.items()
                ]
        if analyst is not None:
            records = [record for record in records if record["analyst"] == analyst]
        if tag is not None:
            records = [record for record in records if tag in record["tags"]]
        records.sort(key=RECORD_ORDER)
        return records

    def annotation_texts(self, document_id: str) -> list[Raw] | None:
        """A document's annotation records as the JSON texts the store file holds them
        in, in the order of `annotations`, when each is one msgspec writes of a canonical
        record (`annotation_records.canonical_texts`): what the json export copies. None
        when any is not, or has been read or written since the store was opened."""
        table = self._tables.tables.get(ANNOTATIONS_PREFIX + document_id, {})
        texts = list(table.values())
        if not set(map(type, texts)) <= {Raw}:
            return None
        return canonical_texts(texts)

    def _sorted_annotations(self, document_id: str) -> list[Annotation]:
        """A document's annotations in order, cached until its table changes."""
        name = ANNOTATIONS_PREFIX + document_id
        version = self._tables.storage.versions.get(name, 0)
        cached = self._sorted_cache.get(document_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        annotations = self._annotations_of(self._records(name).items())
        self._sorted_cache[document_id] = (version, annotations)
        return annotations

    def _annotations_of(self, items: Iterable[tuple[str, dict[str, Any]]]) -> list[Annotation]:
        """The annotations of (key, record) pairs, in document order. Records are never
        changed in place, so an `Annotation` made from a record stays valid while that very
        record object is in the table: after one change only one record is parsed again."""
        made = self._made_from
        annotations: list[Annotation] = []
        for key, record in items:
            known = made.get(key)
            if known is None or known[0] is not record:
                known = made[key] = (record, self._read_annotation(key, record))
            annotations.append(known[1])
        annotations.sort(key=ANNOTATION_ORDER)
        return annotations

    def count(self, document: str) -> int:
        """How many annotations a document has."""
        return len(self._tables.tables.get(ANNOTATIONS_PREFIX + document, {}))

    def annotations_overlapping(self, document_id: str, start: int, end: int) -> list[Annotation]:
        """A document's annotations sharing a character with `[start, end)`, in document
        order, with no annotation made of the other records (a reader draws its first
        screen with these, then reads the rest). A damaged record raises `StoreError`."""
        name = ANNOTATIONS_PREFIX + document_id
        cached = self._sorted_cache.get(document_id)
        if cached is not None and cached[0] == self._tables.storage.versions.get(name, 0):
            found = cached[1]
        else:
            found = self._annotations_of(self._records_overlapping(name, start, end))
        return [a for a in found if a.start < end and start < a.end]

    def _records_overlapping(self, name: str, start: int, end: int) -> list[tuple[str, Any]]:
        """The (key, record) pairs of annotation table `name` that may share a character
        with `[start, end)`. A record the snapshot's JSON text of is all there is yet is
        judged by its offsets (read with the snapshot, `storage.record_spans`), and read
        only if it may: opening 10,000 and drawing the first screen reads a few dozen."""
        tables = self._tables.tables  # the table and its records' offsets of one load
        spans = record_spans(tables, name)
        table = tables.get(name, {}) if spans is not None else self._records(name)
        # Those read already (or saved since): in C, as most are not at first.
        read = compress(table.items(), map(is_not, map(type, table.values()), repeat(Raw)))
        found = [(key, record) for key, record in read if _may_overlap(record, start, end)]
        try:
            near = [
                key for key, span in (spans or {}).items() if span.start < end and span.end > start
            ]
        except TypeError:  # an offset that is not a number: damage, said when it is read
            near = [key for key, span in (spans or {}).items() if _may_overlap(span, start, end)]
        found.extend((key, self._record(table, key)) for key in near if type(table.get(key)) is Raw)
        return found

    # -- exchange ----------------------------------------------------------------------

    def import_records(
        self,
        data: Mapping[str, Any],
        progress: Callable[[int, int], None] | None = None,
        *,
        checked: bool = False,
        side: Mapping[str, Mapping[str, Mapping[str, Any] | None]] | None = None,
        canonical: bool = False,
    ) -> ImportReport:
        """Merge a json export: never duplicates an id; where both sides changed an
        annotation, the later `modified` wins and the clash is counted as a conflict.
        `side` holds side-table records to write with them (attributes, memos: merged by
        their modules), table by table as `put_side_records` takes them.

        All or nothing: the records are checked first, then saved as one journal entry.
        `checked` says `validation.check_export(data)` has passed already (the command
        line checks a file before it opens the store): then only what needs the store is
        checked. `canonical` says every annotation record is as `Annotation.to_record()`
        gives it (`validation.read_export` tells): then none is checked for that again.
        `progress(done, total)` is called now and then with the annotations handled so far.
        """
        # Loaded with the first import, not to open a store.
        from annotations.validation import check_against_stored, check_export

        stored_lengths = {d.id: len(d.text) for d in self._documents.values()}
        if checked:
            check_against_stored(data, stored_lengths)
        else:
            check_export(data, stored_lengths)
        if not isinstance(data, Mapping) or data.get("gloss") != 1:
            raise StoreError('not a Gloss json export (expected {"gloss": 1, ...})')
        document_records = data.get("documents", [])
        annotation_records = data.get("annotations", [])
        if not isinstance(document_records, list) or not isinstance(annotation_records, list):
            raise StoreError('bad import: "documents" and "annotations" must be lists')
        # The records merged live on in the tables: frozen, no collection walks them again.
        with paused_gc(keep=True):
            return self._import(
                document_records, annotation_records, progress, side or {}, canonical=canonical
            )

    def _import(
        self,
        document_records: list[Any],
        annotation_records: list[Any],
        progress: Callable[[int, int], None] | None,
        side: Mapping[str, Mapping[str, Mapping[str, Any] | None]],
        *,
        canonical: bool,
    ) -> ImportReport:
        try:
            incoming_documents = [Document.from_record(record) for record in document_records]
            # Records as `Annotation.to_record()` gives them: one already canonical (what an
            # export holds) is taken as it is, with no `Annotation` made of it.
            incoming = annotation_records
            if not canonical:
                incoming = [
                    record
                    if is_canonical_record(record)
                    else Annotation.from_record(record).to_record()
                    for record in annotation_records
                ]
        except (ValueError, KeyError, TypeError, AttributeError, GlossError) as error:
            raise StoreError(f"bad record in import: {error}") from None
        total = len(incoming)
        with self._tables.changing(), self._tables.batched():
            new_documents = [d for d in incoming_documents if d.id not in self._documents]
            known_ids = {d.id for d in incoming_documents} | self._documents.keys()
            if not known_ids.issuperset(map(_DOCUMENT_OF, incoming)):
                for record in incoming:
                    if record["document"] not in known_ids:
                        raise StoreError(
                            f"annotation {record['id']} names unknown document {record['document']}"
                        )
            for document in incoming_documents:
                self.add_document(document)
            added = updated = conflicts = unchanged = 0
            # Every id new (to the store, and once in the file): all added, found in C.
            chosen = dict(zip(map(_ID_OF, incoming), incoming, strict=True))
            if len(chosen) == total and self._annotation_documents.keys().isdisjoint(chosen):
                added = total
                if progress is not None and total:
                    progress(total, total)
            else:
                chosen = {}
                for done, record in enumerate(incoming, 1):
                    key = record["id"]
                    current = chosen.get(key)
                    if current is None and key in self._annotation_documents:
                        current = self._canonical_record(key)
                    if current is None:
                        added += 1
                        chosen[key] = record
                    elif current == record:  # canonical records: equal as their annotations are
                        unchanged += 1
                    else:
                        conflicts += 1
                        if record["modified"] > current["modified"]:
                            updated += 1
                            chosen[key] = record
                    if progress is not None and (done % 2000 == 0 or done == total):
                        progress(done, total)
            self._put_records(chosen)
            for table, side_records in side.items():
                self.put_side_records(table, side_records)
        if progress is not None and total == 0:
            progress(0, 0)
        return ImportReport(len(new_documents), added, updated, conflicts, unchanged)

    # -- other copies, failures, compaction ----------------------------------------------

    def refresh(self) -> bool:
        """Take in what other processes saved since we last looked; True if anything did.

        Cheap when nothing changed: one `stat()` of the journal. Raises `StoreError` only
        if the files were damaged or replaced by something that is not this store.
        """
        return self._tables.refresh()

    def retry(self) -> bool:
        """Try again to write the changes kept in memory; True when none is left pending."""
        return self._tables.retry()

    def compact(self, *, background: bool = False) -> None:
        """Fold the journal into a new snapshot (and keep the old one as a backup).

        With `background`, the snapshot is written in a thread; saves go on meanwhile.
        """
        self._tables.compact(background=background)

    def wait_for_compaction(self) -> None:
        """Return once a compaction running in the background (if any) is done."""
        self._tables.wait_for_compaction()

    # -- internals: reading ------------------------------------------------------------

    def _follow(self, change: Change) -> None:
        """The one place the indexes follow the tables: every change applied to them —
        this copy's writes, another process's saves, a reload — comes here."""
        if change.operations is None:
            self._sorted_cache.clear()
            self._made_from.clear()
            self._db._tables.clear()  # fresh Table objects: TinyDB caches per Table
            self._rebuild_index()
            return
        self._note(change.operations)
        if not change.ours:
            self._db._tables.clear()

    def _rebuild_index(self) -> None:
        tables = self._tables.tables
        documents: dict[str, Document] = {}
        owners: dict[str, str] = {}
        texts = tables.get(TEXTS_TABLE, {})
        try:
            for key, record in tables.get(DOCUMENTS_TABLE, {}).items():
                # A large text is read when first needed (`lazy_texts`); one read before
                # this reload is the same text (texts are never rewritten).
                document = stored_document(key, record, texts, self.path)
                before = self._documents.get(document.id)
                if before is not None and text_is_read(before) and not text_is_read(document):
                    document = supply_text(document, before.text)
                documents[document.id] = document
            for name, table in tables.items():
                if name.startswith(ANNOTATIONS_PREFIX):
                    document_id = name[len(ANNOTATIONS_PREFIX) :]
                    owners.update(dict.fromkeys(table, document_id))
        except (ValueError, KeyError, TypeError, AttributeError, GlossError) as error:
            raise StoreError(
                f"{self.path}: damaged record ({error}); it was left untouched — "
                f"run 'gloss doctor --db {self.path}'"
            ) from None
        self._documents = documents
        self._annotation_documents = owners

    def _note(self, operations: Iterable[Operation]) -> None:
        """Keep the indexes in step with operations applied to the tables."""
        if isinstance(operations, list) and self._note_annotation_puts(operations):
            return
        documents = self._documents
        texts = self._tables.tables.get(TEXTS_TABLE, {})
        for name, key, record in operations:
            if name == DOCUMENTS_TABLE:
                if documents is self._documents:
                    documents = dict(documents)  # copy on write: readers may iterate it
                if record is None:
                    documents.pop(key, None)
                elif key in self._written_documents:
                    documents[key] = self._written_documents[key]
                else:
                    with contextlib.suppress(ValueError, KeyError, TypeError, GlossError):
                        known = documents.get(key)
                        documents[key] = self._updated_document(
                            known, key, record, texts, self.path
                        )
            elif name.startswith(ANNOTATIONS_PREFIX):
                owner = name[len(ANNOTATIONS_PREFIX) :]
                if record is not None:
                    self._annotation_documents[key] = owner
                elif self._annotation_documents.get(key) == owner:
                    del self._annotation_documents[key]
                    self._made_from.pop(key, None)
        self._documents = documents

    def _note_annotation_puts(self, operations: list[Operation]) -> bool:
        """`_note` of operations that only put annotation records (an import's), in C;
        False, noting nothing, for any others."""
        names = set(map(_NAME_OF, operations))
        if not all(name.startswith(ANNOTATIONS_PREFIX) for name in names):
            return False
        if None in map(_RECORD_OF, operations):
            return False  # a removal
        owners = {name: name[len(ANNOTATIONS_PREFIX) :] for name in names}
        keys, tables = map(_KEY_OF, operations), map(_NAME_OF, operations)
        self._annotation_documents.update(zip(keys, map(owners.__getitem__, tables), strict=True))
        return True

    @staticmethod
    def _updated_document(
        known: Document | None,
        key: str,
        record: dict[str, Any],
        texts: dict[str, Any],
        store: Path,
    ) -> Document:
        """A document whose record changed: a known one keeps its text (texts are never
        rewritten), so a metadata change does not hash five megabytes again."""
        if known is None or "text" in record:
            return read_document(key, record, texts, store)
        return revised(
            known,
            title=record.get("title") or known.title,
            path=record.get("path"),
            metadata=dict(record.get("metadata") or {}),
            added=record.get("added") or known.added,
        )

    # -- internals: writing ------------------------------------------------------------

    def _put_records(self, records: dict[str, dict[str, Any]]) -> None:
        """Insert or replace annotation records — an import's, parsed for it and kept as
        they are — (moving any that changed document out of their old table) in one
        write past TinyDB (`JournalStorage.put`), in their own order: the journal line
        is written walking them as they lie in memory (grouped by table, 100,000 records
        take three times as long to write)."""
        documents = list(map(_DOCUMENT_OF, records.values()))
        names = {document: ANNOTATIONS_PREFIX + document for document in set(documents)}
        operations: list[Operation] = list(
            zip(map(names.__getitem__, documents), records, records.values(), strict=True)
        )
        moved: dict[str, list[str]] = {}
        owners = self._annotation_documents
        if not owners.keys().isdisjoint(records):  # (an import into an empty store: never)
            for key, document_id in zip(records, documents, strict=True):
                previous = owners.get(key)
                if previous is not None and previous != document_id:
                    moved.setdefault(previous, []).append(key)
        for previous, annotation_ids in moved.items():
            self._annotations_table(previous).remove(doc_ids=annotation_ids)
        self._tables.storage.put(operations)
        for name in names.values():
            self._db._tables.pop(name, None)  # TinyDB caches per Table: a fresh one

    def _put_many(self, document_id: str, records: dict[str, dict[str, Any]]) -> None:
        """Insert or replace annotation records of one document (moving any that changed
        document out of their old table) in as few TinyDB writes as there are tables."""
        moved: dict[str, list[str]] = {}
        for annotation_id in records:
            previous = self._annotation_documents.get(annotation_id)
            if previous is not None and previous != document_id:
                moved.setdefault(previous, []).append(annotation_id)
        for previous, annotation_ids in moved.items():
            self._annotations_table(previous).remove(doc_ids=annotation_ids)
        self._annotations_table(document_id).put(records)

    def _write_documents(self, documents: list[Document]) -> None:
        """Save the records of `documents` — their metadata; texts are written once, by
        `_write_texts`, when a document is added."""
        # `_note` indexes these very objects rather than parse (and hash) them again.
        self._written_documents = {d.id: d for d in documents}
        try:
            table = self._db.table(DOCUMENTS_TABLE)
            table.put({d.id: document_record(d) for d in documents})  # type: ignore[attr-defined]
        finally:
            self._written_documents = {}

    def _write_texts(self, documents: list[Document]) -> None:
        table = self._db.table(TEXTS_TABLE)
        table.put({d.id: self._text_record(d) for d in documents})  # type: ignore[attr-defined]

    def _text_record(self, document: Document) -> dict[str, Any]:
        """A text's record; a large text is written to a file of its own first (synced
        before the journal line that names it), so no JSON ever holds it."""
        if len(document.text) < LARGE_TEXT:
            return text_record(document)
        record: dict[str, Any] = write_text_file(self.path, document.id, document.text)
        if document.structure is not None:
            record["structure"] = document.structure.to_record()
        return record

    def _raw_annotation(self, annotation_id: str) -> dict[str, Any] | None:
        document_id = self._annotation_documents.get(annotation_id)
        if document_id is None:
            return None
        table = self._tables.tables.get(ANNOTATIONS_PREFIX + document_id, {})
        return self._record(table, annotation_id)

    def _canonical_record(self, annotation_id: str) -> dict[str, Any] | None:
        """The stored record of an annotation as `Annotation.to_record()` gives it."""
        record = self._raw_annotation(annotation_id)
        if record is None or is_canonical_record(record):
            return record
        return self._read_annotation(annotation_id, record).to_record()

    def _annotations_table(self, document_id: str) -> _KeyedTable:
        return self._db.table(ANNOTATIONS_PREFIX + document_id)  # type: ignore[return-value]

    # -- internals: the lock -----------------------------------------------------------

    # -- internals: compaction ---------------------------------------------------------


_ID_OF = itemgetter("id")
_DOCUMENT_OF = itemgetter("document")
_NAME_OF, _KEY_OF, _RECORD_OF = itemgetter(0), itemgetter(1), itemgetter(2)  # of an Operation


def _may_overlap(record: Any, start: int, end: int) -> bool:
    """Whether a stored annotation record (or the offsets of one, `storage.record_spans`)
    may share a character with `[start, end)`: a damaged one too, so that reading it says
    what is wrong with it."""
    try:
        if isinstance(record, dict):
            return record["start"] < end and record["end"] > start
        return record.start < end and record.end > start
    except (KeyError, TypeError, AttributeError):
        return True

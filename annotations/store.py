"""The store: documents and annotations in TinyDB, durable the moment a save returns.

This module and its helpers (`storage.py`, `journal.py`) are the only code that touches
TinyDB. Layout: a `documents` table (metadata), a `texts` table (each document's text, written
once), an `opened` table (when each was last opened), a `meta` table (schema version) and
one table of annotations per document (`annotations:<document id>`), keyed by the
annotation's uuid — TinyDB rebuilds a whole table on every write, so small tables keep a
save cheap, and a change to a document's metadata journals its metadata, not its text.

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

Compaction: when the journal passes `journal_limit` bytes (and on close, when it holds
saves and the snapshot is small or the journal large next to it), the tables are copied
in memory, written as a new snapshot in a background
thread without holding the lock, then — under the lock, briefly — the journal lines
written meanwhile are carried into a fresh journal and both files are renamed into place.
Each snapshot has a generation; the journal's header names the generation it continues
(and the one it was cut from), so a crash between the two renames is recognised and
read correctly. A crash anywhere leaves a store that loads with every acknowledged save:
at worst an unfinished last journal line, which is ignored and cut by the next writer.

Two running copies: both may write. A writer takes the lock, first applies what others
appended to the journal since it last looked, then appends its own change, so nobody's
save is overwritten by a stale copy. `refresh()` picks up others' saves; it costs one
`stat()` when nothing changed. Each copy rebuilds TinyDB's `Table` objects after taking in
others' changes, since TinyDB caches per `Table` object.

Faults: a file that does not parse, a journal line that fails its checksum, a foreign or
newer file — opening raises `StoreError` naming the file, which is left byte for byte as
it was. When a save cannot be written (disk full, read-only folder, I/O error), the change
stays in memory and visible, `pending` counts it, `StoreSaveError` says so, and `retry()`
(or the next save) writes it. The first released layout (schema 1: one TinyDB file
rewritten on every save) and the second (texts inside the document records) are migrated
on open; the original is kept as a backup (with its journal, if it had one).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from annotations.document import Document
from annotations.errors import GlossError, StoreError
from annotations.journal import Header, JournalDamage, JournalFile, Operation, encode_line
from annotations.model import Annotation
from annotations.storage import (
    ANNOTATIONS_PREFIX,
    DOCUMENTS_TABLE,
    FIRST_SCHEMA,
    SCHEMA_VERSION,
    TEXTS_TABLE,
    JournalStorage,
    SnapshotInfo,
    Tables,
    add_backup,
    document_record,
    empty_tables,
    encode_snapshot,
    fsync_directory,
    journal_path,
    lock_path,
    migrate,
    new_generation,
    paused_gc,
    read_document,
    read_snapshot,
    remove_stale_temporaries,
    replace_file,
    schema_of,
    snapshot_info,
    text_record,
    write_temporary,
)

__all__ = ["SCHEMA_VERSION", "ImportReport", "Store", "StoreSaveError"]

JOURNAL_LIMIT = 8 * 1024 * 1024
OPENED_TABLE = "opened"  # document id -> {"last_opened": ISO time}
SAVE_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the folder is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "an input/output error",
}


class StoreSaveError(StoreError):
    """A change could not be written; it is kept in memory and `Store.retry()` writes it."""


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


@dataclass(slots=True)
class _Loaded:
    tables: Tables
    generation: str | None
    journal: JournalFile | None
    needs_setup: bool


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
        self.path = Path(os.path.realpath(Path(path).expanduser()))
        self.read_only = read_only
        self.read_only_reason: str | None = "opened read-only" if read_only else None
        self.journal_limit = journal_limit
        self._journal_path = journal_path(self.path)
        self._lock_path = lock_path(self.path)
        self._mutex = threading.RLock()
        self._lock_descriptor: int | None = None
        self._locked = False
        self._journal: JournalFile | None = None
        self._generation: str | None = None
        self._needs_setup = False
        # Saves not written yet, one entry per save (each stays all or nothing).
        self._pending: list[list[Operation]] = []
        self._batch: list[Operation] | None = None
        self._compactor: threading.Thread | None = None
        self._closed = False
        self._documents: dict[str, Document] = {}
        self._annotation_documents: dict[str, str] = {}
        self._sorted_cache: dict[str, tuple[int, list[Annotation]]] = {}
        self._made_from: dict[str, tuple[dict[str, Any], Annotation]] = {}
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"{self.path.parent}: cannot create folder ({error.strerror})"
                ) from None
        self._open_lock_file()
        try:
            self._open()
        except BaseException:
            self._release_files()
            raise

    def _open(self) -> None:
        with self._flock(fcntl.LOCK_SH):
            loaded = self._load()
        self._db = _GlossDB(storage=self._make_storage, tables=loaded.tables)
        self._adopt(loaded)
        if not self.read_only:
            remove_stale_temporaries(self.path)  # of compactions and repairs killed midway
        if loaded.needs_setup and not self.read_only:
            existed = self.path.exists()
            with self._changing():
                pass
            if self._needs_setup and not existed:
                raise StoreError(
                    f"{self.path}: cannot create the store here "
                    f"({self._lock_problem or 'the folder is not writable'})"
                )

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store. Everything is already saved; a large journal is compacted.

        Changes still pending get one more try (one line per save, as many as the disk
        takes, if the whole backlog does not fit). Any left then are lost with the process:
        each was reported by the `StoreSaveError` of its save, and `pending` still counts
        them, so a caller can check before closing.
        """
        if self._closed:
            return
        self._wait_for_compaction()
        if not self.read_only:
            if self._pending:
                self.retry()
            if not self._pending and self._should_compact_on_close():
                with contextlib.suppress(GlossError, OSError):
                    self.compact()
        self._closed = True
        self._release_files()
        self._db.close()

    def _release_files(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self._lock_descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_descriptor)
            self._lock_descriptor = None

    @property
    def schema_version(self) -> int:
        """The store layout version (`meta` table); migrated stores report the current one."""
        return schema_of(self._db.storage.tables) or SCHEMA_VERSION

    @property
    def pending(self) -> int:
        """How many changes are kept in memory because they could not be written yet."""
        return sum(len(entry) for entry in self._pending)

    # -- documents ---------------------------------------------------------------------

    def add_document(self, document: Document) -> Document:
        """Store a document (once: the same text is the same document) and return it.

        A known document keeps its record; a new path for it is remembered.
        """
        with self._changing():
            known = self._documents.get(document.id)
            if known is not None:
                if document.path and document.path != known.path:
                    known = replace(known, path=document.path)
                    self._write_documents([known])
                return known
            with self._batched():  # the text and the record: one entry, all or nothing
                self._write_texts([document])
                self._write_documents([document])
            return document

    def set_document_metadata(self, document_id: str, **fields: Any) -> Document:
        """Merge `fields` into a stored document's metadata, save, and return the document."""
        with self._changing():
            document = self.document(document_id)
            updated = replace(document, metadata={**document.metadata, **fields})
            self._write_documents([updated])
            return updated

    def mark_opened(self, document_id: str, when: str) -> None:
        """Remember when a document was last opened (in a small table of its own: the
        library reads it for every document, the reader writes it on every open)."""
        self.document(document_id)
        with self._changing():
            table = self._db.table(OPENED_TABLE)
            table.put({document_id: {"last_opened": when}})  # type: ignore[attr-defined]

    def last_opened(self, document_id: str) -> str | None:
        """When `mark_opened` last said the document was opened, if ever."""
        record = self._db.storage.tables.get(OPENED_TABLE, {}).get(document_id)
        if record:
            return record.get("last_opened")
        # Stores written before `mark_opened` kept the time in the document's metadata.
        document = self._documents.get(document_id)
        return document.metadata.get("last_opened") if document else None

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
        resolved = str(Path(reference).expanduser().resolve())
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
        with self._changing():
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
        with self._changing():
            try:
                annotation = self.annotation(annotation_id).evolve(**changes)
            except ValueError as error:
                raise StoreError(str(error)) from None
            self.put(annotation)
            return annotation

    def put(self, annotation: Annotation) -> None:
        """Save an annotation as it is, replacing one with the same id (undo, import)."""
        with self._changing():
            if annotation.document not in self._documents:
                raise StoreError(f"no document {annotation.document} in {self.path}")
            self._put_many(annotation.document, {annotation.id: annotation.to_record()})

    def put_many(self, annotations: Iterable[Annotation]) -> None:
        """Save several annotations as they are in one durable write (all or nothing):
        re-anchoring a revised document moves all its annotations at once."""
        by_document: dict[str, dict[str, dict[str, Any]]] = {}
        for annotation in annotations:
            by_document.setdefault(annotation.document, {})[annotation.id] = annotation.to_record()
        with self._changing(), self._batched():
            unknown = [d for d in by_document if d not in self._documents]
            if unknown:
                raise StoreError(f"no document {unknown[0]} in {self.path}")
            for document_id, records in by_document.items():
                self._put_many(document_id, records)

    def delete(self, annotation_id: str) -> Annotation:
        """Remove an annotation and return it (so that it can be put back)."""
        with self._changing():
            annotation = self.annotation(annotation_id)
            del self._annotation_documents[annotation_id]
            self._made_from.pop(annotation_id, None)
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
            raise StoreError(
                f"{self.path}: damaged annotation record {key} ({error}); it was left "
                f"untouched — run 'gloss doctor --db {self.path}'"
            ) from None

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

    def _sorted_annotations(self, document_id: str) -> list[Annotation]:
        """A document's annotations in order, cached until its table changes.

        Records are never changed in place, so an `Annotation` made from a record stays
        valid while that very record object is in the table: after one change only one
        record is parsed again.
        """
        name = ANNOTATIONS_PREFIX + document_id
        version = self._db.storage.versions.get(name, 0)
        cached = self._sorted_cache.get(document_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        made = self._made_from
        annotations: list[Annotation] = []
        for key, record in self._db.storage.tables.get(name, {}).items():
            known = made.get(key)
            if known is None or known[0] is not record:
                known = made[key] = (record, self._read_annotation(key, record))
            annotations.append(known[1])
        annotations.sort(key=attrgetter("start", "end", "created", "id"))
        self._sorted_cache[document_id] = (version, annotations)
        return annotations

    def count(self, document: str) -> int:
        """How many annotations a document has."""
        return len(self._db.storage.tables.get(ANNOTATIONS_PREFIX + document, {}))

    # -- exchange ----------------------------------------------------------------------

    def import_records(
        self,
        data: Mapping[str, Any],
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Merge a json export: never duplicates an id; where both sides changed an
        annotation, the later `modified` wins and the clash is counted as a conflict.

        All or nothing: the records are checked first, then saved as one journal entry.
        `progress(done, total)` is called now and then with the annotations handled so far.
        """
        if not isinstance(data, Mapping) or data.get("gloss") != 1:
            raise StoreError('not a Gloss json export (expected {"gloss": 1, ...})')
        document_records = data.get("documents", [])
        annotation_records = data.get("annotations", [])
        if not isinstance(document_records, list) or not isinstance(annotation_records, list):
            raise StoreError('bad import: "documents" and "annotations" must be lists')
        with paused_gc():
            return self._import(document_records, annotation_records, progress)

    def _import(
        self,
        document_records: list[Any],
        annotation_records: list[Any],
        progress: Callable[[int, int], None] | None,
    ) -> ImportReport:
        try:
            incoming_documents = [Document.from_record(record) for record in document_records]
            incoming = [Annotation.from_record(record) for record in annotation_records]
        except (ValueError, KeyError, TypeError, AttributeError, GlossError) as error:
            raise StoreError(f"bad record in import: {error}") from None
        total = len(incoming)
        with self._changing(), self._batched():
            new_documents = [d for d in incoming_documents if d.id not in self._documents]
            known_ids = {d.id for d in incoming_documents} | self._documents.keys()
            for annotation in incoming:
                if annotation.document not in known_ids:
                    raise StoreError(
                        f"annotation {annotation.id} names unknown document {annotation.document}"
                    )
            for document in incoming_documents:
                self.add_document(document)
            added = updated = conflicts = unchanged = 0
            chosen: dict[str, Annotation] = {}
            for done, annotation in enumerate(incoming, 1):
                current = chosen.get(annotation.id)
                if current is None:
                    record = self._raw_annotation(annotation.id)
                    current = (
                        self._read_annotation(annotation.id, record) if record is not None else None
                    )
                if current is None:
                    added += 1
                    chosen[annotation.id] = annotation
                elif current == annotation:
                    unchanged += 1
                else:
                    conflicts += 1
                    if annotation.modified > current.modified:
                        updated += 1
                        chosen[annotation.id] = annotation
                if progress is not None and (done % 2000 == 0 or done == total):
                    progress(done, total)
            by_document: dict[str, dict[str, dict[str, Any]]] = {}
            for annotation in chosen.values():
                by_document.setdefault(annotation.document, {})[annotation.id] = (
                    annotation.to_record()
                )
            for document_id, records in by_document.items():
                self._put_many(document_id, records)
        if progress is not None and total == 0:
            progress(0, 0)
        return ImportReport(len(new_documents), added, updated, conflicts, unchanged)

    # -- other copies, failures, compaction ----------------------------------------------

    def refresh(self) -> bool:
        """Take in what other processes saved since we last looked; True if anything did.

        Cheap when nothing changed: one `stat()` of the journal. Raises `StoreError` only
        if the files were damaged or replaced by something that is not this store.
        """
        if self._closed:
            return False
        with self._mutex:
            return self._catch_up()

    def retry(self) -> bool:
        """Try again to write the changes kept in memory; True when none is left pending."""
        if not self._pending:
            return True
        with contextlib.suppress(StoreSaveError), self._changing():
            if self._locked:
                self._append([])
        return not self._pending

    def compact(self, *, background: bool = False) -> None:
        """Fold the journal into a new snapshot (and keep the old one as a backup).

        With `background`, the snapshot is written in a thread; saves go on meanwhile.
        """
        if self.read_only:
            return
        if background:
            if self._compactor is None or not self._compactor.is_alive():
                self._compactor = threading.Thread(
                    target=self._compact_quietly, name="gloss-store-compactor", daemon=True
                )
                self._compactor.start()
            return
        self._wait_for_compaction()
        try:
            self._compact()
        except OSError as error:
            reason = SAVE_FAILURES.get(error.errno or 0, error.strerror or str(error))
            raise StoreSaveError(
                f"{self.path}: could not compact the journal — {reason}; nothing was lost, "
                "the journal goes on"
            ) from None

    # -- internals: reading ------------------------------------------------------------

    def _make_storage(self, tables: Tables) -> JournalStorage:
        return JournalStorage(tables, self._commit)

    def _load(self) -> _Loaded:
        """Read the snapshot and the journal that continues it."""
        for attempt in range(3):
            try:
                return self._load_once()
            except _Moved as moved:
                if attempt == 2:
                    # Read three times without a lock and still not a pair: not a writer
                    # mid-compaction but a journal of another store.
                    raise StoreError(str(moved)) from None
        raise AssertionError("unreachable")

    def _load_once(self) -> _Loaded:
        tables = read_snapshot(self.path)
        journal = JournalFile.open(self._journal_path, writable=not self.read_only)
        if tables is None:
            if journal is not None:
                journal.close()
                raise StoreError(
                    f"{self._journal_path}: a journal without its store file {self.path}; "
                    f"it was left untouched — run 'gloss doctor --db {self.path}'"
                )
            return _Loaded(empty_tables(), None, None, needs_setup=True)
        schema = schema_of(tables)
        if schema == FIRST_SCHEMA:
            if journal is not None:
                # The first release kept no journal: a header that reads as schema 1 beside
                # one is damage, and migrating it would throw the journal's saves away.
                journal.close()
                raise StoreError(
                    f"{self.path}: its header says first-release layout, but a journal is "
                    f"beside it (the header is damaged); both were left untouched — run "
                    f"'gloss doctor --db {self.path}'"
                )
            return _Loaded(migrate(tables), None, None, needs_setup=True)
        info = snapshot_info(tables)
        if journal is None:
            return _Loaded(migrate(tables), info.generation, None, needs_setup=True)
        header = journal.header
        if header.generation == info.generation:
            start, needs_setup = journal.header_end, False
        elif header.generation == info.parent and info.parent is not None:
            # A crash between the compaction's two renames: this journal's tail from
            # where the snapshot stops still counts.
            start, needs_setup = info.journal_offset, True
        else:
            journal.close()
            message = (
                f"{self._journal_path}: does not belong to {self.path} (generation "
                f"{header.generation}, the store is {info.generation}); both were left "
                f"untouched — run 'gloss doctor --db {self.path}'"
            )
            if self._lock_descriptor is None:
                raise _Moved(message)  # perhaps a compaction between our two reads
            raise StoreError(message)
        try:
            entries, end = journal.read_from(start)
        except JournalDamage:
            journal.close()
            raise
        storage = JournalStorage(tables, _refuse)
        for operations in entries:
            storage.apply(operations, in_place=True)
        journal.end = end
        if schema != SCHEMA_VERSION:
            # An older layout, with its journal's saves (written in that layout) applied:
            # migrated in memory here, on disk by the first writer (`_set_up_files`).
            tables, needs_setup = migrate(tables), True
        return _Loaded(tables, info.generation, journal, needs_setup)

    def _adopt(self, loaded: _Loaded) -> None:
        """Make `loaded` the state of this store (and put pending changes back on top)."""
        if self._journal is not None and self._journal is not loaded.journal:
            self._journal.close()
        self._journal = loaded.journal
        self._generation = loaded.generation
        self._needs_setup = loaded.needs_setup
        self._db.storage.replace_all(loaded.tables)
        self._sorted_cache.clear()
        self._made_from.clear()
        if self._pending:
            self._db.storage.apply(operation for entry in self._pending for operation in entry)
        self._db._tables.clear()  # fresh Table objects: TinyDB caches per Table
        self._rebuild_index()

    def _rebuild_index(self) -> None:
        tables = self._db.storage.tables
        documents: dict[str, Document] = {}
        owners: dict[str, str] = {}
        texts = tables.get(TEXTS_TABLE, {})
        try:
            for key, record in tables.get(DOCUMENTS_TABLE, {}).items():
                document = read_document(key, record, texts)
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
        """Keep the indexes in step with operations saved by another process."""
        documents = self._documents
        texts = self._db.storage.tables.get(TEXTS_TABLE, {})
        for name, key, record in operations:
            if name == DOCUMENTS_TABLE:
                if documents is self._documents:
                    documents = dict(documents)  # copy on write: readers may iterate it
                if record is None:
                    documents.pop(key, None)
                else:
                    with contextlib.suppress(ValueError, KeyError, TypeError, GlossError):
                        known = documents.get(key)
                        documents[key] = self._updated_document(known, key, record, texts)
            elif name.startswith(ANNOTATIONS_PREFIX):
                owner = name[len(ANNOTATIONS_PREFIX) :]
                if record is not None:
                    self._annotation_documents[key] = owner
                elif self._annotation_documents.get(key) == owner:
                    del self._annotation_documents[key]
                    self._made_from.pop(key, None)
        self._documents = documents

    @staticmethod
    def _updated_document(
        known: Document | None, key: str, record: dict[str, Any], texts: dict[str, Any]
    ) -> Document:
        """A document whose record changed: a known one keeps its text (texts are never
        rewritten), so a metadata change does not hash five megabytes again."""
        if known is None or "text" in record:
            return read_document(key, record, texts)
        return replace(
            known,
            title=record.get("title") or known.title,
            path=record.get("path"),
            metadata=dict(record.get("metadata") or {}),
            added=record.get("added") or known.added,
        )

    def _take_in(self, entries: list[list[Operation]]) -> bool:
        if not entries:
            return False
        # Ours (pending) go after theirs: the journal will end with ours.
        operations = [operation for entry in entries + self._pending for operation in entry]
        self._db.storage.apply(operations)
        self._note(operations)
        self._db._tables.clear()
        return True

    def _catch_up(self, *, exact: bool = False) -> bool:
        """Apply what other processes appended; follow a compaction or reload if needed.

        `exact` (under the exclusive lock, before writing): read whatever lies past the
        last complete line, whatever its size and time say.
        """
        try:
            status = os.stat(self._journal_path)
        except FileNotFoundError:
            status = None
        except OSError:
            return False
        journal = self._journal
        if journal is not None and status is not None:
            if (status.st_dev, status.st_ino) == journal.identity:
                if journal.unchanged(status) and not (exact and journal.seen_size > journal.end):
                    return False
                entries, journal.end = journal.read_from(journal.end)
                return self._take_in(entries)
            # Another copy compacted: finish reading the old journal through our open
            # descriptor, then continue in the new one where it repeats what we have read.
            entries, old_end = journal.read_from(journal.end)
            changed = self._take_in(entries)
            successor = JournalFile.open(self._journal_path, writable=not self.read_only)
            header = successor.header if successor is not None else None
            if (
                successor is not None
                and header is not None
                and header.parent == self._generation
                and old_end >= header.parent_offset
            ):
                copied = successor.header_end + (old_end - header.parent_offset)
                entries, successor.end = successor.read_from(copied)
                journal.close()
                self._journal = successor
                self._generation = header.generation
                return self._take_in(entries) or changed
            if successor is not None:
                successor.close()
        elif journal is None and status is None:
            return False
        if self._locked:
            loaded = self._load()
        else:
            with self._flock(fcntl.LOCK_SH):
                loaded = self._load()
        self._adopt(loaded)
        return True

    # -- internals: writing ------------------------------------------------------------

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the write lock around one change, after taking in others' saves."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is {self.read_only_reason}")
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        with self._mutex:
            if self._locked:
                yield
                return
            self._locked = self._acquire()
            try:
                if self._locked:
                    self._prepare_for_writing()
                yield
            finally:
                if self._locked:
                    self._release()
                self._locked = False

    def _prepare_for_writing(self) -> None:
        if self._needs_setup:
            try:
                self._set_up_files()
            except OSError:
                self._locked = False
                self._release()
                return
        self._catch_up(exact=True)
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.cut_unfinished_tail()

    @contextlib.contextmanager
    def _batched(self) -> Iterator[None]:
        """Collect the writes inside into one journal entry (one fsync, all or nothing)."""
        if self._batch is not None:
            yield
            return
        self._batch = []
        try:
            yield
        finally:
            operations, self._batch = self._batch, None
            if operations:
                self._append(operations)

    def _commit(self, operations: list[Operation]) -> None:
        """Called by the storage for every TinyDB write."""
        if self._batch is not None:
            self._batch.extend(operations)
        else:
            self._append(operations)

    def _append(self, operations: list[Operation]) -> None:
        todo = self._pending + ([operations] if operations else [])
        if not todo:
            return
        self._pending = todo
        try:
            if not self._locked or self._journal is None or self._needs_setup:
                raise OSError(self._lock_errno, self._lock_problem or "cannot take the lock")
            self._write_entries(todo)
        except OSError as error:
            reason = SAVE_FAILURES.get(error.errno or 0, error.strerror or str(error))
            raise StoreSaveError(
                f"{self.path}: not saved — {reason} ({self.pending} change(s) not written yet)"
            ) from None
        if self._journal.end > self.journal_limit:
            self.compact(background=True)

    def _write_entries(self, entries: list[list[Operation]]) -> None:
        """Append `entries` to the journal: as one line, or — when the disk refuses it, as
        a full disk with a little space back does a large backlog — one line per save, as
        many as fit. What could not be written stays pending (`OSError`)."""
        assert self._journal is not None
        self._pending = entries
        try:
            self._journal.append(encode_line([op for entry in entries for op in entry]))
        except OSError:
            if len(entries) == 1:
                raise
            for written, entry in enumerate(entries):
                try:
                    self._journal.append(encode_line(entry))
                except OSError:
                    self._pending = entries[written:]
                    raise
        self._pending = []

    def _set_up_files(self) -> None:
        """Under the exclusive lock: create, migrate, or finish an interrupted compaction."""
        tables = read_snapshot(self.path)
        if tables is None:
            self._write_snapshot_and_journal(empty_tables())
        elif schema_of(tables) == FIRST_SCHEMA:
            if self._journal_path.exists():
                raise StoreError(f"{self.path}: a first-release header beside a journal")
            add_backup(self.path, self.path, label=f"-schema{schema_of(tables)}")
            self._write_snapshot_and_journal(migrate(tables))
        elif schema_of(tables) != SCHEMA_VERSION:
            self._migrate_with_journal(schema_of(tables) or 0)
        else:
            info = snapshot_info(tables)
            journal = JournalFile.open(self._journal_path, writable=True)
            if journal is None:
                replace_file(self._journal_path, [Header(info.generation or "").encode()])
            elif journal.header.generation != info.generation:
                _, end = journal.read_from(info.journal_offset)
                tail = journal.read_bytes(info.journal_offset, end)
                journal.close()
                header = Header(info.generation or "", info.parent, info.journal_offset)
                replace_file(self._journal_path, [header.encode(), tail])
            else:
                journal.close()
        remove_stale_temporaries(self.path)
        self._adopt(self._load_once())

    def _write_snapshot_and_journal(self, tables: Tables, info: SnapshotInfo | None = None) -> None:
        info = info or SnapshotInfo(new_generation(), None, 0)
        replace_file(self.path, encode_snapshot(tables, info))
        replace_file(self._journal_path, [Header(info.generation or "").encode()])

    def _migrate_with_journal(self, schema: int) -> None:
        """Under the exclusive lock: write a store of a layout that has a journal (schema 2)
        in the current one, its journal's saves folded in. The original snapshot and
        journal are kept as a backup pair (`Store(backup)` opens it).

        The new snapshot names the old journal as its parent, cut at its end: a crash
        between the two renames then reads as an interrupted compaction. The new journal
        names no parent, so a running older Gloss reloads — and is told to upgrade —
        rather than read saves in a layout it does not know.
        """
        loaded = self._load_once()  # the snapshot, its journal's saves applied, migrated
        parent, cut = None, 0
        if loaded.journal is not None:
            parent, cut = loaded.journal.header.generation, loaded.journal.end
            loaded.journal.close()
        backup = add_backup(self.path, self.path, label=f"-schema{schema}")
        if backup is not None and self._journal_path.exists():
            with contextlib.suppress(OSError):
                shutil.copyfile(self._journal_path, journal_path(backup))
        info = SnapshotInfo(new_generation(), parent, cut)
        self._write_snapshot_and_journal(loaded.tables, info)

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
        self._annotation_documents.update(dict.fromkeys(records, document_id))
        self._annotations_table(document_id).put(records)

    def _write_documents(self, documents: list[Document]) -> None:
        """Save the records of `documents` — their metadata; texts are written once, by
        `_write_texts`, when a document is added."""
        # Copy on write: a reader in another thread may be iterating the documents.
        self._documents = {**self._documents, **{d.id: d for d in documents}}
        table = self._db.table(DOCUMENTS_TABLE)
        table.put({d.id: document_record(d) for d in documents})  # type: ignore[attr-defined]

    def _write_texts(self, documents: list[Document]) -> None:
        table = self._db.table(TEXTS_TABLE)
        table.put({d.id: text_record(d) for d in documents})  # type: ignore[attr-defined]

    def _raw_annotation(self, annotation_id: str) -> dict[str, Any] | None:
        document_id = self._annotation_documents.get(annotation_id)
        if document_id is None:
            return None
        table = self._db.storage.tables.get(ANNOTATIONS_PREFIX + document_id, {})
        return table.get(annotation_id)

    def _annotations_table(self, document_id: str) -> _KeyedTable:
        return self._db.table(ANNOTATIONS_PREFIX + document_id)  # type: ignore[return-value]

    # -- internals: the lock -----------------------------------------------------------

    _lock_problem: str | None = None
    _lock_errno: int = errno.EACCES

    def _open_lock_file(self) -> None:
        flags = os.O_RDONLY if self.read_only else os.O_RDWR | os.O_CREAT
        try:
            self._lock_descriptor = os.open(self._lock_path, flags, 0o644)
            self._lock_problem = None
        except OSError as error:
            try:
                self._lock_descriptor = os.open(self._lock_path, os.O_RDONLY)
                self._lock_problem = None
            except OSError:
                self._lock_descriptor = None
                self._lock_errno = error.errno or errno.EACCES
                self._lock_problem = SAVE_FAILURES.get(
                    error.errno or 0, error.strerror or str(error)
                )

    def _acquire(self) -> bool:
        if self._lock_descriptor is None:
            self._open_lock_file()
        if self._lock_descriptor is None:
            return False
        try:
            fcntl.flock(self._lock_descriptor, fcntl.LOCK_EX)
        except OSError:
            return False
        return True

    def _release(self) -> None:
        if self._lock_descriptor is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_descriptor, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _flock(self, operation: int) -> Iterator[None]:
        held = False
        if self._lock_descriptor is not None:
            try:
                fcntl.flock(self._lock_descriptor, operation)
                held = True
            except OSError:
                held = False
        try:
            yield
        finally:
            if held:
                self._release()

    # -- internals: compaction ---------------------------------------------------------

    def _should_compact_on_close(self) -> bool:
        journal = self._journal
        if journal is None or journal.end <= journal.header_end:
            return False
        try:
            snapshot_size = self.path.stat().st_size
        except OSError:
            return False
        written = journal.end - journal.header_end
        return snapshot_size < 4 * 1024 * 1024 or written * 8 > snapshot_size

    def _wait_for_compaction(self) -> None:
        if self._compactor is not None:
            self._compactor.join()
            self._compactor = None

    def _compact_quietly(self) -> None:
        with contextlib.suppress(GlossError, OSError):
            self._compact()

    def _compact(self) -> None:
        # 1. A consistent copy of the tables and where in the journal it stands.
        with self._mutex:
            if self._pending or self._journal is None or self._needs_setup or self._closed:
                return
            tables = {name: dict(table) for name, table in self._db.storage.tables.items()}
            journal, parent, cut = self._journal, self._generation, self._journal.end
        # 2. The new snapshot, written without holding any lock.
        generation = new_generation()
        info = SnapshotInfo(generation, parent, cut)
        snapshot = write_temporary(self.path, encode_snapshot(tables, info))
        try:
            # 3. Under the lock: carry over what was appended meanwhile, rename both files.
            with self._mutex:
                if self._closed or not self._acquire():
                    return
                self._locked = True
                try:
                    self._catch_up(exact=True)
                    if self._journal is not journal or self._generation != parent:
                        return  # another copy compacted first
                    journal.cut_unfinished_tail()
                    end = journal.end
                    tail = journal.read_bytes(cut, end)
                    header = Header(generation, parent, cut)
                    successor = write_temporary(self._journal_path, [header.encode(), tail])
                    add_backup(self.path, snapshot)
                    os.replace(snapshot, self.path)
                    os.replace(successor, self._journal_path)
                    fsync_directory(self.path.parent)
                    opened = JournalFile.open(self._journal_path, writable=True)
                    if opened is None:
                        raise StoreError(f"{self._journal_path}: vanished during compaction")
                    opened.end = opened.header_end + (end - cut)
                    opened.seen_size = opened.end
                    journal.close()
                    self._journal = opened
                    self._generation = generation
                    remove_stale_temporaries(self.path)  # from compactions killed midway
                finally:
                    self._locked = False
                    self._release()
        finally:
            with contextlib.suppress(OSError):
                snapshot.unlink()


class _Moved(Exception):
    """The files changed while we read them without a lock: read again."""


def _refuse(operations: list[Operation]) -> None:
    raise StoreError("internal: loading must not write")

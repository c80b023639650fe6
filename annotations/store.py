"""The store: documents and annotations in TinyDB, saved durably on every change.

This is the only module that touches TinyDB. Layout: a `documents` table, a `meta` table
(schema version) and one table of annotations per document (`annotations:<document id>`),
keyed by the annotation's uuid, so that a write touches one document's annotations only.

Durability: every change is on disk when the call returns. The file is replaced
atomically (temporary file in the same folder, fsync, `os.replace`, fsync of the folder),
so a crash leaves either the old or the new file, never half of one. A file that does not
parse is never overwritten: opening it raises `StoreError` naming it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document as TinyDocument
from tinydb.table import Table

from annotations.document import Document
from annotations.errors import StoreError
from annotations.model import Annotation

SCHEMA_VERSION = 1
DOCUMENTS_TABLE = "documents"
META_TABLE = "meta"
ANNOTATIONS_PREFIX = "annotations:"


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX needs the folder itself synced)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: written to a temporary file beside it, synced, renamed."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(path.parent)


class AtomicJSONStorage(Storage):
    """A TinyDB storage that keeps the data in memory and replaces the file atomically."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._data: dict[str, Any] | None = load_store_file(path)

    def read(self) -> dict[str, Any] | None:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only")
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            write_atomically(self.path, encoded)
        except OSError as error:
            raise StoreError(f"{self.path}: could not save ({error.strerror})") from None
        self._data = data

    def close(self) -> None:
        pass


def load_store_file(path: Path) -> dict[str, Any] | None:
    """Read a store file; None when it does not exist or is empty.

    Raises `StoreError` — and leaves the file untouched — when it is not a Gloss store.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a store file") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreError(
            f"{path}: damaged or not a Gloss store ({error.__class__.__name__}); "
            "it was left untouched — run 'gloss doctor' on it"
        ) from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise StoreError(f"{path}: not a Gloss store (unexpected layout); it was left untouched")
    return data


class _KeyedTable(Table):
    """A table whose document ids are strings we choose (uuids, document ids)."""

    document_id_class = str  # type: ignore[assignment]


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
    raises `StoreError` and stays as it was. Every failure is a `StoreError`.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.read_only = read_only
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"{self.path.parent}: cannot create folder ({error.strerror})"
                ) from None
        self._db = _GlossDB(storage=AtomicJSONStorage, path=self.path, read_only=read_only)
        self._documents: dict[str, Document] = {}
        self._annotation_documents: dict[str, str] = {}
        self._index()
        if not read_only and self._db.storage.read() is None:
            self._meta_table.insert(TinyDocument({"schema": SCHEMA_VERSION}, doc_id="schema"))

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store; everything is already saved."""
        self._db.close()

    @property
    def schema_version(self) -> int:
        record = self._meta_table.get(doc_id="schema")
        return int(record["schema"]) if record else SCHEMA_VERSION

    # -- documents ---------------------------------------------------------------------

    def add_document(self, document: Document) -> Document:
        """Store a document (once: the same text is the same document) and return it.

        A known document keeps its record; a new path for it is remembered.
        """
        known = self._documents.get(document.id)
        if known is not None:
            if document.path and document.path != known.path:
                known = replace(known, path=document.path)
                self._write_document(known)
            return known
        self._write_document(document)
        return document

    def document(self, document_id: str) -> Document:
        """The document with this id; `StoreError` if there is none."""
        try:
            return self._documents[document_id]
        except KeyError:
            raise StoreError(f"no document {document_id} in {self.path}") from None

    def find_document(self, reference: str) -> Document | None:
        """A document by id, id prefix (at least 8 hex digits), path or title."""
        if reference in self._documents:
            return self._documents[reference]
        resolved = str(Path(reference).expanduser().resolve())
        for document in self._documents.values():
            if document.path == resolved or document.title == reference:
                return document
        digits = reference.removeprefix("sha256:")
        if len(digits) >= 8:
            matches = [d for d in self._documents.values() if d.id[7:].startswith(digits)]
            if len(matches) == 1:
                return matches[0]
        return None

    def documents(self) -> list[Document]:
        """Every document, in the order they were added."""
        return sorted(self._documents.values(), key=lambda d: (d.added, d.title))

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
        try:
            annotation = self.annotation(annotation_id).evolve(**changes)
        except ValueError as error:
            raise StoreError(str(error)) from None
        self.put(annotation)
        return annotation

    def put(self, annotation: Annotation) -> None:
        """Save an annotation as it is, replacing one with the same id (undo, import)."""
        if annotation.document not in self._documents:
            raise StoreError(f"no document {annotation.document} in {self.path}")
        previous_document = self._annotation_documents.get(annotation.id)
        if previous_document is not None and previous_document != annotation.document:
            self._annotations_table(previous_document).remove(doc_ids=[annotation.id])
        table = self._annotations_table(annotation.document)
        record = TinyDocument(annotation.to_record(), doc_id=annotation.id)
        if previous_document == annotation.document:
            table.update(record, doc_ids=[annotation.id])
        else:
            table.insert(record)
        self._annotation_documents[annotation.id] = annotation.document

    def delete(self, annotation_id: str) -> Annotation:
        """Remove an annotation and return it (so that it can be put back)."""
        annotation = self.annotation(annotation_id)
        self._annotations_table(annotation.document).remove(doc_ids=[annotation_id])
        del self._annotation_documents[annotation_id]
        return annotation

    def annotation(self, annotation_id: str) -> Annotation:
        """The annotation with this id; `StoreError` if there is none."""
        document_id = self._annotation_documents.get(annotation_id)
        record = None
        if document_id is not None:
            record = self._annotations_table(document_id).get(doc_id=annotation_id)
        if record is None:
            raise StoreError(f"no annotation {annotation_id}")
        return Annotation.from_record(record)

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
        for document_id in document_ids:
            annotations = [
                Annotation.from_record(record)
                for record in self._annotations_table(document_id).all()
            ]
            annotations.sort(key=lambda a: (a.start, a.end, a.created, a.id))
            found.extend(
                a
                for a in annotations
                if (analyst is None or a.analyst == analyst) and (tag is None or tag in a.tags)
            )
        return found

    def count(self, document: str) -> int:
        """How many annotations a document has."""
        return len(self._annotations_table(document))

    # -- exchange ----------------------------------------------------------------------

    def export_records(
        self,
        *,
        document: str | None = None,
        analyst: str | None = None,
        tag: str | None = None,
    ) -> dict[str, Any]:
        """The json export: `{"gloss": 1, "documents": [...], "annotations": [...]}`."""
        documents = [self.document(document)] if document else self.documents()
        annotations = [
            a for d in documents for a in self.annotations(d.id, analyst=analyst, tag=tag)
        ]
        return {
            "gloss": 1,
            "documents": [d.to_record() for d in documents],
            "annotations": [a.to_record() for a in annotations],
        }

    def import_records(self, data: Mapping[str, Any]) -> ImportReport:
        """Merge a json export: never duplicates an id; where both sides changed an
        annotation, the later `modified` wins and the clash is counted as a conflict."""
        if not isinstance(data, Mapping) or data.get("gloss") != 1:
            raise StoreError('not a Gloss json export (expected {"gloss": 1, ...})')
        documents_added = added = updated = conflicts = unchanged = 0
        try:
            for record in data.get("documents", []):
                document = Document.from_record(record)
                if document.id not in self._documents:
                    documents_added += 1
                self.add_document(document)
            for record in data.get("annotations", []):
                incoming = Annotation.from_record(record)
                if incoming.document not in self._documents:
                    raise StoreError(
                        f"annotation {incoming.id} names unknown document {incoming.document}"
                    )
                if incoming.id not in self._annotation_documents:
                    self.put(incoming)
                    added += 1
                    continue
                current = self.annotation(incoming.id)
                if current == incoming:
                    unchanged += 1
                    continue
                conflicts += 1
                if incoming.modified > current.modified:
                    self.put(incoming)
                    updated += 1
        except (ValueError, KeyError, TypeError) as error:
            raise StoreError(f"bad record in import: {error}") from None
        return ImportReport(documents_added, added, updated, conflicts, unchanged)

    # -- internals ---------------------------------------------------------------------

    @property
    def _meta_table(self) -> Table:
        return self._db.table(META_TABLE)

    def _annotations_table(self, document_id: str) -> Table:
        return self._db.table(ANNOTATIONS_PREFIX + document_id)

    def _write_document(self, document: Document) -> None:
        table = self._db.table(DOCUMENTS_TABLE)
        record = TinyDocument(document.to_record(), doc_id=document.id)
        if table.contains(doc_id=document.id):
            table.update(record, doc_ids=[document.id])
        else:
            table.insert(record)
        self._documents[document.id] = document

    def _index(self) -> None:
        try:
            for record in self._db.table(DOCUMENTS_TABLE).all():
                document = Document.from_record(record)
                self._documents[document.id] = document
            for name in self._db.tables():
                if name.startswith(ANNOTATIONS_PREFIX):
                    document_id = name.removeprefix(ANNOTATIONS_PREFIX)
                    for annotation_id in _keys(self._db.table(name)):
                        self._annotation_documents[annotation_id] = document_id
        except (ValueError, KeyError, TypeError) as error:
            raise StoreError(
                f"{self.path}: damaged record ({error}); it was left untouched"
            ) from None


def _keys(table: Table) -> Iterator[str]:
    for record in table:
        yield str(record.doc_id)

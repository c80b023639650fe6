"""The library: opening files and folders into the store, and following revised documents.

A document is its content (its id is the hash of its text), so a file that was edited is
a new document. When a path the store already knows comes back with new text, the old
version's annotations are re-anchored onto the new one (see `anchoring`): those that are
found move over; those that are not stay on the old version as *orphans* — listed, never
deleted, and re-attachable by hand with `reattach`. The old version is marked
`superseded_by` the new one, and the new one `supersedes` the old.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.citation import source_fields
from annotations.document import Document, original_hash, read_file, read_text, utc_now
from annotations.errors import DocumentError, StoreError
from annotations.lazy_texts import revised, supply_text, text_is_read
from annotations.model import Annotation
from annotations.safe_text import path_text, visible
from annotations.sources import CONVERSION, SOURCE_SUFFIXES, source_format
from annotations.span_index import SpanIndex
from annotations.store import Store
from annotations.text_units import snap_to_graphemes

if TYPE_CHECKING:
    from annotations.anchoring import Report

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
# What a folder stands for: text files and the sources Gloss converts (PDF, HTML, ...).
OPENED_SUFFIXES = (*TEXT_SUFFIXES, *SOURCE_SUFFIXES)
Progress = Callable[[Path, int, int], None]


@dataclass(frozen=True)
class Opened:
    """One document as opened: what it replaced, if anything, and how its annotations fared."""

    document: Document
    path: Path
    previous: Document | None = None
    report: Report | None = None

    @property
    def moved(self) -> int:
        return self.report.moved if self.report else 0

    @property
    def changed(self) -> int:
        return self.report.changed if self.report else 0

    @property
    def orphaned(self) -> int:
        return self.report.orphaned if self.report else 0

    @property
    def orphans(self) -> list[Annotation]:
        """The annotations that could not be placed in the new text (kept on the old one)."""
        return self.report.orphans if self.report else []

    def summary(self) -> str | None:
        """A line for the reader when the text changed since it was annotated, else None:
        "The text changed since it was last opened: 3 moved, 1 orphaned"."""
        if self.previous is None or self.report is None:
            return None
        return f"The text changed since it was last opened: {self.report.summary()}"


@dataclass(frozen=True)
class OpenResult:
    """What `open_paths` opened, and the files of a folder it had to leave out (with why)."""

    opened: tuple[Opened, ...]
    skipped: tuple[tuple[Path, str], ...] = ()

    @property
    def documents(self) -> list[Document]:
        return [item.document for item in self.opened]


@dataclass(frozen=True)
class DocumentSummary:
    """A line of the library: a document with its counts."""

    id: str
    title: str
    path: str | None
    annotations: int
    paragraphs: int
    annotated_paragraphs: int
    orphans: int
    last_opened: str | None
    # Who wrote it, where and when it appeared, what it was: "Ana Lima · The Example
    # Times · 2024-03-05 · PDF" (untrusted: read from the file or typed).
    source: str = ""

    @property
    def share_annotated(self) -> float:
        """The share of paragraphs that hold at least one annotation, 0.0 to 1.0."""
        return self.annotated_paragraphs / self.paragraphs if self.paragraphs else 0.0


# -- opening ------------------------------------------------------------------------------


def expand_paths(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """The files to open, each with whether it was named explicitly.

    A folder stands for its text files (`.txt`, `.md`) and the sources Gloss converts
    (`.pdf`, `.html`, `.docx`, `.epub`), in its subfolders too, sorted by path; hidden
    files and folders are left out. A folder without any is an error.
    """
    files: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.is_dir():
            files.append((path, True))
            continue
        found = sorted(
            candidate
            for candidate in path.rglob("*")
            if candidate.suffix.lower() in OPENED_SUFFIXES
            and candidate.is_file()
            and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
        )
        if not found:
            raise DocumentError(
                f"{path}: the folder holds no .txt, .md, .pdf, .html, .docx or .epub files"
            )
        files.extend((candidate, False) for candidate in found)
    return files


def open_paths(
    store: Store,
    paths: Sequence[str | Path],
    encoding: str | None = None,
    *,
    password: str | None = None,
    progress: Progress | None = None,
    converted: Mapping[Path, Document] | None = None,
) -> OpenResult:
    """Open files and folders into the store, re-anchoring any that changed.

    A file named explicitly that cannot be opened raises `DocumentError` before anything
    is stored. In a folder, a file that cannot be opened is skipped and reported in
    `skipped`; a folder none of whose files opens raises `DocumentError`. The same text
    reached by two paths is opened once. A source (PDF, HTML, DOCX, EPUB) already
    converted is not converted again (see `load`); `password` opens encrypted PDFs and
    `progress(path, done, total)` follows conversions; `converted` holds sources the
    caller has converted already (the command line does, with its progress bar).
    """
    converted = converted or {}
    files = expand_paths(paths)
    loaded: list[tuple[Path, Document]] = []
    skipped: list[tuple[Path, str]] = []
    for path, explicit in files:
        try:
            document = converted.get(path) or load(
                store, path, encoding=encoding, password=password, progress=progress
            )
            loaded.append((path, document))
        except DocumentError as error:
            if explicit:
                raise
            skipped.append((path, str(error)))
    if not loaded:
        first = skipped[0][1] if skipped else "nothing to open"
        raise DocumentError(f"none of the {len(skipped)} files could be opened ({first})")
    opened: list[Opened] = []
    seen: set[str] = set()
    for path, document in loaded:
        if document.id in seen:
            continue
        seen.add(document.id)
        opened.append(_open_one(store, path, document))
    return OpenResult(tuple(opened), tuple(skipped))


def open_document(
    store: Store, path: str | Path, encoding: str | None = None, *, password: str | None = None
) -> Opened:
    """Open one file into the store, re-anchoring its annotations if its text changed
    (what `gloss export --document PATH` does before exporting)."""
    path = Path(path).expanduser()
    return _open_one(store, path, load(store, path, encoding=encoding, password=password))


def load(
    store: Store,
    path: Path,
    *,
    encoding: str | None = None,
    password: str | None = None,
    progress: Progress | None = None,
) -> Document:
    """The document a file holds: a text file read, a source converted — or, for a source
    whose bytes the store has converted before, that conversion (no work at all)."""
    if not source_format(path):
        try:
            read = read_text(path, encoding=encoding)
        except DocumentError:
            known = _known_surrogates(store, path) if encoding is None else None
            if known is None:
                raise
            return known
        known = _known_text(store, path, read.exact_id, read.text) if read.exact_id else None
        return known or Document.from_text_file(path, read)
    data = read_file(path)
    known = converted_before(store, original_hash(data))
    if known is not None:
        return _at_path(known, path)

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(path, done, total)

    return Document.from_source(path, data, password=password, progress=report)


def _known_text(store: Store, path: Path, document_id: str, text: str) -> Document | None:
    """The stored document `document_id` (a text file's bytes hashed as they were read:
    see `TextFile.exact_id`), given the file's `text` if it has not read its own; None
    when the store does not hold it. So a file the store knows is read once and hashed
    once, and the store's own copy of its text is not read (nor hashed again) to open it.
    """
    try:
        known = store.document(document_id)
    except StoreError:
        return None
    if not text_is_read(known):
        known = supply_text(known, text)
    return _at_path(known, path)


def _known_surrogates(store: Store, path: Path) -> Document | None:
    """The stored document a file that is not strict UTF-8 holds, or None: a text with
    lone surrogates, whose bytes are written as `surrogatepass` writes them (the store's
    text files, a `.qdpx` project's sources). Found by the hash of the bytes."""
    data = _normalised_bytes(path)
    if data is None:
        return None
    try:
        known = store.document("sha256:" + hashlib.sha256(data).hexdigest())
    except StoreError:
        return None
    # Bytes that hash to the id are its text's UTF-8: they cannot fail to decode, short
    # of a hash collision (the store's copy is read then).
    if not text_is_read(known):
        with contextlib.suppress(UnicodeDecodeError):
            known = supply_text(known, data.decode("utf-8", "surrogatepass"))
    del data  # the bytes and the text are not both kept
    return _at_path(known, path)


def _at_path(known: Document, path: Path) -> Document:
    """The stored document `known`, at `path` now."""
    resolved = path_text(path.expanduser().resolve())
    return known if known.path == resolved else revised(known, path=resolved)


def _normalised_bytes(path: Path) -> bytes | None:
    """The bytes of a text file that could be its normalised text's UTF-8 (no byte-order
    mark, no CR); None for any other file, or one that cannot be read."""
    if not path.is_file():
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\r" in data:
        return None
    return data


def converted_before(store: Store, original: str) -> Document | None:
    """The stored conversion of the source file whose bytes hash to `original`, if any
    (made by this version of the converters: an older one's is converted again)."""
    for document in store.documents():
        metadata = document.metadata
        if metadata.get("original") == original and metadata.get("conversion") == CONVERSION:
            return document
    return None


def _open_one(store: Store, path: Path, document: Document) -> Opened:
    previous = current_version(store, document.path) if document.path else None
    stored = store.add_document(document)
    conversion = {
        key: document.metadata[key]
        for key in ("original", "conversion")
        if key in document.metadata and stored.metadata.get(key) != document.metadata[key]
    }
    if conversion:
        # The same text from other bytes (a PDF saved again) or a newer converter: the
        # stored document names them, so that the next open finds it without converting.
        stored = store.set_document_metadata(stored.id, **conversion)
    if previous is None or previous.id == stored.id:
        if stored.metadata.get("superseded_by"):
            # The file went back to a version it had before: that version is current again.
            stored = store.set_document_metadata(stored.id, superseded_by=None)
        return Opened(stored, path)
    # Re-anchoring (and its fuzzy matcher) loads only when a known file's text changed.
    from annotations.anchoring import reanchor, relocate

    report = reanchor(store.annotations(previous.id), stored.text, len(previous.text))
    store.put_many(
        relocate(annotation, stored.id, stored.text, result.start, result.end)
        for annotation, result in report.results
        if result.placed
    )
    previous = store.set_document_metadata(previous.id, superseded_by=stored.id)
    stored = store.set_document_metadata(stored.id, supersedes=previous.id, superseded_by=None)
    return Opened(stored, path, previous, report)


def current_version(store: Store, path: str | Path) -> Document | None:
    """The stored document last opened from `path` (the one not superseded), if any."""
    resolved = path_text(Path(path).expanduser().resolve())
    candidates = [
        document
        for document in store.documents()
        if document.path == resolved and not document.metadata.get("superseded_by")
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda d: (store.last_opened(d.id) or "", d.added))


def mark_opened(store: Store, document_id: str, when: str | None = None) -> Document:
    """Remember that the reader opened a document now (the library's "last opened")."""
    store.mark_opened(document_id, when or utc_now())
    return store.document(document_id)


# -- orphans ------------------------------------------------------------------------------


def superseded_versions(store: Store, document_id: str) -> list[Document]:
    """The older versions that `document_id` replaced, newest first."""
    versions: list[Document] = []
    seen = {document_id}
    current = store.document(document_id)
    while True:
        older_id = current.metadata.get("supersedes")
        if not older_id or older_id in seen:
            return versions
        try:
            older = store.document(older_id)
        except StoreError:
            return versions
        if older.metadata.get("superseded_by") != current.id:
            return versions  # that version was reopened since: its annotations are its own
        seen.add(older_id)
        versions.append(older)
        current = older


def orphans(store: Store, document_id: str) -> list[Annotation]:
    """Annotations of the older versions of a document that could not be placed in it."""
    return [
        annotation
        for older in superseded_versions(store, document_id)
        for annotation in store.annotations(older.id)
    ]


def reattach(
    store: Store, orphan_id: str, new_document_id: str, start: int, end: int
) -> Annotation:
    """Attach an annotation (an orphan, usually) to `[start, end)` of another document.

    The span is widened to whole grapheme clusters; the quote, prefix and suffix are taken
    from the new text. Raises `StoreError` for an unknown annotation or document or a span
    outside the text.
    """
    annotation = store.annotation(orphan_id)
    document = store.document(new_document_id)
    if not 0 <= start < end <= len(document.text):
        raise StoreError(
            f"span {start}-{end} is not inside {document.title!r} ({len(document.text)} characters)"
        )
    start, end = snap_to_graphemes(document.text, start, end)
    from annotations.anchoring import relocate

    moved = relocate(annotation, document.id, document.text, start, end).evolve()
    store.put(moved)
    return moved


def describe(annotation: Annotation, width: int = 60) -> str:
    """One line naming an annotation safely (for stderr or a list): short id, the start of
    its quote with control characters made visible, its tags."""
    quote = visible(" ".join(annotation.quote.split()))
    if len(quote) > width:
        quote = quote[: width - 1] + "…"
    tags = ", ".join(annotation.tags) or "no tags"
    return f"{annotation.id[:8]} “{quote}” ({visible(tags, newline=' ')})"


# -- the library list ---------------------------------------------------------------------


def current_documents(store: Store) -> list[Document]:
    """The documents the library lists: all but the older versions of revised files.
    Cheap (no annotation is read): for deciding between the reader and the library."""
    return [d for d in store.documents() if not d.metadata.get("superseded_by")]


def summaries(store: Store, *, include_superseded: bool = False) -> list[DocumentSummary]:
    """A line per document for the library: annotation count, share of paragraphs
    annotated, orphans waiting, last opened. Older versions are left out unless asked."""
    lines = []
    for document in store.documents() if include_superseded else current_documents(store):
        annotations = store.annotations(document.id)
        touched = SpanIndex(annotations).covered_paragraphs(document)
        lines.append(
            DocumentSummary(
                id=document.id,
                title=document.title,
                path=document.path,
                annotations=len(annotations),
                paragraphs=len(document.paragraphs),
                annotated_paragraphs=len(touched),
                orphans=len(orphans(store, document.id)),
                last_opened=store.last_opened(document.id),
                source=source_line(document),
            )
        )
    return lines


def source_line(document: Document) -> str:
    """The library's line about a document's source: author, publisher or site, date and
    the format it was converted from, those that are known, joined with " · "."""
    fields = source_fields(document)
    parts = [fields["author"], fields["publisher"], fields["date"]]
    kind = document.metadata.get("format")
    if kind:
        pages = document.structure.page_count if document.structure else 0
        parts.append(f"{str(kind).upper()}" + (f", {pages} pages" if pages > 1 else ""))
    return " · ".join(part for part in parts if part)

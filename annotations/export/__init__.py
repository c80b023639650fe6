"""Exports: annotated notes in the formats an analyst hands on (docs/architecture.md, Exports).

Every format is a module with one function, `render(scope) -> bytes`, over plain data —
an `ExportScope` of documents, annotations and the codebook — so that it can be tested
without a store. `select()` builds a scope from a store with the filters of
`gloss export`; `export_to()` renders and writes a file without ever leaving half of one.

    scope = select(store, Codebook.default(), document=doc.id, tag="actor/russia")
    data = render("md", scope)
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from annotations.annotation_records import ANNOTATION_ORDER, AnnotationRecords
from annotations.attributes import exported as exported_attributes
from annotations.codebook import Codebook
from annotations.document import Document, utc_now
from annotations.errors import ExportError as ExportError  # importable from here, as before
from annotations.journal import paused_gc
from annotations.library import current_version, load, superseded_versions
from annotations.memos import Memo, scope_memos
from annotations.model import Annotation
from annotations.output_file import Writer, write_file
from annotations.query import Query

if TYPE_CHECKING:
    from annotations.anchoring import Report


class AnnotationSource(Protocol):
    """What an export reads from a store: `annotations.Store`'s public methods."""

    def documents(self) -> list[Document]: ...

    def document(self, document_id: str) -> Document: ...

    def find_document(self, reference: str) -> Document | None: ...

    def annotations(
        self, document: str | None = None, *, analyst: str | None = None, tag: str | None = None
    ) -> list[Annotation]: ...


@dataclass(frozen=True)
class ExportScope:
    """What an export covers: documents, their annotations (in document order), the codebook.

    `filters` says in words how the annotations were chosen ("tag actor/russia"), for the
    header of the human-readable formats; `generated` is when the export was made.

    `orphans` are annotations of a document that its current text could not hold when it
    was revised: they stay on an older version (in `superseded`, with the text their
    offsets refer to) until re-attached. Formats that can mark them carry them (json,
    csv; see `ExportFormat.carries_orphans`); the others leave them out.
    """

    documents: tuple[Document, ...]
    # A tuple, or the store's records made annotations when used (`AnnotationRecords`).
    annotations: Sequence[Annotation]
    codebook: Codebook
    filters: str = ""
    generated: str = field(default_factory=lambda: export_time())
    orphans: tuple[Annotation, ...] = ()
    superseded: tuple[Document, ...] = ()
    # The project's memo (key `memos.PROJECT`) and the documents' own memos, by id.
    memos: dict[str, Memo] = field(default_factory=dict)
    # The attributes the analyst set on the documents, by id (the json export keeps them).
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)

    @cached_property
    def _by_document(self) -> dict[str, list[Annotation]]:
        grouped: dict[str, list[Annotation]] = {d.id: [] for d in self.documents}
        for annotation in self.annotations:
            grouped.setdefault(annotation.document, []).append(annotation)
        return grouped

    def annotations_of(self, document_id: str) -> list[Annotation]:
        """The annotations of one document in the scope, in document order."""
        return self._by_document.get(document_id, [])

    @property
    def title(self) -> str:
        """The one document's title, or how many documents there are."""
        if len(self.documents) == 1:
            return self.documents[0].title
        return f"{len(self.documents)} documents"

    @cached_property
    def analysts(self) -> tuple[str, ...]:
        """Every analyst with an annotation in the scope, sorted."""
        return tuple(sorted({a.analyst for a in self.annotations}))


def export_time() -> str:
    """Now, in UTC — or `$SOURCE_DATE_EPOCH` when set, so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        moment = datetime.fromtimestamp(int(epoch), UTC)
        return moment.isoformat().replace("+00:00", "Z")
    return utc_now()


def make_scope(
    documents: Iterable[Document],
    annotations: Iterable[Annotation],
    codebook: Codebook,
    *,
    filters: str = "",
    generated: str | None = None,
    orphans: Iterable[Annotation] = (),
    superseded: Iterable[Document] = (),
    memos: dict[str, Memo] | None = None,
    attributes: dict[str, dict[str, str]] | None = None,
) -> ExportScope:
    """A scope over plain data; annotations are put in document order (start, end), and
    orphans after them in the order of the versions they are on. A superseded version
    without an orphan in the scope is left out. `memos`: the project's and documents'."""
    documents = tuple(documents)
    orphaned = _in_order(orphans, tuple(superseded))
    holding = {orphan.document for orphan in orphaned}
    return ExportScope(
        documents=documents,
        annotations=_in_order(annotations, documents),
        codebook=codebook,
        filters=filters,
        generated=generated or export_time(),
        orphans=orphaned,
        superseded=tuple(d for d in superseded if d.id in holding),
        memos=dict(memos or {}),
        attributes=dict(attributes or {}),
    )


def _in_order(
    annotations: Iterable[Annotation], documents: tuple[Document, ...]
) -> Sequence[Annotation]:
    if isinstance(annotations, AnnotationRecords):  # kept as records (`select(records=...)`)
        return annotations.in_order([document.id for document in documents])
    # Grouped per document, then each group sorted with a key made in C: the store hands
    # them over in order already, and a Python key per annotation cost 0.23 s at 100,000.
    groups: dict[str, list[Annotation]] = {document.id: [] for document in documents}
    for annotation in annotations:
        group = groups.get(annotation.document)
        if group is not None:
            group.append(annotation)
    return tuple(a for group in groups.values() for a in sorted(group, key=ANNOTATION_ORDER))


def select(
    store: AnnotationSource,
    codebook: Codebook,
    *,
    document: str | None = None,
    tag: str | None = None,
    analyst: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    records: bool = False,
) -> ExportScope:
    """The scope of `gloss export`: one document (id, id prefix, path or title) or all,
    narrowed to one tag and one analyst when asked. `ExportError` for an empty store or an
    unknown document. `progress(done, total)` hears of each document read. `records`: the
    annotations stay the store's records until they are used as annotations
    (`AnnotationRecords`), for a format that writes records (json).

    One document comes with its orphans: the annotations an earlier re-anchoring left on
    its older versions. (All documents include those versions as documents of their own.)
    """
    superseded: list[Document] = []
    orphans: list[Annotation] = []
    if document is not None:
        found = store.find_document(document)
        if found is None:
            raise ExportError(f"no document {document!r} in the store")
        documents = [found]
        superseded = superseded_versions(store, found.id)  # type: ignore[arg-type]
        for older in superseded:
            orphans += store.annotations(older.id, analyst=analyst, tag=tag)
    else:
        documents = store.documents()
        if not documents:
            raise ExportError("the store holds no documents: nothing to export")
    records = records and hasattr(store, "annotation_records")
    # Unfiltered, a document's records go as the texts the store holds when it can.
    as_texts = records and analyst is None and tag is None and hasattr(store, "annotation_texts")
    read = store.annotation_records if records else store.annotations  # type: ignore[attr-defined]
    annotations: list = []
    with paused_gc():  # as in Store.annotations, but once for all the documents
        for done, each in enumerate(documents, start=1):
            texts = store.annotation_texts(each.id) if as_texts else None  # type: ignore[attr-defined]
            annotations += read(each.id, analyst=analyst, tag=tag) if texts is None else texts
            if progress is not None:
                progress(done, len(documents))
    return make_scope(
        documents,
        (
            AnnotationRecords(annotations, ordered_for=[d.id for d in documents])
            if records
            else annotations
        ),
        codebook,
        filters=_filters(tag, analyst),
        orphans=orphans,
        superseded=superseded,
        memos=stored_memos(store, documents),
        attributes=stored_attributes(store, documents),
    )


def stored_attributes(
    store: AnnotationSource, documents: Iterable[Document]
) -> dict[str, dict[str, str]]:
    """The attributes the analyst set on these documents, from a store that keeps them."""
    if not hasattr(store, "side_records"):
        return {}
    return exported_attributes(store, [d.id for d in documents])  # type: ignore[arg-type]


def stored_memos(store: AnnotationSource, documents: Iterable[Document]) -> dict[str, Memo]:
    """The project memo and these documents' memos, from a store that keeps them (a
    stand-in store without side tables has none)."""
    if not hasattr(store, "side_records"):
        return {}
    return scope_memos(store, [d.id for d in documents])  # type: ignore[arg-type]


def _filters(tag: str | None, analyst: str | None) -> str:
    parts = [f"tag {tag}" if tag else "", f"analyst {analyst}" if analyst else ""]
    return ", ".join(part for part in parts if part)


def narrowed(scope: ExportScope, query: Query) -> ExportScope:
    """`scope` with only the annotations (and orphans) that `query` matches, its filters
    saying so (`gloss export --query`, `gloss query`)."""
    return replace(
        scope,
        annotations=tuple(query.filter(scope.annotations)),
        orphans=tuple(query.filter(scope.orphans)),
        filters=", ".join(part for part in (scope.filters, f"query {query}") if part),
    )


def select_file(
    store: AnnotationSource,
    codebook: Codebook,
    path: str | Path,
    *,
    tag: str | None = None,
    analyst: str | None = None,
    encoding: str | None = None,
) -> tuple[ExportScope, Report | None]:
    """The scope of `gloss export --document PATH`: the file as it is now (decoded with
    `encoding` when it is neither UTF-8 nor UTF-16 with a BOM).

    When its text changed since it was annotated, its annotations are re-anchored to the
    new text (docs/architecture.md) — in the export only; the store is not changed — and the
    `Report` says what moved and what was orphaned. The scope's orphans are those, on the
    stored version (marked superseded by the file's text, as the reader will mark it),
    and those an earlier re-anchoring left on older versions.
    """
    # A PDF, web page, Word file or EPUB the store converted before is not converted again.
    current = load(store, Path(path), encoding=encoding)  # type: ignore[arg-type]
    # The text as it is now may be stored already (the reader re-anchored it); else the
    # version last opened from this path, not an older one that it superseded.
    stored = (
        store.find_document(current.id)
        or current_version(store, path)  # type: ignore[arg-type]
        or store.find_document(str(path))
    )
    if stored is None:
        raise ExportError(f"{path}: not in the store — open it with gloss and annotate it first")
    if stored.id == current.id:
        return select(store, codebook, document=stored.id, tag=tag, analyst=analyst), None
    annotations = store.annotations(stored.id, analyst=analyst, tag=tag)
    from annotations.anchoring import reanchor, relocate  # (and its fuzzy matcher) only here

    report = reanchor(annotations, current.text, len(stored.text))
    placed = [
        relocate(annotation, current.id, current.text, result.start, result.end)
        for annotation, result in report.results
        if result.placed
    ]
    metadata = dict(stored.metadata)
    superseded = superseded_versions(store, stored.id)  # type: ignore[arg-type]
    orphans = list(report.orphans)
    for older in superseded:
        orphans += store.annotations(older.id, analyst=analyst, tag=tag)
    if report.orphans:
        metadata["supersedes"] = stored.id
        previous = replace(stored, metadata={**stored.metadata, "superseded_by": current.id})
        superseded = [previous, *superseded]
    document = replace(current, title=stored.title, metadata=metadata)
    memos = stored_memos(store, [stored])
    if stored.id in memos:  # the memo was written about the version the store has
        memos[document.id] = replace(memos.pop(stored.id), about=document.id)
    set_on_stored = stored_attributes(store, [stored]).get(stored.id)
    attributes = {document.id: set_on_stored} if set_on_stored else {}
    scope = make_scope(
        [document],
        placed,
        codebook,
        filters=_filters(tag, analyst),
        orphans=orphans,
        superseded=superseded,
        memos=memos,
        attributes=attributes,
    )
    return scope, report


# -- the formats -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name on the command line, file extension and renderer."""

    name: str
    extension: str
    label: str
    render: Callable[[ExportScope], bytes]
    # A zip cannot go to a terminal: such a format needs a file.
    needs_file: bool = False
    # Whether the format carries a scope's orphans, marked as such.
    carries_orphans: bool = False
    # The same bytes in pieces, made as they are written (a large export never whole in
    # memory); None: `render`'s bytes are the one piece.
    chunks: Callable[[ExportScope], Iterator[bytes]] | None = None
    # The same bytes written into a seekable file as they are made (a zip); None: `chunks`.
    write: Callable[[ExportScope, BinaryIO], None] | None = None


FORMAT_NAMES = ("md", "csv", "json", "jsonld", "html", "qdpx")


def export_format(name: str) -> ExportFormat:
    """The format called `name`; `ExportError` naming the choices otherwise."""
    if name not in FORMAT_NAMES:
        raise ExportError(f"unknown export format {name!r} (choose from {', '.join(FORMAT_NAMES)})")
    return _format(name)


@cache
def _format(name: str) -> ExportFormat:
    """Format `name`, with only its own module imported (`gloss export -f json` loads
    neither the HTML page's analysis nor the zip's citations)."""
    if name == "md":
        from annotations.export import markdown

        return ExportFormat("md", "md", "Markdown notes", markdown.render)
    if name == "csv":
        from annotations.export import csv

        return ExportFormat("csv", "csv", "CSV spreadsheet", csv.render, carries_orphans=True)
    if name == "json":
        from annotations.export import json

        return ExportFormat(
            "json",
            "json",
            "Gloss JSON (lossless)",
            json.render,
            carries_orphans=True,
            chunks=json.chunks,
        )
    if name == "jsonld":
        from annotations.export import jsonld

        return ExportFormat(
            "jsonld", "jsonld", "W3C Web Annotation", jsonld.render, chunks=jsonld.chunks
        )
    if name == "html":
        from annotations.export import html

        return ExportFormat("html", "html", "HTML page", html.render)
    from annotations.export import qdpx

    return ExportFormat(
        "qdpx", "qdpx", "REFI-QDA project", qdpx.render, needs_file=True, write=qdpx.write
    )


def render(name: str, scope: ExportScope) -> bytes:
    """The export of `scope` in format `name`, as the bytes of the file."""
    # An export makes a record, a dict or a string per annotation, nearly all of which
    # live until it is written: collections meanwhile only walk them again (to_record for
    # 100,000 annotations: 0.35 s with the collector running, 0.06 s without).
    with paused_gc():
        return export_format(name).render(scope)


def render_chunks(name: str, scope: ExportScope) -> Iterator[bytes]:
    """`render(name, scope)` in pieces, each made as the one before has been written, for
    a format that can (json, JSON-LD); else its bytes as one piece."""
    export = export_format(name)
    if export.chunks is None:
        yield render(name, scope)
    else:
        yield from export.chunks(scope)


def file_content(name: str, scope: ExportScope) -> Iterator[bytes] | Writer:
    """What `output_file.write_file` takes to write `render(name, scope)` into a file as
    it is made: a `Writer` for a format that writes into the file (qdpx zips into it),
    else the pieces of `render_chunks`."""
    export = export_format(name)
    write = export.write
    if write is None:
        return render_chunks(name, scope)

    def writer(file: BinaryIO) -> None:
        with paused_gc():  # as in `render`
            write(scope, file)

    return writer


def export_to(name: str, scope: ExportScope, path: str | Path) -> Path:
    """Render `scope` as `name` into the file `path` (replaced whole, never half-written)."""
    path = Path(path).expanduser()
    write_file(path, file_content(name, scope))
    return path


def default_filename(title: str, extension: str) -> str:
    """`gloss-<title as a short slug>.<extension>`, safe on every file system."""
    slug = re.sub(r"[^\w]+", "-", title.lower(), flags=re.UNICODE).strip("-_")[:60].strip("-_")
    return f"gloss-{slug or 'notes'}.{extension}"


# A fixed namespace so that names without a uuid (an imported id, an analyst, a code)
# get the same uuid in every export: re-importing a project into a QDA tool matches.
GLOSS_NAMESPACE = uuid.UUID("6f1c2b1e-3f0a-5b8e-9d3c-7a2e4c1b0d9f")


def as_uuid(value: str) -> str:
    """`value` as a uuid: itself when it is one, else a stable uuid derived from it."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.uuid5(GLOSS_NAMESPACE, value))


GREY = "#888888"
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def safe_colour(colour: str) -> str:
    """A codebook colour as `#rrggbb`; grey when it is not a hex colour at all."""
    if not _HEX_COLOUR.match(colour):
        return GREY
    if len(colour) == 4:
        colour = "#" + "".join(ch * 2 for ch in colour[1:])
    return colour.lower()

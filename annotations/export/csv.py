"""CSV: one row per annotation, UTF-8 with a header, safe to open in a spreadsheet.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(...)` exfiltrates, `=cmd|...` ran programs). Following OWASP's advice on CSV
injection, such a cell — or one starting with a tab or a carriage return — gets a leading
apostrophe, which spreadsheets show as text and do not display. Control characters show
as visible symbols. The file starts with a byte-order mark: without one, Excel reads UTF-8
as a legacy code page and garbles Russian, Persian and Arabic.

When the export holds orphans (annotations a re-anchoring could not place in the current
text), they follow the other rows, their paragraph and offsets those of the older version
they are on, and a last column `orphan` says "yes" on their rows. Without orphans the
columns are `HEADER`, as they always were.
"""

from __future__ import annotations

import csv
import io

from annotations.citation import source_fields
from annotations.export import ExportScope
from annotations.safe_text import visible

HEADER = (
    "document title",
    "paragraph",
    "start",
    "end",
    "quote",
    "tags",
    "memo",
    "confidence",
    "analyst",
    "created",
    "modified",
    # The page (in a paged source: a PDF) and the source's details, for citing.
    "page",
    "author",
    "publisher",
    "url",
    "date",
    "language",
)
_SOURCE_COLUMNS = ("author", "publisher", "url", "date", "language")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text: control characters visible, formulas defused."""
    if value.startswith(_FORMULA_STARTS):
        value = "'" + value
    return visible(value)


def render(scope: ExportScope) -> bytes:
    """The CSV of `scope`: a header, then one row per annotation in document order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow((*HEADER, "orphan") if scope.orphans else HEADER)
    documents = {d.id: d for d in (*scope.documents, *scope.superseded)}
    sources = {d.id: source_fields(d) for d in documents.values()}
    marks = [""] if scope.orphans else []
    rows = [(a, marks) for a in scope.annotations] + [(a, ["yes"]) for a in scope.orphans]
    for annotation, mark in rows:
        document = documents[annotation.document]
        writer.writerow(
            (
                neutralise(document.title),
                document.paragraph_index(annotation.start) + 1,
                annotation.start,
                annotation.end,
                neutralise(annotation.quote),
                neutralise("; ".join(annotation.tags)),
                neutralise(annotation.memo),
                annotation.confidence or "",
                neutralise(annotation.analyst),
                neutralise(annotation.created),
                neutralise(annotation.modified),
                neutralise(document.page_label_at(annotation.start) or ""),
                *(neutralise(sources[document.id][name]) for name in _SOURCE_COLUMNS),
                *mark,
            )
        )
    return buffer.getvalue().encode("utf-8-sig")

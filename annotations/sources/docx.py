"""Word (.docx) → paragraphs, headings, list items and table rows, in body order,
through python-docx; metadata from the core properties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotations.errors import DocumentError
from annotations.sources.converted import Converted, blocks_from

Item = tuple[str, int | None, int]


def convert_docx(path: Path) -> Converted:
    """Convert a Word file: the body walked in order, so tables and lists stay where they
    are; `Title` and `Heading N` paragraphs are headings; list paragraphs are bulleted;
    a table row is one paragraph, its cells joined with " | ".

    Raises `DocumentError` for a file python-docx cannot open or one without text.
    """
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as error:  # a damaged zip or XML part: python-docx has no error type
        raise DocumentError(
            f"{path}: not a Word file python-docx can read ({_reason(error)})"
        ) from None
    items: list[Item] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            items.extend(_table_rows(block))
        else:
            items.append(_paragraph(block))
    blocks = blocks_from(items)
    if not blocks:
        raise DocumentError(f"{path}: the document holds no text")
    return Converted(format="docx", blocks=blocks, metadata=_metadata(document))


def _reason(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


def _paragraph(paragraph: Any) -> Item:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    text = paragraph.text
    if style == "Title":
        return text, None, 1
    if style.startswith("Heading"):
        level = style.removeprefix("Heading").strip()
        return text, None, min(int(level), 6) if level.isdigit() else 1
    properties = paragraph._p.pPr
    numbered = properties is not None and properties.numPr is not None
    if style.startswith("List") or numbered:
        return "• " + text, None, 0
    return text, None, 0


def _table_rows(table: Any) -> list[Item]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            # A merged cell appears once per grid column it spans: keep it once.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        rows.append((" | ".join(cells), None, 0))
    return rows


def _metadata(document: Any) -> dict[str, Any]:
    properties = document.core_properties
    metadata: dict[str, Any] = {}
    for attribute, field in (
        ("title", "title"),
        ("author", "author"),
        ("subject", "description"),
        ("language", "language"),
        ("identifier", "url"),
    ):
        value = " ".join(str(getattr(properties, attribute, "") or "").split())
        if value:
            metadata[field] = value
    created = properties.created
    if created is not None:
        metadata["date"] = created.date().isoformat()
    return metadata

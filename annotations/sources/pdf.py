"""PDF → paragraphs, with the page each starts on, through pdfium (pypdfium2).

pdfium gives each page's text in reading order (columns one after the other), one line per
`\\r\\n`, and marks a hyphen it recognises at a line end as U+FFFE with the line break
already removed — so de-hyphenating is dropping that mark, never guessing. Paragraphs are
rebuilt from where lines sit: a wider gap than the usual line pitch, an indented first
line, a short line ending a sentence, a change of font size (a heading) or a jump back up
the page (the next column) starts a new one. Lines repeated at the same height on most
pages (running headers, footers, page numbers) are dropped.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from annotations.errors import DocumentError, PasswordRequired
from annotations.sources.converted import NO_TEXT_LAYER, Block, Converted, blocks_from

Progress = Callable[[int, int], None]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"(?i)[-–— ]*(?:page |p\. ?)?(?:\d{1,4}|[ivxlc]{1,7})(?: of \d+)?[-–— ]*")
_HYPHEN_MARK = "\ufffe"  # pdfium's mark for a line-end hyphen it removed the break after
_SENTENCE_END = tuple(".!?:…؟。！？\"'”’»)")
_PDFIUM_PASSWORD_ERROR = 4


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    page: int
    left: float
    right: float
    baseline: float
    size: float
    page_height: float


def convert_pdf(
    path: Path, *, password: str | None = None, progress: Progress | None = None
) -> Converted:
    """Convert a PDF: paragraphs in reading order with their pages, headings (by font
    size), page labels, and the PDF's metadata (info dictionary and catalog `/Lang`).

    Raises `PasswordRequired` for an encrypted PDF without the right password and
    `DocumentError` for one pdfium refuses or one with no text at all. Pages without a text
    layer (scans) are named in a warning; the text of the other pages opens.
    """
    name = str(path)
    try:
        pdf = pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == _PDFIUM_PASSWORD_ERROR:
            reason = "the password is wrong" if password else "it is encrypted"
            raise PasswordRequired(f"{name}: {reason} — give its password (--password)") from None
        raise DocumentError(f"{name}: not a PDF pdfium can read ({_reason(error)})") from None
    except (OSError, ValueError) as error:
        raise DocumentError(f"{name}: cannot be read ({error})") from None
    try:
        page_count = len(pdf)
        lines: list[_Line] = []
        without_text: list[int] = []
        for index in range(page_count):
            page_lines = _page_lines(pdf, index)
            if not page_lines:
                without_text.append(index)
            lines.extend(page_lines)
            if progress is not None:
                progress(index + 1, page_count)
        labels = tuple(_page_label(pdf, index) for index in range(page_count))
        metadata = _metadata(pdf)
    except pdfium.PdfiumError as error:
        raise DocumentError(f"{name}: pdfium could not read a page ({_reason(error)})") from None
    finally:
        pdf.close()
    if not lines:
        raise DocumentError(f"{name}: {NO_TEXT_LAYER}")
    warnings = ()
    if without_text:
        pages = ", ".join(labels[i] or str(i + 1) for i in without_text[:10])
        pages += " …" if len(without_text) > 10 else ""
        counted = f"page {pages} has" if len(without_text) == 1 else f"pages {pages} have"
        warnings = (f"{path.name}: {counted} {NO_TEXT_LAYER}",)
    body = _without_running_lines(lines, page_count) or lines
    return Converted(
        format="pdf",
        blocks=_paragraphs(body),
        metadata=metadata,
        page_labels=tuple(label or str(i + 1) for i, label in enumerate(labels)),
        page_count=page_count,
        warnings=warnings,
    )


def _reason(error: Exception) -> str:
    match = re.search(r"PDFium: ([^)]*)", str(error))
    return match.group(1).lower() if match else str(error)


def _page_lines(pdf: pdfium.PdfDocument, index: int) -> list[_Line]:
    """The page's lines with their positions (PDF points, y growing upwards)."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if count <= 0:
                return []
            text = textpage.get_text_range()
            page_height = page.get_height()
            return list(_lines_of(textpage, text, count, index, page_height))
        finally:
            textpage.close()
    finally:
        page.close()


def _lines_of(textpage: Any, text: str, count: int, page: int, page_height: float):
    raw_page = textpage.raw
    identity = len(text) == count  # one text index per character, as for most text
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    position = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        line = text[position:end]
        start = position
        position = match.end() if match else len(text)
        stripped = line.strip()
        if not stripped:
            continue
        first = start + (len(line) - len(line.lstrip()))
        last = start + len(line.rstrip()) - 1
        if not identity:
            first = pdfium_raw.FPDFText_GetCharIndexFromTextIndex(raw_page, first)
            last = pdfium_raw.FPDFText_GetCharIndexFromTextIndex(raw_page, last)
            if first < 0 or last < 0:
                continue
        pdfium_raw.FPDFText_GetCharOrigin(raw_page, first, origin_x, origin_y)
        left, _, _, _ = textpage.get_charbox(first)
        _, _, right, _ = textpage.get_charbox(last)
        size = pdfium_raw.FPDFText_GetFontSize(raw_page, first) or 10.0
        yield _Line(
            text=stripped.replace(_HYPHEN_MARK, "").replace("\x02", ""),
            page=page,
            left=left,
            right=right,
            baseline=origin_y.value,
            size=round(size, 1),
            page_height=page_height,
        )


def _without_running_lines(lines: list[_Line], page_count: int) -> list[_Line]:
    """The lines less running headers and footers: one of the first or last two lines of
    its page, in the top or bottom eighth of it, that is a bare page number ("12", "iv",
    "Page 3", "- 4 -"), or whose words (digits aside, so numbered ones count) recur at the
    same height on more than half the pages of a document of three pages or more."""

    def key(line: _Line) -> tuple[str, int]:
        return _DIGITS.sub("#", line.text.lower()), round(line.baseline / 4)

    edges: set[int] = set()  # indexes of lines first or last on their page, in its margin
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        by_page.setdefault(line.page, []).append(index)
    for indexes in by_page.values():
        edges.update(
            index
            for index in indexes[:2] + indexes[-2:]
            if not 0.125 < lines[index].baseline / lines[index].page_height < 0.875
        )
    pages_with: dict[tuple[str, int], set[int]] = {}
    for index in edges:
        pages_with.setdefault(key(lines[index]), set()).add(lines[index].page)
    running = {
        k for k, pages in pages_with.items() if page_count >= 3 and len(pages) > page_count / 2
    }
    return [
        line
        for index, line in enumerate(lines)
        if not (index in edges and (key(line) in running or _PAGE_NUMBER.fullmatch(line.text)))
    ]


def _paragraphs(lines: list[_Line]) -> tuple[Block, ...]:
    if not lines:
        return ()
    body_size = Counter(line.size for line in lines).most_common(1)[0][0]
    pitches = [
        before.baseline - after.baseline
        for before, after in itertools.pairwise(lines)
        if before.page == after.page
        and before.size == after.size == body_size
        and 0 < before.baseline - after.baseline < body_size * 3
    ]
    pitch = statistics.median(pitches) if pitches else body_size * 1.2
    heading_sizes = sorted(
        {line.size for line in lines if line.size >= body_size * 1.15}, reverse=True
    )

    rights = _column_rights(lines)
    items: list[tuple[str, int | None, int]] = []
    current: list[str] = []
    current_page = lines[0].page
    current_size = lines[0].size
    for index, line in enumerate(lines):
        if index and _starts_paragraph(lines[index - 1], line, pitch, rights[index - 1]):
            items.append(_item(current, current_page, current_size, heading_sizes))
            current, current_page, current_size = [], line.page, line.size
        current.append(line.text)
    items.append(_item(current, current_page, current_size, heading_sizes))
    return blocks_from(items)


def _column_rights(lines: list[_Line]) -> list[float]:
    """For each line, the right edge of its column: the furthest any line of the page
    reaches that starts near where it starts (within a few ems: an indent is the same
    column, the next column is not). A line well short of it was ended on purpose."""
    rights = [line.right for line in lines]
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        by_page.setdefault(line.page, []).append(index)
    for indexes in by_page.values():
        indexes.sort(key=lambda i: lines[i].left)
        column: list[int] = []
        for index in [*indexes, None]:
            if index is None or (
                column and lines[index].left - lines[column[0]].left > 6 * lines[index].size
            ):
                right = max(lines[i].right for i in column)
                for i in column:
                    rights[i] = right
                column = []
            if index is not None:
                column.append(index)
    return rights


def _starts_paragraph(before: _Line, line: _Line, pitch: float, column_right: float) -> bool:
    ends_sentence = before.text.endswith(_SENTENCE_END)
    if abs(line.size - before.size) > 0.1 * before.size:
        return True  # a heading begins or ends
    if line.page != before.page or line.baseline > before.baseline:
        # The next page or column: a paragraph runs on unless the last one ended a sentence.
        return ends_sentence or (
            line.text[:1].isupper() and _room_for_next_word(before, line, column_right)
        )
    gap = before.baseline - line.baseline
    if gap > pitch * 1.4:
        return True
    if line.left > before.left + 0.8 * line.size:
        return True  # an indented first line
    return ends_sentence and _room_for_next_word(before, line, column_right)


def _room_for_next_word(before: _Line, line: _Line, column_right: float) -> bool:
    """True when the next line's first word would have fitted at the end of `before`: the
    line was ended on purpose, not wrapped (ragged-right text has short lines too)."""
    word = line.text.split(" ", 1)[0]
    width = (len(word) + 1) * 0.5 * line.size  # about half an em a character
    return before.right + width < column_right


def _item(
    lines: list[str], page: int, size: float, heading_sizes: list[float]
) -> tuple[str, int | None, int]:
    text = " ".join(lines)
    level = 0
    if size in heading_sizes and len(text) < 200:
        level = min(heading_sizes.index(size) + 1, 6)
    return text, page, level


def _page_label(pdf: pdfium.PdfDocument, index: int) -> str:
    try:
        return pdf.get_page_label(index) or ""
    except pdfium.PdfiumError:
        return ""


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, Any]:
    """Title, author, subject, date (the creation date, as YYYY-MM-DD) and `/Lang`."""
    info = pdf.get_metadata_dict(skip_empty=True)
    metadata: dict[str, Any] = {}
    for key, field in (("Title", "title"), ("Author", "author"), ("Subject", "description")):
        value = " ".join(str(info.get(key, "")).split())
        if value:
            metadata[field] = value
    date = _pdf_date(info.get("CreationDate", ""))
    if date:
        metadata["date"] = date
    language = _catalog_language(pdf)
    if language:
        metadata["language"] = language
    return metadata


def _pdf_date(value: str) -> str | None:
    """A PDF date ("D:20240305120000+01'00'") as "2024-03-05"."""
    match = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value or "")
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return year


def _catalog_language(pdf: pdfium.PdfDocument) -> str | None:
    size = pdfium_raw.FPDFCatalog_GetLanguage(pdf.raw, None, 0)
    if size <= 2:
        return None
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_raw.FPDFCatalog_GetLanguage(pdf.raw, buffer, size)
    language = bytes(buffer).decode("utf-16-le", "replace").rstrip("\x00").strip()
    return language or None

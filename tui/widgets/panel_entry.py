"""How one entry of the annotation panel is laid out at a width, as rows of text pieces.

Every tag chip is shown whole: chips wrap onto as many rows as they need, and a chip
wider than the panel wraps inside itself. The analyst (and confidence) follow the last
chip, or take a row of their own. The quote takes one row, or two with the second
shortened ("…"); the memo's first line is wrapped in full (the panel wraps it). Heights
are counted without laying the rows out (`chip_row_count`, `quote_row_count`), so
measuring ten thousand entries costs a few operations each; the rows themselves are made
only for the entries on screen.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size

from annotations.document import Span
from annotations.text_units import display_line
from tui.layout import ONE_CELL as _ONE_CELL
from tui.layout import wrap_paragraph

# A quote longer than this many times the width takes two rows without being measured.
_SURELY_LONG = 4
# Of a long text, this many times the width of its start is wrapped or measured: enough
# for three lines of text (a line of one-cell characters and single spaces takes at most
# one more character than the width).
_PREFIX_WIDTHS = 4


class Piece(NamedTuple):
    """Text on a row and what it is: "chip" (of `tag`), "meta", "quote" or "memo"."""

    text: str
    role: str
    tag: str = ""


Row = list[Piece]


def chip_texts(label: str, width: int) -> list[str]:
    """A chip's text (its label with a cell of padding each side), in pieces of at most
    `width` cells: one piece unless the label is wider than the panel."""
    text = f" {label} "
    if cell_len(text) <= width:
        return [text]
    inner = max(1, width - 2)
    return [
        f" {label[start:end].strip()} "
        for start, end in wrap_paragraph(label, Span(0, len(label)), inner)
        if label[start:end].strip()
    ]


def chip_rows(chips: Sequence[tuple[str, list[str]]], meta: str, width: int) -> list[Row]:
    """The rows of an entry's chips (`(tag, pieces)` in order) and its meta text: chips
    one cell apart, a new row when the next does not fit; the meta after the last chip,
    or on a row of its own, shortened to the width if it must be."""
    pieces = [(tag, piece) for tag, chip in chips for piece in chip]
    cells = [cell_len(piece) for _, piece in pieces] + [cell_len(meta)]
    rows: list[Row] = [[]]
    for (new_row, gap, column), placed in zip(_flow(cells, width), [*pieces, None], strict=True):
        if new_row:
            rows.append([])
        if gap:
            rows[-1].append(Piece(" ", "gap"))
        if placed is None:
            rows[-1].append(Piece(shorten(meta, width - column), "meta"))
        else:
            rows[-1].append(Piece(placed[1], "chip", placed[0]))
    return rows


def chip_row_count(chip_cells: Sequence[Sequence[int]], meta_cells: int, width: int) -> int:
    """How many rows `chip_rows` makes, from the cells of each chip's pieces."""
    cells = [*itertools.chain.from_iterable(chip_cells), meta_cells]
    return 1 + sum(new_row for new_row, _, _ in _flow(cells, width))


def _flow(cells: Iterable[int], width: int) -> Iterator[tuple[bool, bool, int]]:
    """Where each piece of so many `cells` goes when pieces flow along rows of `width`
    one cell apart: whether it starts a new row, whether a gap cell comes before it, and
    the column it starts at. `chip_rows` lays rows out by it and `chip_row_count` counts
    them, so the two cannot disagree."""
    used = 0
    for piece_cells in cells:
        new_row = bool(used) and used + 1 + piece_cells > width
        if new_row:
            used = 0
        gap = bool(used)
        used += gap
        yield new_row, gap, used
        used += piece_cells


# Quotes up to this long are measured; a longer one takes two rows at any width.
_MEASURED_UP_TO = 8000


class QuoteSize(NamedTuple):
    """What the rows of a quote depend on, at any width: its length and the cells it
    takes with its white space runs made one space (None when too long to matter)."""

    length: int
    cells: int | None

    @classmethod
    def of(cls, quote: str) -> QuoteSize:
        if len(quote) > _MEASURED_UP_TO:
            return cls(len(quote), None)
        # Printable text has no white space but the space: most quotes need no split.
        if quote.isprintable() and "  " not in quote:
            text = quote.strip(" ")
        else:
            text = " ".join(quote.split())
        return cls(len(quote), len(text) if _ONE_CELL.issuperset(text) else cell_len(text))

    def rows(self, width: int) -> int:
        """1 when the quote fits on a row of `width` with its marks, else 2."""
        if self.cells is None or self.length > _SURELY_LONG * width:
            return 2
        return 1 if self.cells + 2 <= width else 2


def quote_row_count(quote: str, width: int) -> int:
    """1 when the quote (white space runs made one space) fits on a row with its marks,
    else 2."""
    if len(quote) > _SURELY_LONG * width:
        return 2
    return QuoteSize.of(quote).rows(width)


def quote_rows(quote: str, width: int) -> list[Row]:
    """The quote in its marks on one row, or two: the second row shortened with "…"."""
    text = " ".join(quote.split())
    if quote_row_count(quote, width) == 1:
        return [[Piece(display_line(f"“{text}”"), "quote")]]
    marked = f"“{text}”"
    lines = _first_lines(marked, width)
    first = marked[slice(*lines[0])].rstrip()
    if len(lines) == 2:  # the closing mark wraps with the last word, never alone
        second = marked[slice(*lines[1])].strip()
    else:
        rest = marked[lines[1][0] : -1].strip() if len(lines) > 2 else ""
        second = shorten(rest, width - 1) + "”" if rest else ""
    return [
        [Piece(display_line(first), "quote")],
        [Piece(display_line(second), "quote")],
    ]


def _first_lines(text: str, width: int) -> list[tuple[int, int]]:
    """The first lines of `text` wrapped at `width`: all of them, or (for a long text)
    at least three, of which the first two are as the whole text wraps. A quote shows
    two rows, and wrapping a whole long sentence to use two of its lines was most of the
    work of drawing a panel of new entries."""
    prefix = text[: _PREFIX_WIDTHS * width]
    if len(prefix) < len(text):
        # Wrapping is greedy: a line ends where its text runs out of room, so the first
        # two lines of a prefix that wraps onto a third are the whole text's first two.
        lines = wrap_paragraph(prefix, Span(0, len(prefix)), width)
        if len(lines) >= 3:
            return lines
    return wrap_paragraph(text, Span(0, len(text)), width)


def shorten(text: str, cells: int) -> str:
    """`text` in at most `cells` cells: cut at the last word that fits, then "…" (in any
    script: a run without spaces, such as Chinese, is cut where the cells run out)."""
    shown_at_most = _PREFIX_WIDTHS * max(1, cells)
    if len(text) > shown_at_most:
        # Only the start of a long text is shown: measuring and cutting the whole of it
        # (grapheme by grapheme) was the cost. The start must be wider than what is kept,
        # which text of zero-width marks might not be.
        start = text[:shown_at_most]
        if cell_len(start) > cells + 2:
            text = start
    one_cell = _ONE_CELL.issuperset(text)  # most prose: measured and cut by its length
    if (len(text) if one_cell else cell_len(text)) <= cells:
        return text
    if cells <= 1:
        return "…"[: max(0, cells)]
    cut = (text[: cells - 1] if one_cell else set_cell_size(text, cells - 1)).rstrip()
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space].rstrip()
    return cut + "…"

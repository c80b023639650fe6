"""Where each paragraph's text falls on screen: wrapped lines, computed lazily.

A book-length document has tens of thousands of paragraphs; wrapping them all on open or
on every resize would stall the reader. So a paragraph's height is *estimated* from its
length until it is first shown, and wrapped exactly then. `ParagraphLayout` keeps the
heights and their running sums (the first screen line of each paragraph) so that a screen
line maps to its paragraph with one bisection.

Units: offsets are code points into the document text; `cell_*` are terminal cells.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate

from rich.cells import cell_len

from annotations.document import Span
from annotations.lazy_pattern import lazy_regex
from annotations.text_units import cell_width, in_simple_scripts

# Characters that are not one cell wide (wide East Asian, emoji, combining and format
# characters) or that lay out specially (tab, newline inside a hard-wrapped block).
_NOT_ONE_CELL = lazy_regex(
    r"[\t\p{Mn}\p{Me}\p{Cf}\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF"
    r"\uFE00-\uFE0F\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\U0001F000-\U0001FFFF"
    r"\U00020000-\U0003FFFD\p{Bidi_Class=R}\p{Bidi_Class=AL}]"
)
_GRAPHEME = lazy_regex(r"\X")
# Characters one cell wide, as `cell_len` counts them: printable ASCII and the
# typographic quotes, dashes and ellipsis of most prose (counted without a lookup each).
ONE_CELL = frozenset(map(chr, range(0x20, 0x7F))) | frozenset("‘’“”–—…")
TAB_CELLS = 4
PARAGRAPH_GAP = 1  # blank screen lines between paragraphs


@dataclass(frozen=True, slots=True)
class ScreenLine:
    """One wrapped line: `text[start:end]` of paragraph `paragraph`, its `row` within it."""

    paragraph: int
    row: int
    start: int
    end: int


def cells(text: str) -> int:
    """The cells `text` takes, as `cell_len` counts them. Prose of one-cell characters is
    counted by its length: Rich counts a line holding any character outside ASCII (a
    curly quote) one character at a time, in Python."""
    return len(text) if ONE_CELL.issuperset(text) else cell_len(text)


def grapheme_width(cluster: str) -> int:
    """Cells a grapheme cluster takes in the reading pane: a tab `TAB_CELLS`; a cluster
    of several code points (emoji sequences, flags, marks) as annotations.text_units
    measures it; a single character as Rich draws it, at least one cell if visible."""
    if cluster == "\t":
        return TAB_CELLS
    if cluster == "\n":
        return 0
    if len(cluster) > 1:
        return cell_width(cluster)
    width = cell_len(cluster)
    return width if width > 0 or not cluster.strip() else 1


def _simple_wrap_pattern(width: int) -> re.Pattern[str]:
    # Greedy word wrap for text of one-cell characters, in C: up to `width` characters
    # followed by white space (which may hang past the edge), else a hard break.
    return re.compile(rf"[^\n]{{1,{width}}}(?:[ \n]+|$)|[^\n]{{{width}}}|\n")


def wrap_paragraph(text: str, span: Span, width: int) -> list[tuple[int, int]]:
    """Line ranges (start, end) covering `text[span]` wrapped to `width` cells.

    Lines break after white space where possible; a word longer than the line is cut, but
    never inside a grapheme cluster. Every code point of the span lies in exactly one line.
    """
    width = max(1, width)
    segment = text[span.start : span.end]
    if in_simple_scripts(segment) or not _NOT_ONE_CELL.search(segment):
        lines = [
            (span.start + m.start(), span.start + m.end())
            for m in _simple_wrap_pattern(width).finditer(segment)
        ]
        return _merge_empty(lines) or [(span.start, span.end)]
    return _wrap_clusters(segment, span.start, width)


def _merge_empty(lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [line for line in lines if line[1] > line[0]]


def _wrap_clusters(segment: str, base: int, width: int) -> list[tuple[int, int]]:
    lines: list[tuple[int, int]] = []
    line_start = 0
    cells = 0
    break_at = -1  # offset just after the last white space on this line
    for match in _GRAPHEME.finditer(segment):
        cluster = match.group()
        position = match.start()
        if cluster == "\n":
            lines.append((line_start, match.end()))
            line_start, cells, break_at = match.end(), 0, -1
            continue
        cluster_cells = grapheme_width(cluster)
        if cluster.isspace():
            cells += cluster_cells
            break_at = match.end()
            continue
        if cells + cluster_cells > width and position > line_start:
            cut = break_at if break_at > line_start else position
            lines.append((line_start, cut))
            line_start = cut
            cells = _cells(segment[line_start:position])
            break_at = -1
        cells += cluster_cells
    if line_start < len(segment):
        lines.append((line_start, len(segment)))
    return [(base + start, base + end) for start, end in lines if end > start] or [
        (base, base + len(segment))
    ]


def _cells(text: str) -> int:
    return sum(grapheme_width(m.group()) for m in _GRAPHEME.finditer(text))


class ParagraphLayout:
    """The lines of a document at one width; paragraphs are wrapped when first needed."""

    def __init__(self, text: str, paragraphs: list[Span], width: int) -> None:
        self.text = text
        self.paragraphs = paragraphs
        self.width = max(1, width)
        self._wrapped: dict[int, list[tuple[int, int]]] = {}
        # Estimated from the length alone until wrapped: ceil(length / width), at least 1
        # (`or`, not `max`: a call per paragraph was half of this for a 5 MB book's 13,000).
        width = self.width
        self._heights = [-((span.start - span.end) // width) or 1 for span in paragraphs]
        # The screen line each paragraph starts on, kept so that one wrapped paragraph
        # does not rewrite the running sums of all those after it (a page down wraps a
        # few, and a book has tens of thousands): `_tops[i]` is exact below `_exact_below`,
        # and from there on `_shift` short of the truth, which is the same for every one.
        heights = self._heights
        self._tops = (
            list(accumulate((h + PARAGRAPH_GAP for h in heights[:-1]), initial=0))
            if heights
            else []
        )
        self._exact_below = 0
        self._shift = 0

    # -- geometry ----------------------------------------------------------------------

    @property
    def tops(self) -> list[int]:
        """The screen line each paragraph starts on (running sum of heights and gaps)."""
        tops, exact_below, shift = self._tops, self._exact_below, self._shift
        return tops[:exact_below] + [top + shift for top in tops[exact_below:]]

    def top(self, paragraph: int) -> int:
        """The screen line `paragraph` starts on."""
        top = self._tops[paragraph]
        return top + self._shift if paragraph >= self._exact_below else top

    def _make_exact_below(self, end: int) -> None:
        tops, shift = self._tops, self._shift
        if end > self._exact_below:
            if shift:
                for i in range(self._exact_below, end):
                    tops[i] += shift
            self._exact_below = end

    def _height_changed(self, paragraph: int, change: int) -> None:
        # Every paragraph after `paragraph` moves by `change`.
        after = paragraph + 1
        if after >= self._exact_below:
            self._make_exact_below(after)
        else:
            tops = self._tops
            for i in range(after, self._exact_below):
                tops[i] += change
        self._shift += change

    @property
    def total_lines(self) -> int:
        if not self._heights:
            return 0
        return self.top(len(self._heights) - 1) + self._heights[-1]

    def height(self, paragraph: int) -> int:
        return self._heights[paragraph]

    def is_exact(self, paragraph: int) -> bool:
        return paragraph in self._wrapped

    def paragraph_at_line(self, y: int) -> int:
        """The paragraph shown on screen line `y` (or the one before a gap line)."""
        tops, exact_below = self._tops, self._exact_below
        if exact_below < len(tops) and y >= tops[exact_below] + self._shift:
            return bisect.bisect_right(tops, y - self._shift, exact_below) - 1
        return max(0, bisect.bisect_right(tops, y, 0, exact_below) - 1)

    def lines(self, paragraph: int) -> list[tuple[int, int]]:
        """The exact wrapped lines of a paragraph (wrapping it now if needed)."""
        lines = self._wrapped.get(paragraph)
        if lines is None:
            lines = wrap_paragraph(self.text, self.paragraphs[paragraph], self.width)
            self._wrapped[paragraph] = lines
            if len(lines) != self._heights[paragraph]:
                self._height_changed(paragraph, len(lines) - self._heights[paragraph])
                self._heights[paragraph] = len(lines)
        return lines

    def line_at(self, y: int) -> ScreenLine | None:
        """What screen line `y` shows; None for a gap between paragraphs or past the end."""
        if not self.paragraphs or y < 0:
            return None
        paragraph = self.paragraph_at_line(y)
        lines = self.lines(paragraph)
        row = y - self.top(paragraph)
        if row >= len(lines):
            return None
        start, end = lines[row]
        return ScreenLine(paragraph, row, start, end)

    def line_of_offset(self, offset: int, paragraph: int) -> int:
        """The screen line on which `offset` (inside `paragraph`) is shown."""
        lines = self.lines(paragraph)
        starts = [start for start, _ in lines]
        row = max(0, bisect.bisect_right(starts, offset) - 1)
        return self.top(paragraph) + row

    def ensure_exact(self, first_line: int, last_line: int) -> None:
        """Wrap every paragraph shown on screen lines `first_line..last_line` exactly.

        Wrapping a paragraph changes only the lines that follow it, so the paragraph at
        `first_line` stays where it is. The running sums are brought up to date once, at
        the end, not after each paragraph.
        """
        if not self.paragraphs:
            return
        paragraph = self.paragraph_at_line(max(0, first_line))
        y = self.top(paragraph)
        while paragraph < len(self.paragraphs) and y <= last_line:
            y += len(self.lines(paragraph)) + PARAGRAPH_GAP
            paragraph += 1

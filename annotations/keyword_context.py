"""Keyword in context: a match with as much text either side of it as fits a line.

A search screen lists each match on one line, the match at the same column in every
line, so the eye runs down it. Each side is cut to a number of terminal cells (not
characters: a CJK character takes two), its runs of white space shown as one space and its
control characters as visible symbols (annotations/safe_text.py), and an ellipsis marks
where text was cut.

    line = keyword_in_context(document.text, start, end, left_cells=30, right_cells=40)
    line.left, line.match, line.right      # "…air cover for the ", "supply route", " to…"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from annotations.safe_text import visible
from annotations.text_units import cell_width

_WHITE_SPACE = re.compile(r"\s+")
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class InContext:
    """The text before a match (set flush right in its cells), the match, and after it."""

    left: str
    match: str
    right: str


def keyword_in_context(
    text: str, start: int, end: int, *, left_cells: int, right_cells: int, match_cells: int = 0
) -> InContext:
    """`text[start:end]` with up to `left_cells` cells of the text before it and
    `right_cells` after, each as one line; the match itself cut to `match_cells` cells when
    that is more than 0. An ellipsis stands for text cut at either end."""
    match = _one_line(text[start:end])
    if match_cells > 0:
        match = _cut_right(match, match_cells)
    # Two cells of text per cell of room is enough, however the white space shrinks.
    before = _one_line(text[max(0, start - 2 * left_cells - 2) : start])
    after = _one_line(text[end : end + 2 * right_cells + 2])
    left = _cut_left(before, left_cells, cut=start > 2 * left_cells + 2)
    right = _cut_right(after, right_cells, cut=end + 2 * right_cells + 2 < len(text))
    return InContext(left, match, right)


def shorten(text: str, cells: int) -> str:
    """`text` as one line of at most `cells` cells, an ellipsis last where it was cut."""
    return _cut_right(_one_line(text), cells)


def _one_line(text: str) -> str:
    return visible(_WHITE_SPACE.sub(" ", text))


def _cut_left(text: str, cells: int, *, cut: bool) -> str:
    """The end of `text` in at most `cells` cells, an ellipsis first where it was cut."""
    if cells <= 0:
        return ""
    if not cut and cell_width(text) <= cells:
        return text
    return ELLIPSIS + "".join(reversed(_fitting(reversed(text), cells - 1)))


def _cut_right(text: str, cells: int, *, cut: bool = False) -> str:
    """The start of `text` in at most `cells` cells, an ellipsis last where it was cut."""
    if cells <= 0:
        return ""
    if not cut and cell_width(text) <= cells:
        return text
    return "".join(_fitting(text, cells - 1)) + ELLIPSIS


def _fitting(characters: Iterable[str], cells: int) -> list[str]:
    """The first of `characters` that fit in `cells` terminal cells."""
    kept: list[str] = []
    used = 0
    for ch in characters:
        used += cell_width(ch)
        if used > cells:
            break
        kept.append(ch)
    return kept

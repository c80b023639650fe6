"""Finding text in a document as a reader means it: case, accents and width aside.

A search for "moscow" finds "Moscow", "MOSCOW" and "Ｍｏｓｃｏｗ"; "cafe" finds "café"
written either way (one code point, or e + combining accent); "محمد" finds "مُحَمَّد"
(vowel marks) and "محـمد" (a tatweel); "ي" finds the Persian "ی" and "ك" the Persian "ک";
"1398" finds "۱۳۹۸"; a run of spaces in the query matches any run of white space, line
breaks included.

The text itself is never copied or folded: the query becomes one regular expression whose
every character is a class of the characters that fold to it, so matches are found in one
pass of the `re` engine over the original text and their offsets are exact code-point
offsets into it. A match may start or end inside a grapheme cluster (a search for one
person of a family emoji); a caller selecting a match widens it with
`text_units.snap_to_graphemes`.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from annotations.safe_text import visible
from annotations.text_units import display_line, snap_to_graphemes

# Characters a word may hold without the reader seeing them as letters: Arabic tatweel
# (a stretch), zero-width non-joiner (Persian "می‌خواهم"), soft hyphen. A query need not
# type them; the document may hold them anywhere inside a match.
_IGNORABLE = "\u0640\u200c\u00ad"

# Letters readers treat as one although Unicode does not fold them: the Arabic and the
# Persian yeh and kaf (and alef maksura), typographic and typewriter quotes.
_ALSO_THE_SAME = {
    other: group[0]
    for group in (
        "\u064a\u06cc\u0649",  # ي ی ى
        "\u0643\u06a9",  # ك ک
        "'\u2019\u2018\u02bc",  # ' ’ ‘ ʼ
        '"\u201c\u201d\u201e',  # " “ ” „
    )
    for other in group[1:]
}


def fold(text: str) -> str:
    """`text` as a search compares it: compatibility-decomposed (width, ligatures), without
    combining marks or ignorable characters, case-folded, and with digits of any script
    as ASCII digits. The result may be longer or shorter than `text`."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = [ch for ch in decomposed if unicodedata.category(ch) != "Mn" and ch not in _IGNORABLE]
    return "".join(_fold_character(ch) for ch in kept)


def _fold_character(ch: str) -> str:
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    if ch in _ALSO_THE_SAME:
        return _ALSO_THE_SAME[ch]
    folded = ch.casefold()
    if len(folded) > 1 and len(ch.lower()) == 1:
        # "ß" folds to "ss", which would no longer find "ß" itself: lower case keeps it
        # one character ("ẞ" then finds "ß" and back).
        return ch.lower()
    return folded


@functools.cache
def _equivalents() -> dict[str, str]:
    """For each one-character fold, every character (of the Basic Multilingual Plane) that
    folds to it, itself first. Built once, in about 20 ms."""
    classes: defaultdict[str, list[str]] = defaultdict(list)
    for code in range(0x10000):
        ch = chr(code)
        if 0xD800 <= code < 0xE000:  # surrogates are no characters
            continue
        key = fold(ch)
        if len(key) == 1 and key != ch:
            classes[key].append(ch)
    return {key: key + "".join(chars) for key, chars in classes.items()}


@functools.cache
def _marks_class() -> str:
    """A regex class body of every combining mark (Mn) in the Basic Multilingual Plane."""
    codes = [code for code in range(0x300, 0x10000) if unicodedata.category(chr(code)) == "Mn"]
    # As ranges: the pattern repeats this between every two letters of the query.
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(
        re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")
        for first, last in ranges
    )


def _class_body(chars: str) -> str:
    return "".join(re.escape(ch) for ch in chars)


@dataclass(frozen=True, slots=True)
class Search:
    """A compiled search: `Search.compile(query)` (None for a query with nothing to find),
    then `find_all(text)`."""

    query: str
    pattern: re.Pattern[str] = field(repr=False)

    @classmethod
    def compile(cls, query: str) -> Search | None:
        """The search for `query`; None when it holds nothing to find (empty, only marks)."""
        folded = fold(query)
        if not folded.strip():
            return None
        return cls(query, re.compile(_pattern_of(folded)))

    def find_all(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """Every match in `text[start:end]` as `(start, end)` code-point offsets into
        `text`, in order and not overlapping."""
        stop = len(text) if end is None else end
        return [match.span() for match in self.pattern.finditer(text, start, stop)]

    def find_next(self, text: str, offset: int) -> tuple[int, int] | None:
        """The first match starting at or after `offset`, else None."""
        match = self.pattern.search(text, offset)
        return match.span() if match else None


def _pattern_of(folded: str) -> str:
    equivalents = _equivalents()
    marks = _marks_class()
    ignorable = _class_body(_IGNORABLE)
    # Between two letters the text may hold marks and ignorable characters; a run of
    # white space in the query is a run of white space (marks and all) in the text.
    between = f"[{marks}{ignorable}]*"
    space = rf"\s[\s{marks}{ignorable}]*"
    parts: list[str] = []
    after_space = True  # nothing to put between the start and the first letter
    for ch in folded:
        if ch.isspace():
            if not after_space:
                parts += (f"[{marks}]*", space)  # the marks on the letter before, too
            elif not parts:
                parts.append(space)
            after_space = True
            continue
        if not after_space:
            parts.append(between)
        after_space = False
        chars = equivalents.get(ch, ch)
        parts.append(re.escape(ch) if len(chars) == 1 else f"[{_class_body(chars)}]")
    # A match takes in the marks on its last letter (the accent of a final "é").
    if not after_space:
        parts.append(f"[{marks}]*")
    return "".join(parts)


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Every match of `query` in `text`, as `Search.compile(query).find_all(text)`."""
    search = Search.compile(query)
    return search.find_all(text) if search is not None else []


# -- the reader's search of one document ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """A match gone to: its span widened to whole grapheme clusters, its place among the
    matches, and which end of the document the search wrapped around ("end", "start")."""

    span: tuple[int, int]
    index: int
    count: int
    wrapped: str | None = None


class DocumentSearch:
    """The reader's search of one text: the queries searched (oldest first, for `up` in
    the prompt), the last query, whether it is active (its matches marked), the match last
    gone to. The matches of one query are kept — one cache — so the prompt's preview,
    `enter` and `n` after `escape` never search the text twice for the same query."""

    HISTORY = 50

    def __init__(self, text: str) -> None:
        self.text = text
        self.history: list[str] = []
        self.query = ""
        self.active = False
        self._current: int | None = None
        self._selected: tuple[int, int] | None = None
        self._found: tuple[str, list[tuple[int, int]] | None] | None = None

    def find(self, query: str) -> list[tuple[int, int]] | None:
        """Every match of `query` in document order (None: nothing to search for)."""
        if self._found is not None and self._found[0] == query:
            return self._found[1]
        search = Search.compile(query)
        matches = search.find_all(self.text) if search is not None else None
        self._found = (query, matches)
        return matches

    @property
    def matches(self) -> list[tuple[int, int]]:
        """The matches to mark: the last query's while the search is active."""
        return (self.find(self.query) or []) if self.active else []

    def first_from(self, matches: list[tuple[int, int]], offset: int) -> int:
        """The index of the first match starting at or after `offset` (len: none)."""
        return bisect.bisect_left(matches, (offset,))

    def submit(self, query: str, selection: tuple[int, int]) -> tuple[str, Hit | None]:
        """Search for `query` (empty: the last query again) from the selection; the query
        searched and the first match at or after the selection's start (None: cancelled,
        empty or nothing found — the search stays as it was)."""
        if query == "" and self.query:
            query = self.query
        if query.strip():
            self.history = [*[q for q in self.history if q != query][-(self.HISTORY - 1) :], query]
        matches = self.find(query) if query else None
        if not matches:
            return query, None
        self.query, self.active = query, True
        return query, self._go_to(matches, self.first_from(matches, selection[0]))

    def step(self, selection: tuple[int, int], direction: int) -> Hit | None:
        """The next (`direction` 1) or previous (-1) match from the selection, around the
        ends; after `escape`, the last query again. None when there is nothing to go to."""
        if not self.active and self.query:
            self.active = True
        matches = self.matches
        if not matches:
            self.active = False
            return None
        if self._current is not None and selection == self._selected:
            index = self._current + direction
        elif direction > 0:
            index = self.first_from(matches, selection[0] + 1)
        else:
            index = self.first_from(matches, selection[0]) - 1
        return self._go_to(matches, index)

    def _go_to(self, matches: list[tuple[int, int]], index: int) -> Hit:
        wrapped = None
        if index >= len(matches):
            index, wrapped = 0, "end"
        elif index < 0:
            index, wrapped = len(matches) - 1, "start"
        # A match can start or end inside a grapheme cluster (one emoji of a family):
        # the selection takes in the whole cluster.
        span = snap_to_graphemes(self.text, *matches[index])
        self._current, self._selected = index, span
        return Hit(span, index, len(matches), wrapped)

    def current_index(self, selection: tuple[int, int]) -> int | None:
        """The index of the match selected, while the selection is still that match."""
        if self.active and self._current is not None and selection == self._selected:
            return self._current
        return None

    def preview_span(self, query: str, selection: tuple[int, int]) -> tuple[int, int]:
        """What to show while `query` is typed: the first match from the selection
        (around the end), else the selection."""
        matches = self.find(query)
        if not matches:
            return selection
        return matches[self.first_from(matches, selection[0]) % len(matches)]

    def describe(self, selection: tuple[int, int]) -> str:
        """The search as the status line says it: “query” match k/N, or “query” N matches."""
        query = visible(self.query, newline=" ")
        if len(query) > 24:
            query = query[:23] + "…"
        query = display_line(query)  # Persian or Arabic in display order
        count = len(self.matches)
        current = self.current_index(selection)
        if current is not None:
            return f"“{query}” match {current + 1:,}/{count:,}"
        return f"“{query}” {count:,} match{'es' if count != 1 else ''}"

    def clear(self) -> None:
        """End the search (its marks); `n` finds the last query again."""
        self.active = False
        self._current = self._selected = None

"""Text units above the code point: grapheme clusters, words, terminal cells, display order.

Offsets stored in Gloss are code points. A reader sees grapheme clusters — "é" written as
e + combining accent, a flag (two regional indicators), a family emoji (people joined by
ZWJ), "❤️" (heart + VS16) — and a terminal lays them out in cells. This module converts
between those units in one place, so a selection never splits a cluster and a layout never
miscounts a wide character.

Everything here works on a window around the offset asked about (the line it is on, at most
a few hundred characters either side), so it costs the same in a 5 MB document as in a
short one.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Sequence

from annotations.lazy_pattern import lazy_regex
from annotations.safe_text import visible

# wcwidth and python-bidi load when first needed (text beyond printable ASCII, a
# right-to-left script): showing most documents needs neither, and wcwidth alone took
# a tenth of what Gloss imports to start.

# Latin, Cyrillic and general punctuation without tab, soft hyphen, combining or format
# characters: one cell each, left to right. Most of a document in a European language is
# made of these, and is laid out and ordered without compiling a `regex` pattern (or
# importing `regex`, which cost more than any other module Gloss loads to start).
_BEYOND_SIMPLE_SCRIPTS = re.compile(
    "[^\x00-\x08\n-\xac\xae-\u02ff\u0400-\u0482\u048a-\u052f\u1e00-\u1eff"
    "\u2010-\u2029\u202f-\u205f]"
)


def in_simple_scripts(text: str) -> bool:
    """True when every character of `text` is one of Latin, Cyrillic or general
    punctuation that is one cell wide and left to right: no tab, no wide, combining,
    format or right-to-left character (and so no bidi reordering)."""
    return (text.isascii() and "\t" not in text) or _BEYOND_SIMPLE_SCRIPTS.search(text) is None


_CLUSTER = lazy_regex(r"(?s)\X")
_PREPEND = lazy_regex(r"\p{Grapheme_Cluster_Break=Prepend}")
# How far either side of an offset a boundary search looks first when the line is longer.
_WINDOW = 256
_MAX_WINDOW = 65_536


# -- grapheme clusters -------------------------------------------------------------------


def graphemes(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """The grapheme clusters of `text[start:end]` as `(start, end)` code-point spans.

    `start` must be a cluster boundary (0, the start of a line, or one this module gave).
    """
    for match in _CLUSTER.finditer(text, start, len(text) if end is None else end):
        yield match.span()


def _boundaries_near(text: str, offset: int) -> list[int]:
    """The cluster boundaries in a window around `offset`, ascending.

    A line start is always a boundary (a line feed is a cluster of its own), so a window
    that starts at one is segmented exactly. A window cut short of the line start may
    mis-segment its first cluster, and one cut short of the line end its last: those
    edge boundaries are dropped. A cluster longer than the window (emoji joined by ZWJs
    by the hundred) widens it, up to `_MAX_WINDOW`; past that the offset is taken as a
    boundary.
    """
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end == -1 else line_end
    window = _WINDOW
    while True:
        low = max(line_start, offset - window)
        # Regional indicators pair up from the start of their run: never start inside one.
        while low > line_start and _is_regional_indicator(text[low - 1]):
            low -= 1
        high = min(line_end, offset + window)
        bounds = [low, *(match.end() for match in _CLUSTER.finditer(text, low, high))]
        if low != line_start:
            bounds = bounds[2:]
        if high != line_end:
            bounds = bounds[:-1]
        if bounds and bounds[0] <= offset <= bounds[-1]:
            return bounds
        if window >= _MAX_WINDOW or (low == line_start and high == line_end):
            return [offset]
        window *= 4


def _is_regional_indicator(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def is_grapheme_boundary(text: str, offset: int) -> bool:
    """True when `offset` falls between two grapheme clusters (or at either end of text)."""
    if offset <= 0 or offset >= len(text):
        return True
    before, after = text[offset - 1], text[offset]
    # The common cases, decided at once: nothing below U+0300 joins a cluster, and only a
    # Prepend character or a CR holds on to a following space or line feed.
    if before != "\r" and (
        (before < "\u0300" and after < "\u0300") or (after.isspace() and not _PREPEND.match(before))
    ):
        return True
    bounds = _boundaries_near(text, offset)
    index = bisect.bisect_left(bounds, offset)
    return index < len(bounds) and bounds[index] == offset


def grapheme_start(text: str, offset: int) -> int:
    """The start of the cluster holding `offset` (`offset` itself when it is a boundary)."""
    offset = max(0, min(offset, len(text)))
    if is_grapheme_boundary(text, offset):
        return offset
    bounds = _boundaries_near(text, offset)
    index = bisect.bisect_right(bounds, offset) - 1
    return bounds[max(index, 0)]


def grapheme_end(text: str, offset: int) -> int:
    """The end of the cluster holding `offset - 1`: `offset` rounded up to a boundary."""
    offset = max(0, min(offset, len(text)))
    if is_grapheme_boundary(text, offset):
        return offset
    bounds = _boundaries_near(text, offset)
    index = bisect.bisect_left(bounds, offset)
    return bounds[min(index, len(bounds) - 1)]


def next_grapheme(text: str, offset: int) -> int:
    """The boundary after the cluster starting at (or holding) `offset`."""
    if offset >= len(text):
        return len(text)
    start = grapheme_start(text, offset)
    match = _CLUSTER.match(text, start)
    return match.end() if match else len(text)


def previous_grapheme(text: str, offset: int) -> int:
    """The start of the cluster before `offset` (rounded down to a boundary first)."""
    offset = grapheme_start(text, offset)
    if offset <= 0:
        return 0
    return grapheme_start(text, offset - 1)


def snap_to_graphemes(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` widened to whole grapheme clusters: start rounds down, end rounds up.

    Offsets outside the text are clamped to it; an empty range stays empty.
    """
    start, end = sorted((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    snapped_start = grapheme_start(text, start)
    if end == start:
        return snapped_start, snapped_start
    return snapped_start, grapheme_end(text, end)


# -- words -------------------------------------------------------------------------------

_IDEOGRAPHIC = lazy_regex(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Extended_Pictographic}]")
# Characters that join two word parts into one word: don't, state-run, l’État.
_JOINERS = frozenset("'’-‐")

_SPACE, _PUNCTUATION, _IDEOGRAPH, _WORD = range(4)


def _kind(cluster: str) -> int:
    base = cluster[0]
    if base.isspace():
        return _SPACE
    if _IDEOGRAPHIC.match(base):
        return _IDEOGRAPH
    category = unicodedata.category(base)
    if category[0] in "LNM" or base in "\u200c\u200d":
        return _WORD
    if category == "So":  # flags and other pictographs: a word of one cluster
        return _IDEOGRAPH
    return _PUNCTUATION


def _clusters_in(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    return [(s, e, _kind(text[s:e])) for s, e in graphemes(text, start, end)]


def next_word_end(text: str, offset: int) -> int:
    """The end of the next word at or after `offset`, for "extend by word".

    White space and punctuation before the word are skipped. A word is a run of letters,
    digits and marks (joined by an apostrophe or hyphen); a CJK ideograph, a kana or an
    emoji is a word of its own, since those scripts do not put spaces between words.
    """
    position = grapheme_end(text, max(0, offset))
    while position < len(text):
        # The window grows a line (or _WINDOW characters) at a time.
        line_end = text.find("\n", position)
        stop = len(text) if line_end == -1 else line_end + 1
        stop = min(stop, position + 4 * _WINDOW)
        clusters = _clusters_in(text, position, stop)
        index = 0
        while index < len(clusters) and clusters[index][2] in (_SPACE, _PUNCTUATION):
            index += 1
        if index == len(clusters):
            position = clusters[-1][1] if clusters else stop
            continue
        if clusters[index][2] == _IDEOGRAPH:
            return clusters[index][1]
        end = clusters[index][1]
        index += 1
        while index < len(clusters):
            kind = clusters[index][2]
            joined = (
                text[clusters[index][0]] in _JOINERS
                and index + 1 < len(clusters)
                and clusters[index + 1][2] == _WORD
            )
            if kind != _WORD and not joined:
                break
            end = clusters[index][1]
            index += 1
        return end
    return len(text)


def previous_word_start(text: str, offset: int) -> int:
    """The start of the word before `offset` (or holding it), for "extend by word" backwards."""
    position = grapheme_start(text, min(offset, len(text)))
    while position > 0:
        line_start = text.rfind("\n", 0, position - 1) + 1 if position > 1 else 0
        start = max(line_start, position - 4 * _WINDOW)
        start = grapheme_start(text, start)
        clusters = _clusters_in(text, start, position)
        index = len(clusters) - 1
        while index >= 0 and clusters[index][2] in (_SPACE, _PUNCTUATION):
            index -= 1
        if index < 0:
            position = start
            continue
        if clusters[index][2] == _IDEOGRAPH:
            return clusters[index][0]
        begin = clusters[index][0]
        index -= 1
        while index >= 0:
            kind = clusters[index][2]
            joined = (
                text[clusters[index][0]] in _JOINERS
                and index > 0
                and clusters[index - 1][2] == _WORD
            )
            if kind != _WORD and not joined:
                break
            begin = clusters[index][0]
            index -= 1
        return begin
    return 0


# -- quotation marks and brackets at a span's ends ----------------------------------------

# Opening mark -> its closing mark. A straight quote closes itself; "’" is also an apostrophe
# (Russia’s), so it closes a "‘" only where one is open.
_PAIRS = {
    "(": ")", "[": "]", "{": "}", "“": "”", "‘": "’", "«": "»", "„": "“", '"': '"', "'": "'",
    "「": "」", "『": "』", "（": "）", "《": "》", "〈": "〉", "【": "】", "‹": "›",
}  # fmt: skip
_CLOSING = {close: open_ for open_, close in _PAIRS.items() if open_ != "„"}
_OPENING = frozenset(_PAIRS)


def _open_marks(text: str, start: int, end: int) -> list[str]:
    """The quotation marks and brackets opened in `text[start:end]` and not closed there,
    innermost last. A ’ or ' closes only a mark that is open: otherwise it is an
    apostrophe (Russia’s, Damascus’ ties)."""
    stack: list[str] = []
    for index in range(start, end):
        char = text[index]
        top = stack[-1] if stack else None
        if top is not None and char == _PAIRS[top]:
            stack.pop()
        elif char in _OPENING and not (char == "'" and index > 0 and text[index - 1].isalpha()):
            stack.append(char)
    return stack


def _closed_marks(text: str, start: int, end: int) -> list[str]:
    """The closing marks in `text[start:end]` whose opening mark lies before `start`,
    outermost last."""
    stack: list[str] = []
    for index in range(end - 1, start - 1, -1):
        char = text[index]
        if stack and char == _CLOSING[stack[-1]]:
            stack.pop()
        elif char in _CLOSING and not _is_apostrophe(text, index, len(text)):
            stack.append(char)
    return stack


def end_with_closing_marks(text: str, start: int, end: int) -> int:
    """`end` moved past closing quotation marks and brackets whose opening one lies in
    `text[start:end]`: `"experts"`, `“shadow regime”`, `(BRICS)` keep their last mark."""
    open_ = _open_marks(text, start, end)
    while open_ and end < len(text) and text[end] == _PAIRS[open_[-1]]:
        open_.pop()
        end += 1
    return end


def start_with_opening_marks(text: str, start: int, end: int) -> int:
    """`start` moved back over opening quotation marks and brackets whose closing one lies
    in `text[start:end]`."""
    closed = _closed_marks(text, start, end)
    while closed and start > 0 and _PAIRS.get(text[start - 1]) == closed[-1]:
        closed.pop()
        start -= 1
    return start


def without_unpaired_closing(text: str, start: int, end: int) -> int:
    """`end` moved back over closing marks (and the white space before them) whose opening
    one is not in `text[start:end]`: trimming `“buying time”` to `time”` lets go of `”`."""
    while (
        end > start + 1
        and text[end - 1] in _CLOSING
        and not _is_apostrophe(text, end - 1, len(text))
    ):
        if _CLOSING[text[end - 1]] in _open_marks(text, start, end - 1):
            break
        end -= 1
    return end


def without_unpaired_opening(text: str, start: int, end: int) -> int:
    """`start` moved on over opening marks whose closing one is not in `text[start:end]`."""
    while start < end - 1 and text[start] in _OPENING and text[start] != "'":
        if _PAIRS[text[start]] in _closed_marks(text, start + 1, end):
            break
        start += 1
    return start


def next_word_start(text: str, offset: int) -> int:
    """The start of the word after the one at `offset` (`len(text)` if none): where a
    selection's start moves when it is trimmed by a word. Marks before the word at
    `offset` ("“buying") go with it."""
    following_end = next_word_end(text, next_word_end(text, offset))
    start = previous_word_start(text, following_end)
    return start if start > offset else len(text)


def previous_word_end(text: str, offset: int) -> int:
    """The end of the word before the one that ends at (or just before) `offset`, 0 if
    none: where a selection's end moves when it is trimmed by a word. Punctuation after the
    last word ("Syria.") goes with it."""
    word_start = previous_word_start(text, offset)
    if word_start == 0:
        return 0
    end = next_word_end(text, previous_word_start(text, word_start))
    return end if end <= word_start else 0


# -- clauses -----------------------------------------------------------------------------

# After these a clause ends (Latin, Persian and Arabic, CJK full-width forms).
_CLAUSE_SEPARATORS = frozenset(",;:،؛，；：")
_DASHES = frozenset("—–")
_BRACKETS = frozenset("([{（【〈《")
_QUOTES = frozenset('“‘«„"「『‹')
# A quotation of more words than this is a clause of its own; a shorter one ("experts",
# “shadow regime”) is a phrase inside its clause.
_QUOTED_PHRASE_WORDS = 3
_HAS_WORD = lazy_regex(r"[\p{L}\p{N}]")


def clause_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split `text[start:end]` (one sentence) into clauses, as `(start, end)` spans.

    A clause ends before `,` `;` `:` (and `،` `؛`, `，` `；` `：`) and around a spaced dash
    (" — ", " – "); a parenthesis and a quotation of more than three words are clauses
    of their own, brackets and marks included. Separators between digits (5,000, 10:30)
    and anything inside brackets or quotation marks do not split. Each clause is trimmed of
    white space and of its separator; a sentence's final punctuation stays on its last
    clause, and a piece of nothing but punctuation joins the clause before it.
    """
    end = len(text) if end is None else end
    cuts: list[tuple[int, int]] = []  # (end of one clause, start of the next)
    index = start
    while index < end:
        char = text[index]
        if char in _BRACKETS or char in _QUOTES:
            closer = _matching_close(text, index, end)
            if closer is None:
                index += 1
                continue
            quoted = char in _QUOTES
            if not quoted or len(text[index:closer].split()) > _QUOTED_PHRASE_WORDS:
                cuts.append((index, index))
                cuts.append((closer + 1, closer + 1))
            index = closer + 1
            continue
        separator = char in _CLAUSE_SEPARATORS and not _between_digits(text, index, start, end)
        if separator or _is_spaced_dash(text, index, start, end):
            cuts.append((index, index + 1))
        index += 1
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for piece_end, next_start in [*cuts, (end, end)]:
        low, high = _trimmed(text, piece_start, piece_end)
        # A cut never falls inside a cluster (a comma with a combining mark on it).
        low, high = grapheme_end(text, low), grapheme_end(text, high)
        piece_start = max(piece_start, next_start)
        if high <= low:
            continue
        if pieces and not _HAS_WORD.search(text, low, high):
            pieces[-1] = (pieces[-1][0], high)  # ")." or a lone "." after a quotation
        else:
            pieces.append((low, high))
    if len(pieces) > 1 and not _HAS_WORD.search(text, *pieces[0]):
        pieces[:2] = [(pieces[0][0], pieces[1][1])]
    return pieces


# -- phrases: a clause's coordinated parts ---------------------------------------------
#
# Inside a clause, a coordinating conjunction joins two parts that an analyst often codes
# apart: "placed its own advisers in the general staff and folded irregular units into the
# chain of command", "a naval base on the Mediterranean and a Syrian army". The conjunction
# is no clause boundary (most "and"s join two words: "road and rail"), so it makes a unit of
# its own, between word and clause. Chinese writes no spaces, so a 和 cannot be told from
# the one in 和平 (peace): there the enumeration comma 、 is the only phrase boundary.
_CONJUNCTION = lazy_regex(r"(?i)(?:and|or|but|nor|или|либо|и|а|но|یا|اما|ولی|و|أو|أم|لكن|ثم)(?=\s)")
_LIST_SEPARATORS = frozenset("、")


def phrase_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split `text[start:end]` (one sentence) into phrases, as `(start, end)` spans: its
    clauses (`clause_spans`), each split again before and after a coordinating conjunction
    standing as a word of its own (and, or, but, nor; и, или, либо, а, но; و, یا, اما, ولی;
    أو, أم, لكن, ثم) and at the enumeration comma 、. The conjunction belongs to neither
    side, as a comma belongs to neither clause; nothing inside brackets or quotation marks
    splits."""
    phrases: list[tuple[int, int]] = []
    for clause_start, clause_end in clause_spans(text, start, end):
        phrases.extend(_coordinated_parts(text, clause_start, clause_end))
    return phrases


def _coordinated_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts: list[tuple[int, int]] = []
    index = start
    while index < end:
        char = text[index]
        if char in _BRACKETS or char in _QUOTES:
            closer = _matching_close(text, index, end)
            if closer is not None:
                index = closer + 1
                continue
        if char in _LIST_SEPARATORS:
            cuts.append((index, index + 1))
        elif index == start or text[index - 1].isspace():
            conjunction = _CONJUNCTION.match(text, index, end)
            if conjunction is not None:
                cuts.append(conjunction.span())
                index = conjunction.end()
                continue
        index += 1
    parts: list[tuple[int, int]] = []
    part_start = start
    for part_end, next_start in [*cuts, (end, end)]:
        low, high = _trimmed(text, part_start, part_end)
        part_start = next_start
        if high <= low:
            continue
        if parts and not _HAS_WORD.search(text, low, high):
            parts[-1] = (parts[-1][0], high)  # the sentence's final stop stays on its part
        else:
            parts.append((low, high))
    return parts or [(start, end)]


def _matching_close(text: str, opening: int, end: int) -> int | None:
    """The index of the mark closing the one at `opening`, within `end`; None if none."""
    char = text[opening]
    close = _PAIRS[char]
    depth = 0
    for index in range(opening + 1, end):
        here = text[index]
        if here == close and (close != "’" or not _is_apostrophe(text, index, end)):
            if depth == 0:
                return index
            depth -= 1
        elif here == char and char != close:
            depth += 1
    return None


def _is_apostrophe(text: str, index: int, end: int) -> bool:
    """True for a ’ or ' between two letters (Russia’s, don't)."""
    return 0 < index < end - 1 and text[index - 1].isalpha() and text[index + 1].isalpha()


def _is_spaced_dash(text: str, index: int, start: int, end: int) -> bool:
    return (
        text[index] in _DASHES
        and start < index < end - 1
        and text[index - 1].isspace()
        and text[index + 1].isspace()
    )


def _between_digits(text: str, index: int, start: int, end: int) -> bool:
    return start < index < end - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- terminal cells ----------------------------------------------------------------------


def cell_width(text: str) -> int:
    """The terminal cells `visible(text)` takes on one line.

    Wide (CJK) characters and emoji clusters — ZWJ sequences, flags, a character with
    VS16 — take two cells; combining marks none; a control character one (it is shown as
    a symbol). A newline takes none; tabs count one cell here: expand them with
    `tab_stop` where the column is known.
    """
    if text.isascii() and text.isprintable():
        return len(text)
    import wcwidth

    shown = visible(text, newline="\u200b")  # zero width, and keeps clusters apart
    return sum(max(wcwidth.wcswidth(shown[start:end]), 0) for start, end in graphemes(shown))


def tab_stop(cell_x: int, tab_size: int = 8) -> int:
    """The cells a tab at column `cell_x` takes to reach the next tab stop."""
    return tab_size - cell_x % tab_size


# -- display order of right-to-left text -------------------------------------------------

_RIGHT_TO_LEFT = lazy_regex(r"[\p{Bidi_Class=R}\p{Bidi_Class=AL}\p{Bidi_Class=AN}]")
# The explicit embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI).
# Gloss shows each as a visible symbol (safe_text), so it orders them as that symbol: a
# neutral. Obeyed, an override spoofs the display ("exe.live" drawn as "evil.exe"), and
# python-bidi asserts on an isolate in a right-to-left paragraph.
_EXPLICIT_FORMATTING = lazy_regex("[\u202a-\u202e\u2066-\u2069]")


def _as_shown(paragraph: str) -> str:
    """`paragraph` with every explicit bidi formatting character as U+FFFD, one for one."""
    return _EXPLICIT_FORMATTING.sub("\ufffd", paragraph)


def is_right_to_left(paragraph: str) -> bool:
    """True when the paragraph's first strong character is right-to-left (Arabic, Persian…)."""
    if in_simple_scripts(paragraph) or not _RIGHT_TO_LEFT.search(paragraph):
        return False
    from bidi import algorithm as bidi_algorithm

    return bidi_algorithm.get_base_level(_as_shown(paragraph)) == 1


def bidi_levels(paragraph: str) -> list[int] | None:
    """The Unicode bidi embedding level of each code point, or None for left-to-right text.

    For display only: offsets stay logical. Computed once per paragraph, then sliced for
    each wrapped line and passed to `visual_order`. Embeddings, overrides and isolates
    count as neutral characters: they are shown as symbols, never obeyed.
    """
    if in_simple_scripts(paragraph) or not _RIGHT_TO_LEFT.search(paragraph):
        return None
    from bidi import algorithm as bidi_algorithm

    paragraph = _as_shown(paragraph)
    storage = bidi_algorithm.get_empty_storage()
    base_level = bidi_algorithm.get_base_level(paragraph)
    storage["base_level"] = base_level
    storage["base_dir"] = ("L", "R")[base_level]
    bidi_algorithm.get_embedding_levels(paragraph, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    bidi_algorithm.explicit_embed_and_overrides(storage)
    bidi_algorithm.resolve_weak_types(storage)
    bidi_algorithm.resolve_neutral_types(storage, False)
    bidi_algorithm.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(paragraph)
    for char in storage["chars"]:
        levels[char["index"]] = char["level"]
    # Characters the algorithm drops (joiners, soft hyphens) take their neighbour's level.
    previous = base_level
    resolved = []
    for level in levels:
        previous = previous if level is None else level
        resolved.append(previous)
    return resolved


def visual_order(line: str, levels: Sequence[int] | None = None) -> list[tuple[int, int, bool]]:
    """The grapheme clusters of one display line, left to right, as `(start, end, rtl)`.

    `start`/`end` index `line`; `rtl` says the cluster runs right to left (draw it with
    `mirror`, so that "(" faces the right way). `levels` are the line's slice of
    `bidi_levels(paragraph)` (computed from the line alone when omitted). Clusters move
    whole, so combining marks stay on their letter; trailing white space keeps the
    paragraph's level (Unicode rule L1).
    """
    clusters = list(graphemes(line))
    if levels is None:
        levels = bidi_levels(line)
    if not levels or not clusters:
        return [(start, end, False) for start, end in clusters]
    base_level = min(levels) if levels else 0
    cluster_levels = [levels[start] for start, _ in clusters]
    index = len(clusters) - 1
    while index >= 0 and line[clusters[index][0]].isspace():
        cluster_levels[index] = base_level
        index -= 1
    highest = max(cluster_levels)
    lowest_odd = min((level for level in cluster_levels if level % 2), default=highest + 1)
    order = list(range(len(clusters)))
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if cluster_levels[order[index]] >= level:
                run_end = index
                while run_end < len(order) and cluster_levels[order[run_end]] >= level:
                    run_end += 1
                order[index:run_end] = reversed(order[index:run_end])
                index = run_end
            else:
                index += 1
    return [(*clusters[i], cluster_levels[i] % 2 == 1) for i in order]


def mirror(cluster: str) -> str:
    """A cluster drawn right to left: brackets and the like take their mirrored glyph."""
    from bidi.mirror import MIRRORED as _MIRRORED

    return _MIRRORED.get(cluster[0], cluster[0]) + cluster[1:]


def display_line(line: str, levels: Sequence[int] | None = None) -> str:
    """`line` as a terminal should draw it, left to right (see `visual_order`)."""
    if levels is None:
        levels = bidi_levels(line)
    if not levels:  # left to right throughout: its clusters in their own order
        return line
    return "".join(
        mirror(line[start:end]) if rtl else line[start:end]
        for start, end, rtl in visual_order(line, levels)
    )

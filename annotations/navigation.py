"""Moving the reader's cursor: a frozen value and pure functions over a `Document`.

The cursor is a selection `[start, end)` and, while the selection is being extended, the
span extending started from (`anchor`) and its moving end (`head`). Every movement the
reader has is a function `(document, cursor) -> cursor`: sentences and paragraphs come
from `Document`, words and grapheme clusters from `text_units`, so a selection never
starts or ends inside a cluster. The reader screen only turns keys into these calls and
draws the result (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace

from annotations.document import Document, Span
from annotations.lazy_pattern import lazy_regex
from annotations.text_units import (
    clause_spans,
    end_with_closing_marks,
    next_word_end,
    next_word_start,
    phrase_spans,
    previous_word_end,
    previous_word_start,
    snap_to_graphemes,
    start_with_opening_marks,
    without_unpaired_closing,
    without_unpaired_opening,
)


@dataclass(frozen=True, slots=True)
class Cursor:
    """The selection, and while extending, the span it grew from and its moving end."""

    selection: tuple[int, int]
    anchor: tuple[int, int] | None = None
    head: int = 0

    @property
    def extending(self) -> bool:
        return self.anchor is not None

    @property
    def start(self) -> int:
        return self.selection[0]

    @property
    def end(self) -> int:
        return self.selection[1]


def select(start: int, end: int) -> Cursor:
    """A cursor selecting `[start, end)`, not extending."""
    return Cursor((start, end))


def first_sentence(document: Document) -> Cursor:
    """The cursor on the document's first sentence (on nothing in an empty document)."""
    if not document.paragraphs:
        return select(0, 0)
    first = document.sentences_in(0)[0]
    return select(first.start, first.end)


def last_sentence(document: Document) -> Cursor:
    """The cursor on the document's last sentence."""
    if not document.paragraphs:
        return select(0, 0)
    last = document.sentences_in(len(document.paragraphs) - 1)[-1]
    return select(last.start, last.end)


def sentence_after(document: Document, offset: int) -> Span | None:
    """The first sentence that starts at or after `offset`."""
    paragraph = document.paragraph_index(offset)
    while paragraph < len(document.paragraphs):
        for sentence in document.sentences_in(paragraph):
            if sentence.start >= offset:
                return sentence
        paragraph += 1
    return None


def sentence_before(document: Document, offset: int) -> Span | None:
    """The last sentence that starts before `offset`."""
    paragraph = min(document.paragraph_index(offset), len(document.paragraphs) - 1)
    while paragraph >= 0:
        for sentence in reversed(document.sentences_in(paragraph)):
            if sentence.start < offset:
                return sentence
        paragraph -= 1
    return None


def next_sentence(document: Document, cursor: Cursor) -> Cursor:
    """The next sentence; while extending, the selection grows (or shrinks) by one."""
    if cursor.extending:
        return extend_by_sentence(document, cursor, 1)
    sentence = sentence_after(document, cursor.start + 1)
    return select(sentence.start, sentence.end) if sentence else cursor


def previous_sentence(document: Document, cursor: Cursor) -> Cursor:
    """The previous sentence; while extending, the selection grows (or shrinks) by one."""
    if cursor.extending:
        return extend_by_sentence(document, cursor, -1)
    sentence = sentence_before(document, cursor.start)
    return select(sentence.start, sentence.end) if sentence else cursor


def paragraph_start(document: Document, paragraph: int) -> Cursor:
    """The cursor on the first sentence of paragraph `paragraph`."""
    first = document.sentences_in(paragraph)[0]
    return select(first.start, first.end)


def next_paragraph(document: Document, cursor: Cursor) -> Cursor:
    """The first sentence of the next paragraph (the cursor unmoved in the last one)."""
    paragraph = document.paragraph_index(cursor.start) + 1
    if paragraph < len(document.paragraphs):
        return paragraph_start(document, paragraph)
    return cursor


def previous_paragraph(document: Document, cursor: Cursor) -> Cursor:
    """The start of this paragraph, or of the one before when already at its start."""
    if not document.paragraphs:
        return cursor
    paragraph = document.paragraph_index(cursor.start)
    if cursor.start == document.paragraphs[paragraph].start:
        paragraph -= 1
    return paragraph_start(document, paragraph) if paragraph >= 0 else cursor


def sentence_from(document: Document, offset: int) -> Cursor:
    """The first sentence starting at or after `offset` (else the one holding it): where a
    page down or up lands when the pane's top line starts at `offset`."""
    if not document.paragraphs:
        return select(0, 0)
    sentence = document.sentence_at(offset)
    if sentence.start < offset:
        sentence = sentence_after(document, offset) or sentence
    return select(sentence.start, sentence.end)


def select_paragraph(document: Document, cursor: Cursor) -> Cursor:
    """The whole paragraph holding the selection's start, not extending."""
    if not document.paragraphs:
        return cursor
    span = document.paragraphs[document.paragraph_index(cursor.start)]
    return select(span.start, span.end)


def next_unannotated(document: Document, cursor: Cursor, covered: Collection[int]) -> Cursor | None:
    """The first sentence of the next paragraph not in `covered` (indexes of paragraphs
    with annotations); None when every paragraph after this one is covered."""
    start = document.paragraph_index(cursor.start) + 1
    for paragraph in range(start, len(document.paragraphs)):
        if paragraph not in covered:
            return paragraph_start(document, paragraph)
    return None


def extend(cursor: Cursor) -> Cursor:
    """Start extending from the selection (no change while already extending)."""
    if cursor.extending:
        return cursor
    return Cursor(cursor.selection, cursor.selection, cursor.selection[1])


def cancel(cursor: Cursor) -> Cursor:
    """Stop extending: back to the span extending started from."""
    if cursor.anchor is None:
        return cursor
    return select(*cursor.anchor)


def stop_extending(cursor: Cursor) -> Cursor:
    """Keep the selection as it is and stop extending it."""
    return select(*cursor.selection) if cursor.extending else cursor


# -- extending: the moving end ------------------------------------------------------------
#
# While extending, the selection's two ends move independently: `head` is the moving one,
# the selection's end at first, its start after `switch_end`. A move takes the moving end
# to the next boundary of a unit (word, clause, sentence) either way, so a selection grows
# or is trimmed at either end. A move that would leave nothing selected crosses over: the
# other end takes over and moves on the same way (`v` then `k` on a sentence grows the
# selection backwards by a sentence, as before).


@dataclass(frozen=True, slots=True)
class _Unit:
    """Where one kind of unit lets a selection start and end, either way from an offset."""

    next_end: Callable[[Document, int], int | None]
    previous_end: Callable[[Document, int], int | None]
    next_start: Callable[[Document, int], int | None]
    previous_start: Callable[[Document, int], int | None]


def _moving_start(cursor: Cursor) -> bool:
    return cursor.extending and cursor.head == cursor.start and cursor.start != cursor.end


def _move_head(document: Document, cursor: Cursor, unit: _Unit, direction: int) -> Cursor:
    cursor = extend(cursor)
    if not document.paragraphs:
        return cursor
    start, end = cursor.selection
    if _moving_start(cursor):
        moved = (unit.next_start if direction > 0 else unit.previous_start)(document, start)
        if moved is not None and moved < end:
            return _tidied(document, cursor, moved, end, head_at_start=True)
        if direction > 0:  # crossing over: the end moves on forwards
            moved = unit.next_end(document, end)
            return _tidied(document, cursor, start, moved, head_at_start=False) if moved else cursor
        return cursor
    moved = (unit.next_end if direction > 0 else unit.previous_end)(document, end)
    if moved is not None and moved > start:
        return _tidied(document, cursor, start, moved, head_at_start=False)
    if direction < 0:  # crossing over: the start moves on backwards
        moved = unit.previous_start(document, start)
        if moved is not None:
            return _tidied(document, cursor, moved, end, head_at_start=True)
    return cursor


def _tidied(
    document: Document, cursor: Cursor, start: int, end: int, *, head_at_start: bool
) -> Cursor:
    """The selection `[start, end)` with its moving end at `start` or `end`, neither end on
    a quotation mark or bracket that does not belong to it: the moved end takes in the
    marks that close (or open) one inside, the other end lets go of marks left unpaired."""
    text = document.text
    # No word that way (the text's start, a blank line): an end never rests on white space.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return cursor
    if head_at_start:
        start = start_with_opening_marks(text, start, end)
        end = without_unpaired_closing(text, start, end)
    else:
        end = end_with_closing_marks(text, start, end)
        start = without_unpaired_opening(text, start, end)
    return replace(cursor, selection=(start, end), head=start if head_at_start else end)


def _words() -> _Unit:
    return _Unit(
        lambda d, o: _ahead(_word_end_after(d.text, o), o),
        lambda d, o: _behind(previous_word_end(d.text, o), o),
        lambda d, o: _ahead(next_word_start(d.text, o), o),
        lambda d, o: _behind(previous_word_start(d.text, o), o),
    )


def _word_end_after(text: str, offset: int) -> int:
    end = next_word_end(text, offset)
    # At the end of the text with no word left: nowhere to go.
    return offset if end == len(text) and not _WORDLIKE.search(text, offset, end) else end


_WORDLIKE = lazy_regex(r"[\p{L}\p{N}\p{M}\p{So}]")


def _ahead(moved: int, offset: int) -> int | None:
    return moved if moved > offset else None


def _behind(moved: int, offset: int) -> int | None:
    return moved if moved < offset else None


def _spans_unit(spans_from: Callable[[Document, int, int], Iterator[tuple[int, int]]]) -> _Unit:
    """A unit whose spans (sentences, clauses) `spans_from(document, offset, direction)`
    gives in document order from the one at `offset` (reversed for direction -1)."""

    def next_end(document: Document, offset: int) -> int | None:
        return next((e for _, e in spans_from(document, offset, 1) if e > offset), None)

    def previous_end(document: Document, offset: int) -> int | None:
        return next((e for _, e in spans_from(document, offset, -1) if e < offset), None)

    def next_start(document: Document, offset: int) -> int | None:
        return next((s for s, _ in spans_from(document, offset, 1) if s > offset), None)

    def previous_start(document: Document, offset: int) -> int | None:
        return next((s for s, _ in spans_from(document, offset, -1) if s < offset), None)

    return _Unit(next_end, previous_end, next_start, previous_start)


def sentences_from(document: Document, offset: int, direction: int) -> Iterator[tuple[int, int]]:
    """The sentences from the paragraph holding `offset` on, forwards (`direction` 1) or
    backwards (-1, from the paragraph's last sentence)."""
    if not document.paragraphs:
        return
    paragraph = min(document.paragraph_index(offset), len(document.paragraphs) - 1)
    while 0 <= paragraph < len(document.paragraphs):
        sentences = document.sentences_in(paragraph)
        for sentence in sentences if direction > 0 else reversed(sentences):
            yield sentence.start, sentence.end
        paragraph += direction


def clauses_from(document: Document, offset: int, direction: int) -> Iterator[tuple[int, int]]:
    """The clauses (`text_units.clause_spans`) from the paragraph holding `offset` on,
    forwards (`direction` 1) or backwards (-1)."""
    for start, end in sentences_from(document, offset, direction):
        clauses = clause_spans(document.text, start, end)
        yield from clauses if direction > 0 else reversed(clauses)


def phrases_from(document: Document, offset: int, direction: int) -> Iterator[tuple[int, int]]:
    """The phrases (`text_units.phrase_spans`: clauses split at a coordinating conjunction)
    from the paragraph holding `offset` on, forwards (`direction` 1) or backwards (-1)."""
    for start, end in sentences_from(document, offset, direction):
        phrases = phrase_spans(document.text, start, end)
        yield from phrases if direction > 0 else reversed(phrases)


_WORD = _words()
_SENTENCE = _spans_unit(sentences_from)
_CLAUSE = _spans_unit(clauses_from)
_PHRASE = _spans_unit(phrases_from)


def extend_by_sentence(document: Document, cursor: Cursor, direction: int) -> Cursor:
    """Move the moving end by one sentence (`direction` 1 or -1), growing or trimming the
    selection; starts extending if not yet. An end stays off the white space between
    sentences."""
    return _move_head(document, cursor, _SENTENCE, direction)


def extend_by_word(document: Document, cursor: Cursor, direction: int) -> Cursor:
    """Move the moving end by one word (`direction` 1 or -1); starts extending if not yet.
    Words as `text_units` has them: a CJK ideograph or an emoji is a word of its own, and
    an end takes in a closing quotation mark or bracket whose opening one is selected."""
    return _move_head(document, cursor, _WORD, direction)


def extend_by_clause(document: Document, cursor: Cursor, direction: int) -> Cursor:
    """Move the moving end by one clause (`direction` 1 or -1); starts extending if not
    yet. An end stays off the separator (`,` `;` `:` `—`) between clauses."""
    return _move_head(document, cursor, _CLAUSE, direction)


def extend_by_phrase(document: Document, cursor: Cursor, direction: int) -> Cursor:
    """Move the moving end by one phrase (`direction` 1 or -1): to the next clause boundary
    or coordinating conjunction ("and", "or", "but", "и", "و", …; the conjunction stays
    outside), growing or trimming the selection; starts extending if not yet."""
    return _move_head(document, cursor, _PHRASE, direction)


def switch_end(cursor: Cursor) -> Cursor:
    """Make the other end of the selection the moving one (vim's `o` in visual mode);
    starts extending, moving the start, if not yet."""
    if not cursor.extending:
        return replace(extend(cursor), head=cursor.start)
    return replace(cursor, head=cursor.end if _moving_start(cursor) else cursor.start)


def extend_to_match(document: Document, cursor: Cursor, match: tuple[int, int]) -> Cursor:
    """Move the moving end to a search match, as vim's `v/pattern`: the selection's end to
    the match's end, or — when the match starts before the other end — the start to the
    match's start. Starts extending if not yet."""
    cursor = extend(cursor)
    start, end = cursor.selection
    match_start, match_end = match
    if _moving_start(cursor):
        if match_start < end:
            return _tidied(document, cursor, match_start, end, head_at_start=True)
        return _tidied(document, cursor, start, match_end, head_at_start=False)
    if match_start >= start:
        return _tidied(document, cursor, start, max(match_end, start + 1), head_at_start=False)
    return _tidied(document, cursor, match_start, end, head_at_start=True)


# -- clauses, not extending ---------------------------------------------------------------


def _clause_holding(document: Document, offset: int) -> tuple[int, int] | None:
    return next((c for c in clauses_from(document, offset, 1) if c[1] > offset), None)


def _is_sentence(document: Document, span: tuple[int, int]) -> bool:
    sentence = document.sentence_at(span[0])
    return (sentence.start, sentence.end) == span


def _inside_one_clause(document: Document, span: tuple[int, int]) -> bool:
    clause = _clause_holding(document, span[0])
    return clause is not None and clause != span and clause[0] <= span[0] and span[1] <= clause[1]


def next_clause(document: Document, cursor: Cursor) -> Cursor:
    """The next clause: from a whole sentence, or part of a clause (a search match), the
    clause the selection starts in; else the first clause after the selection. While
    extending, the moving end moves by a clause."""
    if cursor.extending:
        return extend_by_clause(document, cursor, 1)
    if not document.paragraphs:
        return cursor
    span = cursor.selection
    if _is_sentence(document, span) or _inside_one_clause(document, span):
        clause = _clause_holding(document, span[0])
    else:
        clause = next((c for c in clauses_from(document, span[1], 1) if c[0] >= span[1]), None)
    return select(*clause) if clause else cursor


def previous_clause(document: Document, cursor: Cursor) -> Cursor:
    """The previous clause: from a whole sentence, or part of a clause, the clause the
    selection ends in; else the last clause before the selection. While extending, the
    moving end moves back by a clause."""
    if cursor.extending:
        return extend_by_clause(document, cursor, -1)
    if not document.paragraphs:
        return cursor
    span = cursor.selection
    if _is_sentence(document, span) or _inside_one_clause(document, span):
        clause = next((c for c in clauses_from(document, span[1], -1) if c[0] < span[1]), None)
    else:
        clause = next((c for c in clauses_from(document, span[0], -1) if c[1] <= span[0]), None)
    return select(*clause) if clause else cursor


def dragged(document: Document, anchor: int, offset: int) -> Cursor:
    """The selection a mouse drag makes from the character at `anchor` to the one at
    `offset` (either way round): both characters and all between, widened to whole
    grapheme clusters, without white space at its ends. Not extending."""
    text = document.text
    low, high = sorted((anchor, offset))
    start, end = snap_to_graphemes(text, low, min(high + 1, len(text)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return select(start, end) if end > start else select(start, start)


def head_span(cursor: Cursor) -> tuple[int, int]:
    """The span to keep in view while extending: the character at the moving end."""
    head = cursor.head
    return (head - 1 if head == cursor.end else head, head)


# Every move the reader binds to a key, by name (the registry's actions name them).
MOVES: dict[str, Callable[[Document, Cursor], Cursor]] = {
    "next_sentence": next_sentence,
    "previous_sentence": previous_sentence,
    "next_paragraph": next_paragraph,
    "previous_paragraph": previous_paragraph,
    "start": lambda document, _: first_sentence(document),
    "end": lambda document, _: last_sentence(document),
    "select_paragraph": select_paragraph,
    "word_forward": lambda document, cursor: extend_by_word(document, cursor, 1),
    "word_back": lambda document, cursor: extend_by_word(document, cursor, -1),
    "phrase_forward": lambda document, cursor: extend_by_phrase(document, cursor, 1),
    "phrase_back": lambda document, cursor: extend_by_phrase(document, cursor, -1),
    "next_clause": next_clause,
    "previous_clause": previous_clause,
    "switch_end": lambda _, cursor: switch_end(cursor),
}

"""Moving the reader's cursor: a frozen value and pure functions over a `Document`.

The cursor is a selection `[start, end)` and, while the selection is being extended, the
span extending started from (`anchor`) and its moving end (`head`). Every movement the
reader has is a function `(document, cursor) -> cursor`: sentences and paragraphs come
from `Document`, words and grapheme clusters from `text_units`, so a selection never
starts or ends inside a cluster. The reader screen only turns keys into these calls and
draws the result (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from annotations.document import Document, Span
from annotations.text_units import next_word_end, previous_word_start


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


def _sentence_ending_after(document: Document, offset: int) -> Span | None:
    sentence = document.sentence_at(offset)
    if sentence.end > offset:
        return sentence
    return sentence_after(document, offset)


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


def _extended_to(cursor: Cursor, head: int) -> Cursor:
    assert cursor.anchor is not None
    anchor_start, anchor_end = cursor.anchor
    return replace(cursor, selection=(min(anchor_start, head), max(anchor_end, head)), head=head)


def extend_by_sentence(document: Document, cursor: Cursor, direction: int) -> Cursor:
    """Move the extending selection's head by one sentence (`direction` 1 or -1)."""
    # The head is a sentence end while the selection grows forward from the anchor
    # and a sentence start while it grows backward, so the selection never takes in
    # the white space between sentences.
    cursor = extend(cursor)
    assert cursor.anchor is not None
    anchor_start, anchor_end = cursor.anchor
    head = cursor.head
    if not document.paragraphs:
        return cursor
    if direction > 0:
        if head < anchor_start:
            following = sentence_after(document, head + 1)
            head = min(following.start, anchor_start) if following else anchor_start
        else:
            following = _sentence_ending_after(document, head)
            head = following.end if following else head
    elif head > anchor_end:
        current = document.sentence_at(head - 1)
        previous = sentence_before(document, current.start)
        head = max(previous.end, anchor_end) if previous else anchor_end
    else:
        previous = sentence_before(document, min(head, anchor_start))
        head = previous.start if previous else head
    return _extended_to(cursor, head)


def extend_by_word(document: Document, cursor: Cursor, direction: int) -> Cursor:
    """Move the extending selection's head by one word (`direction` 1 or -1); starts
    extending if not yet."""
    # Words as annotations.text_units defines them: a CJK ideograph or an emoji is a
    # word of its own, and a boundary never falls inside a grapheme cluster.
    cursor = extend(cursor)
    assert cursor.anchor is not None
    anchor_start, anchor_end = cursor.anchor
    text, head = document.text, cursor.head
    if direction > 0:
        if head < anchor_start:  # shrinking from the left: to the next word's start
            following_end = next_word_end(text, next_word_end(text, head))
            following = previous_word_start(text, following_end)
            head = min(following, anchor_start) if following > head else anchor_start
        else:  # growing to the right, from the anchor's end
            head = next_word_end(text, max(head, anchor_end))
    elif head > anchor_end:  # shrinking from the right: to the previous word's end
        word_start = previous_word_start(text, head)
        previous_end = next_word_end(text, previous_word_start(text, word_start))
        head = max(previous_end, anchor_end) if previous_end < head else anchor_end
    else:  # growing to the left, from the anchor's start as by sentence
        head = previous_word_start(text, min(head, anchor_start))
    return _extended_to(cursor, head)


def head_span(cursor: Cursor) -> tuple[int, int]:
    """The span to keep in view while extending: the character at the moving end."""
    head = cursor.head
    return (head - 1 if head == cursor.end else head, head)

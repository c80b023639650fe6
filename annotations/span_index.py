"""One index of spans in document order: which hold an offset, which lie in a range, the
next and previous one, which paragraphs they cover.

The reader asks it about the store's annotations, the reading pane about the highlights
it tints, the library about each document's coverage: the bisect over starts and the
longest span that bounds it are written once, here. The index keeps the sequence it is
given (the store's cached list, say) and copies nothing but the starts.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from annotations.document import Document
from annotations.model import Annotation


class HasSpan(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


SpanT = TypeVar("SpanT", bound=HasSpan)


class SpanIndex(Generic[SpanT]):
    """`SpanIndex(spans)` over spans sorted by start (as the store returns annotations)."""

    __slots__ = ("_longest", "_starts", "spans")

    def __init__(self, spans: Sequence[SpanT]) -> None:
        self.spans = spans
        self._starts = [span.start for span in spans]
        self._longest = max((span.end - span.start for span in spans), default=0)

    def __len__(self) -> int:
        return len(self.spans)

    def holding(self, offset: int) -> list[SpanT]:
        """The spans holding `offset` (`start <= offset < end`), found among those
        starting at most the longest span's length before it."""
        first = bisect.bisect_left(self._starts, offset - self._longest)
        last = bisect.bisect_right(self._starts, offset)
        return [span for span in self.spans[first:last] if span.end > offset]

    def overlapping(self, start: int, end: int) -> list[SpanT]:
        """The spans that share at least one character with `[start, end)`, in order."""
        first = bisect.bisect_left(self._starts, start - self._longest)
        last = bisect.bisect_left(self._starts, end)
        return [span for span in self.spans[first:last] if span.end > start]

    def next_after(self, offset: int) -> SpanT | None:
        """The first span starting after `offset`."""
        index = bisect.bisect_right(self._starts, offset)
        return self.spans[index] if index < len(self.spans) else None

    def previous_before(self, offset: int) -> SpanT | None:
        """The last span starting before `offset`."""
        index = bisect.bisect_left(self._starts, offset) - 1
        return self.spans[index] if index >= 0 else None

    def covered_paragraphs(self, document: Document) -> set[int]:
        """The indexes of the document's paragraphs that some span touches."""
        covered: set[int] = set()
        for span in self.spans:
            first = document.paragraph_index(span.start)
            last = document.paragraph_index(max(span.start, span.end - 1))
            covered.update(range(first, last + 1))
        return covered


def annotation_at(
    index: SpanIndex[Annotation], selection: tuple[int, int], analyst: str | None = None
) -> Annotation | None:
    """The annotation with exactly the selected span, else the shortest one holding the
    selection's start; only `analyst`'s when one is named."""
    start, end = selection
    candidates = [a for a in index.holding(start) if analyst is None or a.analyst == analyst]
    exact = next((a for a in candidates if (a.start, a.end) == (start, end)), None)
    if exact is not None:
        return exact
    return min(candidates, key=lambda a: a.end - a.start, default=None)


def exact_annotation(
    index: SpanIndex[Annotation], selection: tuple[int, int], analyst: str
) -> Annotation | None:
    """`analyst`'s annotation of exactly the selected span, if there is one."""
    start, end = selection
    return next(
        (
            a
            for a in index.holding(start)
            if (a.start, a.end) == (start, end) and a.analyst == analyst
        ),
        None,
    )


def annotations_meant(
    index: SpanIndex[Annotation], selection: tuple[int, int], analyst: str
) -> list[Annotation]:
    """The analyst's annotations a key acting on "the annotation here" may mean: the one
    with exactly the selected span, alone, when there is one; else every one of theirs
    sharing a character with the selection, in document order (more than one: ask which)."""
    exact = exact_annotation(index, selection, analyst)
    if exact is not None:
        return [exact]
    start, end = selection
    if end <= start:
        return [a for a in index.holding(start) if a.analyst == analyst]
    return [a for a in index.overlapping(start, end) if a.analyst == analyst]

"""Code co-occurrence: which codes are applied to the same passages.

Overlap, the definition every count here uses:

- Two annotations *overlap* when they are of the same document and their spans share at
  least one code point (identical spans included). Every analyst's annotations count;
  narrow the annotations first (`Scope.annotations(analyst=...)`) for one analyst's.
- Cell (X, Y), for two different codes, counts the *pairs* of annotations that overlap
  where one carries X and the other Y — and an annotation carrying both X and Y is a pair
  with itself (it shares its span with itself). Each pair counts once per cell, however
  many codes its annotations share, so the matrix is symmetric: cell (X, Y) = cell (Y, X).
- Cell (X, X), the diagonal, counts the annotations carrying X: the code's frequency, as
  `analysis.code_counts` gives it.

So an annotation tagged Iran + society, overlapping one tagged convergence, puts 1 in
(Iran, society), 1 in (Iran, convergence) and 1 in (society, convergence). Each cell also
lists its pairs (`Overlap`, with the span they share) so that a screen can show the quotes.

    matrix = cooccurrence(annotations, group_codes(codebook, "actor"),
                          group_codes(codebook, "interest"))
    matrix.count("actor/iran", "interest/society"), matrix.overlaps(...)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from annotations.codebook import Codebook
from annotations.journal import paused_gc
from annotations.model import Annotation


@dataclass(frozen=True, slots=True)
class Overlap:
    """One pair of overlapping annotations of one document (`first` is `second` when one
    annotation carries both codes); `start`–`end` is the span they share."""

    first: Annotation
    second: Annotation

    @property
    def document(self) -> str:
        return self.first.document

    @property
    def start(self) -> int:
        return max(self.first.start, self.second.start)

    @property
    def end(self) -> int:
        return min(self.first.end, self.second.end)

    @property
    def annotations(self) -> tuple[Annotation, ...]:
        """The one or two annotations of the pair, in document order."""
        if self.first is self.second:
            return (self.first,)
        return (self.first, self.second)


@dataclass(frozen=True)
class Cooccurrence:
    """A code x code matrix of overlaps (the module docstring defines the counts):
    `rows` and `columns` are code ids."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    # Pairs as plain tuples: an `Overlap` is made only for a cell drilled into.
    _pairs: dict[tuple[str, str], list[tuple[Annotation, Annotation]]] = field(repr=False)
    _frequencies: dict[str, list[Annotation]] = field(repr=False)

    def count(self, row: str, column: str) -> int:
        """The cell: overlapping pairs carrying the two codes, or the code's frequency
        on the diagonal."""
        if row == column:
            return len(self._frequencies.get(row, ()))
        return len(self._pairs.get(_key(row, column), ()))

    def overlaps(self, row: str, column: str) -> tuple[Overlap, ...]:
        """The cell's pairs, by document and then position (drill down to the quotes); on
        the diagonal each annotation carrying the code, as a pair with itself."""
        if row == column:
            return tuple(Overlap(a, a) for a in self._frequencies.get(row, ()))
        return tuple(Overlap(*pair) for pair in self._pairs.get(_key(row, column), ()))

    @property
    def cells(self) -> dict[str, dict[str, int]]:
        """Every count, row by row."""
        return {
            row: {column: self.count(row, column) for column in self.columns} for row in self.rows
        }

    def to_json(self) -> dict[str, Any]:
        """`{"rows": [...], "columns": [...], "cells": {row: {column: n}}}`."""
        return {"rows": list(self.rows), "columns": list(self.columns), "cells": self.cells}


def group_codes(codebook: Codebook, group: str) -> tuple[str, ...]:
    """The ids of one group's codes, in codebook order (empty for an unknown group)."""
    return tuple(code.id for code in codebook.codes_in(group))


def all_codes(codebook: Codebook, annotations: Iterable[Annotation] = ()) -> tuple[str, ...]:
    """Every code of the codebook, in its order, then the tags of `annotations` that the
    codebook does not know (imported ones), sorted."""
    known = [code.id for code in codebook.codes]
    seen = {tag for annotation in annotations for tag in annotation.tags}
    return (*known, *sorted(seen - set(known)))


def cooccurrence(
    annotations: Iterable[Annotation],
    rows: Sequence[str],
    columns: Sequence[str] | None = None,
) -> Cooccurrence:
    """The co-occurrence of `rows` codes with `columns` codes (the same codes when
    `columns` is None) over `annotations`, which may span many documents."""
    rows = tuple(dict.fromkeys(rows))
    columns = rows if columns is None else tuple(dict.fromkeys(columns))
    wanted = set(rows) | set(columns)
    row_set, column_set = set(rows), set(columns)
    pairs: dict[tuple[str, str], list[tuple[Annotation, Annotation]]] = {}
    frequencies: dict[str, list[Annotation]] = {}
    by_document: dict[str, list[Annotation]] = {}
    # Hundreds of thousands of pairs are made and none is garbage: a collection meanwhile
    # would walk them all again and again (half the time at 100,000 annotations).
    with paused_gc():
        _count(annotations, wanted, row_set, column_set, pairs, frequencies, by_document)
    return Cooccurrence(rows, columns, pairs, frequencies)


def _count(
    annotations: Iterable[Annotation],
    wanted: set[str],
    row_set: set[str],
    column_set: set[str],
    pairs: dict[tuple[str, str], list[tuple[Annotation, Annotation]]],
    frequencies: dict[str, list[Annotation]],
    by_document: dict[str, list[Annotation]],
) -> None:
    for annotation in annotations:
        if annotation.end > annotation.start and not wanted.isdisjoint(annotation.tags):
            by_document.setdefault(annotation.document, []).append(annotation)
    for group in by_document.values():
        group.sort(key=attrgetter("start", "end", "created", "id"))
        for index, first in enumerate(group):
            first_tags = wanted.intersection(first.tags)
            for tag in first_tags:
                frequencies.setdefault(tag, []).append(first)
            _count_pair(first, first, first_tags, first_tags, row_set, column_set, pairs)
            # In start order, the annotations overlapping `first` from the right are
            # exactly those starting before it ends.
            for second in group[index + 1 :]:
                if second.start >= first.end:
                    break
                second_tags = wanted.intersection(second.tags)
                _count_pair(first, second, first_tags, second_tags, row_set, column_set, pairs)


def _key(one: str, other: str) -> tuple[str, str]:
    """A cell's key, the same either way round: the matrix is symmetric."""
    return (one, other) if one <= other else (other, one)


def _count_pair(
    first: Annotation,
    second: Annotation,
    first_tags: set[str],
    second_tags: set[str],
    rows: set[str],
    columns: set[str],
    pairs: dict[tuple[str, str], list[tuple[Annotation, Annotation]]],
) -> None:
    """Add the pair once to every off-diagonal cell its two sides fill."""
    keys = {
        _key(one, other)
        for one in first_tags
        for other in second_tags
        if one != other
        and ((one in rows and other in columns) or (one in columns and other in rows))
    }
    if not keys:
        return
    pair = (first, second)
    for key in keys:
        pairs.setdefault(key, []).append(pair)

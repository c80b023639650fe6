"""Annotations carried as their records until something needs them as `Annotation`s.

An export of a whole store reads every annotation; the json export writes their records,
which the store holds already in exactly that form (`Annotation.to_record()`). Making an
`Annotation` of each record only to turn it back into the same record cost more than half
of `gloss export -f json` at 100,000 annotations. `AnnotationRecords` is a sequence of
annotations that keeps the records and makes the annotations only when one is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter, itemgetter
from typing import Any, overload

from annotations.model import Annotation

# The order of `Store.annotations` (and of an export): of annotations, and read from records.
ANNOTATION_ORDER = attrgetter("start", "end", "created", "id")
RECORD_ORDER = itemgetter("start", "end", "created", "id")


class AnnotationRecords(Sequence[Annotation]):
    """The annotations of `records` — each exactly as `Annotation.to_record()` gives it —
    as an immutable sequence that makes the `Annotation`s on first use. `records` is the
    records themselves, in the sequence's order: read them, never change them."""

    __slots__ = ("_annotations", "_ordered_for", "records")

    def __init__(
        self, records: Iterable[dict[str, Any]], *, ordered_for: Sequence[str] | None = None
    ) -> None:
        """`ordered_for`: the ids of the documents whose `in_order` the records are in."""
        self.records: tuple[dict[str, Any], ...] = tuple(records)
        self._annotations: tuple[Annotation, ...] | None = None
        self._ordered_for = tuple(ordered_for) if ordered_for is not None else None

    def annotations(self) -> tuple[Annotation, ...]:
        """The annotations, made once."""
        if self._annotations is None:
            self._annotations = tuple(Annotation.from_record(record) for record in self.records)
        return self._annotations

    def in_order(self, document_ids: Sequence[str]) -> AnnotationRecords:
        """Those on the documents `document_ids`, grouped in their order, each group in
        document order (as `export.make_scope` orders annotations)."""
        if self._ordered_for == tuple(document_ids):
            return self
        groups: dict[str, list[dict[str, Any]]] = {key: [] for key in document_ids}
        for record in self.records:
            group = groups.get(record["document"])
            if group is not None:
                group.append(record)
        return AnnotationRecords(
            (record for group in groups.values() for record in sorted(group, key=RECORD_ORDER)),
            ordered_for=document_ids,
        )

    def __len__(self) -> int:
        return len(self.records)

    @overload
    def __getitem__(self, index: int) -> Annotation: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Annotation, ...]: ...

    def __getitem__(self, index: int | slice) -> Annotation | tuple[Annotation, ...]:
        return self.annotations()[index]

    def __iter__(self) -> Iterator[Annotation]:
        return iter(self.annotations())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AnnotationRecords):
            return self.records == other.records
        if isinstance(other, tuple):
            return self.annotations() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.annotations())

    def __add__(self, other: Sequence[Annotation]) -> tuple[Annotation, ...]:
        return self.annotations() + tuple(other)

    def __radd__(self, other: Sequence[Annotation]) -> tuple[Annotation, ...]:
        return tuple(other) + self.annotations()

    def __repr__(self) -> str:
        return f"AnnotationRecords({len(self.records)} records)"

"""Annotations carried as their records until something needs them as `Annotation`s.

An export of a whole store reads every annotation; the json export writes their records,
which the store holds already in exactly that form (`Annotation.to_record()`). Making an
`Annotation` of each record only to turn it back into the same record cost more than half
of `gloss export -f json` at 100,000 annotations. `AnnotationRecords` is a sequence of
annotations that keeps the records and makes the annotations only when one is asked for.

A store read from its snapshot keeps each record as its JSON text (`storage.load_lazily`),
written by msgspec. When every one of a document's texts is exactly what msgspec writes of
a canonical record (`canonical_texts`), the export copies the texts instead: reading them
into dicts, checking those and writing them again was 0.55 s of the 1.3 s the export of
100,000 took.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter, itemgetter
from typing import Annotated, Any, Literal, overload

import msgspec

from annotations.journal import decode_raw, paused_gc
from annotations.model import Annotation

# The order of `Store.annotations` (and of an export): of annotations, and read from records.
ANNOTATION_ORDER = attrgetter("start", "end", "created", "id")
RECORD_ORDER = itemgetter("start", "end", "created", "id")


class CanonicalRecord(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """An annotation record as Gloss exports and stores it (`is_canonical_record`):
    exactly these fields, in this order (`model.RECORD_FIELDS`), each of its type, with an
    id and an offset that is not negative. msgspec checks a text against it in C (it
    refuses a float or true for an offset, a lone surrogate), and writes it back in that
    order. `validation.read_export` reads an import's annotations so."""

    id: Annotated[str, msgspec.Meta(min_length=1)]
    document: str
    start: Annotated[int, msgspec.Meta(ge=0)]
    end: int
    quote: str
    prefix: str
    suffix: str
    tags: list[str]
    memo: str
    confidence: Literal["low", "moderate", "high", None]
    analyst: str
    created: str
    modified: str


_CANONICAL_RECORDS = msgspec.json.Decoder(list[CanonicalRecord])
_ENCODER = msgspec.json.Encoder()


def canonical_texts(texts: Iterable[msgspec.Raw]) -> list[msgspec.Raw] | None:
    """`texts` in RECORD_ORDER when each is the compact JSON msgspec writes of a canonical
    record — so that writing a text is writing the record — else None.

    The check is exact: the texts read as canonical records and, written again, are the
    same bytes. A record of an older Gloss (its fields in another order, one missing), a
    text `json` wrote (its escapes), an unknown confidence: None, and the records are read.
    """
    texts = list(texts)
    joined = b"[" + b",".join(texts) + b"]"
    with paused_gc():
        try:
            records = _CANONICAL_RECORDS.decode(joined)
        except msgspec.DecodeError:  # a ValidationError too
            return None
        try:
            if _ENCODER.encode(records) != joined:
                return None
        except UnicodeEncodeError:  # a lone surrogate, escaped by `json`
            return None
        # A Struct has the attributes of an `Annotation`: ordered as annotations are.
        keys = list(map(ANNOTATION_ORDER, records))
    return [texts[index] for index in sorted(range(len(texts)), key=keys.__getitem__)]


class AnnotationRecords(Sequence[Annotation]):
    """The annotations of `records` — each exactly as `Annotation.to_record()` gives it —
    as an immutable sequence that makes the `Annotation`s on first use. `records` is the
    records themselves, in the sequence's order: read them, never change them.

    A record may come as its JSON text, one `canonical_texts` vouches for: `items` holds
    it so (what the json export writes), and `records` reads it when first asked for."""

    __slots__ = ("_annotations", "_ordered_for", "_records", "items")

    def __init__(
        self,
        records: Iterable[dict[str, Any] | msgspec.Raw],
        *,
        ordered_for: Sequence[str] | None = None,
    ) -> None:
        """`ordered_for`: the ids of the documents whose `in_order` the records are in."""
        self.items: tuple[dict[str, Any] | msgspec.Raw, ...] = tuple(records)
        self._records: tuple[dict[str, Any], ...] | None = None
        self._annotations: tuple[Annotation, ...] | None = None
        self._ordered_for = tuple(ordered_for) if ordered_for is not None else None

    @property
    def records(self) -> tuple[dict[str, Any], ...]:
        """The records, those that came as texts read (once)."""
        if self._records is None:
            with paused_gc():
                self._records = tuple(
                    decode_raw(item) if type(item) is msgspec.Raw else item for item in self.items
                )
        return self._records

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
        return len(self.items)

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

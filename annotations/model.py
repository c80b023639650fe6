"""Annotations: a span of a document with tags, a memo and who made it.

An annotation is anchored twice, as the W3C Web Annotation model does: by position
(`start`, `end`, code points into the normalised text, end exclusive) and by quote
(`quote` with up to 32 characters of `prefix` and `suffix`), so that it can be found
again when the text changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from annotations.document import utc_now

CONTEXT_LENGTH = 32
CONFIDENCE_LEVELS = ("low", "moderate", "high")

# The fields of an annotation record, in the order the json export writes them.
RECORD_FIELDS = (
    "id",
    "document",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "tags",
    "memo",
    "confidence",
    "analyst",
    "created",
    "modified",
)


@dataclass(frozen=True, slots=True)
class TextQuote:
    """The exact text of a span with some context on each side."""

    quote: str
    prefix: str
    suffix: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> TextQuote:
        return cls(
            quote=text[start:end],
            prefix=text[max(0, start - CONTEXT_LENGTH) : start],
            suffix=text[end : end + CONTEXT_LENGTH],
        )


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotation; immutable — changes make a new one with `evolve`."""

    id: str
    document: str
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    tags: tuple[str, ...] = ()
    memo: str = ""
    confidence: str | None = None
    analyst: str = ""
    created: str = ""
    modified: str = ""

    @classmethod
    def create(
        cls,
        *,
        document: str,
        text: str,
        start: int,
        end: int,
        tags: tuple[str, ...] | list[str] = (),
        memo: str = "",
        confidence: str | None = None,
        analyst: str = "",
    ) -> Annotation:
        """A new annotation of `text[start:end]` with a fresh id and timestamps."""
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span {start}-{end} is not inside a text of {len(text)} characters")
        check_confidence(confidence)
        selector = TextQuote.of(text, start, end)
        now = utc_now()
        return cls(
            id=str(uuid.uuid4()),
            document=document,
            start=start,
            end=end,
            quote=selector.quote,
            prefix=selector.prefix,
            suffix=selector.suffix,
            tags=tuple(tags),
            memo=memo,
            confidence=confidence,
            analyst=analyst,
            created=now,
            modified=now,
        )

    def evolve(self, **changes: Any) -> Annotation:
        """A copy with `changes` applied and `modified` set to now."""
        if "confidence" in changes:
            check_confidence(changes["confidence"])
        if "tags" in changes:
            changes["tags"] = tuple(changes["tags"])
        changes.setdefault("modified", utc_now())
        return replace(self, **changes)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def to_record(self) -> dict[str, Any]:
        """The annotation as a plain JSON-ready dict (docs/architecture.md, Records)."""
        # Spelled out, in RECORD_FIELDS' order: an export of 100,000 makes one each.
        return {
            "id": self.id,
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "tags": list(self.tags),
            "memo": self.memo,
            "confidence": self.confidence,
            "analyst": self.analyst,
            "created": self.created,
            "modified": self.modified,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Annotation:
        """Rebuild an annotation from a record; raises `ValueError` on a malformed one."""
        if _is_well_formed(record):
            return _from_well_formed(record)
        try:
            start, end = int(record["start"]), int(record["end"])
            tags = record.get("tags") or []
            if isinstance(tags, str) or not all(isinstance(tag, str) for tag in tags):
                raise ValueError("tags must be a list of strings")
            confidence = record.get("confidence")
            check_confidence(confidence)
            return cls(
                id=str(record["id"]),
                document=str(record["document"]),
                start=start,
                end=end,
                quote=str(record.get("quote", "")),
                prefix=str(record.get("prefix", "")),
                suffix=str(record.get("suffix", "")),
                tags=tuple(tags),
                memo=str(record.get("memo") or ""),
                confidence=confidence,
                analyst=str(record.get("analyst") or ""),
                created=str(record.get("created") or ""),
                modified=str(record.get("modified") or record.get("created") or ""),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"annotation record is missing or has a bad field: {error}") from None


_FIELD_SET = frozenset(RECORD_FIELDS)
_CONFIDENCE_VALUES = (None, *CONFIDENCE_LEVELS)


def is_canonical_record(record: dict[str, Any]) -> bool:
    """Whether `record` is already what `Annotation.from_record(record).to_record()` gives:
    exactly the fields, in their order, each of its proper type. Such a record can be
    stored as it is (an import of 100,000 saves rebuilding each one)."""
    return tuple(record) == RECORD_FIELDS and _is_well_formed(record)


def are_canonical_records(records: Sequence[Any]) -> bool:
    """Whether `is_canonical_record` holds for every one of `records`: the same check,
    made a field at a time across all of them, in C (a json export of 100,000 checks
    each stored record; one at a time that was a sixth of it). A False may be too
    strict (a `str` subclass): check those one at a time."""
    return (
        set(map(type, records)) <= {dict}
        and all(map(RECORD_FIELDS.__eq__, map(tuple, records)))
        and set(map(tuple, map(map, repeat(type), map(dict.values, records)))) <= _CANONICAL_TYPES
        and set(map(_CONFIDENCE_OF, records)) <= _CONFIDENCE_SET
        and set(map(type, chain.from_iterable(map(_TAGS_OF, records)))) <= {str}
    )


# The types of a canonical record's values, in RECORD_FIELDS order (confidence a string or
# null).
_CANONICAL_TYPES = frozenset(
    (str, str, int, int, str, str, str, list, str, confidence, str, str, str)
    for confidence in (str, type(None))
)
_CONFIDENCE_SET = frozenset(_CONFIDENCE_VALUES)
_CONFIDENCE_OF, _TAGS_OF = itemgetter("confidence"), itemgetter("tags")


def _is_well_formed(record: dict[str, Any]) -> bool:
    """True for a record with exactly the fields, each of its proper type."""
    # Spelled out rather than looped: ten thousand records are checked on every open.
    return (
        record.keys() == _FIELD_SET
        and type(record["start"]) is int
        and type(record["end"]) is int
        and type(record["id"]) is str
        and type(record["document"]) is str
        and type(record["quote"]) is str
        and type(record["prefix"]) is str
        and type(record["suffix"]) is str
        and type(record["memo"]) is str
        and type(record["analyst"]) is str
        and type(record["created"]) is str
        and type(record["modified"]) is str
        and record["confidence"] in _CONFIDENCE_VALUES
        and type(record["tags"]) is list
        and all(type(tag) is str for tag in record["tags"])
    )


# The slots' own setters. A frozen dataclass's __init__ costs a keyword call and a guarded
# __setattr__ per field; setting the slots directly costs a third of that, and ten
# thousand annotations are made on every open.
_SET_ID, _SET_DOCUMENT, _SET_START, _SET_END = (
    Annotation.id.__set__,  # type: ignore[attr-defined]
    Annotation.document.__set__,  # type: ignore[attr-defined]
    Annotation.start.__set__,  # type: ignore[attr-defined]
    Annotation.end.__set__,  # type: ignore[attr-defined]
)
_SET_QUOTE, _SET_PREFIX, _SET_SUFFIX, _SET_TAGS, _SET_MEMO = (
    Annotation.quote.__set__,  # type: ignore[attr-defined]
    Annotation.prefix.__set__,  # type: ignore[attr-defined]
    Annotation.suffix.__set__,  # type: ignore[attr-defined]
    Annotation.tags.__set__,  # type: ignore[attr-defined]
    Annotation.memo.__set__,  # type: ignore[attr-defined]
)
_SET_CONFIDENCE, _SET_ANALYST, _SET_CREATED, _SET_MODIFIED = (
    Annotation.confidence.__set__,  # type: ignore[attr-defined]
    Annotation.analyst.__set__,  # type: ignore[attr-defined]
    Annotation.created.__set__,  # type: ignore[attr-defined]
    Annotation.modified.__set__,  # type: ignore[attr-defined]
)


def _from_well_formed(record: dict[str, Any]) -> Annotation:
    """The annotation of a record `_is_well_formed` passed: the store's own records."""
    annotation = object.__new__(Annotation)
    _SET_ID(annotation, record["id"])
    _SET_DOCUMENT(annotation, record["document"])
    _SET_START(annotation, record["start"])
    _SET_END(annotation, record["end"])
    _SET_QUOTE(annotation, record["quote"])
    _SET_PREFIX(annotation, record["prefix"])
    _SET_SUFFIX(annotation, record["suffix"])
    _SET_TAGS(annotation, tuple(record["tags"]))
    _SET_MEMO(annotation, record["memo"])
    _SET_CONFIDENCE(annotation, record["confidence"])
    _SET_ANALYST(annotation, record["analyst"])
    _SET_CREATED(annotation, record["created"])
    _SET_MODIFIED(annotation, record["modified"])
    return annotation


def check_confidence(confidence: str | None) -> None:
    """Raise `ValueError` unless `confidence` is None or one of low, moderate, high."""
    if confidence is not None and confidence not in CONFIDENCE_LEVELS:
        raise ValueError(f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}")

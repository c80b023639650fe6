"""Checking records that come from outside before any of them reaches the store.

An import file is untrusted: a record with a number for a title, a float for an offset or
a lone surrogate in a memo is accepted by Python's `json` and would then break every
command that reads the store. Everything here is pure (no store, no terminal): parse a
file strictly with `parse_json`, then check its records with `check_export` — or, for an
importer of another format that builds Gloss records itself, with
`check_document_record` and `check_annotation_record`. Each raises `RecordError` with one
line naming the record and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from operator import itemgetter
from typing import Any

import msgspec

from annotations.annotation_records import CanonicalRecord
from annotations.document import document_id, normalise_newlines
from annotations.errors import RecordError
from annotations.journal import paused_gc
from annotations.model import CONFIDENCE_LEVELS, RECORD_FIELDS

# How deep a free-form value (a document's metadata) may nest. The records themselves are
# flat; nothing Gloss writes nests deeper than three.
MAX_DEPTH = 32
# Integers a 64-bit reader (another tool, a database) can hold, signed or not.
_SMALLEST_INTEGER = -(2**63)
_LARGEST_INTEGER = 2**64 - 1
# A 64-bit integer has at most 20 digits; longer strings are refused before `int()` sees
# them (Python refuses 4,300 digits with a ValueError, and is slow well before that).
_MAX_INTEGER_DIGITS = 20
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json(data: bytes) -> Any:
    """The JSON value of `data` (UTF-8, a BOM allowed), read strictly.

    Refuses with `RecordError` what Python's `json` would accept or choke on: `NaN` and
    `Infinity`, numbers too large for 64 bits (`1e400`, a 5,000-digit integer), nesting
    deeper than the parser can follow, text that is not UTF-8.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordError(f"not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=_bounded_integer,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as error:
        raise RecordError(f"not valid JSON ({error})") from None
    except RecursionError:
        raise RecordError("not valid JSON (nested too deeply)") from None


def parse_export(data: bytes) -> Any:
    """A json export read and checked: `parse_json(data)` that `check_export` has passed,
    or the `RecordError` either raises (see `read_export`)."""
    return read_export(data)[0]


def read_export(data: bytes) -> tuple[Any, bool]:
    """`parse_export(data)`, and whether every annotation record in it is canonical
    (`model.is_canonical_record`: the store keeps it as it is), as the fast read found.

    A file as Gloss writes it is read by msgspec's parser, in C, with none of
    `parse_json`'s hooks called per number (at 100,000 annotations, a third of a second
    saved). Its value is kept only when it is certainly the one `parse_json` would give
    and `check_export` would pass: every annotation exactly as Gloss exports it (its
    offsets inside its document), every other value a string without lone surrogates, a
    64-bit integer, a finite float, true, false or null (msgspec already refuses NaN,
    Infinity and numbers out of a float's range). Anything else is read again the strict
    way, whose errors name the record and field.

    The annotations of such a file come back as `Annotation.to_record()` gives them
    (`_read_typed`): equal to `parse_json`'s, their fields in the canonical order.
    """
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    typed = _read_typed(body)
    if typed is not None:
        return typed, True
    try:
        with paused_gc():
            value = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        value = None
    if value is not None and _is_plain_export(value):
        return value, True  # every annotation as Gloss exports it: canonical
    value = parse_json(data)
    check_export(value)
    return value, False


class _Export(msgspec.Struct, forbid_unknown_fields=True):
    """A json export with the keys Gloss writes; the values but the annotations read as
    the untyped parser reads them (checked after, as `_is_plain_export` checks them)."""

    gloss: int
    documents: Any = msgspec.UNSET
    annotations: list[CanonicalRecord] | msgspec.UnsetType = msgspec.UNSET
    codebook: Any = msgspec.UNSET
    attributes: Any = msgspec.UNSET
    memos: Any = msgspec.UNSET


def _read_typed(body: bytes) -> dict[str, Any] | None:
    """The value of an export file as Gloss writes it, its annotations checked by msgspec
    as it parses them (in C: the per-record check in Python cost a sixth of an import of
    100,000), each made the record `Annotation.to_record()` gives; None for any other
    file (the caller reads it the other ways)."""
    try:
        # What is made here lives on (in the store): frozen, no collection walks it again.
        with paused_gc(keep=True):
            export = msgspec.json.decode(body, type=_Export)
            # Dicts with the fields in the Struct's order: RECORD_FIELDS'.
            value: dict[str, Any] = msgspec.to_builtins(export)
    except (msgspec.DecodeError, RecursionError):
        return None
    lengths = _plain_head(value)
    if lengths is None:
        return None
    annotations = export.annotations or ()
    # 0 <= start (msgspec checked that) < end <= the length of its document.
    if all(a.start < a.end <= lengths.get(a.document, -1) for a in annotations):
        return value
    return None


def _plain_head(data: Any) -> dict[str, int] | None:
    """For an export from a parser that is not `parse_json`: its documents' text lengths
    by id when everything but its annotations is what `parse_json` reads and
    `check_export` passes; else None."""
    if type(data) is not dict or type(data.get("gloss")) is not int or data["gloss"] != 1:
        return None
    documents, annotations = data.get("documents", []), data.get("annotations", [])
    if type(documents) is not list or type(annotations) is not list:
        return None
    try:
        for key, value in data.items():
            if key not in ("documents", "annotations"):
                _check_value("export", key, value, depth=1)
        lengths = {}
        for record in documents:
            check_document_record(record)  # its text checked there, the rest here
            _check_value("document", "record", {**record, "text": ""}, depth=1)
            text = normalise_newlines(record["text"])
            lengths[record.get("id") or document_id(text)] = len(text)
    except RecordError:
        return None
    return lengths


def _is_plain_export(data: Any) -> bool:
    """Whether `data`, from a parser that is not `parse_json`, is an export `check_export`
    passes with nothing `parse_json` would read otherwise (see `parse_export`)."""
    lengths = _plain_head(data)
    if lengths is None:
        return False
    # msgspec refuses a lone surrogate (escaped or not): no string here holds one.
    annotations = data.get("annotations", [])
    return all(_is_plainly_good(record, lengths, surrogates=False) for record in annotations)


def _refuse_constant(name: str) -> Any:
    raise RecordError(f"not valid JSON ({name} is not a number JSON allows)")


def _bounded_integer(digits: str) -> int:
    if len(digits.lstrip("-")) > _MAX_INTEGER_DIGITS:
        raise RecordError(f"a number of {len(digits)} digits is past 64 bits")
    value = int(digits)
    if not _SMALLEST_INTEGER <= value <= _LARGEST_INTEGER:
        raise RecordError(f"the number {value} is past 64 bits")
    return value


def _finite_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise RecordError(f"the number {literal[:40]} is too large")
    return value


def check_export(data: Any, text_lengths: Mapping[str, int] | None = None) -> None:
    """Check a whole json export (`{"gloss": 1, "documents": [...], "annotations": [...]}`).

    `text_lengths` gives the text length of documents the file may refer to without
    holding them (those already in the store). An annotation of a document found in
    neither is left for the caller to refuse; its offsets are checked only for being
    whole numbers with `start < end`.
    """
    if not isinstance(data, Mapping) or type(data.get("gloss")) is not int or data["gloss"] != 1:
        raise RecordError('not a Gloss json export (expected {"gloss": 1, ...})')
    documents = data.get("documents", [])
    annotations = data.get("annotations", [])
    if type(documents) is not list or type(annotations) is not list:
        raise RecordError('bad import: "documents" and "annotations" must be lists')
    lengths = dict(text_lengths or {})
    for index, record in enumerate(documents):
        check_document_record(record, where=f"bad record documents[{index}]")
        # Offsets count the text with its line ends made LF, as the store keeps it.
        text = normalise_newlines(record["text"])
        lengths[record.get("id") or document_id(text)] = len(text)
    for index, record in enumerate(annotations):
        if _is_plainly_good(record, lengths):
            continue
        document = record.get("document") if isinstance(record, Mapping) else None
        check_annotation_record(
            record,
            where=f"bad record annotations[{index}]",
            text_length=lengths.get(document) if isinstance(document, str) else None,
        )


def check_against_stored(data: Mapping[str, Any], text_lengths: Mapping[str, int]) -> None:
    """The one check of an export that needs the store, for `data` that `check_export(data)`
    has passed already: an annotation of a document the file does not hold, but the store
    does, ends inside that document's stored text.

    The command line checks a file before it opens (or creates) the store; this keeps the
    store from walking every record a second time (at 100,000 annotations a walk is a
    quarter of a second).
    """
    in_file = {
        record.get("id") or document_id(normalise_newlines(record["text"]))
        for record in data.get("documents", [])
    }
    annotations = data.get("annotations", [])
    if not set(map(itemgetter("document"), annotations)).intersection(
        text_lengths.keys() - in_file
    ):
        return  # none is of a document only the store holds (found in C)
    for index, record in enumerate(annotations):
        document = record["document"]
        if document in in_file or document not in text_lengths:
            continue
        # Its fields and `start < end` were checked with the file; only the length was not.
        end, length = record["end"], text_lengths[document]
        if end > length:
            where = _named(f"bad record annotations[{index}]", record)
            raise RecordError(
                f'{where}: "end" ({end}) is past the end of its document ({length} characters)'
            )


_CONFIDENCE_VALUES = (None, *CONFIDENCE_LEVELS)
# The types of an annotation record's values as Gloss exports them, in RECORD_FIELDS order
# (confidence a string or null).
_EXPORTED_TYPES = {
    (str, str, int, int, str, str, str, list, str, confidence, str, str, str)
    for confidence in (str, type(None))
}


def _is_plainly_good(record: Any, lengths: Mapping[str, int], *, surrogates: bool = True) -> bool:
    """True for an annotation exactly as Gloss exports it, every field good — the common
    case, checked mostly in C; anything else gets the field-by-field check that says
    what is wrong. `surrogates=False`: the parser has refused lone surrogates already."""
    # An import of 100,000 annotations checks each record (a quarter of a second a walk
    # even so): this keeps the check a small part of the import.
    if type(record) is not dict or tuple(record) != RECORD_FIELDS:
        return False
    values = tuple(record.values())
    if tuple(map(type, values)) not in _EXPORTED_TYPES:
        return False
    (identifier, document, start, end, quote, prefix, suffix, tags) = values[:8]
    (memo, confidence, analyst, created, modified) = values[8:]
    if not (
        identifier != ""
        and confidence in _CONFIDENCE_VALUES
        and 0 <= start < end <= lengths.get(document, -1)
        and all(type(tag) is str for tag in tags)
    ):
        return False
    return (
        not surrogates
        or _SURROGATE.search(
            "".join((identifier, document, quote, prefix, suffix, memo, analyst, created, modified))
            + "".join(tags)
        )
        is None
    )


_DOCUMENT_TEXT_FIELDS = ("id", "title", "path", "added")


def check_document_record(record: Any, *, where: str = "document") -> None:
    """Check one document record: `text` a non-empty string; `id`, `title`, `path`,
    `added` strings or null; `length` a whole number; `metadata` an object or null."""
    if not isinstance(record, Mapping):
        raise RecordError(f"{where}: a document must be an object, not {_kind(record)}")
    where = _named(where, record)
    text = record.get("text")
    if type(text) is not str:
        raise _field_error(where, "text", "must be a string", text)
    if not text:
        raise RecordError(f'{where}: "text" is empty')
    _check_string(where, "text", text)
    for field in _DOCUMENT_TEXT_FIELDS:
        value = record.get(field)
        if value is not None:
            if type(value) is not str:
                raise _field_error(where, field, "must be a string or null", value)
            _check_string(where, field, value)
    length = record.get("length")
    if length is not None and (type(length) is not int or length < 0):
        raise _field_error(where, "length", "must be a whole number", length)
    metadata = record.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, Mapping):
            raise _field_error(where, "metadata", "must be an object or null", metadata)
        _check_value(where, "metadata", metadata, depth=1)


_ANNOTATION_STRING_FIELDS = ("quote", "prefix", "suffix")
_ANNOTATION_OPTIONAL_STRING_FIELDS = ("memo", "analyst", "created", "modified")


def check_annotation_record(
    record: Any, *, where: str = "annotation", text_length: int | None = None
) -> None:
    """Check one annotation record: `id` and `document` non-empty strings; `start` and
    `end` whole numbers (not floats, not true/false) with `0 <= start < end`, and
    `end <= text_length` when the document's length is known; `quote`, `prefix`,
    `suffix` strings; `tags` a list of strings; `memo`, `analyst`, `created`, `modified`
    strings or null; `confidence` null or low, moderate, high. No string may hold a lone
    surrogate."""
    if not isinstance(record, Mapping):
        raise RecordError(f"{where}: an annotation must be an object, not {_kind(record)}")
    where = _named(where, record)
    for field in ("id", "document"):
        value = record.get(field)
        if type(value) is not str or not value:
            raise _field_error(where, field, "must be a non-empty string", value)
        _check_string(where, field, value)
    for field in ("start", "end"):
        value = record.get(field)
        if type(value) is not int:
            raise _field_error(where, field, "must be a whole number (an offset)", value)
    start, end = record["start"], record["end"]
    if start < 0:
        raise RecordError(f'{where}: "start" is {start}; an offset cannot be negative')
    if start >= end:
        raise RecordError(f'{where}: "start" ({start}) must be before "end" ({end})')
    if text_length is not None and end > text_length:
        raise RecordError(
            f'{where}: "end" ({end}) is past the end of its document ({text_length} characters)'
        )
    for field in _ANNOTATION_STRING_FIELDS:
        value = record.get(field, "")
        if type(value) is not str:
            raise _field_error(where, field, "must be a string", value)
        _check_string(where, field, value)
    for field in _ANNOTATION_OPTIONAL_STRING_FIELDS:
        value = record.get(field)
        if value is not None:
            if type(value) is not str:
                raise _field_error(where, field, "must be a string or null", value)
            _check_string(where, field, value)
    tags = record.get("tags")
    if tags is not None:
        if type(tags) is not list:
            raise _field_error(where, "tags", "must be a list of strings", tags)
        for tag in tags:
            if type(tag) is not str:
                raise _field_error(where, "tags", "must be a list of strings", tag)
            _check_string(where, "tags", tag)
    confidence = record.get("confidence")
    if confidence is not None and confidence not in CONFIDENCE_LEVELS:
        raise _field_error(
            where,
            "confidence",
            f"must be null or one of {', '.join(CONFIDENCE_LEVELS)}",
            confidence,
        )


def _check_string(where: str, field: str, value: str) -> None:
    surrogate = _SURROGATE.search(value)
    if surrogate is not None:
        raise RecordError(
            f'{where}: "{field}" holds a lone surrogate (U+{ord(surrogate.group()):04X}) '
            f"at character {surrogate.start()}, which is not text"
        )


def _check_value(where: str, field: str, value: Any, depth: int) -> None:
    """A free-form JSON value: strings without surrogates, 64-bit integers, finite floats."""
    if depth > MAX_DEPTH:
        raise RecordError(f'{where}: "{field}" is nested more than {MAX_DEPTH} deep')
    if isinstance(value, str):
        _check_string(where, field, value)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        if not _SMALLEST_INTEGER <= value <= _LARGEST_INTEGER:
            raise RecordError(f'{where}: "{field}" holds a number past 64 bits')
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise RecordError(f'{where}: "{field}" holds a number that is not finite')
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise RecordError(f'{where}: "{field}" has a key that is not a string')
            _check_string(where, field, key)
            _check_value(where, field, item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_value(where, field, item, depth + 1)
    else:
        raise RecordError(f'{where}: "{field}" holds {_kind(value)}, which JSON cannot')


def _named(where: str, record: Mapping[str, Any]) -> str:
    """`where` with the record's id beside it, when it has a printable one."""
    record_id = record.get("id")
    if type(record_id) is str and record_id and not _SURROGATE.search(record_id):
        shown = record_id if len(record_id) <= 40 else record_id[:39] + "…"
        return f"{where} (id {shown})"
    return where


def _field_error(where: str, field: str, requirement: str, value: Any) -> RecordError:
    return RecordError(f'{where}: "{field}" {requirement}, not {_kind(value)}')


def _kind(value: Any) -> str:
    """What a JSON value is, in words, with short scalars shown (never a whole text)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        shown = repr(value)
        return f"the number {shown if len(shown) <= 24 else shown[:23] + '…'}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__

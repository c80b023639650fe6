"""Gloss JSON: the store's own records, lossless; `gloss import` reads it back.

The records are those of docs/architecture.md, Records.

`{"gloss": 1, "documents": [...], "annotations": [...], "codebook": {...}}` with every
field of every record and the codebook in force (`Codebook.to_data`: groups, codes with
their memos, aliases), and, when there are any, `"attributes": {document id: {name:
value}}` (those the analyst set) and `"memos": [{"about": document id | "project",
"text", "analyst", "modified"}]`.
An export of one document carries its orphans too — annotations a re-anchoring could not
place in its current text — each marked `"orphan": true`, with the older version they are
on (its record says `superseded_by`) among the documents; `gloss import` reads them back
onto that version, where the reader's `o` re-attaches them.

Characters that a terminal would act on (C1 controls, DEL, bidi overrides, line and
paragraph separators) are written as `\\uXXXX` escapes — the same string to any JSON
reader, but `cat export.json` cannot move the cursor or reorder a line.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

import msgspec

from annotations.annotation_records import AnnotationRecords
from annotations.export import ExportScope
from annotations.journal import decode_raw
from annotations.memos import exported as exported_memos

_ENCODER = msgspec.json.Encoder()
_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]"
)


def records(scope: ExportScope) -> dict[str, Any]:
    """The export as plain data: what `Store.import_records` takes — with the documents'
    attributes and the memos (the project's, the documents') when there are any."""
    data = _head(scope)
    data["annotations"] = list(_annotation_records(scope))
    return {key: data[key] for key in _ORDER if key in data}


# The export's keys, in the order it writes them.
_ORDER = ("gloss", "documents", "annotations", "codebook", "attributes", "memos")
# Annotation records indented at a time: a large export is never whole in memory.
BATCH = 2000


def _head(scope: ExportScope) -> dict[str, Any]:
    """Everything of the export but its annotations."""
    data: dict[str, Any] = {
        "gloss": 1,
        "documents": [d.to_record() for d in (*scope.documents, *scope.superseded)],
    }
    # The codebook the annotations were coded with: a project travels with it.
    data["codebook"] = scope.codebook.to_data()
    if scope.attributes:
        data["attributes"] = scope.attributes
    if scope.memos:
        data["memos"] = exported_memos(scope.memos)
    return data


def _annotation_records(scope: ExportScope, *, as_texts: bool = False) -> Iterator[Any]:
    """The records of the scope's annotations, then its orphans'. `as_texts`: a record the
    store holds as its canonical text (`AnnotationRecords.items`) comes as that text,
    which msgspec writes as it is."""
    if isinstance(scope.annotations, AnnotationRecords):
        # `to_record()`'s records already
        yield from scope.annotations.items if as_texts else scope.annotations.records
    else:
        for annotation in scope.annotations:
            yield annotation.to_record()
    for annotation in scope.orphans:
        yield {**annotation.to_record(), "orphan": True}


def render(scope: ExportScope) -> bytes:
    """The records of `scope` as indented UTF-8 JSON."""
    return b"".join(chunks(scope))


def chunks(scope: ExportScope) -> Iterator[bytes]:
    """`render(scope)` in pieces, each made as the one before has been written: what
    `json.dumps(records(scope), ensure_ascii=False, indent=2)` writes, escaped
    (`escape_unsafe`), as UTF-8, and a newline — byte for byte, never whole in memory.

    Each value of the top-level object is indented on its own: the documents one at a
    time, the annotations `BATCH` at a time. An annotation record holds no float
    (strings, whole numbers, a list of strings, null; an orphan's true), so msgspec
    writes it, in C, the bytes `json` writes (`journal.compact_json`).
    """
    head = _head(scope)
    separator = b"{\n"
    for key in _ORDER:
        if key == "annotations":
            yield separator + _key(key)
            annotations = _annotation_records(scope, as_texts=True)
            yield from _indented_list(annotations, BATCH, floatless=True)
        elif key == "documents":
            yield separator + _key(key)
            yield from _indented_list(iter(head[key]), 1)
        elif key in head:
            yield separator + _key(key) + _indented(head[key], depth=1)
        separator = b",\n"
    yield b"\n}\n"


def _key(key: str) -> bytes:
    return b"  " + json.dumps(key).encode("ascii") + b": "


def _indented_list(items: Iterator[Any], batch: int, *, floatless: bool = False) -> Iterator[bytes]:
    """A list as the value of a key of the top-level object, `batch` items at a time."""
    opening = b"[\n"
    for part in iter(lambda: list(itertools.islice(items, batch)), []):
        # The part indented as a list of its own, its brackets cut off: its items as
        # they stand in the whole list.
        items_text = _indented_items(part) if floatless else None
        if items_text is None:
            # `json` cannot write a record's text: the text read, where one came so.
            part = [decode_raw(item) if type(item) is msgspec.Raw else item for item in part]
            items_text = memoryview(_indented(part, depth=1, floatless=floatless))[2:-4]
        yield b"".join((opening, items_text))
        opening = b",\n"
    yield b"[]" if opening == b"[\n" else b"\n  ]"


def _indented_items(part: list[Any]) -> memoryview | None:
    """The items of `part`, plain JSON without floats, as `_indented_list` writes them:
    indented by msgspec inside a list inside a list (the depth they have in the export:
    no second pass to move the lines in), escaped; None when msgspec cannot write them
    (a lone surrogate; not plain JSON after all)."""
    nested = bytearray(b"[")
    try:
        _ENCODER.encode_into(part, nested, 1)
    except (UnicodeEncodeError, TypeError, OverflowError):
        return None
    nested += b"]"
    text = _escape_unsafe_utf8(msgspec.json.format(nested, indent=2))
    return memoryview(text)[6:-6]  # "[\n  [\n" and "\n  ]\n]" cut off


def _indented(value: Any, *, depth: int, floatless: bool = False) -> bytes:
    """`value` as `json.dumps(value, ensure_ascii=False, indent=2)` writes it `depth`
    levels inside an indented document (its lines after the first moved in), escaped
    (`escape_unsafe`), as UTF-8. `floatless`: `value` holds no float (see `chunks`)."""
    try:
        text = _escape_unsafe_utf8(msgspec.json.format(_compact(value, floatless), indent=2))
    except (UnicodeEncodeError, msgspec.DecodeError):
        # A lone surrogate (UTF-8 cannot hold it) or NaN (msgspec does not read it):
        # `json` indents it, and the escapes leave no surrogate to encode.
        text = escape_unsafe(json.dumps(value, ensure_ascii=False, indent=2)).encode("utf-8")
    return text.replace(b"\n", b"\n" + b"  " * depth) if depth else text


def _compact(value: Any, floatless: bool) -> bytes:
    """`json.dumps(value, ensure_ascii=False)` as UTF-8 (its spacing aside: it is indented
    next); `UnicodeEncodeError` for a lone surrogate."""
    if floatless:
        with contextlib.suppress(TypeError):  # not plain JSON after all
            return msgspec.json.encode(value)
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def indented_json(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, character for character.

    With `indent`, `json` writes with its Python encoder (100,000 annotations: 0.9 s);
    its C encoder writes the compact form, which msgspec re-indents exactly as `json`
    indents (numbers and strings copied as they are) in a tenth of that. A lone
    surrogate, which msgspec cannot take, goes the slow way.
    """
    compact = json.dumps(value, ensure_ascii=False)
    try:
        return msgspec.json.format(compact, indent=2)
    except (UnicodeEncodeError, msgspec.DecodeError):
        return json.dumps(value, ensure_ascii=False, indent=2)


def escape_unsafe(text: str) -> str:
    """JSON text with the characters a terminal acts on written as `\\uXXXX` escapes.

    Every such character is inside a string (JSON syntax is ASCII), so the escape changes
    nothing a parser sees.
    """
    if text.isascii() and "\x7f" not in text:
        return text  # the common case, found without the regular expression's scan
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# `_UNSAFE` in UTF-8, but for the surrogates, which UTF-8 cannot hold (`_indented` sends
# text with one the way of `escape_unsafe`).
_UNSAFE_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)


def _escape_unsafe_utf8(data: bytes) -> bytes:
    """`escape_unsafe` of JSON text in UTF-8 (without lone surrogates)."""
    if data.isascii() and b"\x7f" not in data:
        return data
    return _UNSAFE_UTF8.sub(lambda match: b"\\u%04x" % ord(match.group().decode("utf-8")), data)

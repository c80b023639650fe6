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

import json
import re
from typing import Any

import msgspec

from annotations.export import ExportScope
from annotations.memos import exported as exported_memos

_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]"
)


def records(scope: ExportScope) -> dict[str, Any]:
    """The export as plain data: what `Store.import_records` takes — with the documents'
    attributes and the memos (the project's, the documents') when there are any."""
    data: dict[str, Any] = {
        "gloss": 1,
        "documents": [d.to_record() for d in (*scope.documents, *scope.superseded)],
        "annotations": [a.to_record() for a in scope.annotations]
        + [{**a.to_record(), "orphan": True} for a in scope.orphans],
    }
    # The codebook the annotations were coded with: a project travels with it.
    data["codebook"] = scope.codebook.to_data()
    if scope.attributes:
        data["attributes"] = scope.attributes
    if scope.memos:
        data["memos"] = exported_memos(scope.memos)
    return data


def render(scope: ExportScope) -> bytes:
    """The records of `scope` as indented UTF-8 JSON."""
    return (escape_unsafe(indented_json(records(scope))) + "\n").encode("utf-8")


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

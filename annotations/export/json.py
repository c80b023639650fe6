"""Gloss JSON: the store's own records, lossless; `gloss import` reads it back (DESIGN §9).

`{"gloss": 1, "documents": [...], "annotations": [...]}` with every field of every record.
Characters that a terminal would act on (C1 controls, DEL, bidi overrides, line and
paragraph separators) are written as `\\uXXXX` escapes — the same string to any JSON
reader, but `cat export.json` cannot move the cursor or reorder a line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from annotations.export import ExportScope

_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]"
)


def records(scope: ExportScope) -> dict[str, Any]:
    """The export as plain data: what `Store.import_records` takes."""
    return {
        "gloss": 1,
        "documents": [document.to_record() for document in scope.documents],
        "annotations": [annotation.to_record() for annotation in scope.annotations],
    }


def render(scope: ExportScope) -> bytes:
    """The records of `scope` as indented UTF-8 JSON."""
    text = json.dumps(records(scope), ensure_ascii=False, indent=2)
    return (escape_unsafe(text) + "\n").encode("utf-8")


def escape_unsafe(text: str) -> str:
    """JSON text with the characters a terminal acts on written as `\\uXXXX` escapes.

    Every such character is inside a string (JSON syntax is ASCII), so the escape changes
    nothing a parser sees.
    """
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)

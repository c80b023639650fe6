"""What a json export carries beside documents and annotations — the documents' attributes
and the memos — and how `gloss import` merges them into a store (annotations/attributes.py
and memos.py say how each merges; this puts them together for `Store.import_records`).

    side = side_records_to_import(store, data)     # AttributesError / MemoError first
    store.import_records(data, side=side)           # then one write, all or nothing
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotations import attributes, memos
from annotations.document import document_id, normalise_newlines
from annotations.store import Store


def side_records_to_import(
    store: Store, data: Mapping[str, Any]
) -> dict[str, dict[str, dict[str, Any] | None]]:
    """The side-table records an import of `data` (a checked json export) writes: its
    `attributes` over the store's, its `memos` where newer. Empty when it has neither."""
    known = {d.id for d in store.documents()}
    for record in data.get("documents", []):
        if isinstance(record, Mapping):
            text = record.get("text")
            known.add(record.get("id") or document_id(normalise_newlines(str(text or ""))))
    side: dict[str, dict[str, dict[str, Any] | None]] = {}
    if "attributes" in data:
        merged = attributes.merged_import(store, data["attributes"], known)
        side[attributes.TABLE] = {key: values or None for key, values in merged.items()}
    if "memos" in data:
        side[memos.TABLE] = dict(memos.merged_import(store, data["memos"], known))
    return side

"""Gloss's domain: documents, codebooks, annotations and their store. No user interface here.

`from annotations import Store` works as ever, but the names below are loaded only when
first asked for: `import annotations.errors` (which every command does) need not load
TinyDB, the codebook and the document model with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotations.codebook import Code, Codebook, Group
    from annotations.document import Document, Span
    from annotations.errors import CodebookError, DocumentError, GlossError, StoreError
    from annotations.model import Annotation
    from annotations.store import Store, StoreSaveError

_WHERE = {
    "Annotation": "annotations.model",
    "Code": "annotations.codebook",
    "Codebook": "annotations.codebook",
    "CodebookError": "annotations.errors",
    "Document": "annotations.document",
    "DocumentError": "annotations.errors",
    "GlossError": "annotations.errors",
    "Group": "annotations.codebook",
    "Span": "annotations.document",
    "Store": "annotations.store",
    "StoreError": "annotations.errors",
    "StoreSaveError": "annotations.store",
}

__all__ = [
    "Annotation",
    "Code",
    "Codebook",
    "CodebookError",
    "Document",
    "DocumentError",
    "GlossError",
    "Group",
    "Span",
    "Store",
    "StoreError",
    "StoreSaveError",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'annotations' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])

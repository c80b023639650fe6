"""Gloss's domain: documents, codebooks, annotations and their store. No user interface here."""

from annotations.codebook import Code, Codebook, Group
from annotations.document import Document, Span
from annotations.errors import CodebookError, DocumentError, GlossError, StoreError
from annotations.model import Annotation
from annotations.store import Store, StoreSaveError

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

"""What an analysis covers: one document, a chosen set of documents, or the whole store.

The analysis screen, `gloss stats`, `gloss query` and `gloss export` all take a `Scope`
and read through it, so that "this document", "the three I marked in the library" and
"everything" are counted the same way:

    scope = Scope.of_documents([a.id, b.id])
    annotations = scope.annotations(store, query=Query.parse("iran & society", codebook))
    matrix = cooccurrence(annotations, codebook)

A scope names documents by id and reads the store each time it is asked, so a screen
holding one follows new tagging: ask again and the counts are current.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.errors import StoreError
from annotations.export import (
    AnnotationSource,
    ExportScope,
    make_scope,
    narrowed,
    select,
    stored_attributes,
    stored_memos,
)
from annotations.journal import paused_gc
from annotations.model import Annotation
from annotations.query import Query


@dataclass(frozen=True)
class Scope:
    """The documents an analysis covers: `document_ids` (one or more, in the store's order
    when read), or every document of the store when it is None."""

    document_ids: tuple[str, ...] | None = None

    @classmethod
    def whole_store(cls) -> Scope:
        """Every document of the store, as it is whenever the scope is read."""
        return cls(None)

    @classmethod
    def of_document(cls, document_id: str) -> Scope:
        """One document."""
        return cls((document_id,))

    @classmethod
    def of_documents(cls, document_ids: Iterable[str]) -> Scope:
        """A chosen set of documents (each named once; at least one)."""
        ids = tuple(dict.fromkeys(document_ids))
        if not ids:
            raise ValueError("a scope of chosen documents needs at least one")
        return cls(ids)

    @classmethod
    def from_references(cls, store: AnnotationSource, references: Sequence[str]) -> Scope:
        """The documents named by id, id prefix, path or title (as `--document` takes
        them); the whole store when there are none. `StoreError` names one not found."""
        if not references:
            return cls.whole_store()
        ids = []
        for reference in references:
            found = store.find_document(reference)
            if found is None:
                raise StoreError(f"no document {reference!r} in the store")
            ids.append(found.id)
        return cls.of_documents(ids)

    @property
    def kind(self) -> Literal["document", "documents", "store"]:
        """ "document" (one), "documents" (a chosen set) or "store" (everything)."""
        if self.document_ids is None:
            return "store"
        return "document" if len(self.document_ids) == 1 else "documents"

    def documents(self, store: AnnotationSource) -> list[Document]:
        """The scope's documents, in the store's order (when they were added). A document
        removed from the store since the scope was made is left out."""
        documents = store.documents()
        if self.document_ids is None:
            return documents
        chosen = set(self.document_ids)
        return [d for d in documents if d.id in chosen]

    def annotations(
        self,
        store: AnnotationSource,
        *,
        analyst: str | None = None,
        query: Query | None = None,
    ) -> list[Annotation]:
        """The annotations of the scope's documents, document by document and in document
        order within each, narrowed to one analyst and to a query when given."""
        found: list[Annotation] = []
        with paused_gc():
            for document in self.documents(store):
                found += store.annotations(document.id, analyst=analyst)
        return query.filter(found) if query is not None else found

    def describe(self, store: AnnotationSource) -> str:
        """The scope in words, for a heading: a title, "3 documents", "the whole store
        (12 documents)"."""
        documents = self.documents(store)
        if self.kind == "store":
            return f"the whole store ({_documents(len(documents))})"
        if len(documents) == 1:
            return f"“{documents[0].title}”"
        return _documents(len(documents))

    def export_scope(
        self,
        store: AnnotationSource,
        codebook: Codebook,
        *,
        analyst: str | None = None,
        query: Query | None = None,
    ) -> ExportScope:
        """The scope as exports take it (`annotations.export.render`): one document comes
        with its orphans, as `gloss export --document` gives them."""
        if self.document_ids is not None and len(self.document_ids) == 1:
            scope = select(store, codebook, document=self.document_ids[0], analyst=analyst)
        elif self.document_ids is None:
            scope = select(store, codebook, analyst=analyst)
        else:
            documents = self.documents(store)
            scope = make_scope(
                documents,
                self.annotations(store, analyst=analyst),
                codebook,
                filters=f"analyst {analyst}" if analyst else "",
                memos=stored_memos(store, documents),
                attributes=stored_attributes(store, documents),
            )
        return narrowed(scope, query) if query is not None else scope


def _documents(count: int) -> str:
    return f"{count} document{'s' if count != 1 else ''}"

"""Scopes (annotations/scope.py): one document, a chosen set, the whole store — what each
reads from a store, that it follows new tagging, and how it is named."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotations import Codebook, Document, Store, StoreError
from annotations.query import Query
from annotations.scope import Scope

TEXTS = ("First report on shrines.", "Second report on bases.", "Third report on oil.")


@pytest.fixture
def three(store: Store) -> list[Document]:
    documents = []
    for number, text in enumerate(TEXTS):
        document = replace(
            Document.from_text(text, title=f"Report {number + 1}"),
            added=f"2026-01-01T00:00:0{number}Z",
        )
        documents.append(store.add_document(document))
        store.annotate(document.id, 0, 5, tags=["actor/iran"], analyst="ana")
        store.annotate(document.id, 6, 12, tags=["actor/russia"], analyst="ben")
    return documents


def test_each_kind_reads_its_documents(store: Store, three: list[Document]) -> None:
    first, second, third = three
    assert Scope.of_document(second.id).documents(store) == [second]
    # Chosen in any order, read in the store's.
    assert Scope.of_documents([third.id, first.id]).documents(store) == [first, third]
    assert Scope.whole_store().documents(store) == three
    assert [Scope.of_document(first.id).kind, Scope.of_documents([first.id, third.id]).kind] == [
        "document",
        "documents",
    ]
    assert Scope.whole_store().kind == "store"


def test_annotations_narrowed_by_analyst_and_query(store: Store, three: list[Document]) -> None:
    first, _, third = three
    scope = Scope.of_documents([first.id, third.id])
    assert [a.quote for a in scope.annotations(store)] == ["First", "report", "Third", "report"]
    assert [a.quote for a in scope.annotations(store, analyst="ben")] == ["report", "report"]
    russia = Query.parse("russia", Codebook.default())
    assert [(a.document, a.quote) for a in scope.annotations(store, query=russia)] == [
        (first.id, "report"),
        (third.id, "report"),
    ]


def test_a_scope_follows_new_tagging(store: Store, three: list[Document]) -> None:
    scope = Scope.whole_store()
    before = len(scope.annotations(store))
    store.annotate(three[1].id, 13, 15, tags=["interest/military"], analyst="ana")
    assert len(scope.annotations(store)) == before + 1
    later = store.add_document(Document.from_text("A fourth, added later."))
    assert later in scope.documents(store)


def test_from_references_and_descriptions(store: Store, three: list[Document]) -> None:
    first, second, _ = three
    assert Scope.from_references(store, []).describe(store) == "the whole store (3 documents)"
    chosen = Scope.from_references(store, ["Report 1", second.id[:15]])
    assert chosen.document_ids == (first.id, second.id)
    assert chosen.describe(store) == "2 documents"
    assert Scope.of_document(first.id).describe(store) == "“Report 1”"
    with pytest.raises(StoreError, match="no document 'Report 9'"):
        Scope.from_references(store, ["Report 9"])


def test_export_scope_of_chosen_documents(store: Store, three: list[Document]) -> None:
    _, second, third = three
    codebook = Codebook.default()
    query = Query.parse("iran", codebook)
    scope = Scope.of_documents([second.id, third.id]).export_scope(store, codebook, query=query)
    assert scope.documents == (second, third)
    assert [a.quote for a in scope.annotations] == ["Secon", "Third"]
    assert "query iran" in scope.filters


def test_of_documents_needs_one() -> None:
    with pytest.raises(ValueError):
        Scope.of_documents([])

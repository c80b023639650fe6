"""Codes by document attribute (annotations/attribute_matrix.py): outlet x interest and
year x actor against counts worked out by hand, from attributes set in a store."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotations import Codebook, Document, Store
from annotations.attribute_matrix import NO_VALUE, attribute_matrix
from annotations.attributes import all_attributes, set_attributes
from annotations.cooccurrence import group_codes
from annotations.scope import Scope

CODEBOOK = Codebook.default()


@pytest.fixture
def corpus(store: Store) -> list[Document]:
    """Four reports:

    | report | outlet   | date        | annotations (tags)                               |
    |--------|----------|-------------|--------------------------------------------------|
    | 1      | Observer | 2014-05-01  | Iran+society, Iran, Russia+military              |
    | 2      | Observer | 3 June 2016 | Russia+institutions, Iran+Russia (both actors)   |
    | 3      | Monitor  | 2016        | society                                          |
    | 4      | (none)   | (none)      | Iran                                             |
    """
    plan = [
        (
            {"outlet": "Observer", "date": "2014-05-01"},
            [
                ("actor/iran", "interest/society"),
                ("actor/iran",),
                ("actor/russia", "interest/military"),
            ],
        ),
        (
            {"outlet": "Observer", "date": "3 June 2016"},
            [("actor/russia", "interest/institutions"), ("actor/iran", "actor/russia")],
        ),
        ({"outlet": "Monitor", "date": "2016"}, [("interest/society",)]),
        ({}, [("actor/iran",)]),
    ]
    documents = []
    for number, (values, tagged) in enumerate(plan):
        text = " ".join(f"Sentence {i} of report {number}." for i in range(len(tagged)))
        document = replace(
            Document.from_text(text, title=f"Report {number + 1}"),
            added=f"2026-01-01T00:00:0{number}Z",
        )
        store.add_document(document)
        if values:
            set_attributes(store, document.id, values)
        for index, sentence in enumerate(document.sentences):
            store.annotate(
                document.id, sentence.start, sentence.end, tags=tagged[index], analyst="ana"
            )
        documents.append(document)
    return documents


def test_outlet_by_interest(store: Store, corpus: list[Document]) -> None:
    matrix = attribute_matrix(
        store.annotations(), all_attributes(store), "outlet", group_codes(CODEBOOK, "interest")
    )
    assert matrix.rows == ("Monitor", "Observer", NO_VALUE)
    cells = matrix.cells
    assert cells["Observer"]["interest/society"] == 1
    assert cells["Observer"]["interest/military"] == 1
    assert cells["Observer"]["interest/institutions"] == 1
    assert cells["Monitor"]["interest/society"] == 1
    assert sum(cells[NO_VALUE].values()) == 0
    assert sum(sum(row.values()) for row in cells.values()) == 4
    assert matrix.to_json()["documents"] == {"Monitor": 1, "Observer": 2, "": 1}
    assert matrix.row_total("Observer") == 5


def test_year_by_actor_from_the_date(store: Store, corpus: list[Document]) -> None:
    matrix = attribute_matrix(
        store.annotations(), all_attributes(store), "year", group_codes(CODEBOOK, "actor")
    )
    assert matrix.rows == ("2014", "2016", NO_VALUE)
    assert matrix.cells == {
        "2014": {"actor/russia": 1, "actor/iran": 2, "actor/both": 0},
        "2016": {"actor/russia": 2, "actor/iran": 1, "actor/both": 0},
        NO_VALUE: {"actor/russia": 0, "actor/iran": 1, "actor/both": 0},
    }
    drilled = matrix.annotations("2016", "actor/russia")
    assert [a.quote for a in drilled] == ["Sentence 0 of report 1.", "Sentence 1 of report 1."]


def test_a_scope_narrows_the_rows(store: Store, corpus: list[Document]) -> None:
    scope = Scope.of_documents([corpus[0].id, corpus[2].id])
    values = {d.id: all_attributes(store)[d.id] for d in scope.documents(store)}
    matrix = attribute_matrix(scope.annotations(store), values, "outlet", ["interest/society"])
    assert matrix.cells == {"Monitor": {"interest/society": 1}, "Observer": {"interest/society": 1}}


def test_years_sort_as_numbers_and_words_after() -> None:
    values = {"a": {"n": "10"}, "b": {"n": "9"}, "c": {"n": "beta"}, "d": {"n": "Alpha"}}
    assert attribute_matrix([], values, "n", []).rows == ("9", "10", "Alpha", "beta")

"""Coding from search (annotations/search_coding.py): every match (or the chosen ones)
tagged as one change, the span the match, its sentence or its clause; what was coded
already is reported and left alone; undo gives back the store record for record."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import Codebook, Document, Store
from annotations.project_search import search_project
from annotations.search import Search
from annotations.search_coding import (
    code_targets,
    coding_targets,
    redo_coding,
    undo_coding,
    unit_span,
)
from tui.cli import main

CODEBOOK = Codebook.default()
ACCESS = "interest/access"
FIRST = (
    "Iran needs the supply route to Hezbollah. Russia wants bases, and Iran keeps the "
    "supply route open.\n\nNothing here."
)
SECOND = "The supply route, experts say, runs through Syria."


@pytest.fixture
def documents(store: Store) -> list[Document]:
    first = replace(Document.from_text(FIRST, title="First"), added="2026-01-01T00:00:00Z")
    second = replace(Document.from_text(SECOND, title="Second"), added="2026-01-01T00:00:01Z")
    return [store.add_document(first), store.add_document(second)]


def records(store: Store) -> list[dict]:
    """Everything the store holds of annotations, as records."""
    return sorted((a.to_record() for a in store.annotations()), key=lambda r: r["id"])


def targets(store: Store, documents: list[Document], unit: str = "match", analyst: str = "ana"):
    matches = search_project(Search.compile("supply route"), documents, store.annotations)
    return coding_targets(matches, documents, store.annotations, ACCESS, unit=unit, analyst=analyst)


def test_each_unit_spans(documents: list[Document]) -> None:
    first, second = documents
    match = FIRST.index("supply route")
    end = match + len("supply route")
    assert unit_span(first, match, end, "match") == (match, end)
    assert unit_span(first, match, end, "sentence") == (0, FIRST.index(" Russia"))
    later = FIRST.index("supply route", end)
    clause_start = FIRST.index("and Iran")
    assert unit_span(first, later, later + 12, "clause") == (clause_start, FIRST.index("\n\n"))
    assert unit_span(second, 4, 16, "clause") == (0, SECOND.index(","))


@pytest.mark.parametrize("unit", ["match", "sentence", "clause"])
def test_all_matches_coded_as_one_change_and_undone_exactly(
    store: Store, documents: list[Document], unit: str
) -> None:
    first = documents[0]
    # Something there before: ana's annotation of the first sentence, ben's of the second.
    sentence = first.sentences[0]
    store.annotate(first.id, sentence.start, sentence.end, tags=["actor/iran"], analyst="ana")
    second = first.sentences[1]
    store.annotate(first.id, second.start, second.end, tags=[ACCESS], analyst="ben")
    before = records(store)
    found = targets(store, documents, unit)
    assert len(found) == 3
    change = code_targets(store, found, ACCESS, analyst="ana", codebook=CODEBOOK)
    assert change.coded == 3 and change.already == 0
    coded = [a for a in store.annotations(analyst="ana") if ACCESS in a.tags]
    assert sorted((a.document, a.start, a.end) for a in coded) == sorted(
        (t.document, t.start, t.end) for t in found
    )
    if unit == "sentence":
        # The analyst's own annotation of that very sentence got the code; no second one.
        own = store.annotations(first.id, analyst="ana")
        assert own[0].tags == ("actor/iran", ACCESS)
        assert len(change.made) == 2
    assert undo_coding(store, change).restored == 3
    assert records(store) == before


def test_the_undo_is_saved(store_path: Path, documents: list[Document]) -> None:
    with Store(store_path) as store:
        before = records(store)
        change = code_targets(
            store, targets(store, documents), ACCESS, analyst="ana", codebook=CODEBOOK
        )
        undo_coding(store, change)
    with Store(store_path) as reopened:
        assert records(reopened) == before
        assert redo_coding(reopened, change).restored == 3
    with Store(store_path) as again:
        assert len(again.annotations(tag=ACCESS)) == 3


def test_chosen_matches_only(store: Store, documents: list[Document]) -> None:
    chosen = targets(store, documents)[1:2]
    change = code_targets(store, chosen, ACCESS, analyst="ana", codebook=CODEBOOK)
    (annotation,) = store.annotations(tag=ACCESS)
    assert (annotation.start, annotation.quote) == (chosen[0].start, "supply route")
    assert change.description == "code 1 match interest/access"


def test_matches_already_coded_are_reported_and_left_alone(
    store: Store, documents: list[Document]
) -> None:
    first_sentence = documents[0].sentences[0]
    store.annotate(
        documents[0].id, first_sentence.start, first_sentence.end, tags=[ACCESS], analyst="ana"
    )
    store.annotate(documents[1].id, 0, len(SECOND), tags=[ACCESS], analyst="ben")
    found = targets(store, documents)
    assert [(t.already_coded, t.coded_by) for t in found] == [
        (True, ("ana",)),  # held by ana's sentence, which has the code
        (False, ()),
        (False, ("ben",)),  # ben coded it; ana has not
    ]
    before = records(store)
    change = code_targets(store, found, ACCESS, analyst="ana", codebook=CODEBOOK)
    assert (change.coded, change.already) == (2, 1)
    undo_coding(store, change)
    assert records(store) == before


def test_a_second_run_finds_everything_coded(store: Store, documents: list[Document]) -> None:
    code_targets(store, targets(store, documents), ACCESS, analyst="ana", codebook=CODEBOOK)
    again = targets(store, documents)
    assert all(t.already_coded for t in again)
    assert code_targets(store, again, ACCESS, analyst="ana", codebook=CODEBOOK).coded == 0


def test_undo_keeps_what_another_copy_changed_since(
    store_path: Path, documents: list[Document]
) -> None:
    with Store(store_path) as store, Store(store_path) as other:
        change = code_targets(
            store, targets(store, documents), ACCESS, analyst="ana", codebook=CODEBOOK
        )
        other.refresh()
        other.update(change.made[0], memo="written in another terminal")
        result = undo_coding(store, change)
        assert (result.restored, result.kept) == (2, 1)
        (kept,) = store.annotations(tag=ACCESS)
        assert kept.memo == "written in another terminal"


def test_memo_matches_are_not_places_to_code(store: Store, documents: list[Document]) -> None:
    first = documents[0]
    store.annotate(first.id, 0, 4, tags=["actor/iran"], memo="the supply route again", analyst="b")
    matches = search_project(Search.compile("supply route"), documents, store.annotations)
    assert any(m.where == "memo" for m in matches)
    found = coding_targets(matches, documents, store.annotations, ACCESS, analyst="ana")
    assert len(found) == 3


# -- gloss search TEXT --code CODE ------------------------------------------------------------


def test_gloss_search_code(capsys, store_path: Path) -> None:
    with Store(store_path) as store:
        documents = [
            store.add_document(Document.from_text(FIRST, title="First")),
            store.add_document(Document.from_text(SECOND, title="Second")),
        ]
    arguments = ["search", "supply route", "--code", "access", "--unit", "clause"]
    assert main([*arguments, "--db", str(store_path)]) == 0
    assert capsys.readouterr().out == "coded 3 places with interest/access as tester\n"
    assert main([*arguments, "--db", str(store_path)]) == 0
    assert capsys.readouterr().out == (
        "coded 0 places with interest/access as tester; 3 were coded already\n"
    )
    with Store(store_path) as store:
        quotes = [a.quote for a in store.annotations(tag=ACCESS)]
    assert quotes == [
        "Iran needs the supply route to Hezbollah.",
        "and Iran keeps the supply route open.",
        "The supply route",
    ]
    assert {a.document for a in store.annotations()} == {d.id for d in documents}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--code", "actor"],
            "gloss: 'actor' does not name one code (give its id, as actor/iran)\n",
        ),
        (
            ["--code", "access", "--unit", "word"],
            "gloss: unknown unit 'word' (choose from match, sentence, clause)\n",
        ),
    ],
)
def test_gloss_search_code_faults(capsys, store_path: Path, options, message) -> None:
    with Store(store_path) as store:
        store.add_document(Document.from_text(FIRST, title="First"))
    assert main(["search", "supply", *options, "--db", str(store_path)]) == 2
    assert capsys.readouterr().err == message
    with Store(store_path) as store:
        assert store.annotations() == []


# -- property: whatever was there, undo gives back the store's records ------------------------

WORDS = ("route", "Iran", "bases", "supply", "Russia", "shrines")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sentences=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), min_size=1, max_size=6
    ),
    existing=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from(("ana", "ben")),
            st.sampled_from((ACCESS, "actor/iran")),
        ),
        max_size=4,
    ),
    word=st.sampled_from(WORDS),
    unit=st.sampled_from(("match", "sentence", "clause")),
)
def test_undo_restores_the_records_whatever_was_there(
    tmp_path_factory, sentences, existing, word, unit
) -> None:
    text = " ".join(" ".join(words).capitalize() + "." for words in sentences)
    path = tmp_path_factory.mktemp("coding") / "store.json"
    with Store(path) as store:
        document = store.add_document(Document.from_text(text, title="T"))
        spans = document.sentences
        for index, analyst, tag in existing:
            span = spans[index % len(spans)]
            store.annotate(document.id, span.start, span.end, tags=[tag], analyst=analyst)
        before = records(store)
        matches = search_project(Search.compile(word), [document], store.annotations)
        found = coding_targets(
            matches, [document], store.annotations, ACCESS, unit=unit, analyst="ana"
        )
        change = code_targets(store, found, ACCESS, analyst="ana", codebook=CODEBOOK)
        assert change.coded + change.already == len(found)
        undo_coding(store, change)
        assert records(store) == before
    with Store(path) as reopened:
        assert records(reopened) == before


def test_a_search_never_replaces_another_code_of_an_exclusive_group(
    capsys, store_path: Path
) -> None:
    # The analyst read the sentence and coded it Iran; coding "supply route" as Russia in
    # bulk must not silently turn that Iran into Russia, as the r key on that place would.
    with Store(store_path) as store:
        document = store.add_document(Document.from_text(FIRST, title="First"))
        sentence = document.sentences[0]
        store.annotate(
            document.id, sentence.start, sentence.end, tags=["actor/iran"], analyst="tester"
        )
    arguments = ["search", "supply route", "--code", "russia", "--unit", "sentence"]
    assert main([*arguments, "--db", str(store_path)]) == 0
    assert capsys.readouterr().out == (
        "coded 1 place with actor/russia as tester; "
        "1 left as it was (another code of an exclusive group)\n"
    )
    with Store(store_path) as store:
        tags = sorted(a.tags for a in store.annotations(document.id))
    assert tags == [("actor/iran",), ("actor/russia",)]

"""Code co-occurrence (annotations/cooccurrence.py): a matrix worked out by hand over a
small table of spans, and its laws as properties — symmetric, the diagonal the codes'
frequencies, each cell the overlapping pairs counted by brute force."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import Annotation, Codebook
from annotations.analysis import code_counts
from annotations.cooccurrence import all_codes, cooccurrence, group_codes

CODEBOOK = Codebook.default()
IRAN, RUSSIA = "actor/iran", "actor/russia"
SOCIETY, MILITARY = "interest/society", "interest/military"
CONVERGENCE = "relation/convergence"


def annotation(
    name: str, start: int, end: int, tags: tuple[str, ...], document: str = "doc"
) -> Annotation:
    return Annotation(
        id=name,
        document=document,
        start=start,
        end=end,
        quote="x" * (end - start),
        prefix="",
        suffix="",
        tags=tags,
        memo="",
        analyst="ana",
    )


# Spans on a line (document "doc" unless said):
#   a [0, 10)  Iran + society
#   b [5, 15)  convergence            overlaps a
#   c [10, 20) Russia + military      touches a at 10 (no shared code point), overlaps b
#   d [30, 40) Iran                   alone
#   e [0, 10)  society, in document "other": same offsets as a, another document
TABLE = [
    annotation("a", 0, 10, (IRAN, SOCIETY)),
    annotation("b", 5, 15, (CONVERGENCE,)),
    annotation("c", 10, 20, (RUSSIA, MILITARY)),
    annotation("d", 30, 40, (IRAN,)),
    annotation("e", 0, 10, (SOCIETY,), document="other"),
]


def test_counts_worked_out_by_hand() -> None:
    codes = (IRAN, RUSSIA, SOCIETY, MILITARY, CONVERGENCE)
    matrix = cooccurrence(TABLE, codes)
    expected = {
        # Iran: a, d. Russia: c. society: a, e. military: c. convergence: b.
        IRAN: {IRAN: 2, RUSSIA: 0, SOCIETY: 1, MILITARY: 0, CONVERGENCE: 1},
        RUSSIA: {IRAN: 0, RUSSIA: 1, SOCIETY: 0, MILITARY: 1, CONVERGENCE: 1},
        SOCIETY: {IRAN: 1, RUSSIA: 0, SOCIETY: 2, MILITARY: 0, CONVERGENCE: 1},
        MILITARY: {IRAN: 0, RUSSIA: 1, SOCIETY: 0, MILITARY: 1, CONVERGENCE: 1},
        CONVERGENCE: {IRAN: 1, RUSSIA: 1, SOCIETY: 1, MILITARY: 1, CONVERGENCE: 1},
    }
    assert matrix.cells == expected


def test_two_groups_and_the_quotes_of_a_cell() -> None:
    matrix = cooccurrence(TABLE, group_codes(CODEBOOK, "actor"), group_codes(CODEBOOK, "relation"))
    assert matrix.rows == ("actor/russia", "actor/iran", "actor/both")
    assert matrix.columns == ("relation/convergence", "relation/divergence")
    assert matrix.count(IRAN, CONVERGENCE) == 1
    (pair,) = matrix.overlaps(IRAN, CONVERGENCE)
    assert [a.id for a in pair.annotations] == ["a", "b"]
    assert (pair.document, pair.start, pair.end) == ("doc", 5, 10)  # the span they share
    (itself,) = cooccurrence(TABLE, (IRAN,), (SOCIETY,)).overlaps(IRAN, SOCIETY)
    assert [a.id for a in itself.annotations] == ["a"]  # one annotation with both codes


def test_a_pair_counts_once_in_a_cell_however_many_codes_it_shares() -> None:
    both = [annotation("p", 0, 10, (IRAN, SOCIETY)), annotation("q", 2, 8, (IRAN, SOCIETY))]
    matrix = cooccurrence(both, (IRAN, SOCIETY))
    # Pairs {p}, {q} (each carries both) and {p, q}: three, not four.
    assert matrix.count(IRAN, SOCIETY) == matrix.count(SOCIETY, IRAN) == 3
    assert matrix.count(IRAN, IRAN) == 2


def test_all_codes_lists_imported_tags_after_the_codebook() -> None:
    imported = [annotation("z", 0, 5, ("imported/tag", IRAN))]
    codes = all_codes(CODEBOOK, imported)
    assert codes[: len(CODEBOOK.codes)] == tuple(code.id for code in CODEBOOK.codes)
    assert codes[-1] == "imported/tag"
    assert cooccurrence(imported, codes).count("imported/tag", IRAN) == 1


def test_json_shape() -> None:
    data = cooccurrence(TABLE, (IRAN,), (SOCIETY, CONVERGENCE)).to_json()
    assert data == {
        "rows": [IRAN],
        "columns": [SOCIETY, CONVERGENCE],
        "cells": {IRAN: {SOCIETY: 1, CONVERGENCE: 1}},
    }


# -- properties -----------------------------------------------------------------------------

CODES = (IRAN, RUSSIA, SOCIETY, MILITARY, CONVERGENCE)


@st.composite
def annotation_tables(draw: st.DrawFn) -> list[Annotation]:
    count = draw(st.integers(0, 12))
    table = []
    for number in range(count):
        start = draw(st.integers(0, 40))
        end = draw(st.integers(start + 1, start + 15))
        tags = tuple(draw(st.sets(st.sampled_from(CODES), max_size=3)))
        document = draw(st.sampled_from(("one", "two")))
        table.append(annotation(f"n{number}", start, end, tags, document))
    return table


def overlap(one: Annotation, other: Annotation) -> bool:
    return one.document == other.document and max(one.start, other.start) < min(one.end, other.end)


@settings(max_examples=200, deadline=None)
@given(annotation_tables())
def test_symmetric_with_the_frequencies_on_the_diagonal(table: list[Annotation]) -> None:
    matrix = cooccurrence(table, CODES)
    frequencies = code_counts(table, CODEBOOK)
    for row in CODES:
        assert matrix.count(row, row) == frequencies[row]
        for column in CODES:
            assert matrix.count(row, column) == matrix.count(column, row)


@settings(max_examples=200, deadline=None)
@given(annotation_tables())
def test_each_cell_is_the_overlapping_pairs_counted_by_brute_force(
    table: list[Annotation],
) -> None:
    matrix = cooccurrence(table, CODES)
    pairs = [(a, a) for a in table] + [(a, b) for a, b in combinations(table, 2) if overlap(a, b)]
    for row, column in combinations(CODES, 2):
        expected = sum(
            1
            for a, b in pairs
            if (row in a.tags and column in b.tags) or (column in a.tags and row in b.tags)
        )
        assert matrix.count(row, column) == expected
        assert len(matrix.overlaps(row, column)) == expected


@settings(max_examples=100, deadline=None)
@given(annotation_tables())
def test_two_groups_are_a_block_of_the_full_matrix(table: list[Annotation]) -> None:
    full = cooccurrence(table, CODES)
    block = cooccurrence(table, (IRAN, RUSSIA), (SOCIETY, MILITARY, CONVERGENCE))
    for row in block.rows:
        for column in block.columns:
            assert block.count(row, column) == full.count(row, column)

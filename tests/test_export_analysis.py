"""Counts per code and the actor x interest matrix that the md and html exports end with."""

from __future__ import annotations

from test_export_support import hostile_annotations, hostile_document

from annotations import Codebook
from annotations.analysis import actor_interest_matrix, code_counts, matrix_groups, stats


def test_code_counts_cover_every_code_and_unknown_tags() -> None:
    counts = code_counts(hostile_annotations(hostile_document()), Codebook.default())
    assert list(counts)[:3] == ["actor/russia", "actor/iran", "actor/both"]
    assert counts["actor/russia"] == 3
    assert counts["actor/iran"] == 3
    assert counts["interest/military"] == 2
    assert counts["relation/convergence"] == 0
    assert counts["unknown/custom-tag"] == 1


def test_matrix_counts_annotations_carrying_both_codes() -> None:
    matrix = actor_interest_matrix(hostile_annotations(hostile_document()), Codebook.default())
    assert [code.id for code in matrix.rows] == ["actor/russia", "actor/iran", "actor/both"]
    assert len(matrix.columns) == 7
    assert matrix.count("actor/iran", "interest/military") == 1
    assert matrix.count("actor/iran", "interest/society") == 1
    assert matrix.count("actor/russia", "interest/diplomacy") == 1
    assert matrix.count("actor/both", "interest/leverage") == 1
    assert matrix.count("actor/both", "interest/military") == 0
    # Annotation 2 has two interests and counts in both cells: 7 cells for 6 annotations.
    assert matrix.total == 7


def test_stats_has_the_shape_of_gloss_stats_json() -> None:
    result = stats(hostile_annotations(hostile_document()), Codebook.default())
    assert result["annotations"] == 10
    assert result["codes"]["actor/russia"] == 3
    assert result["matrix"]["actor/iran"]["interest/access"] == 1
    assert set(result["matrix"]) == {"actor/russia", "actor/iran", "actor/both"}


def test_a_codebook_without_actor_and_interest_crosses_its_first_two_groups() -> None:
    codebook = Codebook.from_toml(
        """
name = "Other"
[[groups]]
id = "who"
label = "Who"
[[groups]]
id = "what"
label = "What"
[[codes]]
id = "who/a"
label = "A"
key = "z"
[[codes]]
id = "what/b"
label = "B"
key = "y"
"""
    )
    assert matrix_groups(codebook) == ("who", "what")
    assert matrix_groups(Codebook.default()) == ("actor", "interest")

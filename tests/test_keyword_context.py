"""Keyword in context: each side cut to its cells, white space as one space, controls shown."""

from __future__ import annotations

from annotations.keyword_context import keyword_in_context
from annotations.text_units import cell_width

TEXT = "Iran wants the supply route open.\nRussia wants the ports and the bases."


def test_short_text_is_kept_whole() -> None:
    start = TEXT.index("supply")
    line = keyword_in_context(TEXT, start, start + 12, left_cells=40, right_cells=60)
    assert (line.left, line.match, line.right) == (
        "Iran wants the ",
        "supply route",
        " open. Russia wants the ports and the bases.",
    )


def test_each_side_is_cut_to_its_cells_with_an_ellipsis() -> None:
    start = TEXT.index("supply")
    line = keyword_in_context(TEXT, start, start + 12, left_cells=8, right_cells=10)
    assert line.left == "…ts the " and cell_width(line.left) == 8
    assert line.right == " open. Ru…" and cell_width(line.right) == 10


def test_wide_characters_count_two_cells() -> None:
    text = "東京の会議で合意した"
    start = text.index("合意")
    line = keyword_in_context(text, start, start + 2, left_cells=5, right_cells=10)
    assert line.left == "…議で" and cell_width(line.left) == 5


def test_controls_are_visible_and_the_match_can_be_cut() -> None:
    text = "a\x1b[31m b supply route c"
    start = text.index("supply")
    line = keyword_in_context(text, start, start + 12, left_cells=20, right_cells=5, match_cells=6)
    assert "\x1b" not in line.left and "␛" in line.left
    assert line.match == "suppl…"

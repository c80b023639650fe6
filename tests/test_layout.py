"""The reading pane's line index: every character on exactly one line, lines within width."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from annotations.document import Document, Span
from annotations.text_units import cell_width, graphemes, is_grapheme_boundary
from tui.layout import ParagraphLayout, grapheme_width, wrap_paragraph

PIECES = [
    "Moscow ",
    "and ",
    "Tehran. ",
    "日本語",
    "👨‍👩‍👧",
    "🇺🇦",
    "❤️",
    "é",
    "e\u0301",
    "\t",
    "  ",
    "x" * 30,
]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40), st.integers(4, 60))
def test_wrapped_lines_cover_the_paragraph_within_the_width(pieces, width) -> None:
    text = "".join(pieces).strip() or "x"
    lines = wrap_paragraph(text, Span(0, len(text)), width)
    assert lines[0][0] == 0 and lines[-1][1] == len(text)
    for (_, end), (start, _) in itertools.pairwise(lines):
        assert end == start
    for start, end in lines:
        assert is_grapheme_boundary(text, start) and is_grapheme_boundary(text, end)
        shown = text[start:end].rstrip()  # white space may hang past the edge
        cells = sum(grapheme_width(shown[a:b]) for a, b in graphemes(shown))
        single_cluster = len(list(graphemes(shown))) == 1
        assert cells <= width or single_cluster


def test_emoji_clusters_take_the_cells_text_units_gives_them() -> None:
    for cluster in ("👨‍👩‍👧", "🇺🇦", "❤️", "e\u0301"):
        assert grapheme_width(cluster) == cell_width(cluster)
    assert grapheme_width("\t") == 4


def test_estimated_heights_become_exact_without_moving_what_is_above() -> None:
    document = Document.bundled()
    layout = ParagraphLayout(document.text, document.paragraphs, 50)
    top_of_tenth = layout.tops[10]
    layout.ensure_exact(layout.tops[10], layout.tops[10] + 40)
    assert layout.tops[10] == top_of_tenth
    assert all(layout.is_exact(p) for p in range(10, 13))


@given(
    st.integers(min_value=8, max_value=60),
    st.lists(st.integers(min_value=0, max_value=4000), min_size=1, max_size=12),
)
def test_lines_stay_where_the_heights_put_them_whatever_order_paragraphs_are_wrapped(
    width: int, firsts: list[int]
) -> None:
    # Pages shown forwards, backwards and far apart, as page down, page up and G do:
    # after each, every paragraph starts where the heights above it put it.
    document = Document.bundled()
    paragraphs = document.paragraphs * 20
    layout = ParagraphLayout(document.text, paragraphs, width)
    for first in firsts:
        layout.ensure_exact(first, first + 48)
        expected = list(
            itertools.accumulate(
                (layout.height(p) + 1 for p in range(len(paragraphs) - 1)), initial=0
            )
        )
        assert layout.tops == expected
        assert layout.total_lines == expected[-1] + layout.height(len(paragraphs) - 1)
        for y in (first, first + 20, first + 48, expected[-1]):
            paragraph = layout.paragraph_at_line(y)
            assert expected[paragraph] <= y
            assert paragraph + 1 == len(paragraphs) or y < expected[paragraph + 1]

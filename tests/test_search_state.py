"""The reader's search state without a screen: any sequence of searches and steps goes to
matches inside the text on cluster boundaries, and wraps around both ends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.search import DocumentSearch
from annotations.text_units import is_grapheme_boundary

PIECES = ["Iran ", "iran. ", "👨‍👩‍👧 ", "ایران ", "café ", "cafe\u0301 ", "\n\n", "x"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=20).map("".join)
queries = st.sampled_from(["iran", "cafe", "👩", "ایران", "zzz", "", "  "])
steps = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), queries), st.tuples(st.just("step"), st.sampled_from([1, -1]))
    ),
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(texts, steps)
def test_every_hit_is_a_match_inside_the_text_on_cluster_boundaries(text: str, moves) -> None:
    search = DocumentSearch(text)
    selection = (0, 0)
    for kind, value in moves:
        if kind == "submit":
            _, hit = search.submit(value, selection)
        else:
            hit = search.step(selection, value)
        if hit is None:
            continue
        start, end = hit.span
        assert 0 <= start < end <= len(text)
        assert is_grapheme_boundary(text, start) and is_grapheme_boundary(text, end)
        assert 0 <= hit.index < hit.count == len(search.matches)
        assert search.current_index(hit.span) == hit.index
        selection = hit.span


@settings(max_examples=60, deadline=None)
@given(texts)
def test_stepping_through_every_match_comes_back_round(text: str) -> None:
    search = DocumentSearch(text)
    _, first = search.submit("iran", (0, 0))
    if first is None:
        assert search.find("iran") == [] and not search.active
        return
    selection, wrapped = first.span, []
    for _ in range(first.count):
        hit = search.step(selection, 1)
        assert hit is not None
        selection = hit.span
        wrapped.append(hit.wrapped)
    assert selection == first.span
    assert wrapped.count("end") == 1  # once round the end, whichever match was first
    search.clear()
    assert search.matches == [] and search.current_index(selection) is None
    again = search.step(selection, 1)  # n after escape: the last query again
    assert again is not None and search.active

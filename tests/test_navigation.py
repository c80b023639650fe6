"""The cursor's movements as pure functions: any sequence of moves over any text keeps the
selection inside the text and on grapheme-cluster boundaries."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotations import navigation
from annotations.document import Document, Span
from annotations.navigation import Cursor
from annotations.span_index import SpanIndex
from annotations.text_units import is_grapheme_boundary

# Pieces that make sentence, word and cluster boundaries hard: abbreviations, CJK, a
# family emoji (one cluster of seven code points), combining accents, Persian, flags.
PIECES = [
    "Moscow and Tehran. ",
    "Dr. Smith arrived at 5.5 p.m. ",
    "中国和伊朗。",
    "👨‍👩‍👧‍👦 ",
    "cafe\u0301 ",
    "ایران و روسیه؟ ",
    "🇮🇷🇷🇺",
    "\n\n",
    "word",
    " ",
    "Again! ",
    "Iran, on the other hand; ",
    "“buying time” – ",
    "(Russia, Brazil) ",
    '"experts", ',
    "ایران، روسیه؛ ",
    "伊朗，俄罗斯；",
]

texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map("".join)

MOVES = {
    **navigation.MOVES,  # every move the reader binds to a key
    "extend": lambda d, c: navigation.extend(c),
    "sentence_forward": lambda d, c: navigation.extend_by_sentence(d, c, 1),
    "sentence_back": lambda d, c: navigation.extend_by_sentence(d, c, -1),
    "clause_forward": lambda d, c: navigation.next_clause(d, c),
    "clause_back": lambda d, c: navigation.previous_clause(d, c),
    "switch_end": lambda d, c: navigation.switch_end(c),
    "cancel": lambda d, c: navigation.cancel(c),
    "stop": lambda d, c: navigation.stop_extending(c),
    "unannotated": lambda d, c: navigation.next_unannotated(d, c, {0, 2}) or c,
}


def check(document: Document, cursor: Cursor) -> None:
    text = document.text
    start, end = cursor.selection
    assert 0 <= start <= end <= len(text)
    assert is_grapheme_boundary(text, start) and is_grapheme_boundary(text, end)
    if cursor.anchor is not None and start < end:
        # The ends move either way (trimming too), and the moving one is one of them.
        assert cursor.head in (start, end)
        assert not text[start].isspace() and not text[end - 1].isspace()


@settings(max_examples=150, deadline=None)
@given(texts, st.lists(st.sampled_from(sorted(MOVES)), max_size=40), st.integers(0, 2000))
@example("\n\nMoscow and Tehran. ", ["switch_end", "word_back"], 0)  # no word before the start
def test_any_sequence_of_moves_stays_inside_the_text_on_cluster_boundaries(
    text: str, moves: list[str], page_offset: int
) -> None:
    document = Document.from_text(text)
    cursor = navigation.first_sentence(document)
    check(document, cursor)
    for move in moves:
        cursor = MOVES[move](document, cursor)
        check(document, cursor)
    # A page lands on a sentence wherever the pane's top line starts.
    if document.text:
        landed = navigation.sentence_from(document, min(page_offset, len(document.text) - 1))
        check(document, landed)


def test_extending_then_cancelling_returns_to_where_extending_started() -> None:
    document = Document.from_text("One. Two. Three.\n\nFour.")
    cursor = navigation.next_sentence(document, navigation.first_sentence(document))
    grown = navigation.extend_by_sentence(document, navigation.extend(cursor), 1)
    assert document.text[slice(*grown.selection)] == "Two. Three."
    assert navigation.cancel(grown) == cursor


def test_next_unannotated_skips_covered_paragraphs() -> None:
    document = Document.from_text("A.\n\nB.\n\nC.\n\nD.")
    index = SpanIndex([Span(4, 6)])  # "B." is covered
    covered = index.covered_paragraphs(document)
    assert covered == {1}
    landed = navigation.next_unannotated(document, navigation.first_sentence(document), covered)
    assert landed is not None and document.text[slice(*landed.selection)] == "C."
    last = navigation.last_sentence(document)
    assert navigation.next_unannotated(document, last, covered) is None

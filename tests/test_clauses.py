"""Clauses: the unit between word and sentence, in English, Russian, Persian and Chinese;
and the quotation marks and brackets a selection's end takes in or lets go of."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.document import sentence_spans
from annotations.text_units import (
    clause_spans,
    end_with_closing_marks,
    is_grapheme_boundary,
    next_word_end,
    start_with_opening_marks,
    without_unpaired_closing,
)


def clauses(text: str) -> list[str]:
    return [text[start:end] for start, end in clause_spans(text)]


def test_english_clauses_end_at_commas_semicolons_colons_and_spaced_dashes() -> None:
    text = (
        "Iran has supported militias, while replacing the soldiers; it has also delayed "
        "promotions: a plan – and the new axis – will come to an end."
    )
    assert clauses(text) == [
        "Iran has supported militias",
        "while replacing the soldiers",
        "it has also delayed promotions",
        "a plan",
        "and the new axis",
        "will come to an end.",
    ]


def test_parentheses_and_long_quotations_are_clauses_of_their_own() -> None:
    text = (
        "It gave Syria a line through the BRICS group (Russia, Brazil, China). "
        "He said “we will not leave Syria soon” and left."
    )
    first, second = (text[s.start : s.end] for s in sentence_spans(text))
    assert clauses(first) == [
        "It gave Syria a line through the BRICS group",
        "(Russia, Brazil, China).",
    ]
    assert clauses(second) == ["He said", "“we will not leave Syria soon”", "and left."]


def test_short_quotations_numbers_and_hyphens_do_not_split() -> None:
    text = (
        'a steady number of "advisors" and "experts" for 5,000 men at 10:30 in '
        "Russian-Iranian “shadow regime” talks."
    )
    assert clauses(text) == [text]


def test_russian_clauses() -> None:
    text = "Россия поддерживает армию, а Иран — свои ополчения; цели у них разные."
    assert clauses(text) == [
        "Россия поддерживает армию",
        "а Иран",
        "свои ополчения",
        "цели у них разные.",
    ]


def test_persian_clauses() -> None:
    text = "ایران از شبه‌نظامیان حمایت می‌کند، اما روسیه از ارتش؛ این دو هدف متفاوت است."
    assert clauses(text) == [
        "ایران از شبه‌نظامیان حمایت می‌کند",
        "اما روسیه از ارتش",
        "این دو هدف متفاوت است.",
    ]


def test_chinese_clauses() -> None:
    text = "俄罗斯支持军队，伊朗支持民兵；两国目标不同：一个看重机构。"
    assert clauses(text) == ["俄罗斯支持军队", "伊朗支持民兵", "两国目标不同", "一个看重机构。"]


def test_an_end_takes_in_a_closing_mark_whose_opening_one_is_selected() -> None:
    text = 'military "advisors" and "experts", while a “shadow regime” rules'
    start = text.index("military")
    experts = next_word_end(text, text.index("experts"))
    assert text[start : end_with_closing_marks(text, start, experts)].endswith('"experts"')
    # Not when its opening mark is outside the selection.
    inside = text.index("experts")
    assert end_with_closing_marks(text, inside, experts) == experts
    regime = text.index("regime”") + len("regime")
    shadow = text.index("shadow")
    assert (
        text[start_with_opening_marks(text, shadow, regime + 1) : regime + 1] == "“shadow regime”"
    )
    assert text[shadow : without_unpaired_closing(text, shadow + 7, regime + 1)] == "shadow regime"


PIECES = [
    "Iran has supported militias",
    ", ",
    "; ",
    ": ",
    " – ",
    " — ",
    "(Russia, Brazil)",
    "“we will not leave Syria soon”",
    '"experts"',
    "ایران، روسیه؛ ",
    "伊朗，俄罗斯；",
    "e\u0301",
    " ",
    "5,000",
    ".",
    "Россия — Иран",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=15).map("".join))
def test_clauses_are_ordered_trimmed_on_clusters_and_hold_every_letter(text: str) -> None:
    spans = clause_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert is_grapheme_boundary(text, start) and is_grapheme_boundary(text, end)
        previous_end = end
    covered = {i for start, end in spans for i in range(start, end)}
    letters = {i for i, char in enumerate(text) if char.isalnum()}
    assert letters <= covered

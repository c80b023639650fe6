"""Phrases: a clause's coordinated parts, the unit between word and clause that `W`/`B`
move by — in English, Russian, Persian and Chinese."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text_units import clause_spans, phrase_spans


def phrases(text: str) -> list[str]:
    return [text[start:end] for start, end in phrase_spans(text)]


def test_english_phrases_split_clauses_at_a_conjunction_which_belongs_to_neither() -> None:
    text = (
        "Moscow has rebuilt whole divisions, placed its own advisers in the general staff "
        "and folded irregular units into the regular chain of command."
    )
    assert phrases(text) == [
        "Moscow has rebuilt whole divisions",
        "placed its own advisers in the general staff",
        "folded irregular units into the regular chain of command.",
    ]


def test_a_conjunction_starting_a_clause_is_left_out_and_brackets_do_not_split() -> None:
    text = (
        "These aims differ, and Tehran keeps its militias apart (Afghan, Pakistani and "
        "Iraqi brigades), but Moscow or Damascus pays them."
    )
    assert phrases(text) == [
        "These aims differ",
        "Tehran keeps its militias apart",
        "(Afghan, Pakistani and Iraqi brigades)",
        "Moscow",
        "Damascus pays them.",
    ]


def test_a_conjunction_inside_a_word_does_not_split() -> None:
    text = "Android sandboxes ordered a brand of candor."
    assert phrases(text) == [text]


def test_russian_phrases() -> None:
    text = "Россия восстановила дивизии и встроила ополчения в армию, а Иран держит их отдельно."
    assert phrases(text) == [
        "Россия восстановила дивизии",
        "встроила ополчения в армию",
        "Иран держит их отдельно.",
    ]


def test_persian_phrases() -> None:
    text = "روسیه ارتش را بازسازی کرد و ایران شبه‌نظامیان را جدا نگه داشت."
    assert phrases(text) == ["روسیه ارتش را بازسازی کرد", "ایران شبه‌نظامیان را جدا نگه داشت."]


def test_chinese_phrases_split_at_the_enumeration_comma_only() -> None:
    # 和 joins 俄罗斯 and 伊朗, but is also the first half of 和平 (peace): no split there.
    text = "俄罗斯和伊朗要军队、民兵与和平，各有所图。"
    assert phrases(text) == ["俄罗斯和伊朗要军队", "民兵与和平", "各有所图。"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Iran", " and ", " or ", ", ", "и ", " و ", "、", "(a and b)", " ", "but", "."]
        ),
        max_size=20,
    ).map("".join)
)
def test_phrases_lie_inside_clauses_in_order_without_white_space_at_their_ends(
    text: str,
) -> None:
    clauses = clause_spans(text)
    previous_end = 0
    for start, end in phrase_spans(text):
        assert previous_end <= start < end
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert any(low <= start and end <= high for low, high in clauses)
        previous_end = end

"""Grapheme clusters, words, cells and display order: the units above the code point."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from annotations import text_units
from annotations.safe_text import visible
from annotations.text_units import (
    bidi_levels,
    cell_width,
    display_line,
    grapheme_end,
    grapheme_start,
    graphemes,
    in_simple_scripts,
    is_grapheme_boundary,
    is_right_to_left,
    next_grapheme,
    next_word_end,
    previous_grapheme,
    previous_word_start,
    snap_to_graphemes,
    tab_stop,
    visual_order,
)

FAMILY = "👨\u200d👩\u200d👧"
FLAG_FR = "🇫🇷"
HEART = "❤\ufe0f"
E_ACUTE = "e\u0301"
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"

# Clusters (and lone pieces of clusters) from many scripts; none longer than 7 code points.
CLUSTERS = [
    "a",
    "Z",
    " ",
    ".",
    "'",
    "-",
    "\n",
    "\t",
    "中",
    "文",
    "か",
    "Ж",
    "ы",
    "ی",
    "\u200c",
    "ا",
    "ل",
    "5",
    "\u0301",
    "\u200d",
    "\ufe0f",
    "🇫",
    "🇷",
    "👍",
    "👍🏽",
    "क्ष",
    "한",
    FAMILY,
    FLAG_FR,
    HEART,
    E_ACUTE,
    ENGLAND,
    "\x1b",
]
TEXTS = st.lists(st.sampled_from(CLUSTERS), max_size=40).map("".join)


def true_boundaries(text: str) -> set[int]:
    return {0} | {match.end() for match in regex.finditer(r"\X", text, flags=regex.DOTALL)}


# -- grapheme clusters -------------------------------------------------------------------


def test_clusters_of_every_kind_are_whole() -> None:
    text = f"a{FAMILY}{FLAG_FR}{HEART}{E_ACUTE}中{ENGLAND}"
    assert [text[s:e] for s, e in graphemes(text)] == [
        "a",
        FAMILY,
        FLAG_FR,
        HEART,
        E_ACUTE,
        "中",
        ENGLAND,
    ]


def test_snapping_widens_to_whole_clusters_and_never_splits_one() -> None:
    text = f"x{FAMILY}y{E_ACUTE}z"
    inside_family = 1 + FAMILY.index("\u200d") + 1
    assert snap_to_graphemes(text, inside_family, inside_family + 1) == (1, 1 + len(FAMILY))
    accent = text.index("\u0301")
    assert snap_to_graphemes(text, accent, accent + 1) == (accent - 1, accent + 1)
    assert snap_to_graphemes(text, 0, 1) == (0, 1)
    assert snap_to_graphemes(text, 5, 5) == (1, 1)  # empty stays empty, at a boundary
    assert snap_to_graphemes(text, -3, 999) == (0, len(text))
    assert snap_to_graphemes(text, 3, 1) == (1, 1 + len(FAMILY))


def test_stepping_moves_one_cluster_at_a_time() -> None:
    text = f"{FLAG_FR}{FLAG_FR}{E_ACUTE}"
    assert next_grapheme(text, 0) == 2
    assert next_grapheme(text, 1) == 2  # from inside a flag: the end of that flag
    assert next_grapheme(text, 2) == 4
    assert next_grapheme(text, 4) == 6
    assert next_grapheme(text, 6) == 6
    assert previous_grapheme(text, 6) == 4
    assert previous_grapheme(text, 5) == 2
    assert previous_grapheme(text, 0) == 0


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(0, 300), st.integers(0, 300))
def test_selections_always_fall_on_grapheme_boundaries(text: str, a: int, b: int) -> None:
    boundaries = true_boundaries(text)
    start, end = snap_to_graphemes(text, a, b)
    assert start in boundaries and end in boundaries
    low, high = sorted((min(a, len(text)), min(b, len(text))))
    assert start <= low and (end >= high or low == high)
    assert snap_to_graphemes(text, start, end) == (start, end)
    for offset in range(len(text) + 1):
        assert is_grapheme_boundary(text, offset) == (offset in boundaries)


@settings(max_examples=200, deadline=None)
@given(TEXTS.filter(lambda t: "\n" not in t), st.data())
def test_a_small_window_on_a_long_line_finds_the_same_boundaries(
    text: str, data: st.DataObject
) -> None:
    text = text * 3
    boundaries = sorted(true_boundaries(text))
    offset = data.draw(st.integers(0, len(text)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text_units, "_WINDOW", 16)
        start = grapheme_start(text, offset)
        end = grapheme_end(text, offset)
    assert start == max(b for b in boundaries if b <= offset)
    assert end == min(b for b in boundaries if b >= offset)


def test_a_cluster_longer_than_the_window_is_still_whole() -> None:
    joined = "👍" + "\u200d👍" * 400  # one cluster of 801 code points
    text = "a " + joined + " b"
    assert snap_to_graphemes(text, 500, 501) == (2, 2 + len(joined))
    assert not is_grapheme_boundary(text, 300)


def test_a_long_run_of_flags_pairs_from_its_start_even_far_from_the_offset() -> None:
    text = "x " + FLAG_FR * 400
    offset = 2 + 2 * 300 + 1  # inside the 301st flag
    assert grapheme_start(text, offset) == offset - 1
    assert grapheme_end(text, offset) == offset + 1


# -- words -------------------------------------------------------------------------------


def words_forward(text: str) -> list[str]:
    words, offset = [], 0
    while offset < len(text):
        end = next_word_end(text, offset)
        words.append(text[offset:end].strip(" .,!?。"))
        offset = end
    return [w for w in words if w]


def words_backward(text: str) -> list[str]:
    words, offset = [], len(text)
    while offset > 0:
        start = previous_word_start(text, offset)
        words.append(text[start:offset].strip(" .,!?。"))
        offset = start
    return [w for w in reversed(words) if w]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Don't stop, state-run media.", ["Don't", "stop", "state-run", "media"]),
        ("Россия и Иран.", ["Россия", "и", "Иран"]),
        ("می\u200cخواهم بروم.", ["می\u200cخواهم", "بروم"]),
        ("中国很大。", ["中", "国", "很", "大"]),
        (f"cafe\u0301 {FAMILY} {FLAG_FR}!", ["cafe\u0301", FAMILY, FLAG_FR]),
    ],
)
def test_words_for_extending_a_selection(text: str, words: list[str]) -> None:
    assert words_forward(text) == words
    assert words_backward(text) == words


def test_a_cjk_ideograph_is_a_word_of_its_own() -> None:
    text = "他说中文"
    assert [next_word_end(text, i) for i in range(4)] == [1, 2, 3, 4]
    assert [previous_word_start(text, i) for i in range(1, 5)] == [0, 1, 2, 3]


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(0, 300))
def test_word_moves_land_on_boundaries_and_make_progress(text: str, offset: int) -> None:
    offset = min(offset, len(text))
    boundaries = true_boundaries(text)
    forward = next_word_end(text, offset)
    backward = previous_word_start(text, offset)
    assert forward in boundaries and backward in boundaries
    assert forward >= offset and backward <= offset
    if text[offset:].strip() and forward == offset:
        pytest.fail("next_word_end did not move past remaining text")
    if offset > 0 and backward == offset:
        assert not text[:offset].strip(" \n\t.'-\x1b") or grapheme_start(text, offset) != offset


# -- cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("abc", 3),
        ("中文", 4),
        (FAMILY, 2),
        (FLAG_FR, 2),
        (HEART, 2),
        ("❤", 1),
        (E_ACUTE, 1),
        (ENGLAND, 2),
        ("👍🏽", 2),
        ("روسیه", 5),
        ("\x1b[2J", 4),  # ESC is shown as one symbol
        ("a\nb", 2),
        ("\t", 1),
    ],
)
def test_cell_width(text: str, cells: int) -> None:
    assert cell_width(text) == cells


WHOLE_CLUSTERS = [c for c in CLUSTERS if c not in ("\u0301", "\u200d", "\ufe0f", "🇫", "🇷")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WHOLE_CLUSTERS), max_size=40).map("".join))
def test_cell_width_agrees_with_what_rich_draws(text: str) -> None:
    shown = visible(text, newline=" ")
    assert cell_width(text) == cell_len(shown) - text.count("\n")


def test_broken_clusters_still_take_cells() -> None:
    # A joiner or an accent with nothing to join, half a flag: counted, never negative.
    assert cell_width("\u200d🇫🇷") == 2
    assert cell_width("a\u200db") == 2
    assert cell_width("\u0301") == 0
    assert cell_width("🇫") == 2


def test_tab_stops() -> None:
    assert [tab_stop(x) for x in (0, 1, 7, 8, 9)] == [8, 7, 1, 8, 7]
    assert tab_stop(3, tab_size=4) == 1


# -- display order -----------------------------------------------------------------------


def test_left_to_right_text_is_left_alone() -> None:
    line = "Plain English, 123."
    assert bidi_levels(line) is None
    assert display_line(line) == line
    assert not is_right_to_left(line)


def test_the_simple_scripts_are_one_cell_left_to_right_characters_only() -> None:
    # Text of only these is laid out and drawn without the Unicode-property patterns: so
    # none may be one those patterns single out (wide, combining, format, tab, right to
    # left), over every code point there is.
    special = regex.compile(
        r"[\t\p{Mn}\p{Me}\p{Cf}\p{East_Asian_Width=W}\p{East_Asian_Width=F}"
        r"\p{Bidi_Class=R}\p{Bidi_Class=AL}\p{Bidi_Class=AN}]"
    )
    simple = "".join(chr(c) for c in range(0x110000) if in_simple_scripts(chr(c)))
    assert special.search(simple) is None
    assert in_simple_scripts("Russia and Iran: “Marriage” – Россия, naïve café, 5.5%")
    assert not in_simple_scripts("Tab\there") and not in_simple_scripts("soft\xadhyphen")
    assert not in_simple_scripts(E_ACUTE) and not in_simple_scripts("روسیه")


def test_a_persian_line_is_drawn_right_to_left_with_brackets_mirrored() -> None:
    line = "روسیه (و) ایران 123 abc."
    assert is_right_to_left(line)
    assert display_line(line) == ".abc 123 ناریا (و) هیسور"


def test_an_arabic_phrase_inside_english_is_reversed_in_place() -> None:
    line = "He said مرحبا بك today."
    assert display_line(line) == "He said كب ابحرم today."


def test_combining_marks_stay_on_their_letter_when_reversed() -> None:
    line = "بِسْمِ"  # letters with harakat
    shown = [line[s:e] for s, e, _ in visual_order(line)]
    assert shown == ["مِ", "سْ", "بِ"]


@settings(max_examples=200, deadline=None)
@given(TEXTS.filter(lambda t: "\n" not in t))
def test_display_order_is_a_permutation_of_the_clusters(line: str) -> None:
    order = [(s, e) for s, e, _ in visual_order(line)]
    assert sorted(order) == list(graphemes(line))

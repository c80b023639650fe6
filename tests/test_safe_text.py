"""Untrusted text made visible: every control character becomes one visible symbol."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.document import Document
from annotations.safe_text import is_safe, visible

HOSTILE = Path(__file__).parent / "data" / "documents" / "hostile.txt"
BIDI_CONTROLS = {0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def is_shown(ch: str) -> bool:
    """A character a terminal draws as itself: not a control, not a bidi control."""
    return unicodedata.category(ch) != "Cc" and ord(ch) not in BIDI_CONTROLS


@pytest.mark.parametrize("code", [*range(0x20), 0x7F, *range(0x80, 0xA0)])
def test_every_c0_and_c1_control_and_del_becomes_one_visible_symbol(code: int) -> None:
    ch = chr(code)
    shown = visible(f"a{ch}b")
    if ch == "\n":
        assert shown == "a\nb"
        return
    assert len(shown) == 3 and shown[0] == "a" and shown[2] == "b"
    assert is_shown(shown[1]) and shown[1].isprintable()
    assert not is_safe(ch) or ch == "\t"


def test_c0_controls_show_as_their_control_pictures() -> None:
    assert visible("\x1b[2J\x07\x08\x00\x7f") == "␛[2J␇␈␀␡"
    assert visible("\t") == "␉"


@pytest.mark.parametrize(
    "sequence",
    [
        "\x1b]52;c;cm0gLXJmIH4K\x07",  # OSC 52: write the clipboard
        "\x1b]0;PWNED\x07",  # OSC 0: set the title
        "\x1b]2;PWNED\x1b\\",  # OSC 2 with ST
        "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
        "\x1b[2J\x1b[H",  # CSI clear and home
        "\x1b[?1049h\x1b[?25l",  # alternate screen, hide cursor
        "\x9b2J\x9d0;title\x9c",  # 8-bit CSI, OSC, ST
        "\x1bPq#0\x1b\\",  # DCS
        "\x1bc",  # full reset
    ],
)
def test_escape_sequences_cannot_reach_a_terminal(sequence: str) -> None:
    shown = visible(sequence)
    assert len(shown) == len(sequence)
    assert all(is_shown(ch) for ch in shown)
    assert "\x1b" not in shown and not any(0x80 <= ord(ch) < 0xA0 for ch in shown)


def test_bidi_overrides_and_isolates_are_shown_not_obeyed() -> None:
    text = "\u202egnp.exe\u202c \u2067x\u2069 \u061c \u202a\u202b\u202d\u2066\u2068"
    shown = visible(text)
    assert len(shown) == len(text)
    assert not {ord(ch) for ch in shown} & BIDI_CONTROLS


def test_right_to_left_text_and_joiners_are_left_alone() -> None:
    # ZWNJ is part of Persian spelling; ZWJ and VS16 build emoji; RLM places punctuation.
    for text in ("می\u200cخواهم", "👨\u200d👩\u200d👧", "❤\ufe0f", "\u200fمتن\u200f", "e\u0301"):
        assert visible(text) == text
        assert is_safe(text)


def test_markup_is_not_touched_here_it_is_shown_as_typed_by_the_widgets() -> None:
    text = "[bold]x[/bold] [link=https://e.example]y[/link] [@click=app.quit]z[/]"
    assert visible(text) == text


def test_newlines_and_tabs_can_be_shown_as_one_other_character() -> None:
    assert visible("a\nb\tc", newline="↵", tab=" ") == "a↵b c"
    with pytest.raises(ValueError, match="one character"):
        visible("a\tb", tab="    ")
    with pytest.raises(ValueError, match="one character"):
        visible("a\nb", newline="")


def test_line_and_paragraph_separators_are_made_visible() -> None:
    assert visible("a\u2028b\u2029c") == "a↵b¶c"


def test_the_hostile_document_is_shown_one_for_one_with_nothing_hidden() -> None:
    document = Document.from_path(HOSTILE)
    shown = visible(document.text)
    assert len(shown) == len(document.text)
    assert all(is_shown(ch) or ch == "\n" for ch in shown)
    assert "␛]52;c;cm0gLXJmIH4K␇" in shown
    assert "[@click=app.quit]no quit[/]" in shown
    assert not is_safe(document.text) and is_safe(shown)


@given(st.text())
def test_any_text_keeps_its_length_and_shows_no_control(text: str) -> None:
    shown = visible(text)
    assert len(shown) == len(text)
    assert all(is_shown(ch) or ch == "\n" for ch in shown)
    assert is_safe(shown)
    for before, after in zip(text, shown, strict=True):
        if before != after:
            assert not is_safe(before) or before == "\t"

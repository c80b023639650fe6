"""Untrusted text made visible: every control character becomes one visible symbol."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
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


# -- in a real terminal -----------------------------------------------------------------


class Tmux:
    """A private tmux server running one command in a pane of a fixed size."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *arguments: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *arguments],
            check=True,
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout

    def start(self, command: str, environment: dict[str, str]) -> None:
        exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in environment.items())
        self.run(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "120",
            "-y",
            "30",
            f"env -u COLUMNS -u LINES {exports} {command}",
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on:\n{self.screen()}")

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def tmux_server(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server for one test (skipped where tmux is not installed)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    server = Tmux(f"gloss-test-{os.getpid()}-{tmp_path.name}")
    yield server
    server.stop()


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    yield from tmux_server(tmp_path)


def test_the_hostile_document_in_a_real_terminal_changes_neither_title_nor_screen(
    tmux: Tmux, tmp_path: Path
) -> None:
    gloss = Path(sys.executable).with_name("gloss")
    environment = {"GLOSS_DB": str(tmp_path / "store.json"), "TERM": "xterm-256color"}
    tmux.start(f"{gloss} {HOSTILE}", environment)
    title_before = "gloss-pane"
    tmux.run("select-pane", "-t", "t", "-T", title_before)
    screen = tmux.wait_for("Clipboard write (OSC 52)")
    # Give every escape sequence time to reach the terminal if it were going to.
    time.sleep(1)
    screen = tmux.screen()
    assert "␛]52;c;cm0gLXJmIH4K␇" in screen  # shown, not obeyed
    assert "␛]0;PWNED TITLE␇" in screen
    assert "[bold]not bold[/bold]" in screen
    assert "␛[2J␛[H" in screen
    assert tmux.run("display", "-p", "-t", "t", "#{pane_title}").strip() == title_before
    assert "PWNED" not in tmux.run("display", "-p", "-t", "t", "#{window_name}")
    assert tmux.run("list-buffers") == ""  # no OSC 52 clipboard write got through
    assert tmux.run("display", "-p", "-t", "t", "#{alternate_on}").strip() == "1"
    tmux.run("send-keys", "-t", "t", "G")
    screen = tmux.wait_for("Tabs:")
    assert "Tabs:    one    two    three end." in screen  # tabs expand to the next stop

"""A partial frame writes the same text to the same cells with the empty chops left out."""

from __future__ import annotations

import re

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from tui.terminal_output import (
    TEXTUALS_RENDER_SEGMENTS,
    _render_segments,
    installed_textual_version,
)

PANE, WIDTH = 106, 160
# A cursor move with nothing written after it (before the next move, line or the end).
_IDLE_MOVE = re.compile(r"\x1b\[\d+;\d+H(?=\x1b\[\d+;\d+H|\n|$)")


def reader_frame(spans: list[tuple[int, int, int]]) -> ChopsUpdate:
    """Lines of a reading pane (columns 0–105) beside a panel (106–159)."""
    pane = Style(color="#e0e0e0", bgcolor="#202020")
    panel = Style(bgcolor="#101030")
    chops = [
        {
            0: Strip([Segment(f"line {y}".ljust(PANE), pane)], PANE),
            PANE: Strip([Segment("│", panel), Segment("entry".ljust(WIDTH - PANE - 1), panel)]),
        }
        for y in range(50)
    ]
    return ChopsUpdate(chops, spans, [[PANE, WIDTH] for _ in range(50)])


def test_a_page_of_the_pane_writes_its_lines_and_nothing_for_the_panel_beside_them() -> None:
    console = Console(color_system="truecolor", force_terminal=True)
    # A page down: the pane's 48 lines and the whole status line.
    frame = reader_frame([*((y, 0, PANE) for y in range(48)), (48, 0, WIDTH)])
    textuals = TEXTUALS_RENDER_SEGMENTS(frame, console)
    ours = _render_segments(frame, console)
    assert ours == _IDLE_MOVE.sub("", textuals)
    assert len(_IDLE_MOVE.findall(textuals)) == 48
    assert "line 47" in ours and "entry" in ours  # the status row's span covers the panel


def test_spans_inside_either_widget_write_what_textual_writes() -> None:
    console = Console(color_system="256", force_terminal=True)
    frame = reader_frame([(3, 10, 20), (4, PANE + 2, WIDTH), (5, 100, 120), (6, 0, WIDTH)])
    assert _render_segments(frame, console) == TEXTUALS_RENDER_SEGMENTS(frame, console)


def test_the_textual_version_is_the_one_its_package_metadata_reports() -> None:
    # The patch is installed only on the Textual it copies; the version is read without
    # importlib.metadata at start, and must be the same.
    from importlib.metadata import version

    assert installed_textual_version() == version("textual")

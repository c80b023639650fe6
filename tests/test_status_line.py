"""The status line: the title gives way to the facts, measured in cells, not characters."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from tui.widgets.status_line import StatusLine

FACTS = (("", True), ("¶ 3/26 · 4 annotations · ana · ", False), ("saved", False))


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")


def drawn(line: StatusLine) -> str:
    return "".join(segment.text for segment in line.render_line(0))


@pytest.mark.parametrize(
    "title",
    [
        "Russia and Iran: Marriage of Convenience Will Come to An End",
        "俄罗斯和伊朗：权宜婚姻终将结束，莫斯科和德黑兰即将走到十字路口",
    ],
)
async def test_a_long_title_is_shortened_to_leave_the_facts_whole(title: str) -> None:
    async with Host().run_test(size=(60, 3)) as pilot:
        line = pilot.app.query_one(StatusLine)
        line.show(title, FACTS)
        await pilot.pause()
        shown = drawn(line)
        assert cell_len(shown) == line.size.width
        assert shown.endswith("¶ 3/26 · 4 annotations · ana · saved")
        shown_title = shown.split("  ")[0]
        assert shown_title.endswith("…")
        assert title.startswith(shown_title[:-1].rstrip())


async def test_a_short_title_is_shown_whole_and_an_unchanged_update_draws_nothing() -> None:
    async with Host().run_test(size=(80, 3)) as pilot:
        line = pilot.app.query_one(StatusLine)
        line.show("Report", FACTS)
        await pilot.pause()
        assert drawn(line).startswith("Report  ")
        first = line.render_line(0)
        line.show("Report", FACTS)
        assert line.render_line(0) is first  # nothing was redrawn
        line.show("Report", (("EXTENDING · ", True), *FACTS[1:]))
        assert "EXTENDING · ¶ 3/26" in drawn(line)
        bold = [segment for segment in line.render_line(0) if segment.style and segment.style.bold]
        assert [segment.text for segment in bold] == ["Report", "EXTENDING · "]


def background_of(line: StatusLine) -> object:
    return {segment.style.bgcolor for segment in line.render_line(0) if segment.style}


async def test_a_theme_chosen_while_it_shows_redraws_it_in_the_new_colours() -> None:
    async with Host().run_test(size=(80, 3)) as pilot:
        pilot.app.theme = "textual-light"
        await pilot.pause()
        line = pilot.app.query_one(StatusLine)
        line.show("Report", FACTS)
        await pilot.pause()
        light = background_of(line)
    async with Host().run_test(size=(80, 3)) as pilot:
        line = pilot.app.query_one(StatusLine)
        line.show("Report", FACTS)
        await pilot.pause()
        dark = background_of(line)
        assert dark != light
        pilot.app.theme = "textual-light"
        await pilot.pause()
        assert background_of(line) == light

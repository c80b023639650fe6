"""The tag picker's boxes and the memo's confidence show their state as a glyph, so a
16-colour or NO_COLOR terminal, or an analyst who cannot tell colours apart, reads it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import RadioButton, SelectionList

from tui.app import GlossApp
from tui.widgets.memo_editor import MemoEditor
from tui.widgets.tag_picker import TagPicker

SIZE = (120, 40)


def drawn_lines(widget, count: int) -> list[str]:
    """The text the widget draws on its first `count` lines, colours aside."""
    return ["".join(segment.text for segment in widget.render_line(y)) for y in range(count)]


async def test_the_tag_pickers_boxes_show_which_codes_are_chosen(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r", "1", "t")  # Russia and military already on
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)
        codes = app.screen.query_one(SelectionList)
        lines = drawn_lines(codes, 4)
        assert lines[0].lstrip().startswith("▐X▌ r к ق  R  Russia")
        assert lines[1].lstrip().startswith("▐ ▌ i ш ه  I  Iran")
        assert lines[3].lstrip().startswith("▐X▌ 1 ۱    1  military")
        await pilot.press("down", "space")  # Russia off
        await pilot.pause()
        assert drawn_lines(codes, 1)[0].lstrip().startswith("▐ ▌ r к ق  R  Russia")


async def test_the_confidence_choice_shows_which_is_pressed(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r", "m")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        buttons = list(app.screen.query(RadioButton))

        def drawn() -> list[str]:
            return [button.render().plain.strip() for button in buttons]

        assert drawn() == ["▐●▌ none", "▐ ▌ low", "▐ ▌ moderate", "▐ ▌ high"]
        buttons[3].value = True  # as a click or enter on it does
        await pilot.pause()
        assert drawn() == ["▐ ▌ none", "▐ ▌ low", "▐ ▌ moderate", "▐●▌ high"]

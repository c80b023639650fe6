"""A memo in Persian: typed in logical order and saved so, shown as it reads (right to
left, brackets mirrored, digits in their order) under the editor's field and in the panel."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from annotations.text_units import display_line
from tui.app import GlossApp
from tui.widgets.memo_editor import MemoEditor

SIZE = (120, 40)
MEMO = "ایران (و روسیه) ۱۲ پایگاه"
# As a reader of Persian sees it on a left-to-right terminal: the words right to left,
# the brackets turned, the number ۱۲ still read one-two.
AS_READ = "هاگیاپ ۱۲ (هیسور و) ناریا"


def test_the_memo_as_read_is_the_bidi_display_order() -> None:
    assert display_line(MEMO) == AS_READ


async def test_a_persian_memo_is_saved_as_typed_and_shown_as_read(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r", "m")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        shown = app.screen.query_one("#memo-shown", Static)
        assert not shown.display  # nothing right to left yet
        await pilot.press(*["space" if ch == " " else ch for ch in MEMO])
        await pilot.pause()
        assert shown.display and str(shown.render()).strip() == AS_READ
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [a.memo for a in app.store.annotations()] == [MEMO]
        panel = app.screen.panel
        lines = [panel.render_line(y).text.strip() for y in range(panel.size.height)]
        assert AS_READ in lines

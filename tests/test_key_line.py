"""The reader's key line draws what Textual's Footer drew, as one widget (issue 17).

The reference is Textual's own Footer on the same screen: the key line must look the
same in every theme, at any width, and after the bindings change (focus moving to the
panel); a click on a key presses it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Footer

from tui.app import GlossApp
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.key_line import KeyLine

ARTICLE = "Russia and Iran.\n\nA marriage of convenience.\n"


class _FooterApp(GlossApp):
    """Gloss with Textual's Footer in the reader, where the key line is."""

    CSS_PATH = GlossApp.CSS_PATHS

    def open_reader(self, opened, *, from_library: bool) -> None:
        class WithFooter(self._reader_screen):  # type: ignore[name-defined,misc]
            def compose(self):
                for widget in super().compose():
                    yield Footer() if isinstance(widget, KeyLine) else widget

        self._reader_screen = WithFooter
        super().open_reader(opened, from_library=from_library)


async def _screenshot(app: GlossApp, theme: str, size: tuple[int, int], keys: list[str]) -> str:
    async with app.run_test(size=size) as pilot:
        app.theme = theme
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


@pytest.mark.parametrize(
    ("theme", "size", "keys"),
    [
        ("textual-dark", (160, 50), []),
        ("gloss-high-contrast", (100, 30), []),
        ("solarized-light", (60, 20), []),  # the keys run on under the palette's key
        ("textual-dark", (120, 30), ["tab"]),  # the panel has the focus: its bindings
    ],
)
async def test_the_key_line_looks_as_the_footer_did(
    theme: str, size: tuple[int, int], keys: list[str], tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    ours = GlossApp(paths=[article], db=tmp_path / "a.json", analyst="ana")
    footer = _FooterApp(paths=[article], db=tmp_path / "b.json", analyst="ana")
    assert await _screenshot(ours, theme, size, keys) == await _screenshot(
        footer, theme, size, keys
    )


async def test_a_click_on_a_key_presses_it(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    app = GlossApp(paths=[article], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeyLine)
        text = line.render_line(0).text
        await pilot.click(KeyLine, offset=(text.index("? Help") + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

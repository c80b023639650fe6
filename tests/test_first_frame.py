"""The first frame of the reader already shows the document (start-up, issue 17).

Textual draws a screen's first frame before its widgets have handled their `Resize`;
a view that learnt its size only then drew that frame blank, and the words came a
frame later. These record what the reading pane and the panel draw the first time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.strip import Strip

from tui.app import GlossApp
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.reading_pane import ReadingPane


@pytest.mark.parametrize("widget", [ReadingPane, AnnotationPanel])
async def test_the_first_frame_draws_the_text(
    widget: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Russia and Iran.\n\nA marriage of convenience.\n", encoding="utf-8")
    first: list[str] = []
    drawn = widget.render_lines

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = drawn(self, crop)
        if not first:
            first.extend(strip.text for strip in strips)
        return strips

    monkeypatch.setattr(widget, "render_lines", render_lines)
    app = GlossApp(paths=[article], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    shown = "\n".join(first)
    expected = "A marriage of convenience." if widget is ReadingPane else "No annotations yet"
    assert expected in shown


async def test_the_terminal_telling_its_size_again_lays_nothing_out_again(tmp_path: Path) -> None:
    # Terminals (and Textual's driver as it starts) report the size they have; each report
    # made the reader lay itself out and repaint in full, the same frame again. A report
    # of a new size is laid out as ever.
    article = tmp_path / "article.txt"
    article.write_text("Russia and Iran.\n\nA marriage of convenience.\n", encoding="utf-8")
    app = GlossApp(paths=[article], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        reader = app.screen
        pane = reader.query_one(ReadingPane)
        width = pane.region.width
        layouts: list[object] = []
        reader.screen_layout_refresh_signal.subscribe(reader, layouts.append)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert layouts == []
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert layouts and pane.region.width < width

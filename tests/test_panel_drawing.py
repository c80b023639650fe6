"""The annotation panel's lines as they reach the screen: drawn lines are kept and reused
(by the panel, and framed by its styles cache), and each must still show what it shows
now — its border after the border changed, its highlight after the highlight moved, its
entry after the entry was edited, its width after a resize."""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip

from annotations import Document, Store
from annotations.codebook import Codebook
from tui.app import GlossApp
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_panel import AnnotationPanel

SIZE = (140, 40)


def annotated_store(path: Path, count: int = 30) -> Document:
    """The bundled document with its first `count` sentences annotated, alike."""
    document = Document.bundled()
    with Store(path) as store:
        store.add_document(document)
        for sentence in document.sentences[:count]:
            store.annotate(
                document.id, sentence.start, sentence.end, tags=["actor/iran"], analyst="ana"
            )
    return document


def drawn(panel: AnnotationPanel) -> list[Strip]:
    """The panel's lines as Textual puts them on screen (border and padding included)."""
    return panel.render_lines(Region(0, 0, panel.region.width, panel.region.height))


async def test_a_new_border_is_drawn_on_lines_drawn_before(store_path: Path) -> None:
    # An inline style changes the border without the panel's own lines changing: the
    # lines framed with the old border must not come back.
    annotated_store(store_path)
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(AnnotationPanel)

        def border_colours() -> set[object]:
            return {next(iter(line)).style.color for line in drawn(panel)}

        before = border_colours()
        assert len(before) == 1
        panel.styles.border_left = ("vkey", Color.parse("red"))
        await pilot.pause()
        after = border_colours()
        assert after == {Color.parse("red").rich_color}


def panel_text(panel: AnnotationPanel) -> list[str]:
    return [line.text.rstrip() for line in drawn(panel)]


async def test_an_edited_entry_shows_its_new_memo_and_tags(store_path: Path) -> None:
    document = annotated_store(store_path)
    codebook = Codebook.default()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        panel = reader.query_one(AnnotationPanel)
        sentence = document.sentences[1]
        reader.select_span(sentence.start, sentence.end)
        await pilot.pause()
        before = panel_text(panel)
        target = reader.annotation_under_cursor()
        assert target is not None
        reader._edited(
            lambda: reader.editor.write_memo(target.id, reader.selection, "A new memo.", None)
        )
        reader._edited(lambda: reader.editor.set_tags(reader.selection, ("actor/russia",)))
        await pilot.pause()
        after = panel_text(panel)
        assert any("A new memo." in line for line in after)
        assert not any("A new memo." in line for line in before)
        chip = f" {codebook.marker('actor/russia')} {codebook.code('actor/russia').label} "
        assert sum(chip in line for line in before) == 0
        assert sum(chip in line for line in after) == 1


async def test_the_highlight_follows_the_cursor_and_leaves_no_entry_behind(
    store_path: Path,
) -> None:
    # Every entry's rows are alike but for the quote: a line drawn highlighted must not
    # come back for an entry that is no longer the cursor's, on the screen or after a
    # scroll away and back.
    document = annotated_store(store_path)
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        panel = reader.query_one(AnnotationPanel)
        highlighted = panel.cached_style("annotation-panel--highlighted").bgcolor

        chip = Codebook.default().color("actor/iran")

        def highlighted_entries() -> set[int]:
            """The entries whose rows are drawn highlighted: each cell but the border's,
            the padding's, the chips' and the scrollbar's on the highlight's colour."""
            entries = set()
            for y, line in enumerate(drawn(panel)):
                cells = [
                    segment.style.bgcolor
                    for segment in list(line)[2:-1]
                    if segment.style and segment.style.bgcolor != Color.parse(chip).rich_color
                ]
                if highlighted in cells:
                    assert set(cells) == {highlighted}, f"line {y} partly highlighted"
                    entries.add(bisect_right(panel._tops, panel.top_line + y) - 1)
            return entries

        for number in (0, 1, 2, 1, 5, 20, 3):
            sentence = document.sentences[number]
            reader.select_span(sentence.start, sentence.end)
            await pilot.pause()
            assert highlighted_entries() == {number}
        panel.scroll_to_line(panel.last_top_line)
        await pilot.pause()
        panel.scroll_to_line(0)
        await pilot.pause()
        assert highlighted_entries() == {3}


async def test_a_resized_panel_draws_its_lines_at_the_new_width(store_path: Path) -> None:
    annotated_store(store_path)
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(AnnotationPanel)
        wide = drawn(panel)
        await pilot.press("minus", "minus")
        await pilot.pause()
        narrow = drawn(panel)
        assert {line.cell_length for line in narrow} == {panel.region.width}
        assert panel.region.width < wide[0].cell_length
        # The scrollbar is the last cell of every line, at either width.
        bar = {
            panel.cached_style(f"scrolling-lines--{part}").bgcolor for part in ("track", "thumb")
        }
        assert {list(line)[-1].style.bgcolor for line in narrow} <= bar
        await pilot.press("plus", "plus")
        await pilot.pause()
        again = drawn(panel)
        assert [list(line) for line in again] == [list(line) for line in wide]
        assert {list(line)[-1].style.bgcolor for line in again} <= bar

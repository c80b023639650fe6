"""A book-length document: at its far end the cursor, highlights, selection and tags are exact.

No timings here (they live in benchmarks/bench_reader.py); these check that the lazy line
index and the background loading lose no accuracy at size.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest
from book_support import open_reader
from textual.events import MouseScrollDown, MouseScrollUp
from textual.strip import Strip

from annotations import Annotation, Document, Store
from tui.app import GlossApp, LoadingScreen
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.reading_pane import STRIP_CACHE_LINES, ReadingPane

SIZE = (160, 50)


def drawn(pane: ReadingPane, line_y: int) -> Strip:
    """What the pane draws for document line `line_y`, which must be on screen."""
    assert pane.top_line <= line_y < pane.top_line + pane.size.height
    return pane.render_line(line_y - pane.top_line)


def shown_text(pane: ReadingPane, line_y: int) -> str:
    """The text drawn on document line `line_y`, without the paragraph-number gutter."""
    return "".join(segment.text for segment in drawn(pane, line_y))[pane._gutter_width :].rstrip()


async def test_end_of_a_5_mb_document_is_exact(book: Path, tmp_path: Path) -> None:
    document = Document.from_path(book)
    assert len(document.text) > 4_900_000
    app = GlossApp(paths=[book], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        await pilot.press("G")
        last = document.sentences_in(len(document.paragraphs) - 1)[-1]
        assert reader.selection == (last.start, last.end)
        assert document.text[last.start : last.end] == "Helpful keywords"

        # Two paragraphs up, extend over two sentences and tag: the span is exact.
        await pilot.press("K", "K", "K")
        paragraph = document.paragraph_index(reader.selection[0])
        first, second = document.sentences_in(paragraph)[:2]
        assert reader.selection == (first.start, first.end)
        await pilot.press("v", "j", "r", "7")
        [annotation] = reader.annotations
        assert (annotation.start, annotation.end) == (first.start, second.end)
        assert annotation.quote == document.text[first.start : second.end]
        assert annotation.quote.startswith("Moscow sees its military intervention")
        assert annotation.tags == ("actor/russia", "interest/leverage")

        # What is drawn there is the document's text, and the tagged part is tinted.
        pane = reader.query_one(ReadingPane)
        layout = pane.layout_index
        line_y = pane.line_of(first.start)
        line = layout.line_at(line_y)
        assert line is not None and line.start == document.paragraphs[paragraph].start
        assert shown_text(pane, line_y) == document.text[line.start : line.end].rstrip()
        await pilot.press("j")  # move the cursor away so only the tint remains
        strip = drawn(pane, line_y)
        backgrounds = {segment.style.bgcolor for segment in strip if segment.text.strip()}
        assert len(backgrounds - {pane.rich_style.bgcolor}) >= 1

        # Every screen line from the top of the view covers the text without gaps.
        top = pane.top_line
        lines = [layout.line_at(y) for y in range(top, top + 48)]
        covered = [item for item in lines if item is not None]
        for before, after in itertools.pairwise(covered):
            if before.paragraph == after.paragraph:
                assert before.end == after.start

    with Store(tmp_path / "s.json", read_only=True) as store:
        [saved] = store.annotations()
        assert (saved.start, saved.end) == (first.start, second.end)


async def test_page_down_through_the_whole_book_keeps_the_cursor_on_screen(
    book: Path, tmp_path: Path
) -> None:
    app = GlossApp(paths=[book], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        pane = reader.query_one(ReadingPane)
        for _ in range(30):
            await pilot.press("pagedown")
            cursor_line = pane.line_of(reader.selection[0])
            assert pane.top_line <= cursor_line < pane.top_line + pane.size.height
        await pilot.press("pageup")
        cursor_line = pane.line_of(reader.selection[0])
        assert pane.top_line <= cursor_line < pane.top_line + pane.size.height


@pytest.mark.parametrize("kind", ["one 1 MB line", "200,000 one-word lines"])
async def test_extreme_shapes_open_and_reach_the_end(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "extreme.txt"
    if kind == "one 1 MB line":
        text = ("Moscow and Tehran pull apart " * 40_000)[:1_000_000].rstrip() + " end."
    else:
        text = "\n".join(f"word{i}" for i in range(200_000))
    path.write_text(text, encoding="utf-8")
    document = Document.from_path(path)
    app = GlossApp(paths=[path], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        await pilot.press("pagedown", "pagedown", "G")
        last_paragraph = len(document.paragraphs) - 1
        last = document.sentences_in(last_paragraph)[-1]
        assert reader.selection == (last.start, last.end)
        await pilot.press("x")
        [annotation] = reader.annotations
        assert annotation.quote == document.text[last.start : last.end]
        pane = reader.query_one(ReadingPane)
        last_line = pane.line_of(last.end - 1)
        pane.scroll_to_line(last_line)  # a 1 MB sentence is shown from its start
        await pilot.pause()
        assert pane.top_line == pane.last_top_line
        assert shown_text(pane, last_line).endswith(document.text[last.end - 4 : last.end])


async def test_the_scrollbar_shows_where_the_view_is_and_the_mouse_moves_it(
    book: Path, tmp_path: Path
) -> None:
    app = GlossApp(paths=[book], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        pane = reader.query_one(ReadingPane)
        height = pane.size.height
        thumb = pane.cached_style("scrolling-lines--thumb").bgcolor
        track = pane.cached_style("scrolling-lines--track").bgcolor
        assert thumb != track

        def thumb_rows() -> list[int]:
            cells = [list(pane.render_line(y))[-1] for y in range(height)]
            assert all(cell.cell_length == 1 for cell in cells)
            assert {cell.style.bgcolor for cell in cells} == {thumb, track}
            return [y for y, cell in enumerate(cells) if cell.style.bgcolor == thumb]

        # A 5 MB book is thousands of pages: the thumb is one cell, at the top.
        assert thumb_rows() == [0]
        await pilot.press("G")
        assert thumb_rows() == [height - 1]

        # The wheel scrolls the view and leaves the cursor where it is.
        await pilot.press("g")
        selection = reader.selection
        await pilot._post_mouse_events([MouseScrollDown], ReadingPane, offset=(10, 10))
        await pilot._post_mouse_events([MouseScrollDown], ReadingPane, offset=(10, 10))
        assert pane.top_line == 6
        assert reader.selection == selection
        await pilot._post_mouse_events([MouseScrollUp], ReadingPane, offset=(10, 10))
        assert pane.top_line == 3

        # A click on the bar jumps to that share of the document.
        await pilot.click(ReadingPane, offset=(pane.size.width - 1, height // 2))
        middle = pane.last_top_line // 2
        assert abs(pane.top_line - middle) < pane.last_top_line // height
        assert reader.selection == selection

        # Another theme, other colours: the bar is drawn in the new ones.
        pilot.app.theme = "textual-light"
        await pilot.pause()
        new_thumb = pane.cached_style("scrolling-lines--thumb").bgcolor
        assert new_thumb != thumb
        cells = [list(pane.render_line(y))[-1].style.bgcolor for y in range(height)]
        assert new_thumb in cells and thumb not in cells


async def test_a_short_document_has_no_scrollbar(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("Moscow and Tehran.\n\nThey differ.\n", encoding="utf-8")
    app = GlossApp(paths=[path], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        pane = reader.query_one(ReadingPane)
        background = pane.rich_style.bgcolor
        cells = [list(pane.render_line(y))[-1] for y in range(pane.size.height)]
        assert {cell.style.bgcolor for cell in cells} == {background}
        await pilot._post_mouse_events([MouseScrollDown], ReadingPane, offset=(10, 10))
        assert pane.top_line == 0


async def test_the_panel_follows_the_cursor_through_many_annotations(
    book: Path, tmp_path: Path
) -> None:
    document = Document.from_path(book)
    db = tmp_path / "s.json"
    sentences = document.sentences[:: max(1, len(document.sentences) // 400)]
    with Store(db) as store:
        store.add_document(document)
        for sentence in sentences:
            store.put(
                Annotation.create(
                    document=document.id,
                    text=document.text,
                    start=sentence.start,
                    end=sentence.end,
                    tags=("actor/iran",),
                    analyst="ana",
                )
            )
    app = GlossApp(paths=[book], db=db, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        panel = reader.query_one(AnnotationPanel)
        assert len(panel.annotations) == len(sentences)
        thumb = panel.cached_style("scrolling-lines--thumb").bgcolor

        def entry_in_view(index: int) -> bool:
            top = panel.entry_line(index)
            return panel.top_line <= top and top + 2 < panel.top_line + panel.view_height

        for _ in range(3):
            await pilot.press("right_square_bracket")  # the next annotation
        assert panel.highlighted is not None and entry_in_view(panel.highlighted)
        await pilot.press("G")
        await pilot.press("left_square_bracket")  # the last annotation, at the far end
        assert panel.highlighted == len(sentences) - 1
        assert entry_in_view(panel.highlighted)
        assert panel.top_line == panel.last_top_line
        last_cell = list(panel.render_line(panel.view_height - 1))[-1]
        assert last_cell.style.bgcolor == thumb


async def test_paging_through_a_book_leaves_no_line_for_the_garbage_collector(
    book: Path, tmp_path: Path
) -> None:
    """Every line the compositor paints is divided at its own width, which Textual's
    `Strip` caches as `[self]`: a cycle only the collector frees. The pane's and the
    panel's lines do not keep themselves, and are freed as their caches let them go."""
    import gc

    document = Document.from_path(book)
    db = tmp_path / "s.json"
    with Store(db) as store:
        store.add_document(document)
        for sentence in document.sentences[:2000:5]:
            store.put(
                Annotation.create(
                    document=document.id,
                    text=document.text,
                    start=sentence.start,
                    end=sentence.end,
                    tags=("actor/iran",),
                    analyst="ana",
                )
            )
    app = GlossApp(paths=[book], db=db, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        pane = reader.query_one(ReadingPane)
        panel = reader.query_one(AnnotationPanel)
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept, to be looked at
        try:
            # Past what the pane's and the panel's caches of lines hold.
            for _ in range(12):
                await pilot.press("pagedown")
                await pilot.pause()
            gc.collect()
            left = [o for o in gc.garbage if isinstance(o, Strip)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert pane.top_line > 2 * STRIP_CACHE_LINES
        assert panel.top_line > 0
        widths = {pane.size.width, panel.size.width}
        assert [s.cell_length for s in left if s.cell_length in widths] == []


async def test_keys_typed_while_a_book_loads_reach_the_reader(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = Document.from_path(book)
    # Read in a thread (as a book larger than this one is), with the loading screen at
    # once, however quickly the book opens on this machine.
    monkeypatch.setattr(GlossApp, "BACKGROUND_OPEN_BYTES", 1_000_000)
    monkeypatch.setattr(GlossApp, "LOADING_SCREEN_AFTER", 0.0)
    app = GlossApp(paths=[book], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoadingScreen)  # the keys come while it is up
        await pilot.press("G", "k", "r")  # to the end, one sentence back, tag it Russia
        reader = await open_reader(pilot)
        await pilot.pause()
        last_paragraph = len(document.paragraphs) - 1
        previous = document.sentences_in(last_paragraph - 1)[-1]
        assert reader.selection == (previous.start, previous.end)
        [annotation] = reader.annotations
        assert (annotation.start, annotation.end, annotation.tags) == (
            previous.start,
            previous.end,
            ("actor/russia",),
        )


async def test_a_book_that_opens_quickly_shows_no_loading_screen(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large file is read in a thread, but the loading screen goes up only when that
    takes a while: one that opens within `LOADING_SCREEN_AFTER` (here, however long it
    takes) is read from the first screen on, which shows its words."""
    with Store(tmp_path / "s.json") as store:
        store.add_document(Document.from_path(book))  # known: a reopen, as most are
    monkeypatch.setattr(GlossApp, "BACKGROUND_OPEN_BYTES", 1_000_000)  # in a thread
    monkeypatch.setattr(GlossApp, "LOADING_SCREEN_AFTER", 60.0, raising=False)
    app = GlossApp(paths=[book], db=tmp_path / "s.json", analyst="ana")
    shown: set[str] = set()

    def note_the_screen(message: object) -> None:
        if app.screen_stack:
            shown.add(type(app.screen_stack[-1]).__name__)

    async with app.run_test(size=SIZE, message_hook=note_the_screen) as pilot:
        await pilot.pause()
        assert "LoadingScreen" not in shown
        reader = await open_reader(pilot)
        assert reader.document.text == book.read_text(encoding="utf-8")
        pane = reader.query_one(ReadingPane)
        assert "Marriage of Convenience" in "".join(
            shown_text(pane, y) for y in range(pane.top_line, pane.top_line + 5)
        )


async def test_a_book_under_the_background_size_is_read_before_the_first_screen(
    book: Path, tmp_path: Path
) -> None:
    """A 5 MB book is read before anything is drawn, and its reader is the first screen:
    no other screen is styled and drawn under it first, and none shows before it."""
    app = GlossApp(paths=[book], db=tmp_path / "s.json", analyst="ana")
    shown: set[str] = set()

    def note_the_screens(message: object) -> None:
        shown.update(type(screen).__name__ for screen in app.screen_stack)

    async with app.run_test(size=SIZE, message_hook=note_the_screens) as pilot:
        await pilot.pause()
        assert shown == {"ReaderScreen"}
        [reader] = app.screen_stack
        pane = reader.query_one(ReadingPane)
        assert pane.has_focus
        assert "Marriage of Convenience" in "".join(
            shown_text(pane, y) for y in range(pane.top_line, pane.top_line + 5)
        )
        await pilot.press("G", "k", "r")  # the reader answers: to the end, back one, tag it
        await pilot.pause()
        [annotation] = reader.annotations
        assert annotation.tags == ("actor/russia",)
    with Store(tmp_path / "s.json") as store:  # saved, and the library knows it was read
        assert [a.tags for a in store.annotations()] == [("actor/russia",)]


async def test_the_app_answers_while_a_large_file_opens_and_keeps_the_keys_for_the_reader(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open runs in its thread while the event loop goes on (it was held for up to
    `LOADING_SCREEN_AFTER`): keys typed before any loading screen is up reach the reader."""
    document = Document.from_path(book)
    monkeypatch.setattr(GlossApp, "BACKGROUND_OPEN_BYTES", 1_000_000)  # in a thread
    monkeypatch.setattr(GlossApp, "LOADING_SCREEN_AFTER", 5.0)
    may_open = threading.Event()
    real_open = GlossApp._open

    def open_when_allowed(app: GlossApp):
        assert may_open.wait(30)
        return real_open(app)

    monkeypatch.setattr(GlossApp, "_open", open_when_allowed)
    app = GlossApp(paths=[book], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "k")  # to the end, one sentence back, while it opens
        assert not isinstance(app.screen, LoadingScreen)  # not up yet, and the app answered
        may_open.set()
        reader = await open_reader(pilot)
        await pilot.pause()
        previous = document.sentences_in(len(document.paragraphs) - 2)[-1]
        assert reader.selection == (previous.start, previous.end)

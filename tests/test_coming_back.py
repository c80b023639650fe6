"""Coming back: each analyst reopens a document on the selection they last made in it,
the analysis screen opens on the cell last opened, and a jump to a quote keeps a few
lines of the text before it in view."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from annotations import Document, Store
from tui.app import GlossApp
from tui.screens.analysis import AnalysisScreen, QuotesScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.reading_pane import CONTEXT_LINES

SIZE = (120, 30)


def reader(app: GlossApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def lines_above(screen: ReaderScreen) -> int:
    """How many lines of the pane are above the selection's first line."""
    pane = screen.pane
    return pane.line_of(screen.selection[0]) - pane.top_line


async def test_each_analyst_comes_back_to_their_own_last_selection(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("J", "J", "J", "J", "j", "right_parenthesis", "v", "w")
        chosen = reader(app).selection
        await pilot.press("q")  # quitting saves where ana was
    text = Document.bundled().text
    again = GlossApp(db=store_path, analyst="ana")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = reader(again)
        assert screen.selection == chosen
        assert not screen.cursor.extending
        assert 0 < lines_above(screen) <= CONTEXT_LINES  # in view, with what leads to it
        await pilot.press("j")
        moved = screen.selection
    with Store(store_path, read_only=True) as store:
        document = store.documents()[0]
    other = GlossApp(db=store_path, analyst="ben")
    async with other.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = document.sentences[0]
        assert reader(other).selection == (first.start, first.end)
    third = GlossApp(db=store_path, analyst="ana")
    async with third.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader(third).selection == moved
        assert text[slice(*moved)]


async def test_a_place_past_the_end_of_a_changed_text_is_not_restored(store_path: Path) -> None:
    short = store_path.parent / "short.txt"
    short.write_text("One sentence. Another one.\n", encoding="utf-8")
    with Store(store_path) as store:
        document = store.add_document(Document.from_path(short))
        store.put_side_records("workspaces", {"ana": {"selections": {document.id: [5, 9999]}}})
    app = GlossApp(paths=[short], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader(app).selection == (0, len("One sentence."))


async def test_jumping_to_an_annotation_keeps_lines_above_it(store_path: Path) -> None:
    document = Document.bundled()
    far = document.sentences[-8]
    with Store(store_path) as store:
        store.add_document(document)
        store.annotate(document.id, far.start, far.end, tags=["actor/iran"], analyst="ana")
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket")  # ] to the next annotation, far below
        screen = reader(app)
        assert screen.selection == (far.start, far.end)
        assert lines_above(screen) == CONTEXT_LINES
        await pilot.press("g")
        await pilot.click(AnnotationPanel, offset=(4, 1))  # its entry in the panel
        await pilot.pause()
        assert screen.selection == (far.start, far.end)
        assert lines_above(screen) == CONTEXT_LINES


async def test_the_analysis_screen_opens_on_the_cell_last_opened(store_path: Path) -> None:
    document = Document.bundled()
    s = document.sentences
    with Store(store_path) as store:
        store.add_document(document)
        store.annotate(document.id, s[4].start, s[4].end, tags=["actor/iran", "interest/society"])
        store.annotate(document.id, s[30].start, s[30].end, tags=["actor/iran", "interest/society"])
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("down", "down", "right", "enter")  # society × Iran
        await pilot.pause()
        assert isinstance(app.screen, QuotesScreen)
        await pilot.press("j", "enter")  # the second quote, far down the article
        await pilot.pause()
        screen = reader(app)
        assert screen.selection == (s[30].start, s[30].end)
        assert lines_above(screen) == CONTEXT_LINES
    again = GlossApp(db=store_path, analyst="ana")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        analysis = again.screen
        assert isinstance(analysis, AnalysisScreen)
        await pilot.pause()  # the tabs mounted
        assert analysis.query_one("#analysis-matrix", DataTable).cursor_coordinate == (2, 1)

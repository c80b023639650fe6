"""The reader shows what the store holds and what the cursor is, after every key."""

from __future__ import annotations

import json
from pathlib import Path

from annotations import Store
from tui.app import GlossApp
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.status_line import StatusLine

SIZE = (120, 40)


def reader(app: GlossApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


async def test_undoing_a_reattach_shows_only_this_versions_annotations(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.txt"
    store_file = tmp_path / "s.json"
    path.write_text("Kept here.\n\nCut later.\n\nAlso kept.\n", encoding="utf-8")
    app = GlossApp([path], db=store_file, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "j", "i", "j", "1")  # three annotations, one a paragraph
    path.write_text("Kept here.\n\nSomething new.\n\nAlso kept.\n", encoding="utf-8")
    app = GlossApp([path], db=store_file, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = reader(app)
        await pilot.press("j", "o")  # "Something new." and the orphan picker
        await pilot.pause()
        await pilot.press("enter")  # re-attach the one orphan to it
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        assert len(panel.annotations) == 3
        await pilot.press("u")
        await pilot.pause()
        in_store = app.store.annotations(screen.document.id)
        assert len(in_store) == 2
        assert [a.span for a in panel.annotations] == [a.span for a in in_store]
        assert "2 annotations" in screen.query_one(StatusLine).text
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(panel.annotations) == 3
    with Store(store_file, read_only=True) as store:
        [new] = [d for d in store.documents() if "Something new" in d.text]
        assert len(store.annotations(new.id)) == 3


async def test_moving_in_the_panel_ends_extending_in_the_status_line_too(
    store_path: Path,
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "j", "j", "i", "k", "k")  # two annotations, the cursor back
        await pilot.press("v")
        status = app.screen.query_one(StatusLine)
        assert "EXTENDING" in status.text
        await pilot.press("tab", "j", "k")
        await pilot.pause()
        assert "EXTENDING" not in status.text
        # And the next key in the text moves from the entry's span, not extending.
        await pilot.press("tab", "j")
        assert "EXTENDING" not in status.text


async def export_current_filter(app: GlossApp, pilot, target: Path) -> None:
    """ctrl+e, json, the scope "current filter", the file, enter."""
    await pilot.press("ctrl+e")
    await pilot.pause()
    await pilot.press("down", "down", "tab", "down", "down")
    assert "current filter" in str(app.screen.query_one("#export-scope").highlighted_option.prompt)
    app.screen.query_one("#export-path").value = str(target)
    await pilot.pause()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def set_filter(pilot, query: str) -> None:
    await pilot.press("f", *(c if c != " " else "space" for c in query), "enter")
    await pilot.pause()


async def test_the_export_dialog_exports_exactly_what_the_filter_shows(
    store_path: Path, tmp_path: Path
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        sentences = screen.document.sentences
        # Russia on a sentence with "Moscow" and on one without; Iran on one with it.
        with_moscow = [s for s in sentences if "Moscow" in screen.document.text[s.start : s.end]]
        without = [s for s in sentences if "Moscow" not in screen.document.text[s.start : s.end]]
        for span, key in ((with_moscow[0], "r"), (without[3], "r"), (with_moscow[1], "i")):
            screen.select_span(span.start, span.end)
            await pilot.press(key)
        await set_filter(pilot, "r moscow")
        panel = screen.query_one(AnnotationPanel)
        assert [a.span for a in panel.annotations] == [(with_moscow[0].start, with_moscow[0].end)]
        await export_current_filter(app, pilot, tmp_path / "tag-and-word.json")
        # A filter of words alone is a filter too.
        await set_filter(pilot, "moscow")
        assert len(panel.annotations) == 2
        await export_current_filter(app, pilot, tmp_path / "word.json")
    exported = json.loads((tmp_path / "tag-and-word.json").read_bytes())["annotations"]
    assert [(a["start"], a["end"]) for a in exported] == [
        (with_moscow[0].start, with_moscow[0].end)
    ]
    exported = json.loads((tmp_path / "word.json").read_bytes())["annotations"]
    assert len(exported) == 2 and all("Moscow" in a["quote"] for a in exported)

"""The export dialog from the reader: it offers the file last written in each format, and
asks before it replaces a file (enter keeps it; only y replaces it)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from annotations import Document, Store
from tui.app import GlossApp
from tui.screens.export_dialog import ExportDialog
from tui.widgets.overwrite_confirm import OverwriteConfirm

SIZE = (120, 40)


def seeded(store_path: Path) -> Document:
    document = Document.bundled()
    with Store(store_path) as store:
        store.add_document(document)
        first = document.sentences[2]
        store.annotate(document.id, first.start, first.end, tags=["actor/russia"], analyst="ana")
    return document


async def open_dialog(pilot) -> ExportDialog:
    await pilot.press("ctrl+e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportDialog)
    return pilot.app.screen


def path_field(pilot) -> Input:
    return pilot.app.screen.query_one("#export-path", Input)


async def export(pilot) -> None:
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_dialog_offers_the_file_last_written_in_each_format(
    store_path: Path, tmp_path: Path
) -> None:
    seeded(store_path)
    notes = tmp_path / "notes" / "syria.md"
    notes.parent.mkdir()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        path_field(pilot).value = str(notes)
        await export(pilot)
        assert notes.is_file()
    again = GlossApp(db=store_path, analyst="ana")
    async with again.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        assert path_field(pilot).value == str(notes)  # md: the file itself
        await pilot.press("down")  # csv, never written: its default name, in that folder
        await pilot.pause()
        offered = Path(path_field(pilot).value)
        assert offered.parent == notes.parent and offered.suffix == ".csv"
        await pilot.press("up")
        await pilot.pause()
        assert path_field(pilot).value == str(notes)
    other = GlossApp(db=store_path, analyst="ben")
    async with other.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        assert path_field(pilot).value.startswith("~")  # ben's own memory: none yet


async def test_an_existing_file_is_replaced_only_after_y(store_path: Path, tmp_path: Path) -> None:
    seeded(store_path)
    target = tmp_path / "notes.md"
    target.write_text("an analyst's own notes\n", encoding="utf-8")
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        path_field(pilot).value = str(target)
        await export(pilot)
        assert isinstance(app.screen, OverwriteConfirm)
        await export(pilot)  # enter: No, the default
        assert app.screen is dialog
        assert target.read_text(encoding="utf-8") == "an analyst's own notes\n"
        assert "kept" in str(dialog.query_one("#export-error", Static).render())
        await export(pilot)
        assert isinstance(app.screen, OverwriteConfirm)
        await pilot.press("escape")  # No as well
        await pilot.pause()
        assert app.screen is dialog
        assert target.read_text(encoding="utf-8") == "an analyst's own notes\n"
        await export(pilot)
        await pilot.press("y")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, (ExportDialog, OverwriteConfirm))
    assert target.read_text(encoding="utf-8").startswith("# Annotated notes: ")

"""The export dialog, driven from the keyboard in a minimal app, as the reader will host it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_export_support import hostile_annotations, hostile_document
from textual.app import App
from textual.widgets import Input, Static

from annotations import Codebook, Document, Store
from tui.app import GlossApp
from tui.screens.export_dialog import ExportDialog
from tui.widgets.filter_prompt import PanelFilter


class Host(App[None]):
    """Pushes the dialog on mount and keeps what it dismissed with."""

    CSS_PATH = GlossApp.CSS_PATHS  # styled as in Gloss

    def __init__(self, dialog: ExportDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Path | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


@pytest.fixture
def store(store_path: Path):
    document = hostile_document()
    with Store(store_path) as opened:
        opened.add_document(document)
        for annotation in hostile_annotations(document):
            opened.put(annotation)
        other = opened.add_document(Document.from_text("Other text.\n", title="Other"))
        opened.annotate(other.id, 0, 5, tags=["actor/iran"], analyst="ana")
        yield opened


async def export(pilot) -> None:
    """Press enter and wait for the export's thread and the dialog's answer."""
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def set_path(pilot, path: Path) -> None:
    field = pilot.app.screen.query_one("#export-path", Input)
    field.value = str(path)
    await pilot.pause()


async def test_enter_exports_the_document_as_markdown_by_default(store, tmp_path: Path) -> None:
    dialog = ExportDialog(store, Codebook.default(), hostile_document().id)
    app = Host(dialog)
    async with app.run_test() as pilot:
        default = app.screen.query_one("#export-path", Input).value
        assert default.startswith("~/gloss-i-hostile-i-title") and default.endswith(".md")
        target = tmp_path / "notes.md"
        await set_path(pilot, target)
        await export(pilot)
    assert app.results == [target]
    assert target.read_text(encoding="utf-8").startswith("# Annotated notes: ")


async def test_keys_choose_format_and_scope(store, tmp_path: Path) -> None:
    dialog = ExportDialog(store, Codebook.default(), hostile_document().id)
    app = Host(dialog)
    async with app.run_test() as pilot:
        # Format list has focus: down twice is json; the file's extension follows.
        await pilot.press("down", "down")
        path_field = app.screen.query_one("#export-path", Input)
        assert path_field.value.endswith(".json")
        await pilot.press("tab", "down")  # scope: all documents
        await set_path(pilot, tmp_path / "all.json")
        await export(pilot)
    assert app.results == [tmp_path / "all.json"]
    data = json.loads((tmp_path / "all.json").read_bytes())
    assert len(data["documents"]) == 2 and len(data["annotations"]) == 11


async def test_current_filter_scope_narrows_to_the_filter(store, tmp_path: Path) -> None:
    dialog = ExportDialog(
        store,
        Codebook.default(),
        hostile_document().id,
        PanelFilter.parse("iran", Codebook.default()),
    )
    app = Host(dialog)
    async with app.run_test() as pilot:
        await pilot.press("down", "down", "tab", "down", "down")  # json, current filter
        await set_path(pilot, tmp_path / "filtered.json")
        await export(pilot)
    data = json.loads((tmp_path / "filtered.json").read_bytes())
    assert len(data["annotations"]) == 3
    assert all("actor/iran" in a["tags"] for a in data["annotations"])


async def test_the_filter_scope_is_disabled_without_a_filter(store) -> None:
    app = Host(ExportDialog(store, Codebook.default(), hostile_document().id))
    async with app.run_test() as pilot:
        await pilot.press("tab", "down", "down", "down")
        assert app.screen.chosen_scope == "all"


async def test_escape_cancels_and_writes_nothing(store, tmp_path: Path) -> None:
    app = Host(ExportDialog(store, Codebook.default(), hostile_document().id))
    async with app.run_test() as pilot:
        await set_path(pilot, tmp_path / "never.md")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
    assert not (tmp_path / "never.md").exists()


async def test_an_unwritable_path_keeps_the_dialog_open_with_the_reason(store, tmp_path) -> None:
    app = Host(ExportDialog(store, Codebook.default(), hostile_document().id))
    async with app.run_test() as pilot:
        await set_path(pilot, tmp_path / "no-such-folder" / "notes.md")
        await export(pilot)
        assert isinstance(app.screen, ExportDialog)
        error = str(app.screen.query_one("#export-error", Static).render())
        assert "cannot write (no folder" in error
        await set_path(pilot, tmp_path / "notes.md")
        await export(pilot)
    assert app.results == [tmp_path / "notes.md"]


async def test_qdpx_from_the_dialog_is_a_zip(store, tmp_path: Path) -> None:
    app = Host(ExportDialog(store, Codebook.default(), hostile_document().id))
    async with app.run_test() as pilot:
        await pilot.press("end")  # the last format: qdpx
        assert app.screen.query_one("#export-path", Input).value.endswith(".qdpx")
        await set_path(pilot, tmp_path / "project.qdpx")
        await export(pilot)
    assert (tmp_path / "project.qdpx").read_bytes()[:2] == b"PK"


async def test_typing_in_the_file_field_replaces_the_path(store, tmp_path: Path) -> None:
    app = Host(ExportDialog(store, Codebook.default(), hostile_document().id))
    async with app.run_test() as pilot:
        await pilot.press("down", "down", "down", "down")  # html: the extension grows
        await pilot.press("tab", "tab")  # to the file field, its text selected
        target = tmp_path / "typed.html"
        await pilot.press(*str(target))
        await export(pilot)
    assert app.results == [target]
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

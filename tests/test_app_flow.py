"""The app around the reader: library, export dialog, other copies, failed saves."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from annotations import Document, Store
from annotations import journal as journal_module
from annotations.store import StoreSaveError
from tui.app import GlossApp
from tui.screens.export_dialog import ExportDialog
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen

SIZE = (120, 40)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_several_files_open_the_library_and_escape_returns_to_it(tmp_path: Path) -> None:
    first = write(tmp_path, "a.txt", "Alpha report.\n\nIt has two paragraphs.\n")
    second = write(tmp_path, "b.txt", "Beta report.\n\nMoscow and Tehran.\n")
    app = GlossApp(paths=[first, second], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        titles = {app.store.document(i).title for i in app.screen.shown_ids}
        assert titles == {"Alpha report.", "Beta report."}
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        opened = app.screen.document.title
        await pilot.press("r")  # tag the first sentence
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        line = next(line for line in app.screen.lines if line.title == opened)
        assert line.annotations == 1 and line.last_opened


async def test_a_folder_opens_its_text_files(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    write(folder, "one.md", "One.\n")
    write(folder, "two.txt", "Two.\n")
    write(folder, "skip.png", "not text")
    app = GlossApp(paths=[folder], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert len(app.screen.shown_ids) == 2


async def test_no_path_with_several_stored_documents_opens_the_library(tmp_path: Path) -> None:
    with Store(tmp_path / "s.json") as store:
        store.add_document(Document.from_text("First.", title="First"))
        store.add_document(Document.from_text("Second.", title="Second"))
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_ctrl_e_exports_from_the_reader(tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r", "1", "ctrl+e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        file_field = dialog.query_one("#export-path")
        file_field.value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    text = target.read_text(encoding="utf-8")
    assert "Moscow and Tehran are about to approach a crossroad" in text
    assert "Russia" in text and "military" in text


async def test_another_running_copy_is_seen(tmp_path: Path) -> None:
    store_file = tmp_path / "s.json"
    app = GlossApp(db=store_file, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        document = reader.document
        # A second copy (another terminal) saves an annotation of its own.
        with Store(store_file) as other:
            sentence = document.sentences[4]
            other.annotate(
                document.id, sentence.start, sentence.end, tags=["actor/iran"], analyst="ana"
            )
        reader.poll_store()
        await pilot.pause()
        assert sorted(a.tags for a in reader.annotations) == [("actor/iran",), ("actor/russia",)]
        # And what this copy saves after that keeps the other's annotation.
        await pilot.press("1")
    with Store(store_file, read_only=True) as store:
        assert sorted(a.tags for a in store.annotations()) == [
            ("actor/iran",),
            ("actor/russia", "interest/military"),
        ]


async def test_an_edit_made_in_another_copy_a_moment_ago_is_kept(tmp_path: Path) -> None:
    store_file = tmp_path / "s.json"
    app = GlossApp(db=store_file, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        [annotation] = reader.annotations
        # The analyst's other terminal writes a memo on it; this copy has not polled yet.
        with Store(store_file) as other:
            other.update(annotation.id, memo="written in the other terminal")
        await pilot.press("1")  # a tag on the same annotation, here
        [shown] = reader.annotations
        assert shown.memo == "written in the other terminal"
    with Store(store_file, read_only=True) as store:
        [saved] = store.annotations()
        assert saved.tags == ("actor/russia", "interest/military")
        assert saved.memo == "written in the other terminal"


async def test_a_memo_written_while_another_copy_tags_keeps_both(tmp_path: Path) -> None:
    store_file = tmp_path / "s.json"
    app = GlossApp(db=store_file, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r", "m", *"air cover")  # the memo editor is open
        reader = app.screen_stack[-2]
        assert isinstance(reader, ReaderScreen)
        [annotation] = reader.annotations
        # Meanwhile the other terminal tags it; this copy has not polled since.
        with Store(store_file) as other:
            other.update(annotation.id, tags=["actor/russia", "interest/economy"])
        await pilot.press("ctrl+s")
    with Store(store_file, read_only=True) as store:
        [saved] = store.annotations()
        assert saved.memo == "air cover"
        assert saved.tags == ("actor/russia", "interest/economy")


async def test_a_save_the_disk_refuses_is_kept_shown_and_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_file = tmp_path / "s.json"
    app = GlossApp(db=store_file, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        real_write = journal_module.os.write

        def disk_full(descriptor: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(journal_module.os, "write", disk_full)
        await pilot.press("j", "j", "r")
        assert [a.tags for a in reader.annotations] == [("actor/russia",)]
        assert "NOT SAVED" in reader.save_state
        assert app.store.pending == 1
        monkeypatch.setattr(journal_module.os, "write", real_write)
        reader.poll_store()
        assert reader.save_state == "saved" and app.store.pending == 0
    with Store(store_file, read_only=True) as store:
        assert [a.tags for a in store.annotations()] == [("actor/russia",)]


def test_store_save_error_is_a_store_error() -> None:
    from annotations import StoreError

    assert issubclass(StoreSaveError, StoreError)


async def test_panel_filter_narrows_the_panel_and_the_export_scope(tmp_path: Path) -> None:
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r", "1", "j", "j", "i", "5")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await pilot.press("f")
        await pilot.pause()
        for character in "economy":
            await pilot.press(character)
        await pilot.press("enter")
        await pilot.pause()
        panel = reader.panel
        assert [a.tags for a in panel.annotations] == [("actor/iran", "interest/economy")]
        assert len(reader.annotations) == 2  # both still drawn in the text
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.panel_filter is not None and dialog.panel_filter.tag == "interest/economy"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # clears the filter
        assert len(panel.annotations) == 2


async def test_keys_typed_while_a_dialog_opens_go_into_it(tmp_path: Path) -> None:
    """'m' and the memo typed at once (a fast typist, a paste): no letter lost or doubled,
    and none taken as a reader key ('r' would have tagged Russia)."""
    from textual import events

    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for character in "jjmrussia":
            app.post_message(events.Key(character, character))
        await pilot.pause()
        await pilot.pause()
        for character in "ns":  # typed at an ordinary pace, into the focused field
            await pilot.press(character)
        await pilot.press("ctrl+s")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert [(a.tags, a.memo) for a in reader.annotations] == [((), "russians")]


def test_export_reads_a_latin_1_document_with_encoding(tmp_path: Path, capsys) -> None:
    from tui.cli import main

    source = tmp_path / "latin.txt"
    source.write_bytes("Téhéran et Moscou s'éloignent.\n".encode("latin-1"))
    store_file = tmp_path / "s.json"
    with Store(store_file) as store:
        document = store.add_document(Document.from_path(source, encoding="latin-1"))
        store.annotate(document.id, 0, 7, tags=["actor/iran"], analyst="ana")
    arguments = ["export", "-f", "csv", "--db", str(store_file), "--document", str(source)]
    assert main(arguments) == 2  # not UTF-8: refused with one line
    assert "--encoding" in capsys.readouterr().err
    assert main([*arguments, "--encoding", "latin-1"]) == 0
    assert ",Téhéran," in capsys.readouterr().out

"""`q` while the disk refuses saves: the reader asks — retry, save a copy elsewhere, or
quit and lose the changes — and says what happened when it ends (the command line
prints it and exits 2)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from annotations import Store
from annotations import journal as journal_module
from tui.app import GlossApp
from tui.cli import main

SIZE = (100, 30)


def disk_full(descriptor: int, data: bytes) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


async def tag_on_a_full_disk(pilot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Open, then tag the first sentence Russia while every journal write fails."""
    await pilot.pause()
    monkeypatch.setattr(journal_module.os, "write", disk_full)
    await pilot.press("r")
    await pilot.pause()
    assert pilot.app.store.pending == 1


async def test_q_with_nothing_pending_quits_at_once(tmp_path: Path) -> None:
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code in (None, 0) and app.error_message is None


@pytest.mark.parametrize("after_q", ["t", "m", "f", "question_mark", "slash"])
async def test_a_key_typed_right_after_q_opens_nothing_on_the_closing_app(
    tmp_path: Path, after_q: str
) -> None:
    # Both keys arrive before the app has closed, as a fast typist's do: the second used
    # to open its dialog on a screen being taken down, and the app ended in a traceback.
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("q", after_q):
            app.post_message(events.Key(key, None))
        await pilot.pause()
        await pilot.pause()
        assert not app.is_running
    assert app.return_code in (None, 0) and app.error_message is None


async def test_q_with_a_change_not_on_disk_asks_and_l_loses_it_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path = tmp_path / "s.json"
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await tag_on_a_full_disk(pilot, monkeypatch)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running  # asked, not quit
        assert type(app.screen).__name__ == "QuitConfirm"
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "1 change could not be written" in shown and "quit and lose 1 change" in shown
        await pilot.press("escape")  # back to reading: nothing lost yet
        await pilot.pause()
        assert app.is_running and app.store.pending == 1
        await pilot.press("q", "l")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 2
    assert app.error_message == f"quit with 1 change not saved to {store_path}: they are lost"


async def test_retry_saves_once_the_disk_takes_it_and_then_quits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path = tmp_path / "s.json"
    real_write = journal_module.os.write
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await tag_on_a_full_disk(pilot, monkeypatch)
        await pilot.press("q", "r")  # still full: the dialog says so and stays
        await pilot.pause()
        assert app.is_running
        assert "Still not saved" in str(app.screen.query_one("#quit-error").render())
        monkeypatch.setattr(journal_module.os, "write", real_write)
        await pilot.press("r")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code in (None, 0) and app.error_message is None
    with Store(store_path, read_only=True) as store:
        assert [a.tags for a in store.annotations()] == [("actor/russia",)]


async def test_a_copy_elsewhere_holds_the_change_and_imports_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    store_path = tmp_path / "s.json"
    copy = tmp_path / "elsewhere" / "unsaved.json"
    copy.parent.mkdir()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await tag_on_a_full_disk(pilot, monkeypatch)
        await pilot.press("q", "s")
        await pilot.pause()
        field = app.screen.query_one("#quit-copy-path", Input)
        assert field.has_focus
        field.value = str(store_path)  # the store's own file is refused
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert "store's own files" in str(app.screen.query_one("#quit-error").render())
        field.value = str(copy)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 2
    assert app.error_message == (
        f"quit with 1 change not saved to {store_path}; a copy of everything is in {copy}: "
        f"gloss import {copy} puts them back"
    )
    monkeypatch.undo()  # the disk has room again
    [annotation] = json.loads(copy.read_bytes())["annotations"]
    assert annotation["tags"] == ["actor/russia"]
    assert main(["import", "--db", str(store_path), str(copy)]) == 0
    with Store(store_path, read_only=True) as store:
        assert [a.tags for a in store.annotations()] == [("actor/russia",)]

"""`gloss export -o FILE` where FILE is not a plain file: a symlink is written through, a
FIFO is written into, a device node and the store's own files are refused."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, Static

from annotations import Codebook, Document, Store
from tui.cli import main
from tui.screens.export_dialog import ExportDialog


@pytest.fixture
def filled(store_path: Path) -> Path:
    with Store(store_path) as store:
        document = store.add_document(Document.from_text("Russia and Iran.\n", title="T"))
        store.annotate(document.id, 0, 6, tags=["actor/russia"], analyst="ana")
    return store_path


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def export(capsys, store: Path, output: Path) -> tuple[int, str]:
    code = main(["export", "--db", str(store), "-f", "json", "-o", str(output)])
    return code, capsys.readouterr().err


def test_a_symlink_is_written_through_to_its_target(capsys, filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "real" / "notes.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "notes.json"
    link.symlink_to(target)
    code, err = export(capsys, filled, link)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_bytes())["gloss"] == 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["notes.json"]  # no temporary


def test_a_dangling_symlink_creates_its_target(capsys, filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes-target.json"
    link = tmp_path / "notes.json"
    link.symlink_to(target)
    assert export(capsys, filled, link)[0] == 0
    assert link.is_symlink()
    assert json.loads(target.read_bytes())["gloss"] == 1


def test_a_fifo_is_written_into(capsys, filled: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "notes.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, err = export(capsys, filled, fifo)
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a FIFO, not replaced by a file
    assert json.loads(received[0])["gloss"] == 1


def test_a_device_node_is_refused(capsys, filled: Path, tmp_path: Path) -> None:
    # A node of its own (the null device's numbers), never /dev/null itself: were the
    # refusal to break, the rename would replace the node the whole machine uses.
    device = tmp_path / "null-device"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    code, err = export(capsys, filled, device)
    assert (code, err) == (
        2,
        f"gloss: {device}: is a device, not a file; name a file (or write to stdout)\n",
    )
    assert stat.S_ISCHR(os.stat(device).st_mode)


@pytest.mark.parametrize("companion", ["", ".journal", ".lock", ".backups/x.json", "-link"])
def test_the_stores_own_files_are_refused(
    capsys, filled: Path, tmp_path: Path, companion: str
) -> None:
    with Store(filled) as store:  # a compaction makes a backup
        store.compact()
    output = Path(str(filled) + companion)
    if companion == "-link":
        output.symlink_to(filled)
    before = folder_bytes(tmp_path)
    code, err = export(capsys, filled, output)
    assert code == 2
    assert err.startswith(f"gloss: {output}: is one of the store's own files")
    assert folder_bytes(tmp_path) == before
    with Store(filled, read_only=True) as store:
        assert len(store.annotations()) == 1


class Host(App[None]):
    def __init__(self, dialog: ExportDialog) -> None:
        super().__init__()
        self.dialog = dialog

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


async def test_the_export_dialog_refuses_the_stores_own_file(filled: Path) -> None:
    with Store(filled) as store:
        before = filled.read_bytes()
        app = Host(ExportDialog(store, Codebook.default(), store.documents()[0].id))
        async with app.run_test() as pilot:
            app.screen.query_one("#export-path", Input).value = str(filled)
            await pilot.pause()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = str(app.screen.query_one("#export-error", Static).render())
    assert "is one of the store's own files" in shown
    assert filled.read_bytes() == before

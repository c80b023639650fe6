"""A file name that is not UTF-8 (Latin-1 `café`, a stray 0xFF byte): Python keeps those
bytes as lone surrogates, which no terminal, file or store can take. The reader opens,
tags and saves such a file; every command names it in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from annotations import Document, Store
from annotations.safe_text import visible
from tui.app import GlossApp
from tui.cli import main

TEXT = b"Russia keeps the state. Iran keeps the people.\n"


def latin1_file(folder: Path, name: bytes = b"caf\xe9.txt") -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
    path.write_bytes(TEXT)
    return path


def test_a_name_that_is_not_utf8_becomes_escapes_in_the_store(tmp_path: Path) -> None:
    from annotations.safe_text import path_text  # new: imported here, so the rest runs on main

    path = latin1_file(tmp_path)
    document = Document.from_path(path)
    assert document.path == str(tmp_path / "caf\\xe9.txt")
    assert path_text(path) == document.path
    assert visible(str(path)).endswith("caf\ufffd.txt")


async def test_the_reader_tags_and_saves_a_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    path = latin1_file(tmp_path)
    store_path = tmp_path / "store.json"
    app = GlossApp(paths=[path], db=store_path, analyst="ana")
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert app.is_running
    with Store(store_path, read_only=True) as store:
        (document,) = store.documents()
        (annotation,) = store.annotations(document.id)
    assert annotation.tags == ("actor/russia",)
    assert document.path.endswith("caf\\xe9.txt")
    # Opened again, it is the same document, not a second one.
    app = GlossApp(paths=[path], db=store_path, analyst="ana")
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
    with Store(store_path, read_only=True) as store:
        assert len(store.documents()) == 1


async def test_the_library_lists_files_whose_names_are_not_utf8(tmp_path: Path) -> None:
    latin1_file(tmp_path)
    latin1_file(tmp_path, b"plain\xff.txt")
    app = GlossApp(paths=[tmp_path], db=tmp_path / "store.json", analyst="ana")
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


def test_export_and_find_by_such_a_path(capsys, tmp_path: Path) -> None:
    path = latin1_file(tmp_path)
    store_path = tmp_path / "store.json"
    with Store(store_path) as store:
        document = store.add_document(Document.from_path(path))
        store.annotate(document.id, 0, 6, tags=["actor/russia"], analyst="ana")
        assert store.find_document(str(path)) == document
    assert main(["export", "--db", str(store_path), "-f", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["documents"][0]["path"].endswith("caf\\xe9.txt")
    assert main(["export", "--db", str(store_path), "-f", "md", "--document", str(path)]) == 0


def test_a_missing_file_with_such_a_name_is_one_line(tmp_path: Path) -> None:
    missing = os.path.join(os.fsencode(tmp_path), b"gone\xe9.txt")
    finished = subprocess.run(
        [sys.executable, "-m", "tui.cli", os.fsdecode(missing), "--db", str(tmp_path / "s.json")],
        capture_output=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert finished.stderr == f"gloss: {tmp_path}/gone\\xe9.txt: no such file\n".encode()

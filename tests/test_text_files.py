"""Large texts in files of their own beside the store (schema 6): written once, durably,
never into the journal or the snapshot; read back, checked, recovered (issue 17)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from annotations import Document, Store, StoreError
from annotations.lazy_texts import check_texts
from annotations.library import open_paths
from annotations.recovery import check, repair, restore
from annotations.storage import SnapshotInfo, encode_snapshot, journal_path, read_snapshot

if TYPE_CHECKING:
    from tui.app import GlossApp

# Just over a million characters, with typographic quotes (two bytes a character in Python).
SENTENCE = "Russia keeps the army; Iran keeps “the people”.\n"


def large_text(number: int = 0) -> str:
    return f"Report {number}.\n" + SENTENCE * (1_050_000 // len(SENTENCE))


def text_files(path: Path) -> list[Path]:
    folder = path.with_name(path.name + ".texts")
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_large_text_is_kept_in_a_file_of_its_own_not_in_the_journal_or_snapshot(
    store_path: Path,
) -> None:
    with Store(store_path) as store:
        document = store.add_document(Document.from_text(large_text(), title="Big"))
        annotation = store.annotate(document.id, 0, 6, memo="first words")
        assert journal_path(store_path).stat().st_size < 10_000
    # Closed, so compacted: the snapshot names the file, and does not hold the text.
    assert store_path.stat().st_size < 10_000
    files = text_files(store_path)
    assert [f.name for f in files] == [document.id.removeprefix("sha256:") + ".txt"]
    assert files[0].read_bytes() == document.text.encode("utf-8")
    with Store(store_path) as store:
        reopened = store.document(document.id)
        assert reopened.text == document.text
        assert reopened.title == "Big"
        assert store.annotation(annotation.id).quote == "Report"
        # A small text stays in the store file.
        store.add_document(Document.from_text("A short report.\n"))
    assert len(text_files(store_path)) == 1
    assert "A short report." in store_path.read_text()


def test_another_running_copy_reads_a_large_text_added_meanwhile(store_path: Path) -> None:
    with Store(store_path) as first, Store(store_path) as second:
        document = first.add_document(Document.from_text(large_text(1)))
        assert journal_path(store_path).stat().st_size < 10_000
        assert second.refresh()
        assert second.document(document.id).text == document.text


def test_a_missing_text_file_is_refused_when_the_store_opens_a_changed_one_when_read(
    store_path: Path,
) -> None:
    """Opening the store reads no large text (it is read when first needed), so a text
    file whose bytes changed is refused when its text is first read — in one line, never
    shown — while a missing one is still refused at once."""
    with Store(store_path) as store:
        document = store.add_document(Document.from_text(large_text(2)))
    [file] = text_files(store_path)
    original = file.read_bytes()
    file.write_bytes(original.replace(b"Report 2", b"Report 3"))
    with Store(store_path) as store:
        assert store.document(document.id).title == "Report 2."
        with pytest.raises(StoreError) as changed:
            store.document(document.id).text  # noqa: B018
    message = str(changed.value)
    assert "\n" not in message and document.id in message and "gloss doctor" in message
    file.unlink()
    with pytest.raises(StoreError) as missing:
        Store(store_path)
    assert "missing" in str(missing.value) and "\n" not in str(missing.value)
    file.write_bytes(original)
    with Store(store_path) as store:
        assert store.document(document.id).text == large_text(2)


def changed_text_file(store_path: Path, book: Path) -> Document:
    """A store holding `book` (a large text) whose text file has since changed."""
    book.write_text(large_text(3), encoding="utf-8")
    with Store(store_path) as store:
        document = store.add_document(Document.from_path(book))
    [file] = text_files(store_path)
    file.write_bytes(file.read_bytes().replace(b"Report 3", b"Report 4"))
    return document


def test_commands_refuse_a_changed_text_file_in_one_line(tmp_path: Path) -> None:
    store_path = tmp_path / "gloss.json"
    changed_text_file(store_path, tmp_path / "book.txt")
    for argv in (["export", "--format", "json"], ["export", "--format", "html"]):
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", *argv, "--db", str(store_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "does not match its id" in result.stderr


async def assert_the_reader_ends_on_a_changed_text(app: GlossApp) -> None:
    """Run `app` until it ends (a stored text is checked after the first frame, in a
    thread): it must end with exit code 2 and one line naming the damage."""
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if app.return_code is not None:
                break
    assert app.return_code == 2
    assert app.error_message is not None and "does not match its id" in app.error_message


async def test_the_reader_refuses_a_stored_document_whose_text_file_changed(
    tmp_path: Path,
) -> None:
    from tui.app import GlossApp

    store_path = tmp_path / "gloss.json"
    changed_text_file(store_path, tmp_path / "book.txt")
    app = GlossApp(db=store_path, analyst="ana")  # no path: the store's only document
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert app.error_message is not None and "does not match its id" in app.error_message


async def test_a_book_opened_from_its_file_does_not_need_the_stored_copy_which_is_checked_after(
    tmp_path: Path,
) -> None:
    """The book's own bytes hash to its id, so they are its text: the reader shows it
    without reading the store's copy. That copy is still checked once the reader is up,
    and found damaged, it ends the app in one line as opening the store did."""
    from tui.app import GlossApp

    store_path, book = tmp_path / "gloss.json", tmp_path / "book.txt"
    document = changed_text_file(store_path, book)
    with Store(store_path) as store:
        [opened] = open_paths(store, [book]).documents
        assert opened.text == book.read_text(encoding="utf-8") == document.text
        with pytest.raises(StoreError) as damaged:
            check_texts(store.documents(), store.path)
    assert "does not match its id" in str(damaged.value) and "\n" not in str(damaged.value)
    await assert_the_reader_ends_on_a_changed_text(
        GlossApp(paths=[book], db=store_path, analyst="ana")
    )


async def test_a_changed_text_of_a_book_not_shown_ends_the_reader_after_its_first_frame(
    tmp_path: Path,
) -> None:
    """Opening another file reads no stored book, but every stored text is still checked
    once the reader is up: damage is found at each launch, as opening the store did."""
    from tui.app import GlossApp

    store_path, small = tmp_path / "gloss.json", tmp_path / "note.txt"
    changed_text_file(store_path, tmp_path / "book.txt")
    small.write_text("A short note.\n", encoding="utf-8")
    await assert_the_reader_ends_on_a_changed_text(
        GlossApp(paths=[small], db=store_path, analyst="ana")
    )


def test_doctor_checks_a_large_text_and_repair_recovers_it(store_path: Path) -> None:
    with Store(store_path) as store:
        document = store.add_document(Document.from_text(large_text(4)))
        store.annotate(document.id, 0, 6)
    assert store_path.stat().st_size < 10_000 and len(text_files(store_path)) == 1
    assert check(store_path).healthy
    recovered = repair(store_path)
    with Store(recovered.path, read_only=True) as store:
        assert store.document(document.id).text == large_text(4)
        assert len(store.annotations(document.id)) == 1


def test_a_schema_5_store_opens_and_is_migrated(store_path: Path) -> None:
    """Schema 5 had the same records (every text in `texts`): as it wrote a store."""
    with Store(store_path) as store:
        document = store.add_document(Document.from_text("An older store's text.\n"))
        store.annotate(document.id, 0, 2)
    tables = read_snapshot(store_path)
    assert tables is not None
    tables["meta"] = {"schema": {"schema": 5}}
    header = json.loads(journal_path(store_path).read_bytes()[9:].split(b"\n")[0])
    info = SnapshotInfo(header["generation"], None, 0)
    store_path.write_bytes(b"".join(encode_snapshot(tables, info)))
    with Store(store_path) as store:
        assert store.schema_version == 6
        assert store.document(document.id).text == "An older store's text.\n"
        store.add_document(Document.from_text(large_text(5)))
        assert len(store.annotations(document.id)) == 1
    assert json.loads(store_path.read_text())["meta"]["schema"] == {
        "schema": 6,
        "migrated_from": 5,
    }
    assert len(text_files(store_path)) == 1


KILLED_CHILD = r"""
import os, signal, sys
from annotations import Document, Store

path, point, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
calls = 0


def counted(real):
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == point:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call


store = Store(path)
for name in ("fsync", "fdatasync", "replace", "rename"):
    setattr(os, name, counted(getattr(os, name)))
document = store.add_document(Document.from_text(text * 25_000, title="Big"))
print("ok", document.id, flush=True)
store.close()
print("calls", calls, flush=True)
"""


def test_a_kill_at_each_sync_and_rename_of_adding_a_large_text_loses_nothing_acknowledged(
    tmp_path: Path,
) -> None:
    text = "Words about Iran and Russia, set down “once”.\n"

    def run(path: Path, point: int) -> list[str]:
        child = subprocess.run(
            [sys.executable, "-c", KILLED_CHILD, str(path), str(point), text],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert child.returncode == (-signal.SIGKILL if point else 0), child.stderr
        return child.stdout.split("\n")

    lines = run(tmp_path / "counting.json", 0)
    total = int(next(line for line in lines if line.startswith("calls")).split()[1])
    assert total >= 4  # the text file, its folder, the journal line, the compaction
    for point in range(1, total + 1):
        path = tmp_path / f"killed-{point}.json"
        with Store(path) as store:
            store.add_document(Document.from_text("Made before the kill.\n"))
        lines = run(path, point)
        acknowledged = [line.split()[1] for line in lines if line.startswith("ok")]
        with Store(path) as store:
            for document_id in acknowledged:
                assert store.document(document_id).text == text * 25_000, point
            # Adding it again after the kill works, and leaves no temporary behind.
            store.add_document(Document.from_text(text * 25_000, title="Big"))
        leftovers = [p.name for p in text_files(path) if p.name.endswith(".tmp")]
        assert leftovers == [], point
        assert [p.suffix for p in text_files(path)] == [".txt"], point
        assert journal_path(path).stat().st_size + path.stat().st_size < 50_000, point


def two_stores(tmp_path: Path, live_text: str, elsewhere_text: str):
    """A live store and one elsewhere to restore from, each holding one document."""
    paths_and_documents = []
    for name, text in (("live", live_text), ("elsewhere", elsewhere_text)):
        path = tmp_path / name / "gloss.json"
        with Store(path) as store:
            paths_and_documents += [path, store.add_document(Document.from_text(text))]
    return tuple(paths_and_documents)


def test_a_restore_keeps_the_replaced_store_openable_and_brings_text_files_along(
    tmp_path: Path,
) -> None:
    live, mine, elsewhere, theirs = two_stores(tmp_path, large_text(6), large_text(7))
    aside = restore(live, elsewhere)
    assert aside is not None
    with Store(live) as store:
        assert store.document(theirs.id).text == large_text(7)
    with Store(aside, read_only=True) as store:
        assert store.document(mine.id).text == large_text(6)


def test_a_restore_from_a_store_file_whose_text_files_are_gone_changes_nothing(
    tmp_path: Path,
) -> None:
    live, _, elsewhere, _ = two_stores(tmp_path, "Kept as it was.\n", large_text(8))
    for file in text_files(elsewhere):
        file.unlink()
    before = live.read_bytes()
    with pytest.raises(StoreError) as refused:
        restore(live, elsewhere)
    assert "text file" in str(refused.value) and "\n" not in str(refused.value)
    assert live.read_bytes() == before

"""The store under faults found by an adversarial test (issue 11): each one is refused with
one line and the files left as they were, or recovered with nothing acknowledged lost."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest

from annotations import Annotation, Document, Store
from annotations.errors import StoreError
from annotations.journal import encode_line
from annotations.storage import journal_path, list_backups
from tui.cli import main

TEXT = "Russia keeps the army.\n\nIran keeps the people.\n"


def make_store(path: Path) -> tuple[Document, list[str]]:
    """A store whose first three annotations are in the snapshot, the last two only in
    the journal (acknowledged saves that a careless writer could throw away)."""
    with Store(path) as store:
        document = store.add_document(Document.from_text(TEXT, title="Two interests"))
        ids = [store.annotate(document.id, i, i + 4, memo=f"snap {i}").id for i in range(3)]
    with Store(path) as store:
        ids += [store.annotate(document.id, i, i + 6, memo=f"journal {i}").id for i in range(2)]
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
    return document, ids


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def one_line_error(capsys: pytest.CaptureFixture, argv: list[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 2
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert error and "\n" not in error, captured.err
    assert "Traceback" not in error
    return error


def append_journal_line(path: Path, payload: object) -> None:
    with journal_path(path).open("ab") as handle:
        handle.write(encode_line(payload))


def raw_line(body: bytes) -> bytes:
    """A journal line with a valid checksum around any bytes."""
    return b"%08x " % zlib.crc32(body) + body + b"\n"


# -- 3: a header not exactly understood is refused, never migrated over ------------------

HEADER_DAMAGE = {
    "snapshot renamed": lambda raw: raw.replace(b'"snapshot"', b'"Snapshot"', 1),
    "schema true": lambda raw: re.sub(rb'"schema":\d+', b'"schema":true', raw, count=1),
    "schema 1": lambda raw: re.sub(rb'"schema":\d+', b'"schema":1', raw, count=1),
    "duplicate meta": lambda raw: raw[:-1] + b',"meta":{"schema":{"schema":1}}}',
}


@pytest.mark.parametrize("damage", sorted(HEADER_DAMAGE))
def test_a_damaged_header_is_refused_and_the_journal_kept(
    store_path: Path, capsys: pytest.CaptureFixture, damage: str
) -> None:
    _, ids = make_store(store_path)
    store_path.write_bytes(HEADER_DAMAGE[damage](store_path.read_bytes()))
    before = files(store_path.parent)
    error = one_line_error(capsys, ["export", "--db", str(store_path), "--format", "json"])
    assert str(store_path) in error and "gloss doctor" in error
    with pytest.raises(StoreError):
        Store(store_path)
    assert files(store_path.parent) == before
    # the journal's acknowledged saves are still there for doctor to recover
    assert main(["doctor", "--db", str(store_path)]) == 1
    assert main(["doctor", "--db", str(store_path), "--repair"]) == 0
    (recovered,) = store_path.parent.glob("*.recovered-*")
    with Store(recovered, read_only=True) as store:
        assert {a.id for a in store.annotations()} == set(ids)


# -- 5: an unfinished tail is never cut when it may hold another writer's line -----------


def test_a_line_of_the_size_of_an_unfinished_tail_is_never_cut(store_path: Path) -> None:
    document, ids = make_store(store_path)
    theirs = Annotation.create(
        document=document.id, text=document.text, start=2, end=9, memo="theirs", analyst="ben"
    )
    # the line the other writer will append, and an unfinished one of exactly its size
    line = encode_line([[f"annotations:{document.id}", theirs.id, theirs.to_record()]])
    with journal_path(store_path).open("ab") as handle:
        handle.write(b"x" * len(line))
    mine = Store(store_path)
    other = Store(store_path)
    other.put(theirs)  # cuts the dead writer's tail and appends a line just as long
    mine.annotate(document.id, 0, 3, memo="mine")
    other._should_compact_on_close = lambda: False  # type: ignore[method-assign]
    other.close()
    mine.close()
    with Store(store_path, read_only=True) as store:
        assert theirs.id in {a.id for a in store.annotations()}
        assert set(ids) <= {a.id for a in store.annotations()}


# -- 6: a store reached through a symlink ------------------------------------------------


def test_a_store_reached_through_a_symlink_is_one_store(tmp_path: Path) -> None:
    real = tmp_path / "data" / "gloss.json"
    real.parent.mkdir()
    link = tmp_path / "gloss.json"
    with Store(real) as store:
        document = store.add_document(Document.from_text(TEXT))
    link.symlink_to(real)
    with Store(real) as first:
        first._should_compact_on_close = lambda: False  # type: ignore[method-assign]
        saved = first.annotate(document.id, 0, 6)
        with Store(link) as second:
            assert [a.id for a in second.annotations()] == [saved.id]
            added = second.annotate(document.id, 7, 12)
        first.refresh()
        assert {a.id for a in first.annotations()} == {saved.id, added.id}
    assert link.is_symlink()
    with Store(real) as store:
        assert {a.id for a in store.annotations()} == {saved.id, added.id}


# -- 7: a backup is a copy -----------------------------------------------------------------


def test_damage_in_place_leaves_the_newest_backup_restorable(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _, ids = make_store(store_path)
    with Store(store_path) as store:
        store.compact()
    newest = list_backups(store_path)[-1]
    with store_path.open("r+b") as handle:  # damage in place, as a disk or an editor might
        handle.write(b"\0" * 64)
    assert main(["doctor", "--db", str(store_path), "--restore", newest.name]) == 0
    with Store(store_path) as store:
        assert {a.id for a in store.annotations()} == set(ids)


# -- 8: a full disk with a little space back takes the backlog in pieces -----------------


class SmallDisk:
    """`os.write` on a disk with `free` bytes left (ENOSPC past them), as a full file
    system does; `free = None` is room enough."""

    def __init__(self) -> None:
        self.free: int | None = None
        self.real = os.write

    def write(self, descriptor: int, data: bytes) -> int:
        if self.free is not None:
            if len(data) > self.free:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self.free -= len(data)
        return self.real(descriptor, data)


def test_a_backlog_larger_than_the_space_that_comes_back_is_saved_in_pieces(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document, ids = make_store(store_path)
    disk = SmallDisk()
    monkeypatch.setattr(os, "write", disk.write)
    with Store(store_path) as store:
        disk.free = 0
        made = []
        for i in range(20):
            with pytest.raises(StoreError, match="disk is full"):
                made.append(store.annotate(document.id, i % 30, i % 30 + 3, memo="m" * 200))
        assert store.pending == 20
        disk.free = 2_000  # room for a few saves, not for the backlog as one line
        store.retry()
        assert 0 < store.pending < 20
        disk.free = 3_000
        store.retry()
        disk.free = 1_000_000
        assert store.retry()
        disk.free = None
    with Store(store_path) as store:
        assert len(store.annotations()) == len(ids) + 20


def test_close_saves_what_fits_of_the_backlog(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document, ids = make_store(store_path)
    disk = SmallDisk()
    monkeypatch.setattr(os, "write", disk.write)
    store = Store(store_path)
    disk.free = 0
    for i in range(10):
        with pytest.raises(StoreError):
            store.annotate(document.id, i, i + 3, memo="m" * 200)
    disk.free = 1_500  # less than the ten saves as one line
    store.close()
    disk.free = None
    with Store(store_path) as reopened:
        assert len(reopened.annotations()) > len(ids)


# -- 9: damaged records and journal lines: one line, never a traceback -------------------


def test_an_empty_annotation_record_in_a_checksummed_line_is_one_line(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    document, _ = make_store(store_path)
    append_journal_line(store_path, [[f"annotations:{document.id}", "x", {}]])
    before = files(store_path.parent)
    for command in (["export", "--format", "json"], ["stats"]):
        error = one_line_error(capsys, [*command, "--db", str(store_path)])
        assert str(store_path) in error
    assert files(store_path.parent) == before


def test_an_infinite_offset_in_a_checksummed_line_is_one_line(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    document, _ = make_store(store_path)
    record = {"id": "y", "document": document.id, "start": 1e400, "end": 5}
    body = json.dumps([[f"annotations:{document.id}", "y", record]]).replace("Infinity", "1e400")
    with journal_path(store_path).open("ab") as handle:
        handle.write(raw_line(body.encode()))
    before = files(store_path.parent)
    for command in (["export", "--format", "json"], ["stats"]):
        one_line_error(capsys, [*command, "--db", str(store_path)])
    assert files(store_path.parent) == before


def test_a_deeply_nested_journal_line_is_one_line(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    make_store(store_path)
    with journal_path(store_path).open("ab") as handle:
        handle.write(raw_line(b"[" * 100_000 + b"]" * 100_000))
    before = files(store_path.parent)
    error = one_line_error(capsys, ["export", "--db", str(store_path)])
    assert "damaged entry" in error
    assert files(store_path.parent) == before


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [
        ("journal", "parent_offset", b"Infinity"),
        ("journal", "parent_offset", b"1e400"),
        ("snapshot", "journal_offset", b'"abc"'),
        ("snapshot", "journal_offset", b"-5"),
    ],
)
def test_a_header_field_of_the_wrong_type_is_one_line(
    store_path: Path, capsys: pytest.CaptureFixture, where: str, field: str, value: bytes
) -> None:
    make_store(store_path)
    if where == "journal":
        journal = journal_path(store_path)
        header, rest = journal.read_bytes().split(b"\n", 1)
        body = re.sub(rf'"{field}":[^,}}]+'.encode(), f'"{field}":'.encode() + value, header[9:])
        journal.write_bytes(raw_line(body) + rest)
    else:
        raw = store_path.read_bytes()
        store_path.write_bytes(
            re.sub(rf'"{field}":[^,}}]+'.encode(), f'"{field}":'.encode() + value, raw, count=1)
        )
    before = files(store_path.parent)
    for argv in (["export"], ["doctor"]):
        capsys.readouterr()
        code = main([*argv, "--db", str(store_path)])
        captured = capsys.readouterr()
        assert code in (1, 2) and "Traceback" not in captured.err
    one_line_error(capsys, ["export", "--db", str(store_path)])
    assert files(store_path.parent) == before


def test_a_lone_surrogate_is_saved_and_compacted_as_it_is(store_path: Path) -> None:
    document, _ = make_store(store_path)
    append_journal_line(store_path, [])  # nothing: only to have a journal to append to
    with Store(store_path) as store:
        memo = "half a pair: \ud800 and on"
        made = store.annotate(document.id, 0, 4, memo=memo)
        store.compact()
    for _ in range(2):  # every later close compacts again
        with Store(store_path) as store:
            assert store.annotation(made.id).memo == memo
            store.annotate(document.id, 1, 3)


async def test_a_journal_damaged_while_the_reader_is_open_is_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app import GlossApp
    from tui.screens.reader import ReaderScreen

    store_file = tmp_path / "s.json"
    app = GlossApp(db=store_file, analyst="ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "j", "r")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        shown: list[str] = []
        notify = app.notify
        monkeypatch.setattr(
            app,
            "notify",
            lambda message, *a, **k: (shown.append(message), notify(message, *a, **k)),
        )
        with journal_path(store_file).open("ab") as handle:
            handle.write(b"0badc0de not a save\n")
        reader.poll_store()
        reader.poll_store()
        await pilot.pause()
        assert len([n for n in shown if "damaged entry" in n]) == 1
        assert isinstance(app.screen, ReaderScreen)


def test_a_journal_that_is_a_folder_is_one_line(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    make_store(store_path)
    journal = journal_path(store_path)
    journal.unlink()
    journal.mkdir()
    for argv, codes in ((["doctor"], (1,)), (["doctor", "--repair"], (0,))):
        capsys.readouterr()
        code = main([*argv, "--db", str(store_path)])
        captured = capsys.readouterr()
        assert code in codes and "Traceback" not in captured.err, captured.err
        assert "is a folder" in captured.out
    error = one_line_error(capsys, ["export", "--db", str(store_path)])
    assert "is a folder" in error
    assert journal.is_dir()


# -- 10: special files are refused, never read --------------------------------------------

CHILD_EXPORT = "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))"


def gloss(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD_EXPORT, *argv],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("which", ["store", "journal"])
def test_a_fifo_as_store_or_journal_is_refused_not_waited_on(tmp_path: Path, which: str) -> None:
    path = tmp_path / "gloss.json"
    if which == "journal":
        make_store(path)
        journal_path(path).unlink()
        os.mkfifo(journal_path(path))
    else:
        os.mkfifo(path)
    for argv in (["export"], ["stats"]):
        result = gloss(*argv, "--db", str(path))
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "not a regular file" in result.stderr


def test_a_device_as_store_is_refused_not_read(tmp_path: Path) -> None:
    result = gloss("export", "--db", "/dev/zero")
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr and result.stderr.count("\n") == 1


def test_doctor_repair_and_restore_on_a_disk_that_refuses_are_one_line(
    store_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ids = make_store(store_path)
    with Store(store_path) as store:
        store.compact()
    newest = list_backups(store_path)[-1]
    before = files(store_path.parent)
    real = tempfile.mkstemp
    for code, reason in ((errno.EROFS, "read-only"), (errno.ENOSPC, "disk is full")):

        def refuse(*args: object, code: int = code, **kwargs: object) -> object:
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
        for argv in (["--repair"], ["--restore", newest.name]):
            error = one_line_error(capsys, ["doctor", "--db", str(store_path), *argv])
            assert reason in error
        monkeypatch.setattr(tempfile, "mkstemp", real)
    assert files(store_path.parent) == before
    with Store(store_path) as store:
        assert {a.id for a in store.annotations()} == set(ids)


# -- 15: doctor --repair recovers what is readable ---------------------------------------


def recovered_ids(store_path: Path) -> set[str]:
    assert main(["doctor", "--db", str(store_path), "--repair"]) == 0
    (recovered,) = store_path.parent.glob("*.recovered-*")
    with Store(recovered, read_only=True) as store:
        return {a.id for a in store.annotations()}


def test_repair_reads_past_a_byte_order_mark(store_path: Path) -> None:
    _, ids = make_store(store_path)
    store_path.write_bytes(b"\xef\xbb\xbf" + store_path.read_bytes())
    assert recovered_ids(store_path) == set(ids)


def test_repair_applies_a_journal_with_crlf_line_endings(store_path: Path) -> None:
    _, ids = make_store(store_path)
    journal = journal_path(store_path)
    journal.write_bytes(journal.read_bytes().replace(b"\n", b"\r\n"))
    assert recovered_ids(store_path) == set(ids)


def test_repair_applies_the_saves_of_a_journal_whose_header_is_damaged(
    store_path: Path,
) -> None:
    _, ids = make_store(store_path)
    journal = journal_path(store_path)
    raw = bytearray(journal.read_bytes())
    raw[20] ^= 0x04  # one bit of the header line
    journal.write_bytes(bytes(raw))
    assert recovered_ids(store_path) == set(ids)


# -- 16: a checksum on the snapshot --------------------------------------------------------


def test_a_changed_byte_in_the_snapshot_is_found_by_open_and_doctor(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    make_store(store_path)
    raw = store_path.read_bytes()
    assert b'"snap 1"' in raw
    store_path.write_bytes(raw.replace(b'"snap 1"', b'"snap 7"'))  # still valid JSON
    before = files(store_path.parent)
    error = one_line_error(capsys, ["export", "--db", str(store_path)])
    assert "checksum" in error and str(store_path) in error
    assert main(["doctor", "--db", str(store_path)]) == 1
    assert "checksum" in capsys.readouterr().out
    assert files(store_path.parent) == before


def test_a_schema_3_store_is_migrated_with_its_journal_and_the_original_kept(
    store_path: Path,
) -> None:
    _, ids = make_store(store_path)
    tables = json.loads(store_path.read_bytes())
    meta = tables.pop("meta")
    meta["schema"] = {"schema": 3}
    del meta["snapshot"]["covers"], meta["snapshot"]["checksum"]
    original = json.dumps({"meta": meta, **tables}).encode()
    store_path.write_bytes(original)
    with Store(store_path, read_only=True) as store:  # read as it is, changed in nothing
        assert {a.id for a in store.annotations()} == set(ids)
    assert store_path.read_bytes() == original
    with Store(store_path) as store:
        assert store.schema_version == 6
        assert {a.id for a in store.annotations()} == set(ids)
    (kept,) = [b for b in list_backups(store_path) if "-schema3" in b.name]
    assert kept.read_bytes() == original
    with Store(kept, read_only=True) as store:  # with its journal: every save
        assert {a.id for a in store.annotations()} == set(ids)
    with Store(store_path) as store:
        assert {a.id for a in store.annotations()} == set(ids)


# -- 17: messages that say what is wrong; leftovers cleaned ------------------------------


def test_an_empty_store_file_beside_backups_is_said_and_the_backup_offered(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    make_store(store_path)
    with Store(store_path) as store:
        store.compact()
    newest = list_backups(store_path)[-1]
    store_path.write_bytes(b"")
    before = files(store_path.parent)
    error = one_line_error(capsys, ["export", "--db", str(store_path)])
    assert "empty" in error and newest.name in error and "--restore" in error
    assert files(store_path.parent) == before


def test_a_journal_of_another_generation_is_named_so_when_read_only(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    first, second = tmp_path / "a" / "gloss.json", tmp_path / "b" / "gloss.json"
    make_store(first)
    make_store(second)
    journal_path(first).write_bytes(journal_path(second).read_bytes())
    (first.parent / "gloss.json.lock").unlink()
    os.chmod(first.parent, 0o555)
    try:
        with pytest.raises(StoreError) as caught:
            Store(first, read_only=True)
    finally:
        os.chmod(first.parent, 0o755)
    assert "keeps changing" not in str(caught.value)
    assert "does not belong" in str(caught.value)


def test_doctor_says_a_damaged_generation_is_damage_not_another_version(
    store_path: Path, capsys: pytest.CaptureFixture
) -> None:
    make_store(store_path)
    raw = store_path.read_bytes()
    store_path.write_bytes(raw.replace(b'"generation":"', b'"generation":"0', 1))
    capsys.readouterr()
    assert main(["doctor", "--db", str(store_path)]) == 1
    out = capsys.readouterr().out
    assert "another version" not in out
    assert "damaged" in out


def test_temporary_files_of_killed_compactions_and_repairs_are_cleaned_at_open(
    store_path: Path,
) -> None:
    make_store(store_path)
    # what a compaction or repair killed before its rename leaves (a process now gone)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    leftovers = [
        store_path.parent / f".{store_path.name}.{dead}-abc123.tmp",
        store_path.parent / f".{store_path.name}.journal.{dead}-def456.tmp",
        store_path.parent / f".store.recovered-20260101T000000Z.json.{dead}-x1y2.tmp",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"{half a snapshot")
    with Store(store_path):
        pass
    assert [p for p in leftovers if p.exists()] == []

"""Fault injection: the store under every small damage, kills at each sync and rename, a
full disk and three writers at once (issue 11).

The promise checked everywhere: a store is either refused with one line and left byte
for byte as it was, or it opens with every acknowledged save — never silently changed.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_kills import run_killed

from annotations import Document, Store
from annotations.errors import StoreError
from annotations.storage import journal_path, list_backups
from tui.cli import main

TEXT = "Iran and Russia.\n"


def state(store: Store) -> tuple[str, str]:
    """What a store holds, as a user would see it: its documents and annotations."""
    documents = json.dumps([d.to_record() for d in store.documents()], sort_keys=True)
    annotations = json.dumps([a.to_record() for a in store.annotations()], sort_keys=True)
    return documents, annotations


def small_store(path: Path) -> tuple[tuple[str, str], tuple[str, str]]:
    """A store with one annotation in the snapshot and one only in the journal; its state
    without and with the journal's save."""
    with Store(path) as store:
        document = store.add_document(Document.from_text(TEXT, title="t"))
        store.annotate(document.id, 0, 4, memo="a")
        before = state(store)
    with Store(path) as store:
        store.annotate(document.id, 9, 15, memo="b")
        after = state(store)
        store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
    return before, after


def outcome(path: Path, *, read_only: bool) -> tuple[str, str] | str:
    """The state the store opens with, or the one-line message it is refused with."""
    try:
        with Store(path, read_only=read_only) as store:
            store._should_compact_on_close = lambda: False  # type: ignore[method-assign]
            return state(store)
    except StoreError as error:
        return str(error)


def mutations(raw: bytes, *, every_bit: bool) -> Iterator[tuple[str, bytes]]:
    for length in range(len(raw)):
        yield f"cut at {length}", raw[:length]
    if every_bit:
        for index in range(len(raw)):
            for bit in range(8):
                flipped = bytearray(raw)
                flipped[index] ^= 1 << bit
                yield f"bit {bit} of byte {index}", bytes(flipped)


@pytest.mark.parametrize("which", ["snapshot", "journal"])
def test_every_truncation_and_bit_flip_is_refused_or_loses_nothing(
    tmp_path: Path, which: str
) -> None:
    path = tmp_path / "gloss.json"
    before, after = small_store(path)
    target = path if which == "snapshot" else journal_path(path)
    raw = target.read_bytes()
    other = journal_path(path) if which == "snapshot" else path
    other_raw = other.read_bytes()
    journal_lines = raw.count(b"\n") if which == "journal" else 0
    tally = {"refused": 0, "identical": 0, "cut lines": 0}
    for index, (label, damaged) in enumerate(mutations(raw, every_bit=True)):
        target.write_bytes(damaged)
        # every mutation read-only; every seventh also by a writer (which may repair a tail)
        for read_only in (True, False) if index % 7 == 0 else (True,):
            result = outcome(path, read_only=read_only)
            if isinstance(result, str):
                assert "\n" not in result and str(path.parent) in result, (label, result)
                assert target.read_bytes() == damaged, (label, "changed after refusal")
                assert other.read_bytes() == other_raw, (label, "changed after refusal")
                tally["refused"] += 1
            elif result == after:
                tally["identical"] += 1
            else:
                # Only a journal cut short may lose what its cut lines held: whole lines
                # before the cut are there, nothing else changed.
                cut = label.startswith("cut") and which == "journal"
                assert cut and result == before, (label, "silently changed")
                assert damaged.count(b"\n") < journal_lines
                tally["cut lines"] += 1
            if not read_only:
                target.write_bytes(damaged)
                other.write_bytes(other_raw)
    assert tally["refused"] > len(raw) * 6  # nearly every flip is seen


# -- SIGKILL at each sync and rename -------------------------------------------------------

KILLED_CHILD = r"""
from pathlib import Path
from annotations import Store, recovery

path, document_id = Path(sys.argv[1]), sys.argv[2]
count_calls("fsync", "fdatasync", "replace", "rename", "link")
store = Store(path)
for i in range(2):
    print("ok", store.annotate(document_id, i, i + 4, memo=f"m{i}").id, flush=True)
store.compact()
print("ok", store.annotate(document_id, 5, 9, memo="after").id, flush=True)
store.close()  # compacts again
repaired = recovery.repair(path)
print("repaired", repaired.path, flush=True)
recovery.restore(path, repaired.path)
print("restored", flush=True)
print("calls", calls, flush=True)
"""


def test_a_kill_at_each_sync_and_rename_of_saves_compaction_repair_and_restore(
    tmp_path: Path,
) -> None:
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    with Store(pristine / "gloss.json") as store:
        document = store.add_document(Document.from_text(TEXT * 3, title="t"))
        kept = store.annotate(document.id, 0, 4, memo="kept").id
    counting = tmp_path / "counting"
    shutil.copytree(pristine, counting)
    lines = run_killed(KILLED_CHILD, str(counting / "gloss.json"), document.id, 0, "never")
    total = int(next(line for line in lines if line.startswith("calls")).split()[1])
    assert total >= 20  # saves, two compactions, a repair and a restore, all counted
    for point in range(1, total + 1):
        for when in ("before", "after"):
            folder = tmp_path / f"{point}-{when}"
            shutil.copytree(pristine, folder, ignore=shutil.ignore_patterns("*.backups"))
            path = folder / "gloss.json"
            lines = run_killed(KILLED_CHILD, str(path), document.id, point, when)
            acknowledged = {kept} | {line.split()[1] for line in lines if line.startswith("ok")}
            with Store(path) as store:
                present = {a.id for a in store.annotations()}
            assert acknowledged <= present, (point, when, lines)
            leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
            assert leftovers == [], (point, when)
            for line in lines:
                if line.startswith("repaired"):
                    with Store(Path(line.split()[1]), read_only=True) as repaired:
                        assert acknowledged <= {a.id for a in repaired.annotations()}


# -- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB tmpfs: a disk that really fills (root only; skipped elsewhere)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_loses_nothing_acknowledged_and_takes_the_backlog_in_pieces(
    small_disk: Path, capsys: pytest.CaptureFixture
) -> None:
    path = small_disk / "gloss.json"
    with Store(path) as store:
        document = store.add_document(Document.from_text(TEXT * 40, title="t"))
        acknowledged = {store.annotate(document.id, i, i + 4).id for i in range(20)}
    filler = fill(small_disk)
    with Store(path) as store:
        with pytest.raises(StoreError, match="could not compact"):
            store.compact()
        assert [p for p in small_disk.iterdir() if p.name.endswith(".tmp")] == []
        for i in range(200):  # the journal's last page still has room for a few
            try:
                acknowledged.add(store.annotate(document.id, i % 40, i % 40 + 5).id)
            except StoreError as error:
                assert "disk is full" in str(error)
                break
        for i in range(29):
            with pytest.raises(StoreError, match="disk is full"):
                store.annotate(document.id, i, i + 5, memo="backlog " * 40)
        assert store.pending == 30
        # Four pages come back: less than the backlog as one line, room for some saves.
        with filler.open("r+b") as handle:
            handle.truncate(filler.stat().st_size - 4 * 4096)
        assert not store.retry()
        left = store.pending
        assert 0 < left < 30
    with Store(path, read_only=True) as store:
        present = {a.id for a in store.annotations()}
        assert acknowledged <= present
        assert len(present) - len(acknowledged) >= 30 - left  # what fitted, at least
    before = {p.name: p.read_bytes() for p in small_disk.iterdir() if p.is_file()}
    for argv in (["--repair"], ["--restore", list_backups(path)[-1].name]):
        capsys.readouterr()
        assert main(["doctor", "--db", str(path), *argv]) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "disk is full" in error
    assert {p.name: p.read_bytes() for p in small_disk.iterdir() if p.is_file()} == before
    filler.unlink()
    with Store(path) as store:
        assert acknowledged <= {a.id for a in store.annotations()}


# -- three writers at once -------------------------------------------------------------------

WRITER = r"""
import sys
from annotations import Store

path, document_id, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with Store(path, journal_limit=6_000) as store:  # small: compactions run meanwhile
    print("ready", flush=True)
    sys.stdin.readline()
    made = [store.annotate(document_id, i % 30, i % 30 + 4, analyst=name).id
            for i in range(count)]
    store.update(made[0], memo=f"{name} edit")
print("\n".join(made), flush=True)
"""


def test_three_writers_at_once_keep_all_of_each(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    with Store(path) as store:
        document = store.add_document(Document.from_text("Words to mark here. " * 10 + "\n"))
    names = ["ana", "ben", "cleo"]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), document.id, name, "80"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    made = {}
    for name, writer in zip(names, writers, strict=True):
        output, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
        made[name] = output.split()
    with Store(path) as store:
        for name in names:
            theirs = {a.id for a in store.annotations(analyst=name)}
            assert theirs == set(made[name]) and len(theirs) == 80
            assert store.annotation(made[name][0]).memo == f"{name} edit"


def test_a_read_only_file_system_reads_and_refuses_writes_in_one_line(
    small_disk: Path, capsys: pytest.CaptureFixture
) -> None:
    path = small_disk / "gloss.json"
    with Store(path) as store:
        document = store.add_document(Document.from_text(TEXT * 4, title="t"))
        saved = {store.annotate(document.id, i, i + 4).id for i in range(5)}
        store.compact()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    before = {p.name: p.read_bytes() for p in small_disk.iterdir() if p.is_file()}
    assert main(["export", "--db", str(path), "--format", "json"]) == 0
    assert {a["id"] for a in json.loads(capsys.readouterr().out)["annotations"]} == saved
    with Store(path) as store:
        with pytest.raises(StoreError, match="read-only"):
            store.annotate(document.id, 0, 3)
        assert store.pending == 1
    for argv in (["--repair"], ["--restore", list_backups(path)[-1].name]):
        capsys.readouterr()
        assert main(["doctor", "--db", str(path), *argv]) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "read-only" in error
    assert {p.name: p.read_bytes() for p in small_disk.iterdir() if p.is_file()} == before

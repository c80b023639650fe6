"""A 200 MB document: peak memory of opening it into a fresh store and of reopening it.

Run alone: `python benchmarks/bench_bigdoc.py` (or `python benchmarks/run.py bigdoc`).
The bundled article repeated to `--size` MB (201.6 MB of UTF-8 by default: its typographic
quotes make Python hold the text at two bytes a character, 400 MB a copy). Each measure
runs in a child process of its own; its peak resident memory is the child's `ru_maxrss`
(from `wait4`: this parent stays small, so nothing of its own carries over), beside the
child's wall and CPU time.

- **floor**: reading the file and decoding it as UTF-8 — the least any reader holding the
  text as a Python `str` pays (the bytes and the text at once).
- **first open** / **reopen**: the domain's part of `gloss FILE` — `Store`, then
  `library.open_paths`, the document's paragraphs, closing the store (which compacts its
  journal) — into a fresh store, then again into the store the first open left.
- `--tmux`: also the real reader, `gloss --db STORE FILE` in tmux (160x50): wait for the
  first words, five PageDowns, `q`; its peak from `wait4` of a wrapper around it (first
  open, then reopen). Target (issue 17): at most about 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARTICLE = ROOT / "annotations" / "data" / "russia-iran-marriage-of-convenience.txt"
TARGET_MB = 600


@dataclass
class Measure:
    wall_s: float
    cpu_s: float
    peak_mb: float


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def make_book(path: Path, size_mb: float) -> int:
    """The bundled article repeated to SIZE_MB megabytes, written a copy at a time."""
    article = ARTICLE.read_bytes()
    if not article.endswith(b"\n"):
        article += b"\n"
    copies = int(size_mb * 1e6 // len(article)) or 1
    with path.open("wb") as handle:
        for _ in range(copies):
            handle.write(article)
    return copies * len(article)


def child(command: list[str]) -> Measure:
    """Run COMMAND in a child; its wall time, CPU time and peak RSS (ru_maxrss)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{shlex.join(command)}: {error.strip()}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


# -- what a child does ----------------------------------------------------------------------


def floor(book: Path) -> None:
    text = book.read_bytes().decode("utf-8")
    assert text


def open_book(book: Path, db: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from annotations.library import open_paths
    from annotations.store import Store

    store = Store(db)
    try:
        document = open_paths(store, [book]).documents[0]
        assert document.paragraphs
    finally:
        store.close()


# -- the real reader, in tmux ---------------------------------------------------------------


def wrapped(command: list[str], report: Path) -> None:
    """Run COMMAND on this terminal; write its peak RSS (MB) and wall time to REPORT."""
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    report.write_text(
        json.dumps(
            {
                "peak_mb": usage.ru_maxrss / 1024,
                "wall_s": time.perf_counter() - started,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "exit": os.waitstatus_to_exitcode(status),
            }
        )
    )


def in_tmux(terminal: Any, book: Path, db: Path, gloss: str, folder: Path) -> Measure:
    """`gloss --db DB BOOK` in a window of TERMINAL (`bench_terminal.Terminal`): the text
    on screen (the status line's paragraph count: a reopened book shows its last place),
    five PageDowns, `q`."""
    from bench_terminal import wait_quiet, wait_until

    report = folder / "reader.json"
    report.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--wrap", str(report), "--", gloss, "--db", str(db)]
    pane, _ = terminal.start(shlex.join([*command, str(book)]))
    if not wait_until(lambda: "¶ " in terminal.client.screen(pane), 600, 0.1):
        screen = terminal.client.screen(pane)
        raise RuntimeError(f"the reader never showed the first words:\n{screen}")
    wait_quiet(terminal, 0.5)
    for _ in range(5):
        terminal.client.command(f"send-keys -t {pane} PageDown")
        wait_quiet(terminal)
    terminal.client.command(f"send-keys -t {pane} q")
    if not wait_until(report.exists, 600, 0.1):
        raise RuntimeError("the reader did not quit")
    time.sleep(0.2)
    result = json.loads(report.read_text())
    if result["exit"] != 0:
        raise RuntimeError(f"the reader exited with {result['exit']}")
    return Measure(result["wall_s"], result["cpu_s"], result["peak_mb"])


# -- the table ------------------------------------------------------------------------------


def row(name: str, runs: list[Measure]) -> str:
    peaks = sorted(m.peak_mb for m in runs)
    peak = peaks[len(peaks) // 2]
    wall = sorted(m.wall_s for m in runs)[len(runs) // 2]
    cpu = sorted(m.cpu_s for m in runs)[len(runs) // 2]
    each = " ".join(f"{m.peak_mb:.0f}" for m in runs)
    return f"| {name} | {peak:.0f} | {each} | {wall:.2f} | {cpu:.2f} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=float, default=201.6, help="the book's size in MB")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--tmux", action="store_true", help="also the reader in tmux")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--wrap", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("command", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        what, *paths = options.child
        if what == "floor":
            floor(Path(paths[0]))
        else:
            open_book(Path(paths[0]), Path(paths[1]))
        return 0
    if options.wrap:
        wrapped(options.command, options.wrap)
        return 0
    gloss = str(Path(sys.executable).with_name("gloss"))
    with tempfile.TemporaryDirectory(prefix="gloss-bigdoc-") as name:
        folder = Path(name)
        book = folder / "book.txt"
        size = make_book(book, options.size)
        before = load()
        rows: dict[str, list[Measure]] = {}
        me = [sys.executable, __file__, "--child"]
        for round_ in range(options.rounds):
            db = folder / f"store-{round_}.json"
            rows.setdefault("floor: read + decode the file", []).append(
                child([*me, "floor", str(book)])
            )
            rows.setdefault("first open (fresh store)", []).append(
                child([*me, "open", str(book), str(db)])
            )
            rows.setdefault("reopen", []).append(child([*me, "open", str(book), str(db)]))
            if options.tmux:
                sys.path.insert(0, str(HERE))
                from bench_terminal import Terminal

                terminal = Terminal()
                try:
                    db = folder / f"reader-{round_}.json"
                    rows.setdefault("reader in tmux, first open", []).append(
                        in_tmux(terminal, book, db, gloss, folder)
                    )
                    rows.setdefault("reader in tmux, reopen", []).append(
                        in_tmux(terminal, book, db, gloss, folder)
                    )
                finally:
                    terminal.close()
        print(
            f"{options.rounds} round(s), a {size / 1e6:.1f} MB book (the bundled article "
            f"repeated); load average before {before}, after {load()}; "
            f"{os.cpu_count()} cores\n"
        )
        print("| measure | peak RSS MB (median) | per round | wall s | CPU s |")
        print("|---|---:|---|---:|---:|")
        for name, runs in rows.items():
            print(row(name, runs))
        print(f"\ntarget: first open and reopen at most about {TARGET_MB} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

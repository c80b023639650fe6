"""`gloss doctor`: check a store, recover what can be read, list and restore backups.

Exit codes: 0 the store is healthy (or the repair/restore was done), 1 problems were
found, 2 the command itself could not run (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotations import recovery
from annotations.safe_text import visible
from tui.commands import common

EXIT_PROBLEMS = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check a store; recover what can be read; list and restore backups",
        description="Check the store and say what is wrong. --repair writes what can be "
        "read into a new file beside the store (never over it); --restore BACKUP makes a "
        "backup the store (the current files are kept aside). Exit 0: healthy, 1: problems "
        "found, 2: error.",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--repair", action="store_true", help="write what can be recovered into a new file"
    )
    action.add_argument(
        "--restore", metavar="BACKUP", help="restore a backup (a name from the listing)"
    )
    common.add_store_options(parser)
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    path = common.store_path(options.db)
    if options.restore:
        return run_restore(path, options.restore)
    if options.repair:
        return run_repair(path)
    with progress_bar("checking the store") as progress:
        diagnosis = recovery.check(path, progress)
    for line in diagnosis.lines:
        say(line)
    return 0 if diagnosis.healthy else EXIT_PROBLEMS


def run_repair(path: Path) -> int:
    with progress_bar("recovering") as progress:
        result = recovery.repair(path, progress)
    for note in result.notes:
        say(note)
    say(
        f"recovered {result.documents:,} document(s) and {result.annotations:,} "
        f"annotation(s) into {result.path}"
    )
    say(f"{path} was not changed. Check the new file with: gloss doctor --db {result.path}")
    say(f"then open it with --db {result.path}, or move it into place of {path.name}.")
    return 0


def run_restore(path: Path, name: str) -> int:
    backup = recovery.find_backup(path, name)
    aside = recovery.restore(path, backup)
    if aside is not None:
        say(f"the store as it was is kept as {aside}")
    say(f"restored {backup.name} as {path}")
    return 0


def say(line: str) -> None:
    print(visible(line))


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    console = Console(file=sys.stderr, force_terminal=True)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update

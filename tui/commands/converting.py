"""Converting sources (PDF, HTML, DOCX, EPUB) on the command line, before the screen
changes: a Rich progress bar on a terminal, a password prompt for an encrypted PDF, and any
failure as one line — so the app opens what is already converted."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from annotations.document import Document
from annotations.errors import DocumentError, PasswordRequired
from annotations.library import expand_paths, load
from annotations.safe_text import visible
from annotations.sources import source_format
from annotations.store import Store


def add_password_option(parser) -> None:  # type: ignore[no-untyped-def]
    parser.add_argument(
        "--password", metavar="TEXT", help="the password of an encrypted PDF (else asked for)"
    )


def convert_sources(
    store: Store, paths: Iterable[Path], password: str | None
) -> dict[Path, Document]:
    """The sources among `paths` (folders expanded) converted — or found converted in the
    store — keyed by path. A file named explicitly that fails raises `DocumentError`; one
    found in a folder is left for the app to skip and report."""
    converted: dict[Path, Document] = {}
    sources = [(path, explicit) for path, explicit in expand_paths(paths) if source_format(path)]
    if not sources:
        return converted
    # Rich's progress bar loads only when there is something to convert.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        for path, explicit in sources:
            task = progress.add_task(visible(f"Converting {path.name}"), total=None)

            def report(_: Path, done: int, total: int, task: int = task) -> None:
                progress.update(task, completed=done, total=total)

            try:
                converted[path] = _load_with_password(store, path, password, report, progress)
            except DocumentError:
                if explicit:
                    raise
            progress.remove_task(task)
    return converted


def _load_with_password(store, path, password, report, progress) -> Document:  # type: ignore[no-untyped-def]
    try:
        return load(store, path, password=password, progress=report)
    except PasswordRequired:
        if password is not None or not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise
    progress.stop()
    import getpass  # only to ask for a password: not at every start

    try:
        asked = getpass.getpass(visible(f"{path.name} is encrypted. Password: "))
    except (EOFError, KeyboardInterrupt):
        raise PasswordRequired(
            f"{path}: it is encrypted — give its password (--password)"
        ) from None
    finally:
        progress.start()
    return load(store, path, password=asked, progress=report)

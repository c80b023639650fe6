"""The `gloss` command: open the reader, or run one of the non-interactive subcommands.

Every subcommand lives in `tui/commands/<name>.py` with a `register(subparsers)` that adds
its parser and sets `handler`; only the command that runs is imported (`tui.commands`).
Errors the library reports become one line on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Sequence

from annotations.errors import GlossError
from tui.commands import COMMANDS, register, register_summary


def build_parser(command: str | None = None, *, others: bool = True) -> argparse.ArgumentParser:
    """The parser with COMMAND's arguments in full; the other commands by their help line
    only (each is parsed only when it is the one that runs), or not at all unless `others`."""
    parser = argparse.ArgumentParser(
        prog="gloss",
        description="A keyboard-driven terminal reader and annotator for analysts.",
        epilog="With no subcommand, gloss opens PATH ... in the reader (the bundled article "
        "when no path is given). 'gloss open PATH' does the same for a file named like a "
        "subcommand.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if name == command:
            register(name, subparsers)
        elif others:
            register_summary(name, subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (else the process's own arguments); its exit code."""
    code = _run(argv)
    if argv is None:
        # The process ends next, and what the command made dies with it: frozen, it is not
        # walked by a last collection first (100,000 annotations: 0.3-0.4 s of CPU).
        gc.freeze()
    return code


def _run(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0] not in COMMANDS and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "open")
    # The reader's start-up makes some hundred thousand objects that live as long as the
    # app (modules, styles, the document): a collection meanwhile walks them all for
    # nothing (a full one took 28 ms of a 0.45 s launch). The app collects again once its
    # first screen is drawn (`tui.app.collect_again`); a reader that never opens, here.
    collecting = gc.isenabled()
    if arguments[0] == "open":
        gc.disable()
    try:
        return _run_command(arguments)
    finally:
        if collecting:
            gc.enable()


def _run_command(arguments: list[str]) -> int:
    command = arguments[0] if arguments[0] in COMMANDS else None
    # The other commands' help lines are for `gloss --help` to list, which a command that
    # runs never shows (its own parser prints its help and errors): 1 ms of argparse spared.
    parser = build_parser(command, others=command is None)
    options = parser.parse_args(arguments)
    try:
        code = int(options.handler(options) or 0)
        # Flushed here, so that a write error is reported rather than lost at exit.
        sys.stdout.flush()
        return code
    except GlossError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `gloss export | head`: the reader went away; that is not an error of ours.
        _discard_stdout()
        return 0
    except OSError as error:
        # The library turns its own file errors into GlossError; what is left is a write to
        # stdout (`> /dev/full`, a full disk) or a file error that names its file.
        if error.filename is not None:
            return _fail(f"{os.fsdecode(error.filename)}: {error.strerror or error}")
        _discard_stdout()
        return _fail(
            f"cannot write to stdout ({error.strerror or error}); the output is incomplete"
        )


def _fail(message: str) -> int:
    from tui.commands.common import fail  # loaded with the command that failed, if not before

    return fail(message)


def _discard_stdout() -> None:
    """Drop what is still buffered for stdout, so that the exit does not fail on it again."""
    # No file descriptor at all (a test's captured stdout) leaves nothing to drop.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    raise SystemExit(main())

"""The `gloss` command: open the reader, or run one of the non-interactive subcommands.

Every subcommand lives in `tui/commands/<name>.py` with a `register(subparsers)` that adds
its parser and sets `handler`. Errors the library reports become one line on stderr and
exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from annotations.errors import GlossError
from tui.commands import COMMANDS, common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gloss",
        description="A keyboard-driven terminal reader and annotator for analysts.",
        epilog="With no subcommand, gloss opens PATH ... in the reader (the bundled article "
        "when no path is given). 'gloss open PATH' does the same for a file named like a "
        "subcommand.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in COMMANDS.values():
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not arguments or (arguments[0] not in COMMANDS and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "open")
    options = parser.parse_args(arguments)
    try:
        return int(options.handler(options) or 0)
    except GlossError as error:
        return common.fail(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `gloss export | head`: the reader went away; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`gloss codebook show|check|export`: print the codebook in force, validate a codebook
file, or write it as TOML (Gloss reads it back) or as a REFI-QDA codebook (`.qdc`).

The codebook is the FILE argument, else `--codebook FILE`, else the one the store
(`--db`) records, else config.toml's, else the default one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from annotations.codebook import Codebook
from annotations.codebook_store import stored_codebook
from annotations.export import safe_colour
from annotations.export.qdpx import codebook_xml
from annotations.output_file import check_output, write_file
from annotations.safe_text import visible
from annotations.settings import load_settings
from annotations.store import Store
from tui.commands import common
from tui.keys import codebook_and_keymap

EXPORT_FORMATS = ("toml", "qdc")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "codebook",
        help="show, check or export a codebook",
        description="Show the codebook in force (FILE, or --codebook FILE, else the one the "
        "store records, else config.toml's or the default one), check a codebook file "
        "(errors name the line and the reason), or export it as TOML or as a REFI-QDA "
        "codebook (.qdc). With no action: show.",
    )
    _add_codebook_option(parser)
    parser.set_defaults(handler=run_show)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    show = actions.add_parser("show", help="print the codebook: groups, codes, keys, colours")
    _add_codebook_arguments(show)
    show.set_defaults(handler=run_show)

    check = actions.add_parser("check", help="validate a codebook file: 'ok' or the first error")
    _add_codebook_arguments(check)
    check.set_defaults(handler=run_check)

    export = actions.add_parser(
        "export",
        help="write the codebook as TOML or as a REFI-QDA codebook (.qdc)",
        description="Write the codebook as TOML (what --codebook reads; keys and exclusive "
        "groups included) or as a REFI-QDA codebook (.qdc, Codebook.xsd; NVivo, ATLAS.ti, "
        "MAXQDA and QualCoder import it), to stdout or to -o FILE.",
    )
    _add_codebook_arguments(export)
    export.add_argument(
        "--format",
        "-f",
        default="toml",
        metavar="FORMAT",
        help=" | ".join(EXPORT_FORMATS) + " (default: toml)",
    )
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="file (default: stdout)")
    export.set_defaults(handler=run_export)


def _add_codebook_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="a codebook TOML file (default: --codebook, else the default codebook)",
    )
    _add_codebook_option(parser)


def _add_codebook_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an action's parser must not reset what `gloss codebook --codebook F` set.
    parser.add_argument(
        "--codebook",
        type=Path,
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="a codebook TOML file, as the other commands take it",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the store whose codebook is in force (default: $GLOSS_DB, else the user's)",
    )


def _chosen(options: argparse.Namespace) -> tuple[Codebook, str]:
    """The codebook the command is about, and how to name it."""
    file = getattr(options, "file", None)
    option = getattr(options, "codebook", None)
    if file is not None and option is not None and file != option:
        raise common.UsageError("name one codebook: FILE or --codebook FILE, not both")
    path = file or option
    if path is not None:
        path = path.expanduser()
    else:
        store_path = common.store_path(getattr(options, "db", None))
        if store_path.is_file():
            with Store(store_path, read_only=True) as store:
                recorded = stored_codebook(store)
            if recorded is not None:
                return recorded, f"the codebook of {store_path}"
    # Checked as the reader would load it: against the keys of the user's keymap (a code
    # may take a key the keymap moved an action off, and not one it moved an action onto).
    codebook, _keymap = codebook_and_keymap(path)
    if path is not None:
        return codebook, str(path)
    settings = load_settings()  # config.toml's [codebook] path, else the default
    if settings.codebook is not None:
        return codebook, str(settings.codebook)
    return codebook, "the default codebook"


def run_show(options: argparse.Namespace) -> int:
    codebook, source = _chosen(options)
    console = Console(highlight=False, emoji=False, markup=False)
    for number, part in enumerate(describe(codebook, source)):
        if number:
            console.print()
        # soft_wrap: a heading is one line, however long, not cut to the terminal's width.
        console.print(part, soft_wrap=isinstance(part, Text))
    return 0


def run_check(options: argparse.Namespace) -> int:
    # A codebook with errors raises CodebookError: one line naming the line, exit 2.
    codebook, source = _chosen(options)
    groups, codes = len(codebook.groups), len(codebook.codes)
    print(
        visible(
            f"ok: {source}: {groups} group{'s' if groups != 1 else ''}, "
            f"{codes} code{'s' if codes != 1 else ''}",
            newline=" ",
        )
    )
    return 0


def run_export(options: argparse.Namespace) -> int:
    if options.format not in EXPORT_FORMATS:
        return common.fail(
            f"unknown codebook format {options.format!r} (choose from {', '.join(EXPORT_FORMATS)})"
        )
    if options.output is not None:
        check_output(options.output.expanduser())
    codebook, _ = _chosen(options)
    if options.format == "toml":
        data = codebook.to_toml().encode("utf-8")
    else:
        data = codebook_xml(codebook)
    if options.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_file(options.output.expanduser(), data)
    print(
        visible(f"wrote the codebook “{codebook.name}” to {options.output}", newline=" "),
        file=sys.stderr,
    )
    return 0


def describe(codebook: Codebook, source: str) -> list[Text | Group]:
    """What `gloss codebook show` prints: a heading, then a table per group."""
    groups, codes = len(codebook.groups), len(codebook.codes)
    heading = Text(
        visible(
            f"{codebook.name} — {source}: {groups} group{'s' if groups != 1 else ''}, "
            f"{codes} code{'s' if codes != 1 else ''}",
            newline=" ",
        ),
        style="bold",
    )
    parts: list[Text | Group] = [heading]
    for group in codebook.groups:
        rule = "exclusive: at most one per annotation" if group.exclusive else "any number"
        title = Text(visible(f"{group.label} ({group.id}) — {rule}", newline=" "), style="bold")
        table = Table(box=None)
        table.add_column("key")
        table.add_column("code", no_wrap=True)
        table.add_column("colour", no_wrap=True)
        table.add_column("label — description")
        for code in codebook.codes_in(group.id):
            described = Text(visible(code.label, newline=" "), style="bold")
            if code.description:
                described.append(" — " + visible(code.description, newline=" "))
            if code.memo.strip():  # the analysts' note on the code, on a line of its own
                described.append("\nmemo: " + visible(code.memo.strip(), newline=" "), "italic")
            table.add_row(
                Text(visible(" ".join(code.keys))),
                Text(code.id),
                Text.assemble(("██", safe_colour(code.color)), " ", code.color),
                described,
            )
        if not table.rows:
            table.add_row("", Text("(no codes)", style="dim"), "", "")
        parts.append(Group(title, table))
    return parts

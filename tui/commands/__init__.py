"""Subcommands of `gloss`: each name, the module that registers its argument parser, and the
line `gloss --help` shows for it.

A command's module is imported only when that command runs (or its own `--help` is
asked for): `gloss export` need not load the reader, nor the reader the exporters.
`gloss --help` lists every command from the summaries here, importing none of them.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    module: str  # in tui.commands
    register: str  # its function that adds the parser: register(subparsers)
    summary: str  # the help line; the module's parser says the same (a test checks)


COMMANDS: dict[str, Command] = {
    "open": Command("open_reader", "register", "open documents in the reader (the default)"),
    "export": Command(
        "exchange", "register_export", "write annotated notes: md, csv, json, jsonld, html, qdpx"
    ),
    "import": Command(
        "exchange",
        "register_import",
        "merge a json export, a REFI-QDA project (.qdpx) or W3C annotations (.jsonld)",
    ),
    "doctor": Command(
        "doctor", "register", "check a store; recover what can be read; list and restore backups"
    ),
    "stats": Command("stats", "register", "counts per code and the actor x interest matrix"),
    "agree": Command(
        "agree",
        "register",
        "agreement between analysts per code (Cohen's kappa, Krippendorff's alpha)",
    ),
    "codebook": Command("codebook", "register", "show, check or export a codebook"),
    "query": Command(
        "query", "register", "the annotations a code query matches: iran & society & !convergence"
    ),
    "search": Command("search", "register", "find text in every document and memo of the store"),
    "config": Command(
        "config",
        "register",
        "where the settings file is and what is in force; 'config check [FILE]' checks it",
    ),
    "attributes": Command(
        "attributes",
        "register",
        "document attributes (outlet, author, date, language, ...): list, set, import",
    ),
    "memo": Command(
        "memo", "register_memo", "show or write the memo of a document or of the project"
    ),
    "memos": Command(
        "memo",
        "register_memos",
        "every memo: the project's, each document's and each annotation's",
    ),
}


def register(name: str, subparsers: argparse._SubParsersAction) -> None:
    """Add the whole parser of command NAME (importing its module)."""
    command = COMMANDS[name]
    module = importlib.import_module(f"tui.commands.{command.module}")
    getattr(module, command.register)(subparsers)


def register_summary(name: str, subparsers: argparse._SubParsersAction) -> None:
    """Add command NAME with its help line only: enough for `gloss --help` to list it."""
    subparsers.add_parser(name, help=COMMANDS[name].summary, add_help=False)

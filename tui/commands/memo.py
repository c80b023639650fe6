"""`gloss memo` and `gloss memos`: the memo of a document or of the project, and the list
of every memo in a scope (annotations/memos.py).

    gloss memo                       the project's memo
    gloss memo "Report 1" --set "Reads Iran as the stronger partner."
    gloss memo --set - < notes.txt   the project's memo from stdin
    gloss memos --by code            every memo, under each code
"""

from __future__ import annotations

import argparse
import json
import sys

from annotations.errors import StoreError
from annotations.memos import PROJECT, memo, memo_entries, scope_memos, set_memo
from annotations.safe_text import visible
from annotations.store import Store
from tui.commands import common
from tui.commands.scoping import read_scope

FORMATS = ("text", "json")
GROUPINGS = ("document", "code", "analyst")
QUOTE_WIDTH = 200


def register_memo(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "memo",
        help="show or write the memo of a document or of the project",
        description="Print the memo of DOCUMENT (its id, a prefix, title or file), or of "
        "the project without one. --set TEXT writes it (--set - reads stdin; an empty text "
        "removes it).",
    )
    parser.add_argument("document", nargs="?", metavar="DOCUMENT", help="default: the project")
    parser.add_argument("--set", metavar="TEXT", dest="text", help="write the memo (- : stdin)")
    common.add_analyst_option(parser, "who writes the memo (default: $GLOSS_ANALYST)")
    common.add_store_options(parser)
    parser.set_defaults(handler=run_memo)


def register_memos(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "memos",
        help="every memo: the project's, each document's and each annotation's",
        description="List every memo of the store (or of --document / --where): the "
        "project's, then by document (each document's own memo first), by code or by "
        "analyst, each annotation memo with its quote and place.",
    )
    parser.add_argument(
        "--by", default="document", metavar="GROUPING", help="document, code or analyst"
    )
    common.add_format_option(parser, FORMATS)
    common.add_scope_options(parser)
    common.add_analyst_option(parser, "only this analyst's memos (default: everyone's)")
    common.add_codebook_option(parser)
    common.add_store_options(parser)
    parser.set_defaults(handler=run_memos)


def run_memo(options: argparse.Namespace) -> int:
    if options.text is None:
        path = common.existing_store_path(options.db)
        with Store(path, read_only=True) as store:
            about, title = _about(store, options.document)
            found = memo(store, about)
        if found is None:
            print(visible(f"no memo about {title}", newline=" "), file=sys.stderr)
            return 0
        print(visible(found.text.rstrip("\n")))
        return 0
    text = sys.stdin.read() if options.text == "-" else options.text
    with Store(common.existing_store_path(options.db)) as store:
        about, title = _about(store, options.document)
        written = set_memo(store, about, text, analyst=common.analyst_name(options.analyst))
    what = "removed the memo" if written is None else "wrote the memo"
    print(visible(f"{what} about {title}", newline=" "))
    return 0


def _about(store: Store, reference: str | None) -> tuple[str, str]:
    """The memo's key and how to name it: the project, or a document's id and title."""
    if reference is None:
        return PROJECT, "the project"
    document = store.find_document(reference)
    if document is None:
        raise StoreError(f"no document {reference!r} in the store")
    return document.id, f"“{document.title}”"


def run_memos(options: argparse.Namespace) -> int:
    common.check_format(options, FORMATS)
    if options.by not in GROUPINGS:
        return common.fail(f"unknown grouping {options.by!r} (choose from document, code, analyst)")
    path = common.existing_store_path(options.db)
    with Store(path, read_only=True) as store:
        codebook = common.codebook_of(store, options)  # the store's, if it records one
        if not store.documents():
            return common.fail(f"{path}: the store holds no documents: no memos")
        scope = read_scope(store, codebook, options.document, options.analyst, options.where or ())
        stored = scope_memos(store, [d.id for d in scope.documents])
    if options.analyst:
        stored = {about: m for about, m in stored.items() if m.analyst == options.analyst}
    entries = memo_entries(
        scope.annotations,
        by=options.by,
        codebook=codebook,
        documents=scope.documents,
        stored=stored,
    )
    if options.format == "json":
        records = [
            {
                "heading": e.heading,
                "memo": e.text,
                "analyst": e.analyst,
                "document": e.document,
                "annotation": e.annotation.id if e.annotation else None,
                "quote": e.annotation.quote if e.annotation else None,
            }
            for e in entries
        ]
        print(json.dumps({"by": options.by, "memos": records}, indent=2))
        return 0
    if not entries:
        print("no memos")
        return 0
    heading = None
    for entry in entries:
        if entry.heading != heading:
            if heading is not None:
                print()
            heading = entry.heading
            print(visible(heading, newline=" "))
        who = entry.analyst or "unknown analyst"
        if entry.annotation is None:
            kind = "project memo" if entry.document is None else "document memo"
            print(visible(f"  {kind} · {who}", newline=" "))
        else:
            print(visible(f"  “{_one_line(entry.annotation.quote)}” · {who}", newline=" "))
        for line in entry.text.strip().split("\n"):
            print(visible(f"    {line}", newline=" "))
    return 0


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= QUOTE_WIDTH else line[: QUOTE_WIDTH - 1] + "…"

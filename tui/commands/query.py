"""`gloss query EXPR`: the annotations a code query matches (annotations/query.py), across
the store or in one document — as quotes to read, as json records or as csv rows."""

from __future__ import annotations

import argparse
import json
import sys

from annotations.document import Document
from annotations.export import ExportScope, narrowed, render
from annotations.export.json import escape_unsafe
from annotations.model import Annotation
from annotations.query import Query
from annotations.safe_text import visible
from annotations.store import Store
from tui.commands import common
from tui.commands.scoping import read_scope

FORMATS = ("text", "json", "csv")
QUOTE_WIDTH = 300


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "query",
        help="the annotations a code query matches: iran & society & !convergence",
        description="List the annotations matching a query: codes (by id, name, key or "
        'label), @analyst, words or "quoted text" in the quote or memo, combined with '
        "& (and), | (or), ! (not) and parentheses. Across the store unless --document "
        "narrows.",
    )
    parser.add_argument("expression", metavar="EXPR", help="the query")
    common.add_format_option(parser, FORMATS)
    common.add_scope_options(parser)
    common.add_analyst_option(parser, "only this analyst's annotations (default: everyone's)")
    common.add_codebook_option(parser)
    common.add_store_options(parser)
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    common.check_format(options, FORMATS)
    codebook = common.codebook(options)
    # A bad expression is found before the store is read.
    query = Query.parse(options.expression, codebook)
    path = common.existing_store_path(options.db)
    with Store(path, read_only=True) as store:
        codebook = common.codebook_of(store, options, codebook)  # the store's, if it records one
        query = Query.parse(options.expression, codebook)
        if not store.documents():
            return common.fail(f"{path}: the store holds no documents: nothing to query")
        scope = narrowed(
            read_scope(store, codebook, options.document, options.analyst, options.where or ()),
            query,
        )
    if options.format == "csv":
        sys.stdout.buffer.write(render("csv", scope))
    elif options.format == "json":
        print(escape_unsafe(json.dumps(json_result(query, scope), ensure_ascii=False, indent=2)))
    else:
        print(text_report(query, scope), end="")
    return 0


def json_result(query: Query, scope: ExportScope) -> dict:
    """`{"query": EXPR, "annotations": [...]}`, the records as the json export writes them."""
    records = [a.to_record() for a in scope.annotations]
    records += [{**a.to_record(), "orphan": True} for a in scope.orphans]
    return {"query": query.expression, "annotations": records}


def text_report(query: Query, scope: ExportScope) -> str:
    """The matches for a person: a heading, then each document's quotes in order."""
    count = len(scope.annotations)
    documents = [d for d in scope.documents if scope.annotations_of(d.id)]
    lines = [
        visible(
            f"{count} annotation{'s match' if count != 1 else ' matches'} {query}"
            + (f" in {len(documents)} of {len(scope.documents)} documents" if count else ""),
            newline=" ",
        )
    ]
    for document in documents:
        lines += ["", visible(document.title, newline=" ")]
        for annotation in scope.annotations_of(document.id):
            lines += _entry(document, annotation)
    if scope.orphans:
        orphans = len(scope.orphans)
        lines += [
            "",
            f"and {orphans} orphaned annotation{'s' if orphans != 1 else ''} "
            "(not placed in their document's current text; --format json or csv lists them)",
        ]
    return "\n".join(lines) + "\n"


def _entry(document: Document, annotation: Annotation) -> list[str]:
    where = f"¶{document.paragraph_index(annotation.start) + 1}"
    page = document.page_label_at(annotation.start)
    if page is not None:
        where += f", p. {page}"
    who = annotation.analyst or "unknown analyst"
    tags = ", ".join(annotation.tags) or "no codes"
    lines = [visible(f"  {where} · {who} · {tags}", newline=" ")]
    lines.append(f"    “{_one_line(annotation.quote)}”")
    if annotation.memo.strip():
        lines.append(f"    memo: {_one_line(annotation.memo)}")
    return lines


def _one_line(text: str) -> str:
    """Untrusted text as one line a terminal shows as it is, cut at `QUOTE_WIDTH`."""
    line = " ".join(text.split())
    if len(line) > QUOTE_WIDTH:
        line = line[: QUOTE_WIDTH - 1] + "…"
    return visible(line, newline=" ")

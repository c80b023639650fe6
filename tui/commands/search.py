"""`gloss search TEXT`: every place the text appears in the store's documents and memos,
as keyword-in-context lines grouped by document, or as json offsets.

The folding is that of `/` in the reader (annotations/search.py). Only the current version
of a revised file is searched: an older one's text would repeat its matches.
"""

from __future__ import annotations

import argparse
import json
import re

from rich.console import Console
from rich.text import Text

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.errors import GlossError
from annotations.model import Annotation
from annotations.project_search import Match, search_project
from annotations.query import HasCode, Query
from annotations.safe_text import visible
from annotations.search import Search
from annotations.search_coding import UNITS, code_targets, coding_targets
from annotations.store import Store
from annotations.text_units import cell_width
from tui.commands import common

FORMATS = ("text", "json")
CONTEXT = 30  # characters of context on each side of a match
PLACE_WIDTH = 14  # "memo ¶12, p. 4" — longer places push their line right
_WHITE_SPACE = re.compile(r"\s+")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search",
        help="find text in every document and memo of the store",
        description="Find TEXT in every document's text and every memo, as / finds it in "
        "the reader: case, accents and width aside, any run of spaces matching any white "
        "space. Lists each match in its context, document by document.",
    )
    parser.add_argument("text", metavar="TEXT", help="what to find")
    common.add_format_option(parser, FORMATS)
    parser.add_argument(
        "--code",
        metavar="CODE",
        help="tag every match in a text with this code (its id, name, key or label), as one "
        "change; matches the analyst coded already are left as they are",
    )
    parser.add_argument(
        "--unit",
        default="match",
        metavar="UNIT",
        help="with --code, what gets the code: match (default), sentence or clause",
    )
    common.add_analyst_option(parser, "with --code, who codes (default: $GLOSS_ANALYST)")
    common.add_codebook_option(parser)
    common.add_store_options(parser)
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    common.check_format(options, FORMATS)
    search = Search.compile(options.text)
    if search is None:
        return common.fail("nothing to search for: the text is empty")
    if options.code is not None:
        return code_matches(options, search)
    path = common.existing_store_path(options.db)
    with Store(path, read_only=True) as store:
        documents = [d for d in store.documents() if not d.metadata.get("superseded_by")]
        annotations = {d.id: store.annotations(d.id) for d in documents}
    matches = search_project(search, documents, annotations.__getitem__)
    if options.format == "json":
        print(json.dumps({"matches": [match.to_record() for match in matches]}, indent=2))
        return 0
    lines = text_report(options.text, matches, documents, annotations)
    console = Console(highlight=False, markup=False, emoji=False)
    if not console.is_terminal:
        # Plain lines to a pipe or file: Rich's rendering took a second for 10,000 matches.
        print("\n".join(line.plain for line in lines))
        return 0
    for line in lines:
        console.print(line, soft_wrap=True)
    return 0


def code_matches(options: argparse.Namespace, search: Search) -> int:
    """`gloss search TEXT --code CODE`: code every match in a text as one change."""
    if options.unit not in UNITS:
        return common.fail(f"unknown unit {options.unit!r} (choose from {', '.join(UNITS)})")
    analyst = common.analyst_name(options.analyst)
    with Store(common.existing_store_path(options.db)) as store:
        codebook = common.codebook_of(store, options)  # the store's, if it records one
        code = named_code(options.code, codebook)
        documents = [d for d in store.documents() if not d.metadata.get("superseded_by")]
        matches = search_project(search, documents, store.annotations)
        targets = coding_targets(
            matches, documents, store.annotations, code, unit=options.unit, analyst=analyst
        )
        change = code_targets(store, targets, code, analyst=analyst, codebook=codebook)
    places = f"{change.coded} place{'s' if change.coded != 1 else ''}"
    line = f"coded {places} with {code} as {analyst}"
    if change.already:
        line += f"; {change.already} {'were' if change.already != 1 else 'was'} coded already"
    if change.conflicting:
        line += (
            f"; {change.conflicting} left as {'they were' if change.conflicting != 1 else 'it was'}"
            " (another code of an exclusive group)"
        )
    print(visible(line, newline=" "))
    return 0


def named_code(word: str, codebook: Codebook) -> str:
    """The one code `word` names (as a code query reads it); `GlossError` otherwise."""
    term = Query.parse(word, codebook).term
    if not isinstance(term, HasCode) or len(term.codes) != 1:
        raise GlossError(f"{word!r} does not name one code (give its id, as actor/iran)")
    (code,) = term.codes
    return code


def text_report(
    query: str,
    matches: list[Match],
    documents: list[Document],
    annotations: dict[str, list[Annotation]],
) -> list[Text]:
    """A heading, then per document with matches its title and one line per match."""
    by_document: dict[str, list[Match]] = {}
    for match in matches:
        by_document.setdefault(match.document, []).append(match)
    count = len(matches)
    heading = f"{count} match{'es' if count != 1 else ''} of “{query}”"
    if count:
        heading += f" in {len(by_document)} of {len(documents)} documents"
    lines = [Text(visible(heading, newline=" "), style="bold")]
    for document in documents:
        found = by_document.get(document.id)
        if not found:
            continue
        by_id = {a.id: a for a in annotations[document.id]}
        in_memos = sum(match.where == "memo" for match in found)
        summary = f"{len(found) - in_memos} in the text, {in_memos} in memos"
        lines += [Text(""), Text(visible(f"{document.title} — {summary}", newline=" "))]
        lines += [_line(document, match, by_id) for match in found]
    return lines


def _line(document: Document, match: Match, by_id: dict[str, Annotation]) -> Text:
    """`  ¶3, p. 12   …left context MATCH right context…  [codes of the annotation]`."""
    annotation = by_id.get(match.annotation) if match.annotation else None
    if match.where == "memo" and annotation is not None:
        source, offset, place = annotation.memo, annotation.start, "memo "
    else:
        source, offset, place = document.text, match.start, ""
    place += f"¶{document.paragraph_index(offset) + 1}"
    page = document.page_label_at(offset)
    if page is not None:
        place += f", p. {page}"
    # Twice the context is taken, as runs of white space shrink to one space.
    before = _context(source[max(0, match.start - 2 * CONTEXT) : match.start])
    after = _context(source[match.end : match.end + 2 * CONTEXT])
    left, right = before[-CONTEXT:].lstrip(), after[:CONTEXT].rstrip()
    if len(before) > CONTEXT or match.start > 2 * CONTEXT:
        left = "…" + left[1:]
    if len(after) > CONTEXT or match.end + 2 * CONTEXT < len(source):
        right = right[:-1] + "…"
    line = Text("  " + place + " " * max(1, PLACE_WIDTH + 2 - cell_width(place)))
    line.append(" " * (CONTEXT - cell_width(left)) + left)
    line.append(_context(source[match.start : match.end]), style="bold reverse")
    line.append(right)
    if match.where == "text" and annotation is not None:
        line.append(visible(f"  [{', '.join(annotation.tags) or 'coded'}]", newline=" "))
    return line


def _context(text: str) -> str:
    """Text as one line a terminal shows as it is: white space runs as one space."""
    return visible(_WHITE_SPACE.sub(" ", text))

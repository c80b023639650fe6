"""`gloss stats`: counts per code, the actor x interest matrix, convergence vs divergence
per interest, and where in the documents the annotations fall (docs/architecture.md, Analysis).

`--format json` is the stable shape scripts read (`annotations.analysis.stats`); the
text format is a set of tables for a person at a terminal.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from annotations.analysis import (
    Matrix,
    Positions,
    actor_interest_matrix,
    code_counts,
    positions,
    relation_matrix,
    stats,
)
from annotations.codebook import Codebook
from annotations.export import ExportScope, safe_colour, select, select_file
from annotations.safe_text import visible
from annotations.store import Store
from tui.commands import common

FORMATS = ("text", "json")
BAR_WIDTH = 30


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="counts per code and the actor x interest matrix",
        description="Count the annotations of the store (or of one document): per code, the "
        "actor x interest matrix (a cell counts the annotations carrying both codes), "
        "convergence vs divergence per interest, and where in the documents they fall. "
        "Every analyst's annotations unless --analyst narrows.",
    )
    parser.add_argument(
        "--format", "-f", default="text", metavar="FORMAT", help="text (default) or json"
    )
    common.add_document_option(parser)
    common.add_analyst_option(parser, "only this analyst's annotations (default: everyone's)")
    common.add_codebook_option(parser)
    common.add_store_options(parser)
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    if options.format not in FORMATS:
        return common.fail(f"unknown format {options.format!r} (choose from text, json)")
    codebook = common.codebook(options)
    path = common.existing_store_path(options.db)
    with Store(path, read_only=True) as store:
        if not store.documents():
            return common.fail(f"{path}: the store holds no documents: nothing to count")
        scope = read_scope(store, codebook, options.document, options.analyst)
    if options.format == "json":
        # ASCII-only json: a tag the codebook does not know is untrusted text.
        print(json.dumps(stats(scope.annotations, codebook), indent=2))
        return 0
    console = Console(highlight=False, emoji=False, markup=False)
    for number, part in enumerate(text_report(scope, analyst=options.analyst)):
        if number:
            console.print()
        # soft_wrap: the heading is one line, however long, not cut to the terminal's width.
        console.print(part, soft_wrap=isinstance(part, Text))
    return 0


def read_scope(
    store: Store, codebook: Codebook, document: str | None, analyst: str | None = None
) -> ExportScope:
    """What `stats` and `agree` count: one document (as `gloss export` reads it) or all."""
    if document and Path(document).expanduser().is_file():
        # A file is read as it is now, as gloss export reads it (re-anchored if it changed).
        scope, _ = select_file(store, codebook, Path(document).expanduser(), analyst=analyst)
        return scope
    return select(store, codebook, document=document, analyst=analyst)


# -- text ----------------------------------------------------------------------------------


def text_report(scope: ExportScope, *, analyst: str | None = None) -> list[Text | Group]:
    """The parts of `gloss stats`' text output, in order."""
    codebook = scope.codebook
    annotations = scope.annotations
    parts: list[Text | Group] = [_heading(scope, analyst)]
    parts.append(_code_table(code_counts(annotations, codebook), scope))
    matrix = actor_interest_matrix(annotations, codebook)
    if matrix.rows and matrix.columns:
        parts.append(_matrix_table(matrix, scope))
    relations = relation_matrix(annotations, codebook)
    if relations is not None:
        parts.append(_relation_table(relations, scope))
    lengths = {document.id: len(document.text) for document in scope.documents}
    parts.append(_positions_table(positions(annotations, lengths), len(scope.documents)))
    return parts


def _heading(scope: ExportScope, analyst: str | None) -> Text:
    count = len(scope.annotations)
    documents = len(scope.documents)
    what = f"“{scope.documents[0].title}”" if documents == 1 else f"{documents} documents"
    line = f"{count} annotation{'s' if count != 1 else ''} in {what}"
    if analyst:
        line += f", by {analyst}"
    elif scope.analysts:
        line += f", by {', '.join(name or 'unknown' for name in scope.analysts)}"
    line += f" — codebook “{scope.codebook.name}”"
    return Text(visible(line, newline=" "), style="bold")


def _label(code_id: str, scope: ExportScope) -> Text:
    """A code as its label in the codebook (the id of a tag it does not know), in its colour."""
    code = scope.codebook.code(code_id)
    label = code.label if code else code_id
    colour = safe_colour(code.color) if code else None
    return Text(visible(label, newline=" "), style=colour or "")


def _bar(count: int, largest: int) -> str:
    if not count or not largest:
        return ""
    return "█" * max(1, round(BAR_WIDTH * count / largest))


def _section(title: str, table: Table) -> Group:
    """A table under its title: a Rich table title would wrap to the table's width."""
    return Group(Text(visible(title, newline=" "), style="bold"), table)


def _code_table(counts: dict[str, int], scope: ExportScope) -> Group:
    title = "Annotations per code"
    table = Table(box=None)
    table.add_column("group")
    table.add_column("code")
    table.add_column("n", justify="right")
    table.add_column("")
    largest = max(counts.values(), default=0)
    previous_group = None
    for code_id, count in counts.items():
        group_id = code_id.split("/", 1)[0]
        group = scope.codebook.group(group_id)
        shown = (group.label if group else group_id) if group_id != previous_group else ""
        previous_group = group_id
        label = _label(code_id, scope)
        table.add_row(
            Text(visible(shown, newline=" ")),
            label,
            str(count),
            Text(_bar(count, largest), style=label.style),
        )
    return _section(title, table)


def _matrix_table(matrix: Matrix, scope: ExportScope) -> Group:
    """Interests down, actors across: seven rows fit a terminal where seven columns would not."""
    row_group = scope.codebook.group(matrix.rows[0].group)
    column_group = scope.codebook.group(matrix.columns[0].group)
    rows_name = row_group.label if row_group else matrix.rows[0].group
    columns_name = column_group.label if column_group else matrix.columns[0].group
    table = Table(box=None)
    title = f"{rows_name} × {columns_name} (annotations carrying both codes)"
    table.add_column(Text(visible(columns_name, newline=" ")))
    for row in matrix.rows:
        table.add_column(_label(row.id, scope), justify="right")
    table.add_column("total", justify="right")
    for column in matrix.columns:
        cells = [matrix.count(row.id, column.id) for row in matrix.rows]
        table.add_row(_label(column.id, scope), *(_cell(n) for n in cells), _cell(sum(cells)))
    totals = [sum(matrix.count(row.id, c.id) for c in matrix.columns) for row in matrix.rows]
    table.add_row(Text("total", style="bold"), *(_cell(n) for n in totals), _cell(sum(totals)))
    return _section(title, table)


def _relation_table(relations: Matrix, scope: ExportScope) -> Group:
    group = scope.codebook.group(relations.rows[0].group) if relations.rows else None
    per = group.label.lower() if group else "code"
    names = " vs ".join(code.label for code in relations.columns)
    table = Table(box=None)
    title = f"{names.capitalize()} per {per}"
    table.add_column("")
    for column in relations.columns:
        table.add_column(_label(column.id, scope), justify="right")
    for row in relations.rows:
        table.add_row(
            _label(row.id, scope),
            *(_cell(relations.count(row.id, c.id)) for c in relations.columns),
        )
    return _section(title, table)


def _positions_table(spread: Positions, documents: int) -> Group:
    where = "the document" if documents == 1 else "each document"
    table = Table(box=None)
    title = f"Where the annotations start, by tenth of {where}"
    table.add_column("part")
    table.add_column("n", justify="right")
    table.add_column("")
    largest = max(spread.counts, default=0)
    for section, count in enumerate(spread.counts):
        low, high = spread.bounds(section)
        table.add_row(f"{low}–{high}%", str(count), _bar(count, largest))
    return _section(title, table)


def _cell(count: int) -> Text:
    return Text(str(count), style="" if count else "dim")

"""`gloss stats`: counts per code, the actor x interest matrix, convergence vs divergence
per interest, and where in the documents the annotations fall (docs/architecture.md, Analysis).

`--format json` is the stable shape scripts read (`annotations.analysis.stats`); the
text format is a set of tables for a person at a terminal.
"""

from __future__ import annotations

import argparse
import json

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
from annotations.attribute_matrix import NO_VALUE, AttributeMatrix, attribute_matrix
from annotations.attributes import all_attributes
from annotations.cooccurrence import Cooccurrence, all_codes, cooccurrence, group_codes
from annotations.errors import StoreError
from annotations.export import ExportScope, safe_colour
from annotations.safe_text import visible
from annotations.store import Store
from tui.commands import common
from tui.commands.scoping import read_scope

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
    common.add_format_option(parser, FORMATS)
    common.add_scope_options(parser)
    parser.add_argument(
        "--by",
        metavar="ATTRIBUTE",
        help="also count the codes by a document attribute: outlet, year, author, ...",
    )
    parser.add_argument(
        "--cooccurrence",
        metavar="GROUPS",
        help="also the code co-occurrence matrix: all (every code), a group (its codes with "
        "each other) or two groups (actor,interest)",
    )
    common.add_analyst_option(parser, "only this analyst's annotations (default: everyone's)")
    common.add_codebook_option(parser)
    common.add_store_options(parser)
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    common.check_format(options, FORMATS)
    codebook = common.codebook(options)
    path = common.existing_store_path(options.db)
    with Store(path, read_only=True) as store:
        codebook = common.codebook_of(store, options, codebook)
        if not store.documents():
            return common.fail(f"{path}: the store holds no documents: nothing to count")
        scope = read_scope(store, codebook, options.document, options.analyst, options.where or ())
        by = by_attribute(store, scope, options.by) if options.by else None
    together = cooccurrence_of(scope, options.cooccurrence) if options.cooccurrence else None
    if options.format == "json":
        result = stats(scope.annotations, codebook)
        if by is not None:
            result["by"] = by.to_json()
        if together is not None:
            result["cooccurrence"] = together.to_json()
        # ASCII-only json: a tag the codebook does not know is untrusted text.
        print(json.dumps(result, indent=2))
        return 0
    console = Console(highlight=False, emoji=False, markup=False)
    parts = text_report(scope, analyst=options.analyst)
    if together is not None:
        parts.append(cooccurrence_table(together, scope))
    if by is not None:
        parts += attribute_tables(by, scope)
    for number, part in enumerate(parts):
        if number:
            console.print()
        # soft_wrap: the heading is one line, however long, not cut to the terminal's width.
        console.print(part, soft_wrap=isinstance(part, Text))
    return 0


def by_attribute(store: Store, scope: ExportScope, attribute: str) -> AttributeMatrix:
    """Every code of the codebook (and any other tag used) by `attribute`'s values over
    the scope's documents; `StoreError` when no document in it has the attribute."""
    name = " ".join(attribute.split()).casefold()
    values = all_attributes(store)
    in_scope = {d.id: values.get(d.id, {}) for d in scope.documents}
    if not any(name in attributes for attributes in in_scope.values()):
        known = sorted({n for attributes in in_scope.values() for n in attributes})
        listed = ", ".join(known) or "none — see gloss attributes"
        raise StoreError(
            f"no document in the scope has the attribute {name!r} (they have: {listed})"
        )
    codes = all_codes(scope.codebook, scope.annotations)
    return attribute_matrix(scope.annotations, in_scope, name, codes)


def cooccurrence_of(scope: ExportScope, groups: str) -> Cooccurrence:
    """`--cooccurrence all|GROUP|GROUP,GROUP` over the scope; `StoreError` for a group the
    codebook does not have."""
    codebook = scope.codebook
    if groups.strip().casefold() == "all":
        return cooccurrence(scope.annotations, all_codes(codebook, scope.annotations))
    named = [name.strip() for name in groups.split(",") if name.strip()]
    if not 1 <= len(named) <= 2:
        raise StoreError(f"--cooccurrence expects all, a group or two groups, not {groups!r}")
    for name in named:
        if codebook.group(name) is None or not codebook.codes_in(name):
            known = ", ".join(g.id for g in codebook.groups)
            raise StoreError(f"no group {name!r} in the codebook (groups: {known})")
    rows = group_codes(codebook, named[0])
    columns = group_codes(codebook, named[-1])
    return cooccurrence(scope.annotations, rows, columns)


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
        code = scope.codebook.code(code_id)
        depth = code.depth if code else 0  # a nested code under its parent, which counts it
        table.add_row(
            Text(visible(shown, newline=" ")),
            Text("  " * depth + "› " * bool(depth)) + label,
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


def attribute_tables(matrix: AttributeMatrix, scope: ExportScope) -> list[Text | Group]:
    """One table per group of codes, the attribute's values and the group's codes crossed
    — whichever are fewer across, so that the table fits a terminal."""
    groups: dict[str, list[str]] = {}
    for code in matrix.columns:
        groups.setdefault(code.split("/", 1)[0], []).append(code)
    parts: list[Text | Group] = []
    for group_id, codes in groups.items():
        group = scope.codebook.group(group_id)
        name = group.label if group else group_id
        title = f"{name} by {matrix.attribute} (annotations carrying each code)"
        if len(matrix.rows) <= len(codes):
            table = _values_across(matrix, codes, name, scope)
        else:
            table = _values_down(matrix, codes, scope)
        parts.append(_section(title, table))
    return parts


def _value_label(matrix: AttributeMatrix, value: str) -> Text:
    documents = len(matrix.documents[value])
    shown = "(none)" if value == NO_VALUE else visible(value, newline=" ")
    return Text(f"{shown} ({documents} doc{'s' if documents != 1 else ''})")


def _values_down(matrix: AttributeMatrix, codes: list[str], scope: ExportScope) -> Table:
    table = Table(box=None)
    table.add_column(Text(visible(matrix.attribute, newline=" ")))
    for code in codes:
        table.add_column(_label(code, scope), justify="right")
    for value in matrix.rows:
        cells = [_cell(matrix.count(value, code)) for code in codes]
        table.add_row(_value_label(matrix, value), *cells)
    return table


def _values_across(
    matrix: AttributeMatrix, codes: list[str], name: str, scope: ExportScope
) -> Table:
    table = Table(box=None)
    table.add_column(Text(visible(name, newline=" ")))
    for value in matrix.rows:
        table.add_column(_value_label(matrix, value), justify="right")
    for code in codes:
        cells = [_cell(matrix.count(value, code)) for value in matrix.rows]
        table.add_row(_label(code, scope), *cells)
    return table


def cooccurrence_table(matrix: Cooccurrence, scope: ExportScope) -> Group:
    """The longer list of codes down, the shorter across (the matrix is symmetric, so
    either way round is the same counts); the definition of a cell under the title."""
    down, across = matrix.rows, matrix.columns
    if len(across) > len(down):
        down, across = across, down
    table = Table(box=None)
    table.add_column("")
    for column in across:
        table.add_column(_label(column, scope), justify="right")
    for row in down:
        table.add_row(_label(row, scope), *(_cell(matrix.count(row, c)) for c in across))
    title = "Co-occurrence: pairs of overlapping annotations carrying the two codes"
    note = Text(
        "Overlapping: of one document, sharing at least one character. An annotation with both "
        "codes is a pair with itself; the diagonal counts the annotations with the code.",
        style="dim",
    )
    return Group(Text(title, style="bold"), note, table)

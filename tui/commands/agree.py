"""`gloss agree ANALYST ANALYST [...]`: agreement between analysts per code, over sentence
units (Cohen's kappa for two analysts, Krippendorff's alpha for two or more)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.agreement import Agreement, agreement
from annotations.codebook import Codebook
from annotations.export import ExportScope, safe_colour
from annotations.safe_text import visible
from annotations.store import Store
from tui.commands import common
from tui.commands.scoping import read_scope

FORMATS = ("text", "json")
UNDEFINED = "n/a"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "agree",
        help="agreement between analysts per code (Cohen's kappa, Krippendorff's alpha)",
        description="How far analysts agree, per code, over sentence units: each sentence "
        "of each document that any of them annotated (or of --document) is a unit, and an "
        "analyst applies a code to it when one of their annotations with the code overlaps "
        "it. Cohen's kappa for exactly two analysts, Krippendorff's alpha (nominal) for two "
        "or more; n/a (null in json) where there is no variation to agree about.",
    )
    parser.add_argument("analysts", nargs="+", metavar="ANALYST", help="two or more analysts")
    common.add_format_option(parser, FORMATS)
    common.add_scope_options(parser)
    common.add_codebook_option(parser)
    common.add_store_options(parser)
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    common.check_format(options, FORMATS)
    analysts: list[str] = options.analysts
    if len(analysts) < 2:
        return common.fail("name at least two analysts to compare")
    repeated = next((name for name in analysts if analysts.count(name) > 1), None)
    if repeated is not None:
        return common.fail(f"analyst {repeated!r} is named twice: name each analyst once")
    codebook = common.codebook(options)
    path = common.existing_store_path(options.db)
    with Store(path, read_only=True) as store:
        codebook = common.codebook_of(store, options, codebook)
        if not store.documents():
            return common.fail(f"{path}: the store holds no documents: nothing to compare")
        everything = read_scope(store, codebook, None)
        known = set(everything.analysts)
        unknown = [name for name in analysts if name not in known]
        if unknown:
            listed = ", ".join(sorted(known)) or "none"
            return common.fail(
                f"no annotations by {unknown[0]!r} in the store (analysts: {listed})"
            )
        narrowed = bool(options.document or options.where)
        scope = (
            read_scope(store, codebook, options.document, where=options.where or ())
            if narrowed
            else everything
        )
    chosen = set(analysts)
    annotations = [a for a in scope.annotations if a.analyst in chosen]
    documents = scope.documents
    if not narrowed:
        # Only what one of them annotated: a document none of them read says nothing
        # about whether they agree, and its sentences would inflate agreement by chance.
        annotated = {a.document for a in annotations}
        documents = tuple(d for d in documents if d.id in annotated)
    result = agreement(documents, annotations, analysts, codebook)
    if options.format == "json":
        # ASCII-only json: a tag the codebook does not know is untrusted text.
        print(json.dumps(result.to_json(), indent=2))
        return 0
    console = Console(highlight=False, emoji=False, markup=False)
    console.print(_heading(result, scope, len(scope.documents) == 1), soft_wrap=True)
    console.print(_table(result, codebook))
    console.print(_legend(two=len(analysts) == 2), style="dim")
    return 0


def _heading(result: Agreement, scope: ExportScope, one_document: bool) -> Text:
    where = (
        f"“{scope.documents[0].title}”"
        if one_document
        else f"{result.documents} document{'s' if result.documents != 1 else ''}"
    )
    names = ", ".join(result.analysts)
    line = f"{names}: agreement per code over {result.units} sentence units in {where}"
    return Text(visible(line, newline=" "), style="bold")


def _table(result: Agreement, codebook: Codebook) -> Table:
    two = len(result.analysts) == 2
    table = Table(box=None)
    table.add_column("code")
    for analyst in result.analysts:
        table.add_column(Text(visible(analyst, newline=" ")), justify="right")
    if two:
        table.add_column("kappa", justify="right")
    table.add_column("alpha", justify="right")
    for code in result.codes:
        known = codebook.code(code.code)
        label = Text(
            visible(known.label if known else code.code, newline=" "),
            style=safe_colour(known.color) if known else "",
        )
        cells = [str(code.applied[analyst]) for analyst in result.analysts]
        values = [code.kappa, code.alpha] if two else [code.alpha]
        table.add_row(label, *cells, *(_coefficient(value) for value in values))
    return table


def _legend(*, two: bool) -> Text:
    lines = ["Counts: the sentences each analyst applied the code to."]
    if two:
        lines.append("kappa: Cohen's kappa.")
    lines += [
        "alpha: Krippendorff's alpha, nominal.",
        f"{UNDEFINED}: undefined — no variation to agree about.",
    ]
    return Text("\n".join(lines))


def _coefficient(value: float | None) -> Text:
    if value is None:
        return Text(UNDEFINED, style="dim")
    return Text(f"{value:.3f}")

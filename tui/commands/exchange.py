"""`gloss export` and `gloss import`: move annotations in and out of the store."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.attributes import AttributesError
from annotations.document import read_file
from annotations.errors import CodebookError, RecordError, StoreError
from annotations.export import (
    FORMAT_NAMES,
    ExportScope,
    export_format,
    file_content,
    narrowed,
    render_chunks,
    select,
    select_file,
)
from annotations.memos import MemoError
from annotations.output_file import check_output, store_files, write_file
from annotations.query import Query
from annotations.safe_text import visible
from annotations.store import Store
from tui.commands import common
from tui.commands.doctor import progress_bar
from tui.commands.scoping import read_scope

if TYPE_CHECKING:
    from annotations.anchoring import Report


def register_export(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write annotated notes: " + ", ".join(FORMAT_NAMES),
        description="Write the annotations of the store (or of one document) in a format: "
        "md (notes), csv (spreadsheet), json (lossless; gloss import reads it), jsonld "
        "(W3C Web Annotation), html (one page) or qdpx (REFI-QDA project; needs -o).",
    )
    parser.add_argument(
        "--format",
        "-f",
        default="json",
        metavar="FORMAT",
        help=" | ".join(FORMAT_NAMES) + " (default: json)",
    )
    common.add_scope_options(parser)
    parser.add_argument(
        "--encoding", metavar="NAME", help="the --document file's encoding when not UTF-8"
    )
    parser.add_argument("--tag", metavar="CODE", help="only annotations with this code")
    parser.add_argument(
        "--query",
        metavar="EXPR",
        help="only the annotations this code query matches (as gloss query: iran & !convergence)",
    )
    common.add_analyst_option(parser, "only this analyst's annotations (default: everyone's)")
    common.add_codebook_option(parser)
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="file (default: stdout)")
    common.add_store_options(parser)
    parser.set_defaults(handler=run_export)


def register_import(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="merge a json export, a REFI-QDA project (.qdpx) or W3C annotations (.jsonld)",
        description="Merge into the store: a Gloss json export; a REFI-QDA project (.qdpx, "
        "from QualCoder, NVivo, ATLAS.ti, MAXQDA or Gloss: its text sources, codings, memos "
        "and users, its codebook written as a TOML file beside the store); or a W3C Web "
        "Annotation collection (.jsonld), anchored onto documents already in the store.",
    )
    parser.add_argument("file", type=Path, metavar="FILE.json|FILE.qdpx|FILE.jsonld")
    common.add_codebook_option(parser)
    common.add_store_options(parser)
    parser.set_defaults(handler=run_import)


def run_export(options: argparse.Namespace) -> int:
    # What can be wrong with the command line is found before the store is read.
    export = export_format(options.format)
    if export.needs_file and options.output is None:
        return common.fail(f"--format {export.name} writes a zip: name the file with -o FILE")
    codebook = common.codebook(options)
    query = Query.parse(options.query, codebook) if options.query is not None else None
    path = common.existing_store_path(options.db)
    if options.output is not None:
        check_output(options.output.expanduser(), protected=store_files(path))
    with Store(path, read_only=True) as store, progress_bar("exporting") as progress:
        codebook = common.codebook_of(store, options, codebook)  # the store's, if it records one
        query = Query.parse(options.query, codebook) if options.query is not None else None
        documents = options.document or []
        one = documents[0] if len(documents) == 1 and not options.where else None
        if one is not None and Path(one).expanduser().is_file():
            # A file is read as it is now; its annotations follow its text if it changed.
            scope, report = select_file(
                store,
                codebook,
                Path(one).expanduser(),
                tag=options.tag,
                analyst=options.analyst,
                encoding=options.encoding,
            )
            if report is not None:
                report_reanchoring(one, report)
        elif len(documents) > 1 or options.where:
            # A chosen set of documents, or those whose attributes match.
            scope = with_tag(
                read_scope(store, codebook, documents, options.analyst, options.where),
                options.tag,
            )
        else:
            scope = select(
                store,
                codebook,
                document=one,
                tag=options.tag,
                analyst=options.analyst,
                progress=progress,
                records=export.name == "json",  # written as the store holds them
            )
        if query is not None:
            scope = narrowed(scope, query)
    if scope.orphans:
        report_orphans(len(scope.orphans), export.name, included=export.carries_orphans)
    # The export is made as it is written.
    if options.output is None:
        for piece in render_chunks(export.name, scope):
            sys.stdout.buffer.write(piece)
        sys.stdout.flush()
        return 0
    content = file_content(export.name, scope)
    write_file(options.output.expanduser(), content, protected=store_files(path))
    count = len(scope.annotations)
    print(
        f"wrote {count} annotation{'s' if count != 1 else ''} to {options.output}",
        file=sys.stderr,
    )
    return 0


def with_tag(scope: ExportScope, tag: str | None) -> ExportScope:
    """`scope` narrowed to the annotations (and orphans) carrying `tag`, if one is given."""
    if tag is None:
        return scope
    return replace(
        scope,
        annotations=tuple(a for a in scope.annotations if tag in a.tags),
        orphans=tuple(a for a in scope.orphans if tag in a.tags),
        filters=", ".join(part for part in (f"tag {tag}", scope.filters) if part),
    )


def import_kind(path: Path) -> str:
    """What `gloss import` reads `path` as: "qdpx" for a zip or a `.qdpx`, "jsonld" for a
    `.jsonld`, else "json"."""
    if path.suffix.lower() == ".qdpx":
        return "qdpx"
    if path.suffix.lower() == ".jsonld":
        return "jsonld"
    try:
        with path.open("rb") as handle:
            return "qdpx" if handle.read(4) == b"PK\x03\x04" else "json"
    except OSError:
        return "json"  # the json path says what is wrong with the file


def report_reanchoring(name: str, report: Report) -> None:
    """On stderr: that the file changed, what re-anchoring did, and each orphan."""
    print(
        visible(
            f"{name}: changed since it was annotated; annotations re-anchored: {report.summary()}",
            newline=" ",
        ),
        file=sys.stderr,
    )
    for orphan in report.orphans:
        quote = " ".join(orphan.quote.split())
        quote = quote if len(quote) <= 60 else quote[:59] + "…"
        print(visible(f"  orphan: {orphan.id} “{quote}”", newline=" "), file=sys.stderr)


def report_orphans(count: int, format_name: str, *, included: bool) -> None:
    """One line on stderr: the document's orphans, and whether this format carries them."""
    some = f"{count} orphaned annotation{'s' if count != 1 else ''}"
    where = (
        f"included {some}, marked as orphans"
        if included
        else f"{some} not included (--format {format_name} cannot mark them; json and csv do)"
    )
    print(
        f"{where}: they could not be placed in the document's current text — "
        "press o in the reader to re-attach them",
        file=sys.stderr,
    )


def run_import(options: argparse.Namespace) -> int:
    if options.file.exists() and not options.file.is_dir() and not options.file.is_file():
        # A FIFO would block for ever, /dev/zero never end.
        return common.fail(f"{options.file}: is not a regular file")
    kind = import_kind(options.file)
    if kind in ("qdpx", "jsonld"):
        # Another tool's file: its readers load only for it (a json import does without).
        from tui.commands import importing

        return importing.run_qdpx(options) if kind == "qdpx" else importing.run_jsonld(options)
    # What only an import needs loads here: `gloss export` does without it.
    from annotations.codebook_import import codebook_import
    from annotations.project_records import side_records_to_import
    from annotations.validation import read_export

    raw = read_file(options.file, "json file")
    try:
        # Everything the file alone can show is checked before the store is opened (or
        # created); the store checks offsets against the documents it already holds.
        data, canonical = read_export(raw)
    except RecordError as error:
        return common.fail(f"{options.file}: {error}")
    with Store(common.store_path(options.db)) as store, progress_bar("importing") as progress:
        try:
            side = side_records_to_import(store, data)
            # Tags read as the codes they are now; the store's codebook covers them.
            data, codebook_side = codebook_import(store, data)
            side = {**side, **codebook_side}
            # (Codes resolved, records stay canonical: only their tags were replaced.)
            report = store.import_records(
                data, progress=progress, checked=True, side=side, canonical=canonical
            )
        except (StoreError, AttributesError, MemoError, CodebookError) as error:
            return common.fail(f"{options.file}: {error}")
    print(
        f"imported {report.annotations_added} new annotations and "
        f"{report.documents_added} new documents; {report.annotations_updated} updated, "
        f"{report.unchanged} unchanged, {report.conflicts} conflicts (the later change kept)",
        file=sys.stderr,
    )
    return 0

"""`gloss export` and `gloss import`: move annotations in and out of the store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annotations.errors import StoreError
from annotations.store import Store
from tui.commands import common

EXPORT_FORMATS = ("json",)


def register_export(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="write annotated notes in a format")
    parser.add_argument("--format", "-f", default="json", metavar="FORMAT", help="json")
    parser.add_argument("--document", metavar="ID|PATH", help="only this document")
    parser.add_argument("--tag", metavar="CODE", help="only annotations with this code")
    common.add_analyst_option(parser, "only this analyst's annotations (default: everyone's)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="file (default: stdout)")
    common.add_store_options(parser)
    parser.set_defaults(handler=run_export)


def register_import(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="merge a json export into the store")
    parser.add_argument("file", type=Path, metavar="FILE.json")
    common.add_store_options(parser)
    parser.set_defaults(handler=run_import)


def run_export(options: argparse.Namespace) -> int:
    if options.format not in EXPORT_FORMATS:
        return common.fail(
            f"unknown export format {options.format!r} (choose from {', '.join(EXPORT_FORMATS)})"
        )
    path = common.store_path(options.db)
    if not path.exists():
        return common.fail(f"{path}: no store here yet — open a document with gloss first")
    with Store(path, read_only=True) as store:
        if not store.documents():
            return common.fail(f"{path}: the store holds no documents")
        document_id = None
        if options.document:
            document = store.find_document(options.document)
            if document is None:
                return common.fail(f"no document {options.document!r} in {path}")
            document_id = document.id
        records = store.export_records(
            document=document_id, analyst=options.analyst, tag=options.tag
        )
    text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    return write_output(text.encode("utf-8"), options.output)


def write_output(data: bytes, output: Path | None) -> int:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        output.write_bytes(data)
    except OSError as error:
        return common.fail(f"{output}: cannot write ({error.strerror})")
    print(f"wrote {output}", file=sys.stderr)
    return 0


def run_import(options: argparse.Namespace) -> int:
    try:
        data = json.loads(options.file.read_bytes())
    except FileNotFoundError:
        return common.fail(f"{options.file}: no such file")
    except IsADirectoryError:
        return common.fail(f"{options.file}: is a folder, not a json file")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return common.fail(f"{options.file}: not valid JSON ({error})")
    except OSError as error:
        return common.fail(f"{options.file}: cannot be read ({error.strerror})")
    with Store(common.store_path(options.db)) as store:
        try:
            report = store.import_records(data)
        except StoreError as error:
            return common.fail(f"{options.file}: {error}")
    print(
        f"imported {report.annotations_added} new annotations and "
        f"{report.documents_added} new documents; {report.annotations_updated} updated, "
        f"{report.unchanged} unchanged, {report.conflicts} conflicts (the later change kept)",
        file=sys.stderr,
    )
    return 0

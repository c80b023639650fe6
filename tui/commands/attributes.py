"""`gloss attributes`: document attributes (case variables) — list them, set them, or
import them from a spreadsheet (annotations/attributes.py).

    gloss attributes                              every document's attributes
    gloss attributes set "Report 1" outlet=Observer date=2015-03-02 author=
    gloss attributes import cases.csv             document column, then one per attribute
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from annotations.attributes import (
    all_attributes,
    from_metadata,
    import_csv,
    set_attributes,
    stored,
)
from annotations.document import decode_bytes, read_file
from annotations.errors import StoreError
from annotations.safe_text import path_text, visible
from annotations.store import Store
from tui.commands import common

FORMATS = ("text", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "attributes",
        help="document attributes (outlet, author, date, language, ...): list, set, import",
        description="Document attributes are case variables: outlet, author, date, language "
        "and any you name. Where you set none, the file's own metadata gives outlet (its "
        "publisher or source), author, date and language; year is the date's year. "
        "gloss stats --by NAME counts the codes by an attribute.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    listing = verbs.add_parser("list", help="every document's attributes (the default)")
    _add_list_options(listing)
    _add_list_options(parser)
    setting = verbs.add_parser(
        "set", help="set attributes of one document: NAME=VALUE ...; NAME= removes one"
    )
    setting.add_argument("document", metavar="DOCUMENT", help="its id (or a prefix), title or file")
    setting.add_argument("values", nargs="+", metavar="NAME=VALUE")
    common.add_store_options(setting)
    setting.set_defaults(handler=run_set)
    importing = verbs.add_parser(
        "import",
        help="set attributes from a CSV file: a document column, then one per attribute",
        description="Set attributes from a CSV file (comma, semicolon or tab separated): a "
        "header row, then a row per document. The column headed document, id, title or file "
        "(else the first) names the document by id, title, path or file name; each other "
        "column is an attribute named by its header. An empty cell changes nothing. Every "
        "row is checked first: on any fault nothing is changed.",
    )
    importing.add_argument("file", type=Path, metavar="FILE.csv")
    importing.add_argument("--encoding", metavar="NAME", help="the file's encoding when not UTF-8")
    common.add_store_options(importing)
    importing.set_defaults(handler=run_import)
    parser.set_defaults(handler=run_list)


def _add_list_options(parser: argparse.ArgumentParser) -> None:
    common.add_format_option(parser, FORMATS)
    common.add_store_options(parser)
    parser.set_defaults(handler=run_list)


def run_list(options: argparse.Namespace) -> int:
    common.check_format(options, FORMATS)
    path = common.existing_store_path(options.db)
    with Store(path, read_only=True) as store:
        documents = [d for d in store.documents() if not d.metadata.get("superseded_by")]
        values = all_attributes(store)
        set_here = stored(store)
    if options.format == "json":
        records = [
            {
                "id": d.id,
                "title": d.title,
                "attributes": values[d.id],
                "set": set_here.get(d.id, {}),
            }
            for d in documents
        ]
        print(json.dumps({"documents": records}, indent=2))
        return 0
    for number, document in enumerate(documents):
        if number:
            print()
        print(visible(f"{document.title}  {document.id[:15]}", newline=" "))
        attributes = values[document.id]
        if not attributes:
            print("  (no attributes)")
            continue
        width = max(len(name) for name in attributes)
        file_values = from_metadata(document)
        for name, value in attributes.items():
            origin = _origin(name, value, set_here.get(document.id, {}), file_values)
            line = f"  {name.ljust(width)}  {value}" + (f"  ({origin})" if origin else "")
            print(visible(line, newline=" "))
    return 0


def _origin(name: str, value: str, set_here: dict, file_values: dict) -> str:
    if name in set_here:
        return ""
    if name in file_values:
        return "from the file"
    return "from the date"


def run_set(options: argparse.Namespace) -> int:
    values: dict[str, str | None] = {}
    for pair in options.values:
        name, equals, value = pair.partition("=")
        if not equals:
            return common.fail(f"expected NAME=VALUE, not {pair!r} (NAME= removes it)")
        values[name] = value
    path = common.existing_store_path(options.db)
    with Store(path) as store:
        document = store.find_document(options.document)
        if document is None:
            raise StoreError(f"no document {options.document!r} in the store")
        now = set_attributes(store, document.id, values)
    shown = ", ".join(f"{name}={value}" for name, value in now.items()) or "none set"
    print(visible(f"{document.title}: {shown}", newline=" "))
    return 0


def run_import(options: argparse.Namespace) -> int:
    name = path_text(options.file)
    # The file is read and decoded before the store is opened: a bad file changes nothing.
    text = decode_bytes(read_file(options.file, "CSV file"), encoding=options.encoding, name=name)
    path = common.existing_store_path(options.db)
    with Store(path) as store:
        result = import_csv(store, text, source=name)
    names = ", ".join(result.names)
    print(
        visible(
            f"set {result.values} value{'s' if result.values != 1 else ''} of {names} on "
            f"{result.documents} document{'s' if result.documents != 1 else ''}",
            newline=" ",
        )
    )
    return 0

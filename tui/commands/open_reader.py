"""`gloss [PATH ...]` / `gloss open PATH ...`: the reader."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotations.citation import CITATION_STYLES
from annotations.document import Document
from annotations.library import expand_paths
from annotations.settings import load_settings
from annotations.sources import source_format
from annotations.store import Store
from tui.commands import common
from tui.commands.config import check_theme
from tui.commands.converting import add_password_option, convert_sources
from tui.keys import codebook_and_keymap


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("open", help="open documents in the reader (the default)")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    common.add_codebook_option(parser)
    parser.add_argument(
        "--encoding", metavar="NAME", help="the files' encoding when not UTF-8 or UTF-16 with BOM"
    )
    add_password_option(parser)
    parser.add_argument(
        "--citation-style",
        choices=CITATION_STYLES,
        help="how y cites a quotation: plain, markdown or chicago "
        "(default: [citation] style in config.toml, else plain)",
    )
    common.add_analyst_option(
        parser,
        "who is annotating (default: $GLOSS_ANALYST, else [analyst] name in config.toml, "
        "else the login name)",
    )
    common.add_store_options(parser)
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    # Check what can be wrong before the screen changes, so a mistake is one clear line in
    # the shell rather than a flash of a full-screen app. Large files are only checked to
    # exist here; the app reads them in the background.
    for path, explicit in expand_paths(options.paths):
        if source_format(path):
            continue  # converted below, once the store is open
        if explicit and (not path.exists() or path.stat().st_size < 1_000_000):
            Document.from_path(path, encoding=options.encoding)
    checked = codebook_and_keymap(options.codebook)  # and config.toml's [keys]
    check_theme(load_settings())
    db = common.store_path(options.db)
    # A damaged store is reported here, before the screen changes; the app then uses this
    # store rather than reading it again (a year of annotations takes a moment to read).
    store = Store(db)
    try:
        converted = convert_sources(store, options.paths, options.password)
        from tui.app import GlossApp  # Textual loads only when the reader really opens.
        from tui.terminal_input import tolerate_invalid_utf8
        from tui.terminal_output import skip_chops_past_spans

        tolerate_invalid_utf8()  # a paste that is not UTF-8 must not end the app
        skip_chops_past_spans()  # a page down writes no empty piece beside each line

        app = GlossApp(
            paths=list(options.paths) or None,
            db=db,
            analyst=common.analyst_name(options.analyst),
            codebook=options.codebook,
            encoding=options.encoding,
            store=store,
            converted=converted,
            citation_style=options.citation_style,
            password=options.password,
            checked=checked,
        )
        app.run()
    finally:
        store.close()  # already closed by the app unless it failed to start
    if app.error_message:
        return common.fail(app.error_message)
    return app.return_code or 0

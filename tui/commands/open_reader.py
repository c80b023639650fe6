"""`gloss [PATH ...]` / `gloss open PATH ...`: the reader."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotations.citation import CITATION_STYLES
from annotations.codebook import Codebook
from annotations.codebook_store import stored_codebook
from annotations.document import Document
from annotations.errors import StoreError
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
    settings = load_settings()
    # A codebook named (--codebook, config.toml's) and the keys config.toml moves are
    # read and checked now. With neither there is nothing to check: the store's own
    # codebook is then the one in force, and the bundled one (TOML: some 2 ms of every
    # start) is read only for a store that records none.
    named = options.codebook is not None or settings.codebook is not None or bool(settings.keys)
    checked = codebook_and_keymap(options.codebook) if named else None
    check_theme(settings)
    db = common.store_path(options.db)
    # A damaged store is reported here, before the screen changes; the app then uses this
    # store rather than reading it again (a year of annotations takes a moment to read).
    store = Store(db)
    try:
        converted = convert_sources(store, options.paths, options.password)
        if checked is None:
            checked = (_codebook_to_start_with(store), {})
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


def _codebook_to_start_with(store: Store) -> Codebook:
    """The store's own codebook, else the bundled one; the app then takes the one in
    force (`codebook_in_force`) as it opens the store."""
    try:
        return stored_codebook(store) or Codebook.default()
    except StoreError:
        return Codebook.default()  # a damaged record: the app says so as it opens, as ever

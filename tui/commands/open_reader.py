"""`gloss [PATH ...]` / `gloss open PATH ...`: the reader."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.store import Store
from tui.commands import common


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("open", help="open documents in the reader (the default)")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--codebook", type=Path, metavar="FILE", help="a codebook TOML file")
    common.add_analyst_option(parser, "who is annotating (default: $GLOSS_ANALYST, login name)")
    common.add_store_options(parser)
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    # Check everything that can be wrong before the screen changes, so a mistake is one
    # clear line in the shell rather than a flash of a full-screen app.
    for path in options.paths:
        Document.from_path(path)
    if options.codebook is not None:
        Codebook.load(options.codebook)
    db = common.store_path(options.db)
    Store(db).close()  # a damaged store is reported here, before the screen changes
    from tui.app import GlossApp  # Textual loads only when the reader really opens.

    app = GlossApp(
        paths=list(options.paths) or None,
        db=db,
        analyst=common.analyst_name(options.analyst),
        codebook=options.codebook,
    )
    app.run()
    return app.return_code or 0

"""What every subcommand shares: where the store is, who the analyst is, how errors look."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from platformdirs import user_data_path

from annotations.codebook import Codebook
from annotations.codebook_store import codebook_in_force
from annotations.errors import GlossError, StoreError
from annotations.safe_text import visible
from annotations.settings import Settings, load_settings
from annotations.store import Store
from tui.keys import reserved_keys, settings_codebook

EXIT_ERROR = 2


def add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="the store file (default: $GLOSS_DB, else gloss.json in the user data folder)",
    )


def add_codebook_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--codebook", type=Path, metavar="FILE", help="a codebook TOML file")


def add_document_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--document",
        metavar="ID|PATH",
        help="only this document: its id (or a prefix), title, or file (read as it is now)",
    )


def add_scope_options(parser: argparse.ArgumentParser) -> None:
    """`--document` (repeatable: a chosen set of documents) and `--where NAME=VALUE`
    (documents by attribute); neither: the whole store."""
    parser.add_argument(
        "--document",
        action="append",
        metavar="ID|PATH",
        help="only this document: its id (or a prefix), title, or file (read as it is now); "
        "give it again for several",
    )
    parser.add_argument(
        "--where",
        action="append",
        metavar="NAME=VALUE",
        help="only documents whose attribute NAME is VALUE (outlet=Observer, year=2016); "
        "several must all hold",
    )


def codebook(options: argparse.Namespace, settings: Settings | None = None) -> Codebook:
    """`--codebook FILE`, else config.toml's [codebook] path, else the default codebook."""
    settings = settings or load_settings()
    if not options.codebook:
        return settings_codebook(settings) or Codebook.default()
    return Codebook.load(options.codebook, reserved=reserved_keys())


def codebook_of(
    store: Store, options: argparse.Namespace, loaded: Codebook | None = None
) -> Codebook:
    """The codebook in force on `store`: its own when it records one (a project travels
    with its codebook), else `codebook(options)`; `--codebook FILE` replaces the store's.
    `loaded` is `codebook(options)` when the command read it already (to check the command
    line before the store), so the file is not read twice."""
    settings = load_settings()
    chosen = getattr(options, "codebook", None)
    if loaded is None:
        loaded = codebook(options, settings)
    file = chosen or settings.codebook
    return codebook_in_force(store, loaded, file=file, chosen=bool(chosen))


def add_analyst_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--analyst", metavar="NAME", help=help_text)


def store_path(option: Path | None) -> Path:
    """`--db`, else `$GLOSS_DB`, else the platform's user data folder."""
    if option is not None:
        return option.expanduser()
    if os.environ.get("GLOSS_DB"):
        return Path(os.environ["GLOSS_DB"]).expanduser()
    return user_data_path("gloss", appauthor=False) / "gloss.json"


def existing_store_path(option: Path | None) -> Path:
    """`store_path`, for a command that only reads the store: `StoreError` if none is there."""
    path = store_path(option)
    if not path.exists():
        raise StoreError(f"{path}: no store here yet — open a document with gloss first")
    return path


def analyst_name(option: str | None) -> str:
    """`--analyst`, else `$GLOSS_ANALYST`, else config.toml's [analyst] name, else the
    login name."""
    return analyst_and_source(option)[0]


def analyst_and_source(option: str | None, settings: Settings | None = None) -> tuple[str, str]:
    """The analyst in force and where the name comes from, as `gloss config` says it."""
    if option:
        return option, "--analyst"
    if os.environ.get("GLOSS_ANALYST"):
        return os.environ["GLOSS_ANALYST"], "$GLOSS_ANALYST"
    settings = load_settings() if settings is None else settings
    if settings.analyst:
        return settings.analyst, "config.toml"
    import getpass  # only for the login name: not when the analyst is named

    try:
        return getpass.getuser(), "the login name"
    except (KeyError, OSError):
        return "analyst", "no login name"


class UsageError(GlossError):
    """A command line asking for what the command cannot do: one line, exit 2 (tui.cli)."""


def add_format_option(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    """`--format/-f`, one of `formats`, the first the default; see `check_format`."""
    named = [f"{formats[0]} (default)", *formats[1:]]
    parser.add_argument(
        "--format",
        "-f",
        default=formats[0],
        metavar="FORMAT",
        help=f"{', '.join(named[:-1])} or {named[-1]}",
    )


def check_format(options: argparse.Namespace, formats: tuple[str, ...]) -> None:
    """`UsageError` unless `--format` is one of `formats`. (Not argparse's `choices`: its
    error is the usage text on several lines, not one line saying what to choose.)"""
    if options.format not in formats:
        raise UsageError(f"unknown format {options.format!r} (choose from {', '.join(formats)})")


def fail(message: str) -> int:
    """Print one line on stderr and return the error exit code."""
    line = visible(" ".join(message.split()))
    print(f"gloss: {line}", file=sys.stderr)
    return EXIT_ERROR

"""`gloss config`: where the settings file is and what is in force; `gloss config check
[FILE]` checks a settings file as the reader would read it (one line, exit 2, if not)."""

from __future__ import annotations

import argparse
from pathlib import Path

from textual import constants

from annotations.citation import DEFAULT_STYLE
from annotations.codebook import Codebook
from annotations.safe_text import visible
from annotations.settings import CONFIG_ENV, Settings, SettingsError, load_settings, settings_path
from tui.commands import common
from tui.keys import check_keymap, settings_codebook
from tui.themes import THEMES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "config",
        help="where the settings file is and what is in force; 'config check [FILE]' checks it",
        description="With no argument: where config.toml is and every setting in force, with "
        "where it comes from. 'gloss config check [FILE]' checks FILE (default: the settings "
        "file in force) as the reader reads it: its sections, its keys against the codebook, "
        "its codebook and its theme.",
    )
    parser.add_argument("verb", nargs="?", choices=["check"], metavar="check")
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE")
    parser.set_defaults(handler=run)


def check_theme(settings: Settings) -> str | None:
    """The theme of the settings (None: Textual's default); `SettingsError` for a name
    neither Textual nor Gloss has a theme by."""
    if settings.theme is not None and settings.theme not in THEMES:
        raise SettingsError(
            f"{settings.source}: [theme] name {settings.theme!r} is not a theme "
            f"(the themes: {', '.join(sorted(THEMES))})"
        )
    return settings.theme


def checked(settings: Settings) -> tuple[Codebook, dict[str, str]]:
    """Every setting checked as the reader checks it: the codebook it names, the keymap
    against that codebook, the theme. Returns the codebook and the keymap in force."""
    codebook = settings_codebook(settings) or Codebook.default()
    keymap = check_keymap(settings.keys, codebook, settings.source)
    check_theme(settings)
    return codebook, keymap


def run(options: argparse.Namespace) -> int:
    if options.file is not None:
        path, named = options.file.expanduser(), True
        if not path.exists():
            raise SettingsError(f"{path}: no such settings file")
    else:
        path, named = settings_path()
    settings = load_settings(path, named=named)
    codebook, keymap = checked(settings)
    shown_path = visible(str(path))
    if options.verb == "check":
        if not path.exists():
            print(f"{shown_path}: no settings file; the defaults are in force")
        else:
            print(f"{shown_path}: no problems")
        return 0
    if not path.exists():
        where = " (there is none: the defaults are in force)"
    else:
        where = f" (named by ${CONFIG_ENV})" if named else ""
    analyst, analyst_from = common.analyst_and_source(None, settings)
    in_codebook = "config.toml" if settings.codebook else "built in"
    lines = [
        f"settings file: {shown_path}{where}",
        f"analyst: {visible(analyst)} ({analyst_from})",
        f"codebook: {visible(str(settings.codebook or 'the default codebook'))} "
        f"“{visible(codebook.name)}” ({in_codebook})",
        f"theme: {settings.theme or constants.DEFAULT_THEME} "
        f"({'config.toml' if settings.theme else 'the default'})",
        f"citation style: {settings.citation_style or DEFAULT_STYLE} "
        f"({'config.toml' if settings.citation_style else 'the default'})",
        f"keys moved: {len(keymap) or 'none'}",
        *(f"  {visible(action)} = {visible(keys)}" for action, keys in settings.keys.items()),
    ]
    print("\n".join(lines))
    return 0

"""The user's settings: `config.toml` in the platform's config folder (or `$GLOSS_CONFIG`).

    [keys]
    "annotate.memo" = "M"          # an action's id (the help screen lists them) = keys
    "tag.actor/russia" = "R"       # a code's key, by its id

    [citation]
    style = "chicago"              # how `y` cites: "plain" (the default), "markdown", "chicago"

This module reads and checks the file's shape: each section known, each value of the
right type, every error one line naming the file, the line and the field. What a key
means — whether an id exists, whether a key is taken — is the interface's to check
(`tui.keys.check_keymap`), which knows the keys. Later sections (analyst, theme, citation
style) are added to `_SECTIONS` and `Settings` here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path

from annotations.citation import CITATION_STYLES
from annotations.errors import GlossError

CONFIG_ENV = "GLOSS_CONFIG"
# Each section of config.toml and what it holds.
_SECTIONS = {
    "keys": "a table of action id = key",
    "citation": 'a table such as style = "chicago"',
}


class SettingsError(GlossError):
    """The settings file cannot be read or holds something it may not."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What config.toml says; empty when there is no file."""

    keys: Mapping[str, str] = field(default_factory=dict)
    source: str = "config.toml"
    citation_style: str | None = None  # [citation] style; None: the default (plain)


def settings_path(environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """The settings file and whether it was named (`$GLOSS_CONFIG`): a named file must
    exist, the default one need not."""
    environ = os.environ if environ is None else environ
    named = environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser(), True
    return user_config_path("gloss", appauthor=False) / "config.toml", False


def load_settings(path: Path | None = None, *, named: bool = True) -> Settings:
    """Read and check a settings file (the default one when `path` is None)."""
    if path is None:
        path, named = settings_path()
    if not named and not path.exists():
        return Settings(source=str(path))
    if not path.is_file():
        what = "no such file" if not path.exists() else "not a regular file"
        raise SettingsError(
            f"{path}: {what} (named by ${CONFIG_ENV})" if named else f"{path}: {what}"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise SettingsError(f"{path}: cannot be read ({error.strerror})") from None
    return parse_settings(text, source=str(path))


def parse_settings(text: str, *, source: str = "config.toml") -> Settings:
    """Check settings TOML; `SettingsError` names the line and what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{source}: {error}") from None
    except RecursionError:
        raise SettingsError(f"{source}: nested too deeply") from None
    for name, value in data.items():
        if name not in _SECTIONS:
            known = ", ".join(f"[{section}]" for section in _SECTIONS)
            raise SettingsError(
                f"{source}, line {_line_of(text, name)}: unknown section {name!r} (known: {known})"
            )
        if not isinstance(value, dict):
            raise SettingsError(
                f"{source}, line {_line_of(text, name)}: {name} must be {_SECTIONS[name]}"
            )
    keys = data.get("keys", {})
    for action_id, key in keys.items():
        if not isinstance(key, str) or not key.strip():
            raise SettingsError(
                f"{source}, line {_line_of(text, action_id)}: [keys] {action_id!r} must be "
                f'a key in quotes, such as "M" or "ctrl+m" (not {key!r})'
            )
    citation = data.get("citation", {})
    for name in citation:
        if name != "style":
            raise SettingsError(
                f"{source}, line {_line_of(text, name)}: [citation] {name!r} is not a setting "
                "(the one there is: style)"
            )
    style = citation.get("style")
    if style is not None and style not in CITATION_STYLES:
        raise SettingsError(
            f"{source}, line {_line_of(text, 'style')}: [citation] style must be one of "
            f"{', '.join(CITATION_STYLES)} (not {style!r})"
        )
    return Settings(
        keys={action_id: key.strip() for action_id, key in keys.items()},
        source=source,
        citation_style=style,
    )


def _line_of(text: str, name: str) -> int:
    """The line where `name` is first written (as a key or a section), else 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().lstrip("[").strip()
        if stripped.startswith((name, f'"{name}"', f"'{name}'")):
            return number
    return 1

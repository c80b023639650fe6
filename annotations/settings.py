"""The user's settings: `config.toml` in the platform's config folder (or `$GLOSS_CONFIG`).

    [keys]
    "annotate.memo" = "M"          # an action's id (the help screen lists them) = keys
    "tag.actor/russia" = "R"       # a code's key, by its id

    [citation]
    style = "chicago"              # how `y` cites: "plain" (the default), "markdown", "chicago"

    [analyst]
    name = "ana"                   # when neither --analyst nor $GLOSS_ANALYST is given

    [codebook]
    path = "codebooks/syria.toml"  # when --codebook is not given; relative to this file

    [theme]
    name = "textual-light"         # a Textual theme, or "gloss-high-contrast" (white on
                                   # black); gloss config check lists them

This module reads and checks the file's shape: each section known, each value of the
right type, every error one line naming the file, the line and the field. What a key
means — whether an id exists, whether a key is taken — and which themes exist are the
interface's to check (`tui.keys.check_keymap`, `tui.commands.config`), which knows them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path

from annotations.citation import CITATION_STYLES
from annotations.errors import GlossError
from annotations.safe_text import is_safe

CONFIG_ENV = "GLOSS_CONFIG"
# Each section of config.toml and what it holds.
_SECTIONS = {
    "keys": "a table of action id = key",
    "citation": 'a table such as style = "chicago"',
    "analyst": 'a table such as name = "ana"',
    "codebook": 'a table such as path = "codebook.toml"',
    "theme": 'a table such as name = "textual-light"',
}
# The one setting of each single-setting section.
_ONLY_FIELD = {"citation": "style", "analyst": "name", "codebook": "path", "theme": "name"}


class SettingsError(GlossError):
    """The settings file cannot be read or holds something it may not."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What config.toml says; empty when there is no file."""

    keys: Mapping[str, str] = field(default_factory=dict)
    source: str = "config.toml"
    citation_style: str | None = None  # [citation] style; None: the default (plain)
    analyst: str | None = None  # [analyst] name
    codebook: Path | None = None  # [codebook] path, made absolute from the file's folder
    theme: str | None = None  # [theme] name, checked by the interface


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
    import tomllib  # loaded only when there is a settings file to read

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
    for section, only in _ONLY_FIELD.items():
        for name in data.get(section, {}):
            if name != only:
                line = _line_in(text, section, name)
                raise SettingsError(
                    f"{source}, line {line}: [{section}] {name!r} is not a setting (the one "
                    f"there is: {only})"
                )
    style = data.get("citation", {}).get("style")
    if style is not None and style not in CITATION_STYLES:
        line = _line_in(text, "citation", "style")
        raise SettingsError(
            f"{source}, line {line}: [citation] style must be one of "
            f"{', '.join(CITATION_STYLES)} (not {style!r})"
        )
    analyst = _text(data, "analyst", text, source)
    if analyst is not None and not (analyst.isprintable() and is_safe(analyst)):
        raise SettingsError(
            f"{source}, line {_line_in(text, 'analyst', 'name')}: [analyst] name must be one "
            "line of printable text"
        )
    codebook = _text(data, "codebook", text, source)
    return Settings(
        keys={action_id: key.strip() for action_id, key in keys.items()},
        source=source,
        citation_style=style,
        analyst=analyst.strip() if analyst else None,
        codebook=Path(source).parent / Path(codebook).expanduser() if codebook else None,
        theme=_text(data, "theme", text, source),
    )


def _text(data: dict[str, dict[str, object]], section: str, text: str, source: str) -> str | None:
    """The one setting of `section` (None when it is not given): a non-empty string."""
    field = _ONLY_FIELD[section]
    value = data.get(section, {}).get(field)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise SettingsError(
            f"{source}, line {_line_in(text, section, field)}: [{section}] {field} must be text in "
            f"quotes (not {value!r})"
        )
    return value


def _line_of(text: str, name: str) -> int:
    """The line where `name` is first written (as a key or a section), else 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().lstrip("[").strip()
        if stripped.startswith((name, f'"{name}"', f"'{name}'")):
            return number
    return 1


def _line_in(text: str, section: str, name: str) -> int:
    """The line of `name` inside `[section]` (else of the section, else 1)."""
    lines = text.splitlines()
    start = _line_of(text, section)
    for number in range(start + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped.startswith("["):
            break
        if stripped.startswith((name, f'"{name}"', f"'{name}'")):
            return number
    return start

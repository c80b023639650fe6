"""`gloss config` says where the settings are and what is in force; `gloss config check`
checks a file; the analyst, codebook and theme settings reach the reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import Codebook
from tui.app import GlossApp
from tui.cli import main

SIZE = (120, 40)
CODEBOOK = 'name = "Mine"\n[[groups]]\nid = "g"\n[[codes]]\nid = "g/z"\nkey = "z"\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def full_config(folder: Path) -> Path:
    write(folder / "books" / "mine.toml", CODEBOOK)
    return write(
        folder / "config.toml",
        '[analyst]\nname = "ana"\n\n[codebook]\npath = "books/mine.toml"\n\n'
        '[theme]\nname = "nord"\n\n[citation]\nstyle = "chicago"\n\n'
        '[keys]\n"annotate.memo" = "M"\n',
    )


def test_with_no_settings_file_config_says_where_it_would_be_and_the_defaults(
    tmp_path: Path, capsys
) -> None:
    assert main(["config"]) == 0
    out = capsys.readouterr().out.splitlines()
    default_file = tmp_path / "xdg-config" / "gloss" / "config.toml"  # conftest's XDG
    assert out == [
        f"settings file: {default_file} (there is none: the defaults are in force)",
        "analyst: tester ($GLOSS_ANALYST)",
        "codebook: the default codebook “Russia and Iran in Syria” (built in)",
        "theme: textual-dark (the default)",
        "citation style: plain (the default)",
        "keys moved: none",
    ]
    assert main(["config", "check"]) == 0
    assert capsys.readouterr().out == (
        f"{default_file}: no settings file; the defaults are in force\n"
    )


def test_config_prints_every_setting_in_force_and_where_it_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = full_config(tmp_path / "xdg-config" / "gloss")
    monkeypatch.delenv("GLOSS_ANALYST")
    assert main(["config"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"settings file: {path}",
        "analyst: ana (config.toml)",
        f"codebook: {path.parent / 'books' / 'mine.toml'} “Mine” (config.toml)",
        "theme: nord (config.toml)",
        "citation style: chicago (config.toml)",
        "keys moved: 1",
        "  annotate.memo = M",
    ]
    monkeypatch.setenv("GLOSS_ANALYST", "bea")  # the environment wins over the file
    assert main(["config"]) == 0
    assert "analyst: bea ($GLOSS_ANALYST)" in capsys.readouterr().out.splitlines()
    assert main(["config", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: no problems\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[theme]\nname = "neon"\n', "[theme] name 'neon' is not a theme (the themes: "),
        ('[analyst]\nnmae = "ana"\n', "line 2: [analyst] 'nmae' is not a setting"),
        ("[analyst]\nname = 3\n", "line 2: [analyst] name must be text in quotes"),
        ('[analyst]\nname = "a\\u0007b"\n', "line 2: [analyst] name must be one line of"),
        ('[theme]\nname = ""\n', "line 2: [theme] name must be text in quotes"),
        ('[codebook]\npath = "none.toml"\n', "none.toml: no such codebook file (the [codebook]"),
        ('[codebook]\npath = "bad.toml"\n', "bad.toml, line 6: code 'g/z': key 'j' is one of"),
        ('[keys]\n"annotate.memo" = "r"\n', "r is already the key of code actor/russia"),
        ("[colours]\nx = 1\n", "line 1: unknown section 'colours'"),
    ],
)
def test_config_check_names_the_problem_in_one_line(
    tmp_path: Path, capsys, text: str, problem: str
) -> None:
    write(tmp_path / "bad.toml", CODEBOOK.replace('key = "z"', 'key = "j"'))
    path = write(tmp_path / "config.toml", text)
    assert main(["config", "check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("gloss: ")
    assert problem in captured.err


def test_config_check_of_a_missing_file_is_an_error(tmp_path: Path, capsys) -> None:
    assert main(["config", "check", str(tmp_path / "none.toml")]) == 2
    assert capsys.readouterr().err == f"gloss: {tmp_path / 'none.toml'}: no such settings file\n"


def test_the_reader_refuses_an_unknown_theme_before_it_opens(tmp_path: Path, capsys) -> None:
    write(tmp_path / "xdg-config" / "gloss" / "config.toml", '[theme]\nname = "neon"\n')
    assert main(["--db", str(tmp_path / "s.json")]) == 2
    assert "[theme] name 'neon' is not a theme" in capsys.readouterr().err


async def test_the_reader_takes_the_analyst_codebook_and_theme_of_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full_config(tmp_path / "xdg-config" / "gloss")
    monkeypatch.delenv("GLOSS_ANALYST")
    app = GlossApp(db=tmp_path / "s.json")  # no --analyst, no --codebook
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "z")  # the settings' codebook's one key
        await pilot.pause()
        assert app.theme == "nord"
        assert app.store is not None
        [annotation] = app.store.annotations()
    assert (annotation.tags, annotation.analyst) == (("g/z",), "ana")
    assert Codebook.default().by_key("z") is None  # z is no key of the default codebook


def test_gloss_codebook_shows_the_codebook_the_settings_name(tmp_path: Path, capsys) -> None:
    path = full_config(tmp_path / "xdg-config" / "gloss")
    assert main(["codebook"]) == 0
    out = capsys.readouterr().out
    assert "Mine" in out and "g/z" in out and "actor/russia" not in out
    assert str(path.parent / "books" / "mine.toml") in out

"""The user's keymap: `[keys]` in config.toml moves an action; a bad one is one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import GlossApp
from tui.cli import main
from tui.screens.help import HelpScreen
from tui.widgets.memo_editor import MemoEditor

SIZE = (120, 40)


def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "gloss-config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GLOSS_CONFIG", str(path))
    return path


async def test_a_keymap_moves_the_memo_from_m_to_capital_m(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(tmp_path, monkeypatch, '[keys]\n"annotate.memo" = "M"\n')
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "m")
        await pilot.pause()
        assert not isinstance(app.screen, MemoEditor)  # m no longer writes a memo
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-keys").render())
    assert any(
        line.strip() == "M  memo and confidence of the annotation under the cursor "
        "(ctrl+s saves, esc cancels)"
        for line in help_text.splitlines()
    )


async def test_the_default_config_file_is_in_the_platforms_config_folder(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "xdg-config" / "gloss"  # XDG_CONFIG_HOME, as conftest sets it
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text('[keys]\n"history.undo" = "U"\n', encoding="utf-8")
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "U")
        await pilot.pause()
        assert app.store is not None and app.store.annotations() == []  # undone by U


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[keys]\n"annotate.memoo" = "M"\n',
            '[keys] "annotate.memoo" = "M": no such action',
        ),
        (
            '[keys]\n"annotate.memo" = "j"\n',
            '[keys] "annotate.memo" = "j": j is already the key of move.next_sentence',
        ),
        (
            '[keys]\n"annotate.memo" = "r"\n',
            '[keys] "annotate.memo" = "r": r is already the key of code actor/russia',
        ),
        (
            '[keys]\n"annotate.memo" = "M"\n"history.undo" = "M"\n',
            '[keys] "history.undo" = "M": M is already the key of annotate.memo',
        ),
        ('[keys]\n"annotate.memo" = 5\n', "line 2: [keys] 'annotate.memo' must be a key"),
        ("[colours]\nx = 1\n", "line 1: unknown section 'colours'"),
        ("[keys\n", "config.toml: "),
    ],
)
def test_a_bad_keymap_is_one_line_naming_the_id_and_the_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    path = config(tmp_path, monkeypatch, text)
    assert main(["--db", str(tmp_path / "s.json")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert error.startswith(f"gloss: {path}")
    assert message in error


def test_a_config_file_named_but_missing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GLOSS_CONFIG", str(tmp_path / "nowhere.toml"))
    assert main(["--db", str(tmp_path / "s.json")]) == 2
    assert "nowhere.toml: no such file (named by $GLOSS_CONFIG)" in capsys.readouterr().err

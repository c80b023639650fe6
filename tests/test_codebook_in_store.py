"""The codebook in force lives in the store: a store from before records the codebook it
is opened with, a store that records one keeps it (the reader's keys and `gloss`
commands use it), and `--codebook FILE` replaces it only if no code in use goes missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import Codebook, Document, Store
from annotations import codebook_edits as edits
from annotations.codebook_store import codebook_in_force, record_codebook, stored_codebook
from tui.app import GlossApp
from tui.cli import main
from tui.screens.reader import ReaderScreen

SIZE = (120, 40)


@pytest.fixture
def project(store_path: Path) -> Path:
    """A store whose codebook has a code the default lacks: actor/turkey on key y."""
    with Store(store_path) as store:
        document = store.add_document(Document.bundled())
        codebook = edits.add_code(Codebook.default(), "actor", "Turkey", keys=["y"]).codebook
        record_codebook(store, codebook)
        sentence = document.sentences[2]
        store.annotate(
            document.id, sentence.start, sentence.end, tags=["actor/turkey"], analyst="ana"
        )
    return store_path


async def test_a_store_from_before_records_the_codebook_it_is_opened_with(
    store_path: Path,
) -> None:
    with Store(store_path) as store:
        store.add_document(Document.bundled())
        assert stored_codebook(store) is None
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    with Store(store_path, read_only=True) as store:
        assert stored_codebook(store) == Codebook.default()


async def test_the_readers_keys_are_the_stores_codebook(project: Path) -> None:
    app = GlossApp(db=project, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "y")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        assert ("actor/turkey",) in [a.tags for a in screen.annotations if a.analyst == "ana"]
    with Store(project, read_only=True) as store:
        assert len(store.annotations(tag="actor/turkey")) == 2


def test_commands_use_the_stores_codebook(project: Path, capsys) -> None:
    assert main(["stats", "--db", str(project), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["codes"]["actor/turkey"] == 1
    assert main(["query", "turkey", "--db", str(project), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["annotations"]) == 1
    assert main(["export", "--format", "md", "--db", str(project)]) == 0
    assert "Turkey" in capsys.readouterr().out


async def test_a_chosen_codebook_missing_a_code_in_use_is_one_line_and_changes_nothing(
    project: Path, tmp_path: Path, capsys
) -> None:
    plain = tmp_path / "plain.toml"
    plain.write_text(Codebook.default().to_toml(), encoding="utf-8")
    before = project.read_bytes()
    assert main(["stats", "--db", str(project), "--codebook", str(plain)]) == 0  # read-only
    capsys.readouterr()
    app = GlossApp(db=project, analyst="ana", codebook=plain)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.error_message is not None and "no code 'actor/turkey'" in app.error_message
    assert "\n" not in app.error_message
    with Store(project, read_only=True) as store:
        assert stored_codebook(store).code("actor/turkey") is not None
    assert project.read_bytes() == before


def test_a_chosen_codebook_with_every_code_in_use_replaces_the_stores(
    project: Path, tmp_path: Path
) -> None:
    wider = edits.add_code(Codebook.default(), "actor", "Turkey", keys=["y"]).codebook
    wider = edits.add_code(wider, "actor", "Israel", keys=["z"]).codebook
    with Store(project) as store:
        assert codebook_in_force(store, wider, file=tmp_path / "w.toml", chosen=True) == wider
    with Store(project) as store:
        assert stored_codebook(store).code("actor/israel") is not None


def test_gloss_codebook_show_prints_a_codes_memo_on_one_line(store_path: Path, capsys) -> None:
    with Store(store_path) as store:
        store.add_document(Document.bundled())
        # A memo from a hand-written file may hold anything: an escape sequence too.
        text = (
            Codebook.default()
            .to_toml()
            .replace(
                'description = "Iran"',
                'description = "Iran"\nmemo = "Includes the IRGC.\\nSee ¶3 \\u001b[31m"',
            )
        )
        record_codebook(store, Codebook.from_toml(text))
    assert main(["codebook", "show", "--db", str(store_path)]) == 0
    shown = capsys.readouterr().out
    assert "memo: Includes the IRGC. See ¶3 ␛[31m" in shown
    assert "\x1b" not in shown

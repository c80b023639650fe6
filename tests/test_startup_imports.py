"""What starting Gloss loads: only what the first screen needs.

Start-up time is measured in benchmarks/ (bench_terminal.py); these tests keep the
structure that makes it short. Each runs a fresh interpreter, since this one has
imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui.cli import build_parser
from tui.commands import COMMANDS

# Loaded when their screen or command is used, never to show a document.
NOT_AT_START = (
    "annotations.anchoring",  # re-anchoring, only when a known file's text changed
    "rapidfuzz",  # its fuzzy matcher
    "annotations.export",  # the exporters: the export dialog
    "annotations.analysis",  # the analysis screen
    "textual.widgets._text_area",  # the memo editor's TextArea
    "rich.progress",  # the command line's progress bars
    "tui.screens.export_dialog",
    "tui.screens.analysis",
    "tui.screens.library",
    "tui.screens.help",
    "wcwidth",  # cell widths beyond printable ASCII
    "bidi",  # right-to-left scripts
    "tomlkit",  # writing a codebook file back
    "annotations.query",  # the panel filter's query language
    "tui.widgets.filter_prompt",
    "tui.widgets.tag_picker",
    "tui.widgets.orphan_picker",
    "tui.widgets.page_prompt",
    "tui.widgets.metadata_form",
    "tui.screens.quit_confirm",
    "tui.widgets.search_prompt",  # the search prompt: `/`
    "annotations.codebook_edits",  # changing the codebook
    "annotations.sources.converted",  # what converting a PDF, web page, ... makes
    "annotations.sources.language",
    "zipfile",  # importlib.resources' readers: the bundled files are read beside the code
    "importlib.metadata",  # Textual's __version__: its dist-info directory is read instead
    "email",  # what importlib.metadata loads
    "regex",  # Unicode-property patterns: not for a first screen in a Latin script
    "annotations.editing",  # the reader's changes and their undo: the first change
    "annotations.search",  # `/`
    "tui.palette",  # the reader's command palette entries
    "tui.widgets.type_ahead",  # the dialogs that take keys typed before they opened
    "getpass",  # the login name (the analyst named otherwise) and a PDF's password
    "annotations.validation",  # checking a json export before it is merged
)


def run_fresh(script: str, tmp_path: Path) -> str:
    """What a fresh interpreter prints running SCRIPT (dedented) in `tmp_path`."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=True,
    ).stdout


def loaded_modules(script: str, tmp_path: Path) -> set[str]:
    """The modules a fresh interpreter holds after running SCRIPT."""
    program = textwrap.dedent(script) + textwrap.dedent(
        """
        import json, sys
        print("MODULES " + json.dumps(sorted(sys.modules)))
        """
    )
    output = run_fresh(program, tmp_path)
    line = next(line for line in output.splitlines() if line.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def test_gloss_help_lists_every_command_without_loading_any(tmp_path: Path) -> None:
    modules = loaded_modules(
        """
        import contextlib, io
        from tui.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as shown, contextlib.suppress(SystemExit):
            main(["--help"])
        assert all(name in shown.getvalue() for name in
                   ("open", "export", "import", "stats", "agree", "codebook"))
        """,
        tmp_path,
    )
    assert not any(name.startswith("tui.commands.") for name in modules)
    assert "textual" not in modules and "tinydb" not in modules


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_is_listed_with_the_help_line_of_its_own_parser(name: str) -> None:
    # `gloss --help` lists the commands from their summaries; with NAME's own parser
    # registered instead, the listing must read the same.
    assert build_parser(name).format_help() == build_parser().format_help()


def test_showing_a_document_loads_no_exporter_matcher_or_memo_editor(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(
        "Russia and Iran.\n\nA marriage of convenience.\n", encoding="utf-8"
    )
    modules = loaded_modules(
        """
        import asyncio
        from pathlib import Path
        import tui.cli
        from tui.commands import open_reader  # what `gloss FILE` runs
        from tui.app import GlossApp
        from tui.terminal_input import tolerate_invalid_utf8
        from tui.terminal_output import skip_chops_past_spans

        tolerate_invalid_utf8()  # as open_reader.run does before the app runs
        skip_chops_past_spans()

        # What the reader loads once the analyst is reading (`warm_up`) is not for showing.
        GlossApp.WARM_UP_SECONDS = None

        async def show():
            app = GlossApp(paths=[Path("article.txt")], db=Path("store.json"), analyst="ana")
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                assert type(app.screen).__name__ == "ReaderScreen"

        asyncio.run(show())
        """,
        tmp_path,
    )
    assert "tui.screens.reader" in modules
    assert [name for name in NOT_AT_START if name in modules] == []


def test_the_first_keys_load_nothing_once_the_reader_has_warmed_up(tmp_path: Path) -> None:
    # Kept off the way to the first frame is not put on the first key: while the analyst
    # reads the first screen, the reader loads what its first keys need (sentences' and
    # words' patterns, the editing of annotations), so pressing them loads no module.
    (tmp_path / "article.txt").write_text(
        "Russia and Iran. A marriage of convenience, they said.\n\nIt will end.\n",
        encoding="utf-8",
    )
    output = run_fresh(
        """
        import asyncio, sys
        from pathlib import Path
        from tui.app import GlossApp

        GlossApp.WARM_UP_SECONDS = 0.01

        async def show():
            app = GlossApp(paths=[Path("article.txt")], db=Path("s.json"), analyst="a")
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause(0.3)
                before = set(sys.modules)
                for key in ("pagedown", "j", "w", "J", "r"):
                    await pilot.press(key)
                await pilot.pause()
                assert app.screen.annotations, "r coded the sentence"
                print("LOADED", sorted(set(sys.modules) - before))

        asyncio.run(show())
        """,
        tmp_path,
    )
    assert "LOADED []" in output.splitlines()


def test_a_start_on_a_store_that_records_its_codebook_reads_no_toml(tmp_path: Path) -> None:
    # A store records the codebook in force, and `gloss` takes it from there: a start on
    # such a store reads no TOML (the bundled codebook, config.toml) — and the reader still
    # tags with the store's codebook, not the bundled one.
    (tmp_path / "article.txt").write_text("Russia and Iran.\n", encoding="utf-8")
    bundled = (Path(__file__).parents[1] / "annotations/data/codebook.toml").read_text("utf-8")
    (tmp_path / "project.toml").write_text(
        bundled.replace('name = "Russia and Iran in Syria"', 'name = "The project\'s own"'),
        encoding="utf-8",
    )
    start = """
        import asyncio
        from tui.app import GlossApp

        def run_headless(app):  # as `app.run()`, in a test's headless terminal
            async def show():
                async with app.run_test(size=(100, 30)) as pilot:
                    await pilot.pause()
                    assert type(app.screen).__name__ == "ReaderScreen"
                    assert app.codebook.name == "The project's own"

            asyncio.run(show())

        GlossApp.run = run_headless
        from tui.cli import main
        """
    first = loaded_modules(
        start + 'main(["article.txt", "--db", "s.json", "--codebook", "project.toml"])', tmp_path
    )
    assert "tomllib" in first  # the codebook named, read from its file
    again = loaded_modules(start + 'main(["article.txt", "--db", "s.json"])', tmp_path)
    assert "tomllib" not in again


def test_the_collector_pauses_only_while_the_reader_starts(tmp_path: Path) -> None:
    # `gloss` starts the reader with the cyclic collector paused (nothing it makes then is
    # garbage); once the first screen is drawn it collects again, and a reader that never
    # opens (a damaged store) leaves it as it was.
    (tmp_path / "article.txt").write_text("Russia and Iran.\n", encoding="utf-8")
    (tmp_path / "damaged.json").write_bytes(b"\x00\x01 not json")
    found = run_fresh(
        """
        import asyncio, contextlib, gc, io
        from pathlib import Path
        from tui.app import GlossApp
        from tui.cli import main

        with contextlib.redirect_stderr(io.StringIO()):
            assert main(["--db", "damaged.json"]) == 2
        print("after a failed start", gc.isenabled())

        async def show():
            gc.disable()  # as `gloss` starts the reader
            app = GlossApp(paths=[Path("article.txt")], db=Path("s.json"), analyst="a")
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                print("reader drawn", type(app.screen).__name__, gc.isenabled())

        asyncio.run(show())
        """,
        tmp_path,
    )
    assert "after a failed start True" in found
    assert "reader drawn ReaderScreen True" in found


async def test_the_reader_starts_with_its_own_styles_and_a_dialog_brings_the_rest(
    tmp_path: Path,
) -> None:
    # Parsing every screen's CSS at start cost more than the reader's own; the rest is read
    # when the first other screen opens, and that screen is styled as ever.
    from tui.app import GlossApp

    article = tmp_path / "article.txt"
    article.write_text("Russia and Iran.\n\nA marriage of convenience.\n", encoding="utf-8")
    app = GlossApp(paths=[article], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        styled = {selector.css for rule in app.stylesheet.rules for selector in rule.selector_set}
        assert "ReadingPane" in styled and "ExportDialog" not in styled
        await pilot.press("question_mark")
        await pilot.pause()
        dialog = app.screen.query_one("#help-dialog")
        assert dialog.styles.border_top[0] == "round"
        assert (dialog.region.x, dialog.region.width) == (5, 90)  # 90% of 100, centred

"""SVG snapshots of the reader with several annotations, at two terminal sizes.

Review changes with `pytest --snapshot-report` (snapshot_report.html) before accepting
them with `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import Document, Store
from tui.app import GlossApp


def seeded_app(store_path: Path) -> GlossApp:
    """The bundled article with a Russia, an Iran, an overlapping and another analyst's note."""
    document = Document.bundled()
    sentences = document.sentences
    with Store(store_path) as store:
        store.add_document(document)
        a, b = sentences[2], sentences[4]
        store.annotate(
            document.id,
            a.start,
            a.end,
            tags=["actor/russia", "interest/military"],
            memo="Air cover is the Russian contribution.",
            analyst="ana",
            confidence="high",
        )
        store.annotate(
            document.id, b.start, b.end, tags=["actor/iran", "interest/society"], analyst="ana"
        )
        paragraph = document.paragraphs[4]
        store.annotate(
            document.id,
            paragraph.start,
            paragraph.end,
            tags=["actor/both", "relation/convergence"],
            analyst="ana",
        )
        c = sentences[6]
        store.annotate(
            document.id, c.start, c.end, tags=["actor/iran"], memo="Second reading", analyst="bo"
        )
    return GlossApp(db=store_path, analyst="ana")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_reader_screen(snap_compare, store_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(seeded_app(store_path), press=["j", "j"], terminal_size=size)


def test_search_marks_matches_and_selects_one(snap_compare, store_path: Path) -> None:
    press = ["slash", *"iran", "enter", "n"]
    assert snap_compare(seeded_app(store_path), press=press, terminal_size=(120, 40))


def analysis_app(store_path: Path) -> GlossApp:
    """The seeded notes and a few more, so that the table, bars and positions show shape."""
    app = seeded_app(store_path)
    document = Document.bundled()
    sentences = document.sentences
    with Store(store_path) as store:
        for index, tags in (
            (10, ["actor/russia", "interest/institutions", "relation/divergence"]),
            (14, ["actor/russia", "interest/military"]),
            (20, ["actor/iran", "interest/society", "relation/divergence"]),
            (36, ["actor/iran", "interest/access"]),
            (52, ["actor/both", "interest/diplomacy", "relation/convergence"]),
        ):
            s = sentences[index]
            store.annotate(document.id, s.start, s.end, tags=tags, analyst="ana")
    return app


@pytest.mark.parametrize("size", [(160, 50), (80, 24)], ids=["160x50", "80x24"])
def test_analysis_screen(snap_compare, store_path: Path, size: tuple[int, int]) -> None:
    app = analysis_app(store_path)
    assert snap_compare(app, press=["a", "right"], terminal_size=size)


def test_analysis_quotes(snap_compare, store_path: Path) -> None:
    app = analysis_app(store_path)
    assert snap_compare(app, press=["a", "enter"], terminal_size=(80, 24))


def pressing_with_a_steady_cursor(*keys: str):
    """Press `keys`, then stop the text cursors of the screen on top from blinking: where
    in the blink a screenshot falls depends on the machine's load (the dialogs' snapshots
    failed under -n auto). A steady cursor is always drawn."""

    async def run_before(pilot) -> None:
        await pilot.press(*keys)
        await pilot.pause()
        fields = list(pilot.app.screen.query("Input, TextArea"))
        for field in fields:
            field.cursor_blink = False
            # TextArea keeps drawn lines under a key that cannot tell "blink off" from
            # "blinking, hidden just now": a style update drops them, so the line is
            # drawn again with its cursor.
            field.notify_style_update()
            field.refresh()
        await pilot.pause()
        assert pilot.app.screen.focused in fields

    return run_before


def test_memo_editor(snap_compare, store_path: Path) -> None:
    run_before = pressing_with_a_steady_cursor("j", "j", "m")
    assert snap_compare(seeded_app(store_path), run_before=run_before, terminal_size=(120, 40))


def test_tag_picker(snap_compare, store_path: Path) -> None:
    run_before = pressing_with_a_steady_cursor("j", "j", "t")
    assert snap_compare(seeded_app(store_path), run_before=run_before, terminal_size=(120, 40))

"""Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) in a document:
shown as symbols, ordered as symbols — never a crash, never a spoofed display."""

from __future__ import annotations

from pathlib import Path

from annotations.text_units import bidi_levels, display_line, is_right_to_left
from tui.app import GlossApp
from tui.widgets.reading_pane import ReadingPane

# Persian as copied from the web: a Latin name in a left-to-right isolate (LRI … PDI).
ISOLATED = "دیدار با \u2066Sergey Lavrov\u2069 در تهران"
# A right-to-left override around a file name, in right-to-left text.
OVERRIDDEN = "فایل \u202eexe.live\u202c را باز کن"
# The same in left-to-right text.
OVERRIDDEN_LTR = "Open \u202eexe.live\u202c now, دوست"


def test_an_isolate_in_a_right_to_left_paragraph_has_levels() -> None:
    levels = bidi_levels(ISOLATED)
    assert levels is not None and len(levels) == len(ISOLATED)
    assert is_right_to_left(ISOLATED)
    # The Latin name keeps its own order inside the right-to-left line.
    assert "Sergey Lavrov" in display_line(ISOLATED)


def test_every_isolate_and_embedding_character_alone_or_unpaired() -> None:
    for mark in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        for paragraph in (f"سلام {mark}abc دنیا", f"{mark}سلام", f"سلام{mark}", f"a{mark}ب"):
            assert sorted(display_line(paragraph)) == sorted(paragraph)


def test_an_override_does_not_reorder_what_it_encloses() -> None:
    assert "exe.live" in display_line(OVERRIDDEN)
    assert "evil.exe" not in display_line(OVERRIDDEN)
    assert "exe.live" in display_line(OVERRIDDEN_LTR)
    assert "evil.exe" not in display_line(OVERRIDDEN_LTR)


def pane_lines(pane: ReadingPane) -> list[str]:
    return ["".join(s.text for s in pane.render_line(y)) for y in range(pane.size.height)]


async def test_the_reader_shows_isolates_and_overrides_as_symbols(tmp_path: Path) -> None:
    file = tmp_path / "persian.txt"
    file.write_text(f"{ISOLATED}\n\n{OVERRIDDEN}\n\n{OVERRIDDEN_LTR}\n", encoding="utf-8")
    app = GlossApp(paths=[file], db=tmp_path / "store.json", analyst="ana")
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(ReadingPane)
        shown = "\n".join(pane_lines(pane))
        await pilot.press("J", "J", "k")  # moving over them redraws them
        await pilot.pause()
        assert app.is_running
    assert "Sergey Lavrov" in shown
    assert shown.count("exe.live") == 2 and "evil.exe" not in shown
    assert "\u202e" not in shown and "\u2066" not in shown
    assert shown.count("\ufffd") == 6  # each formatting character, as a visible symbol

"""Selecting exactly the claim from the keyboard: clauses, trimming at both ends, extending
to a search match — what the reader selects and what a tag key saves."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList
from textual.widgets._toast import Toast

from annotations import Document
from tui.app import GlossApp
from tui.screens.reader import ReaderScreen
from tui.widgets.memo_editor import MemoEditor
from tui.widgets.orphan_picker import AnnotationChooser
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.search_prompt import SearchPrompt
from tui.widgets.status_line import StatusLine

SIZE = (120, 40)


def reader(app: GlossApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def selected(app: GlossApp) -> str:
    screen = reader(app)
    return screen.document.text[slice(*screen.selection)]


async def search(pilot, query: str) -> None:
    await pilot.press("slash")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SearchPrompt)
    for character in query:
        await pilot.press("space" if character == " " else character)
    await pilot.press("enter")
    await pilot.pause()


CLAUSES = {
    "english": (
        "Iran supports militias, while Russia backs the army; both want Assad to stay.",
        ["Iran supports militias", "while Russia backs the army", "both want Assad to stay."],
    ),
    "russian": (
        "Россия поддерживает армию, а Иран — свои ополчения; цели у них разные.",
        ["Россия поддерживает армию", "а Иран", "свои ополчения", "цели у них разные."],
    ),
    "persian": (
        "ایران از شبه‌نظامیان حمایت می‌کند، اما روسیه از ارتش؛ این دو هدف متفاوت است.",
        ["ایران از شبه‌نظامیان حمایت می‌کند", "اما روسیه از ارتش", "این دو هدف متفاوت است."],
    ),
    "chinese": (
        "俄罗斯支持军队，伊朗支持民兵；两国目标不同。",
        ["俄罗斯支持军队", "伊朗支持民兵", "两国目标不同。"],
    ),
}


@pytest.mark.parametrize("language", sorted(CLAUSES))
async def test_clause_keys_select_each_clause_then_extend_by_clause(
    tmp_path: Path, language: str
) -> None:
    text, clauses = CLAUSES[language]
    path = tmp_path / f"{language}.txt"
    path.write_text(text + "\n", encoding="utf-8")
    app = GlossApp(paths=[path], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        assert selected(app) == text  # the sentence
        seen = []
        for _ in clauses:
            await pilot.press("right_parenthesis")
            seen.append(selected(app))
        assert seen == clauses
        await pilot.press("left_parenthesis")
        assert selected(app) == clauses[-2]
        await pilot.press("v", "right_parenthesis")  # the end grows by a clause
        assert selected(app).startswith(clauses[-2]) and selected(app).endswith(clauses[-1])
        await pilot.press("r")  # a tag key saves exactly that
        [annotation] = reader(app).annotations
        assert annotation.quote == selected(app)


async def test_from_a_sentence_parentheses_select_its_first_and_last_clause(
    store_path: Path,
) -> None:
    document = Document.bundled()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        sentence = next(
            s
            for s in document.sentences
            if "while turning a blind eye" in document.text[s.start : s.end]
        )
        screen.select_span(sentence.start, sentence.end)
        await pilot.press("right_parenthesis")
        assert selected(app).endswith("onto Syrian soil")
        screen.select_span(sentence.start, sentence.end)
        await pilot.press("left_parenthesis")
        assert selected(app).startswith("while turning a blind eye")


async def test_trimming_at_both_ends_by_word_and_clause(store_path: Path) -> None:
    document = Document.bundled()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        at = document.text.index("Working together to save")
        sentence = document.sentence_at(at)
        screen.select_span(sentence.start, sentence.end)
        await pilot.press("left_parenthesis")  # the last clause
        assert (
            selected(app)
            == "while Russian officials encouraged the Syrian regime to be more “flexible”."
        )
        await pilot.press("b")  # the end trimmed by a word: its marks go with it
        assert selected(app) == "while Russian officials encouraged the Syrian regime to be more"
        await pilot.press("w")  # and grown again: the closing quote belongs, the stop does not
        assert (
            selected(app)
            == "while Russian officials encouraged the Syrian regime to be more “flexible”"
        )
        await pilot.press("O", "w")  # now the start moves: trimmed by a word
        assert (
            selected(app) == "Russian officials encouraged the Syrian regime to be more “flexible”"
        )
        assert "EXTENDING start" in screen.query_one(StatusLine).text
        await pilot.press("left_parenthesis", "left_parenthesis")  # grows by clauses
        assert selected(app).startswith("Iranian officials insisted")
        await pilot.press("right_parenthesis", "w", "w")  # trimmed by a clause, two words
        assert selected(app) == "officials encouraged the Syrian regime to be more “flexible”"
        # The end back a clause would cross the start: the start moves on back instead.
        await pilot.press("O", "left_parenthesis")
        assert (
            selected(app)
            == "while Russian officials encouraged the Syrian regime to be more “flexible”"
        )
        await pilot.press("escape")  # back to where extending started
        assert (
            selected(app)
            == "while Russian officials encouraged the Syrian regime to be more “flexible”."
        )


async def test_trimming_the_start_lets_go_of_an_unpaired_closing_quote(store_path: Path) -> None:
    document = Document.bundled()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        start = document.text.index("“shadow regime”")
        screen.select_span(start, start + len("“shadow regime”"))
        await pilot.press("O", "w")
        assert selected(app) == "regime"  # neither end on a mark that is not the span's
        await pilot.press("i")
        [annotation] = screen.annotations
        assert annotation.quote == "regime"


async def test_extending_to_a_search_match(store_path: Path) -> None:
    document = Document.bundled()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        at = document.text.index("Moscow and Tehran have also facilitated")
        sentence = document.sentence_at(at)
        screen.select_span(sentence.start, sentence.end)
        await pilot.press("right_parenthesis", "v")
        await search(pilot, "blind eye")  # after the anchor: the end goes to the match's end
        assert selected(app) == (
            "Moscow and Tehran have also facilitated the flow of terrorists and foreign "
            "fighters from Chechnya and other former Soviet countries onto Syrian soil, "
            "while turning a blind eye"
        )
        assert screen.cursor.extending
        await pilot.press("O")
        await search(pilot, "also")  # the moving start goes to the match's start
        assert selected(app).startswith("also facilitated the flow of")
        assert selected(app).endswith("while turning a blind eye")
        await search(pilot, "Russia and Iran have divided")  # past the other end: the end moves
        assert selected(app).startswith("also facilitated") and selected(app).endswith(
            "Russia and Iran have divided"
        )
        await pilot.press("1")
        [annotation] = screen.annotations
        assert annotation.quote == selected(app)
        assert annotation.tags == ("interest/military",)


async def test_a_drag_selects_a_span_snapped_to_clusters_and_a_click_still_a_sentence(
    tmp_path: Path,
) -> None:
    # One paragraph: the gutter is "1" and its gap; "é" is e + a combining accent.
    text = "Iran and Russia disagree about the arme\u0301e. They agree on Assad.\n"
    path = tmp_path / "drag.txt"
    path.write_text(text, encoding="utf-8")
    app = GlossApp(paths=[path], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.screen.query_one(ReadingPane)
        gutter = next(x for x in range(20) if pane.render_line(0).text[x] == "I")
        # From "R" of Russia to the cell of "e" + accent (one cell, two code points), backwards.
        accent_cell = gutter + text.index("arme\u0301e") + 3
        await pilot.mouse_down(ReadingPane, offset=(accent_cell, 0))
        await pilot.hover(ReadingPane, offset=(gutter + 12, 0))
        await pilot.hover(ReadingPane, offset=(gutter + text.index("Russia"), 0))
        await pilot.mouse_up(ReadingPane, offset=(gutter + text.index("Russia"), 0))
        await pilot.pause()
        assert selected(app) == "Russia disagree about the arme\u0301"  # the accent with its e
        await pilot.press("r")
        [annotation] = reader(app).annotations
        assert annotation.quote == "Russia disagree about the arme\u0301"
        await pilot.click(ReadingPane, offset=(gutter + text.index("agree on"), 0))
        await pilot.pause()
        assert selected(app) == "They agree on Assad."


async def test_delete_asks_which_annotation_when_several_overlap_and_none_is_exact(
    store_path: Path,
) -> None:
    document = Document.bundled()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        at = document.text.index("Moscow and Tehran have also facilitated")
        sentence = document.sentence_at(at)
        screen.select_span(sentence.start, sentence.end)
        await pilot.press("right_parenthesis", "r")  # the first clause: Russia
        await pilot.press("right_parenthesis", "i")  # the second: Iran
        screen.select_span(sentence.start, sentence.end)  # the sentence: neither exactly
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, AnnotationChooser)
        assert len(app.screen.query_one(OptionList).options) == 2
        await pilot.press("down", "enter")  # the second listed: the Iran clause
        await pilot.pause()
        [left] = screen.annotations
        assert left.tags == ("actor/russia",)
        assert left.quote.endswith("onto Syrian soil")
        await pilot.press("delete")  # one left overlapping: no question
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and screen.annotations == []


async def test_memo_asks_which_then_escape_leaves_the_selection_as_it_was(
    store_path: Path,
) -> None:
    document = Document.bundled()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        sentence = document.sentence_at(document.text.index("Moscow and Tehran have also"))
        screen.select_span(sentence.start, sentence.end)
        await pilot.press("right_parenthesis", "r", "right_parenthesis", "i")  # two clauses
        screen.select_span(sentence.start, sentence.end)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, AnnotationChooser)  # which one's memo?
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert screen.selection == (sentence.start, sentence.end)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter")  # the first listed: the Russia clause
        await pilot.pause()
        assert isinstance(app.screen, MemoEditor)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.selection == (sentence.start, sentence.end)
        await pilot.press("x")  # so a tag key makes the sentence's own annotation
        spans = sorted((a.start, a.end, a.tags) for a in screen.annotations)
        assert (sentence.start, sentence.end, ("actor/both",)) in spans
        assert len(spans) == 3


async def test_extending_and_search_matches_differ_without_colour(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await search(pilot, "Russia")
        await pilot.press("v", "w", "w")
        pane = screen.query_one(ReadingPane)
        drawn = [
            (segment.text, bool(segment.style.reverse), bool(segment.style.underline))
            for y in range(pane.view_height)
            for segment in pane.render_line(y)
            if segment.style is not None
        ]
        # The extending selection is reversed; the other matches are underlined, not reversed.
        assert any(reverse and "and Iran" in text for text, reverse, _ in drawn)
        assert any(
            text == "Russia" and underline and not reverse for text, reverse, underline in drawn
        )


async def test_a_notice_never_covers_the_status_line(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.notify("A notice of some length, as a search wrapping around says.", timeout=30)
        app.notify("And a second one.", timeout=30)
        await pilot.pause(0.3)
        status = app.screen.query_one(StatusLine).region
        toasts = [toast.region for toast in app.screen.query(Toast)]
        assert toasts
        assert all(not toast.overlaps(status) for toast in toasts)


async def test_phrase_keys_trim_to_a_conjunction_at_either_end(tmp_path: Path) -> None:
    text = (
        "Russia wants a naval base on the Mediterranean and a Syrian army that answers to "
        "a single command. Moscow has rebuilt whole divisions, placed its own advisers in "
        "the general staff and folded irregular units into the regular chain of command.\n"
    )
    path = tmp_path / "army.txt"
    path.write_text(text, encoding="utf-8")
    app = GlossApp(paths=[path], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("B")  # the end back a phrase: to before "and"
        assert selected(app) == "Russia wants a naval base on the Mediterranean"
        await pilot.press("r", "6")
        await pilot.press("W", "O", "W")  # the end on a phrase, then the start past "and"
        assert selected(app) == "a Syrian army that answers to a single command."
        await pilot.press("r", "2")
        await pilot.press("j", "right_parenthesis", "right_parenthesis", "O", "W")
        assert selected(app) == "folded irregular units into the regular chain of command."
        await pilot.press("r", "2")
        quotes = [annotation.quote for annotation in reader(app).annotations]
        assert quotes == [
            "Russia wants a naval base on the Mediterranean",
            "a Syrian army that answers to a single command.",
            "folded irregular units into the regular chain of command.",
        ]

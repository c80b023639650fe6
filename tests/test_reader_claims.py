"""Selecting exactly the claim from the keyboard: clauses, trimming at both ends, extending
to a search match — what the reader selects and what a tag key saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import Document
from tui.app import GlossApp
from tui.screens.reader import ReaderScreen
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

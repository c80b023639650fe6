"""The panel filter as typed: several codes, excluded codes, an analyst, words, labels' words."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from annotations.codebook import Codebook
from annotations.model import Annotation
from annotations.panel_filter import PanelFilter
from annotations.query import QueryError
from tui.app import GlossApp
from tui.screens.reader import ReaderScreen
from tui.widgets.status_line import StatusLine

CODEBOOK = Codebook.default()


def note(
    tags: tuple[str, ...], analyst: str = "ana", quote: str = "q", memo: str = ""
) -> Annotation:
    return Annotation.create(
        document="doc", text=quote, start=0, end=len(quote), tags=tags, memo=memo, analyst=analyst
    )


def read(query: str) -> PanelFilter:
    parsed = PanelFilter.parse(query, CODEBOOK)
    assert parsed is not None
    return parsed


def listed(query: str, notes: list[Annotation]) -> list[Annotation]:
    return [a for a in notes if read(query).matches(a)]


RUSSIA_MILITARY = note(("actor/russia", "interest/military"))
RUSSIA_ECONOMY = note(("actor/russia", "interest/economy"))
IRAN_MILITARY = note(("actor/iran", "interest/military"))
IRAN_LEVERAGE = note(("actor/iran", "interest/leverage"))
IRAN_ACCESS = note(("actor/iran", "interest/access"), analyst="bo")
NOTES = [RUSSIA_MILITARY, RUSSIA_ECONOMY, IRAN_MILITARY, IRAN_LEVERAGE, IRAN_ACCESS]


def test_several_codes_combine_and_a_minus_excludes() -> None:
    assert listed("russia military", NOTES) == [RUSSIA_MILITARY]
    assert listed("r -economy", NOTES) == [RUSSIA_MILITARY]
    assert read("r -economy").describe(CODEBOOK) == "Russia and not economy"
    # A "-" inside a word is part of the word: text, not a code left out.
    hyphened = note((), memo="a memo-word here")
    assert listed("memo-word", [hyphened, RUSSIA_MILITARY]) == [hyphened]


def test_labels_their_words_ids_and_keys_are_all_codes() -> None:
    assert listed("leverage", NOTES) == [IRAN_LEVERAGE]
    assert listed("global leverage", NOTES) == [IRAN_LEVERAGE]
    assert read("global leverage").describe(CODEBOOK) == "global leverage"
    assert listed("access", NOTES) == [IRAN_ACCESS]
    assert listed("actor/iran 1", NOTES) == [IRAN_MILITARY]
    # A key under a Russian or Persian layout names its code too.
    assert listed("к ۱", NOTES) == [RUSSIA_MILITARY]
    assert listed("ه", NOTES) == [IRAN_MILITARY, IRAN_LEVERAGE, IRAN_ACCESS]
    assert read("geostrategic access @bo").describe(CODEBOOK) == "geostrategic access and @bo"


def test_other_words_search_the_quote_and_memo() -> None:
    found = read("iran shrines @bo")
    assert found.matches(note(("actor/iran",), analyst="bo", memo="About the shrines."))
    assert not found.matches(note(("actor/iran",), analyst="ana", memo="About the shrines."))
    assert not found.matches(note(("actor/iran",), analyst="bo", memo="About the ports."))
    assert found.describe(CODEBOOK) == "Iran and “shrines” and @bo"
    assert PanelFilter.parse("   ", CODEBOOK) is None


def test_or_not_and_parentheses_are_the_query_language() -> None:
    assert listed("russia | iran", NOTES) == NOTES
    assert listed("iran & !military", NOTES) == [IRAN_LEVERAGE, IRAN_ACCESS]
    assert listed("(russia | iran) & military & !@bo", NOTES) == [RUSSIA_MILITARY, IRAN_MILITARY]
    assert read("(russia | iran) & !economy").describe(CODEBOOK) == (
        "(Russia or Iran) and not economy"
    )


def test_a_bad_filter_says_where_it_went_wrong() -> None:
    with pytest.raises(QueryError) as raised:
        PanelFilter.parse("iran & (military", CODEBOOK)
    assert str(raised.value) == "bad query at character 8: this ( is never closed"


async def test_the_status_line_shows_how_the_filter_was_read(tmp_path: Path) -> None:
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "r", "1", "j", "j", "r", "5", "j", "i", "1")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("f")
        await pilot.pause()
        for character in "russia -economy":
            await pilot.press("space" if character == " " else character)
        await pilot.press("enter")
        await pilot.pause()
        assert [a.tags for a in screen.panel.annotations] == [("actor/russia", "interest/military")]
        assert "filter Russia and not economy" in screen.query_one(StatusLine).text


async def test_or_and_not_in_the_reader_and_a_bad_filter_keeps_the_last(tmp_path: Path) -> None:
    app = GlossApp(db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("j", "j", "r", "1", "j", "j", "i", "5", "j", "i", "1")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)

        async def set_filter(query: str) -> None:
            await pilot.press("f")
            await pilot.pause()
            await pilot.press("ctrl+u")  # clear what the prompt offers
            for character in query:
                await pilot.press(character)
            await pilot.press("enter")
            await pilot.pause()

        await set_filter("russia|iran")
        assert len(screen.panel.annotations) == 3
        await set_filter("iran&!military")
        assert [a.tags for a in screen.panel.annotations] == [("actor/iran", "interest/economy")]
        assert "filter Iran and not military" in screen.query_one(StatusLine).text
        await set_filter("iran&(")
        assert [a.tags for a in screen.panel.annotations] == [("actor/iran", "interest/economy")]
        assert "filter Iran and not military" in screen.query_one(StatusLine).text
        await pilot.pause(0.3)
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any("bad query at character 7" in text for text in toasts)

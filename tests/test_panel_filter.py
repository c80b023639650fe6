"""The panel filter as typed: several codes, excluded codes, an analyst, words, labels' words."""

from __future__ import annotations

from pathlib import Path

from annotations.codebook import Codebook
from annotations.model import Annotation
from annotations.panel_filter import PanelFilter
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


def test_several_codes_combine_and_a_minus_excludes() -> None:
    both = read("russia military")
    assert both.include == ("actor/russia", "interest/military")
    assert both.matches(note(("actor/russia", "interest/military")))
    assert not both.matches(note(("actor/russia",)))
    without = read("r -economy")
    assert without.matches(note(("actor/russia", "interest/military")))
    assert not without.matches(note(("actor/russia", "interest/economy")))
    assert without.describe(CODEBOOK) == "Russia − economy"


def test_labels_their_words_ids_and_keys_are_all_codes() -> None:
    assert read("leverage").include == ("interest/leverage",)
    assert read("global leverage").include == ("interest/leverage",)
    assert read("access").include == ("interest/access",)
    assert read("actor/iran 1").include == ("actor/iran", "interest/military")
    # A key under a Russian or Persian layout names its code too.
    assert read("к ۱").include == ("actor/russia", "interest/military")
    assert read("ه").include == ("actor/iran",)
    assert read("geostrategic access @ana").describe(CODEBOOK) == "geostrategic access @ana"


def test_other_words_search_the_quote_and_memo() -> None:
    found = read("iran shrines @bo")
    assert found.include == ("actor/iran",) and found.words == ("shrines",)
    assert found.matches(note(("actor/iran",), analyst="bo", memo="About the shrines."))
    assert not found.matches(note(("actor/iran",), analyst="ana", memo="About the shrines."))
    assert found.describe(CODEBOOK) == "Iran @bo “shrines”"
    assert PanelFilter.parse("   ", CODEBOOK) is None


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
        assert "filter Russia − economy" in screen.query_one(StatusLine).text

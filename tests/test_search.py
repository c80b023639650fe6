"""Search: `annotations.search` finds text case, accent and width aside with exact offsets;
in the reader `/` marks and goes to matches, `n`/`N` move between them, `escape` ends it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from book_support import open_reader
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import Document, Store
from annotations.search import Search, find_all, fold
from tui.app import GlossApp
from tui.screens.reader import ReaderScreen
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.search_prompt import SearchPrompt
from tui.widgets.status_line import StatusLine

SIZE = (120, 40)
MULTILINGUAL = Path(__file__).parent / "data" / "documents" / "multilingual.txt"


def found(text: str, query: str) -> list[str]:
    return [text[start:end] for start, end in find_all(text, query)]


# -- annotations.search --------------------------------------------------------------------


def test_case_is_ignored() -> None:
    text = "Moscow, MOSCOW and moscow; not Mosco."
    assert found(text, "moscow") == ["Moscow", "MOSCOW", "moscow"]
    assert found(text, "MoScOw") == ["Moscow", "MOSCOW", "moscow"]


def test_accents_are_ignored_either_way_and_the_match_keeps_its_accent() -> None:
    # "café" as one code point and as e + combining acute: both found, whole.
    text = "Café, cafe\u0301, CAFÉ and cafe."
    assert found(text, "cafe") == ["Café", "cafe\u0301", "CAFÉ", "cafe"]
    assert found(text, "café") == found(text, "cafe")
    start, end = find_all(text, "cafe")[1]
    assert text[start:end] == "cafe\u0301"  # the combining accent belongs to the match


def test_full_width_and_digits_of_other_scripts() -> None:
    text = "Ｍｏｓｃｏｗ in 1398 or ۱۳۹۸ or ١٣٩٨"
    assert found(text, "moscow") == ["Ｍｏｓｃｏｗ"]
    assert found(text, "1398") == ["1398", "۱۳۹۸", "١٣٩٨"]


def test_russian_case_and_yo() -> None:
    text = "Россия и Иран. РОССИЯ! Ещё и еще."
    assert found(text, "россия") == ["Россия", "РОССИЯ"]
    assert found(text, "еще") == ["Ещё", "еще"]  # ё is е with a diaeresis


def test_persian_and_arabic_letters_marks_tatweel_and_zwnj() -> None:
    # Vowel marks and a tatweel inside a word; the Arabic and the Persian yeh and kaf;
    # a zero-width non-joiner a Persian writer puts where a typist may not.
    text = "مُحَمَّد و محـمد؛ علی و علي؛ کتاب و كتاب؛ می\u200cخواهم"
    assert found(text, "محمد") == ["مُحَمَّد", "محـمد"]
    assert found(text, "علي") == ["علی", "علي"]
    assert found(text, "کتاب") == ["کتاب", "كتاب"]
    assert found(text, "میخواهم") == ["می\u200cخواهم"]


def test_alef_with_hamza_is_alef() -> None:
    # Persian writes ایران, Arabic إيران: one search finds both.
    assert found("روسیه و ایران؛ روسيا وإيران", "إيران") == ["ایران", "إيران"]


def test_chinese() -> None:
    text = "俄罗斯和伊朗是盟友。但能持续多久？俄罗斯。"
    assert [m for m in find_all(text, "俄罗斯")] == [(0, 3), (17, 20)]


def test_white_space_in_the_query_matches_any_run_of_it() -> None:
    text = "Russia and\nIran, Russia  and   Iran"
    assert found(text, "russia and iran") == ["Russia and\nIran", "Russia  and   Iran"]


def test_typographic_apostrophes_match_the_typed_one() -> None:
    assert found("Russia’s role and Russia's", "russia's") == ["Russia’s", "Russia's"]


def test_sharp_s_finds_itself_and_its_capital() -> None:
    assert found("Straße, STRAẞE", "straße") == ["Straße", "STRAẞE"]


def test_regex_characters_in_the_query_are_literal() -> None:
    assert found("a (b) [c] a.b a*b", "(b)") == ["(b)"]
    assert found("a (b) [c] a.b a*b", "a.b") == ["a.b"]
    assert found("a (b) [c] a.b a*b", "[c]") == ["[c]"]


def test_a_query_with_nothing_to_find_is_no_search() -> None:
    assert Search.compile("") is None
    assert Search.compile("   ") is None
    assert Search.compile("\u0301") is None  # a lone accent folds to nothing
    assert find_all("text", "") == []


def test_find_next_and_a_range() -> None:
    text = "Iran, Iran, Iran"
    search = Search.compile("iran")
    assert search is not None
    assert search.find_next(text, 1) == (6, 10)
    assert search.find_next(text, 13) is None
    assert search.find_all(text, 3, 12) == [(6, 10)]


def test_the_bundled_article() -> None:
    document = Document.bundled()
    matches = find_all(document.text, "moscow")
    assert matches == [m.span() for m in re.finditer("moscow", document.text, re.IGNORECASE)]
    assert len(matches) > 5


def _collapse(text: str) -> str:
    return " ".join(text.split())


_ALPHABET = st.sampled_from(list("aAeéEÉ \nßиИйЙ\u0301ی ي ك ک ١1Ｍm你"))


@settings(max_examples=300, deadline=None)
@given(text=st.text(_ALPHABET, max_size=40), data=st.data())
def test_every_match_folds_to_the_query_and_a_substring_is_always_found(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    query = text[start:end]
    search = Search.compile(query)
    if search is None:
        return
    matches = search.find_all(text)
    for match_start, match_end in matches:
        assert 0 <= match_start < match_end <= len(text)
        assert _collapse(fold(text[match_start:match_end])) == _collapse(fold(query))
    # The query occurs where it was cut from: some match overlaps that place.
    assert any(s < max(end, start + 1) and start < e for s, e in matches)


# -- the reader ----------------------------------------------------------------------------


def reader(app: GlossApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def status(app: GlossApp) -> str:
    return app.screen.query_one(StatusLine).text


def notices(app: GlossApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages the app notifies from now on."""
    shown: list[str] = []
    notify = app.notify

    def recording(message: str, *args, **kwargs):
        shown.append(message)
        return notify(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", recording)
    return shown


async def search(pilot, query: str) -> None:
    await pilot.press("slash")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SearchPrompt)
    for character in query:
        await pilot.press("space" if character == " " else character)
    await pilot.press("enter")
    await pilot.pause()


def marked(app: GlossApp) -> list[tuple[int, int]]:
    """The matches the reading pane marks (under a prompt, too)."""
    screen = next(s for s in app.screen_stack if isinstance(s, ReaderScreen))
    return screen.query_one(ReadingPane)._matches


async def test_search_selects_the_match_and_a_tag_key_tags_exactly_it(store_path: Path) -> None:
    document = Document.bundled()
    expected = find_all(document.text, "tehran")
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "tehran")
        screen = reader(app)
        assert screen.selection == expected[0]
        assert marked(app) == expected
        assert f"match 1/{len(expected)}" in status(app)
        await pilot.press("i")
        [annotation] = screen.annotations
        assert (annotation.start, annotation.end) == expected[0]
        assert annotation.quote == "Tehran"
        assert annotation.tags == ("actor/iran",)


async def test_enter_goes_to_the_first_match_at_or_after_the_cursor(store_path: Path) -> None:
    document = Document.bundled()
    expected = find_all(document.text, "moscow")
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("J", "J", "J", "J", "J", "J")  # well into the article
        screen = reader(app)
        cursor = screen.selection[0]
        await search(pilot, "moscow")
        after = next(m for m in expected if m[0] >= cursor)
        assert screen.selection == after
        k = expected.index(after) + 1
        assert f"match {k}/{len(expected)}" in status(app)


async def test_n_and_shift_n_move_and_wrap_with_a_notice(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = Document.bundled()
    expected = find_all(document.text, "moscow")
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        shown = notices(app, monkeypatch)
        await search(pilot, "moscow")
        screen = reader(app)
        await pilot.press("n")
        assert screen.selection == expected[1]
        assert f"match 2/{len(expected)}" in status(app)
        await pilot.press("N", "N")  # back past the first: wraps to the last
        assert screen.selection == expected[-1]
        assert any("continued from the end" in message for message in shown)
        await pilot.press("n")  # past the last: wraps to the first
        assert screen.selection == expected[0]
        assert any("continued from the top" in message for message in shown)


async def test_no_match_says_so_and_moves_nothing(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        shown = notices(app, monkeypatch)
        await pilot.press("j", "j")
        screen = reader(app)
        before = screen.selection
        await search(pilot, "zanzibar")
        assert screen.selection == before
        assert marked(app) == []
        assert any("No match for “zanzibar”" in message for message in shown)
        assert "match" not in status(app)


async def test_escape_ends_extending_first_then_the_search(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "iran")
        screen = reader(app)
        match = screen.selection
        await pilot.press("v", "w")
        assert screen.cursor.anchor is not None
        await pilot.press("escape")  # the extending selection
        assert screen.cursor.anchor is None and screen.selection == match
        assert marked(app) and "match 1/" in status(app)
        await pilot.press("escape")  # the search: marks gone
        assert marked(app) == []
        assert "match" not in status(app)
        assert isinstance(app.screen, ReaderScreen)  # not from the library: stays
        await pilot.press("n")  # the last query again
        assert marked(app) and "match" in status(app)


async def test_escape_in_the_prompt_leaves_everything_as_it_was(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        screen = reader(app)
        before = screen.selection
        await pilot.press("slash", "i", "r", "a", "n", "escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.selection == before
        assert marked(app) == []


async def test_the_prompt_marks_matches_and_counts_them_while_typing(store_path: Path) -> None:
    document = Document.bundled()
    expected = find_all(document.text, "syria")
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        before = screen.selection
        await pilot.press("slash", *"syria")
        prompt = app.screen
        assert isinstance(prompt, SearchPrompt)
        count = prompt.query_one("#search-count")
        for _ in range(50):  # the preview runs shortly after the last key
            if str(count.render()):
                break
            await pilot.pause(0.05)
        assert str(count.render()) == f"{len(expected)} matches"
        assert marked(app) == expected
        assert screen.selection == before  # typing moves nothing; enter does


async def test_search_in_russian_persian_arabic_and_chinese(store_path: Path) -> None:
    document = Document.from_path(MULTILINGUAL)
    text = document.text
    app = GlossApp(paths=[MULTILINGUAL], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        for query, expected in (
            ("РОССИЯ", "Россия"),
            ("منافع ايران", "منافع ایران"),  # typed with the Arabic yeh
            ("حليفتان", "حليفتان"),
            ("持续", "持续"),
            ("cafe", "café"),
        ):
            await pilot.press("g")
            await search(pilot, query)
            start, end = screen.selection
            assert text[start:end] == expected, query
            assert (start, end) == find_all(text, query)[0]
        # Tag the Chinese match: the annotation's quote is exactly it.
        await search(pilot, "伊朗")
        await pilot.press("i")
        [annotation] = screen.annotations
        assert annotation.quote == "伊朗"
    with Store(store_path, read_only=True) as store:
        [saved] = store.annotations()
        assert text[saved.start : saved.end] == "伊朗"


async def test_a_match_inside_an_emoji_cluster_selects_the_whole_cluster(store_path: Path) -> None:
    document = Document.from_path(MULTILINGUAL)
    text = document.text
    app = GlossApp(paths=[MULTILINGUAL], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "👩")
        start, end = reader(app).selection
        assert text[start:end] == "👨\u200d👩\u200d👧"


async def test_search_a_5_mb_book_and_wrap_from_its_end(book: Path, tmp_path: Path) -> None:
    text = Document.from_path(book).text
    expected = find_all(text, "tehran")
    assert len(expected) > 1000
    app = GlossApp(paths=[book], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_reader(pilot)
        await pilot.press("G")
        await search(pilot, "tehran")  # nothing after the last sentence: wraps
        assert screen.selection == expected[0]
        await pilot.press("N")
        assert screen.selection == expected[-1]
        assert f"match {len(expected):,}/{len(expected):,}" in status(app)
        pane = screen.pane
        line = pane.line_of(expected[-1][0])
        assert pane.top_line <= line < pane.top_line + pane.size.height


async def test_from_the_library_escape_ends_the_search_before_leaving(tmp_path: Path) -> None:
    from tui.screens.library import LibraryScreen

    for name, text in (("a.txt", "Alpha report.\n\nIran and Iran.\n"), ("b.txt", "Beta.\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    app = GlossApp(paths=paths, db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        index = app.screen.shown_ids.index(
            next(i for i in app.screen.shown_ids if app.store.document(i).title == "Alpha report.")
        )
        for _ in range(index):
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await search(pilot, "iran")
        assert "match 1/2" in status(app)
        await pilot.press("escape")  # the search
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and marked(app) == []
        await pilot.press("escape")  # back to the library
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_up_in_the_prompt_recalls_earlier_searches_and_empty_enter_repeats(
    store_path: Path,
) -> None:
    document = Document.bundled()
    tehran = find_all(document.text, "tehran")
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "moscow")
        await search(pilot, "tehran")
        screen = reader(app)
        assert screen.selection == tehran[0]
        await pilot.press("slash", "up", "up")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, SearchPrompt)
        assert prompt.query_one("#search-input").value == "moscow"
        await pilot.press("down")
        assert prompt.query_one("#search-input").value == "tehran"
        await pilot.press("down")
        assert prompt.query_one("#search-input").value == ""
        await pilot.press("enter")  # empty: the last search again, from the cursor on
        await pilot.pause()
        assert screen.selection == tehran[0]
        assert "“tehran” match 1/" in status(app)

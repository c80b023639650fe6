"""The search screen (`F`): every document and memo, matches in context under their
documents, what is coded said in words, `enter` reading a match in place, marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from annotations import Document, Store
from tui.app import GlossApp
from tui.screens.library import LibraryScreen
from tui.screens.project_search import ProjectSearchScreen
from tui.screens.reader import ReaderScreen

SIZE = (120, 40)

FIRST = (
    "Alliances in Syria\n\n"
    "The supply route to Hezbollah runs through Syria.\n\n"
    "Iran wants the supply route open. Russia wants the ports.\n"
)
SECOND = "Outlet B\n\nThe Supply Route was cut in 2016, the report says.\n"
THIRD = "Ports\n\nA third report, on the Mediterranean ports only.\n"


@pytest.fixture
def three(store_path: Path) -> list[Document]:
    """Three documents; the first's second "supply route" coded Iran by ana, and a memo
    of the second mentioning the supply route."""
    documents = [
        Document.from_text(text, title=text.split("\n")[0]) for text in (FIRST, SECOND, THIRD)
    ]
    with Store(store_path) as store:
        for document in documents:
            store.add_document(document)
        start = FIRST.index("Iran wants")
        store.annotate(
            documents[0].id,
            start,
            FIRST.index(" Russia wants"),
            tags=["actor/iran", "interest/access"],
            analyst="ana",
        )
        start = SECOND.index("The Supply")
        store.annotate(
            documents[1].id,
            start,
            SECOND.index(", the report"),
            tags=["actor/russia"],
            memo="Check the supply route claim",
            analyst="bo",
        )
    return documents


def lines(screen: ProjectSearchScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def search(pilot, text: str) -> ProjectSearchScreen:
    await pilot.press("F")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ProjectSearchScreen)
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_matches_are_listed_in_context_under_their_documents(
    store_path: Path, three: list[Document]
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LibraryScreen)
        screen = await search(pilot, "supply route")
        summary = str(screen.query_one("#psearch-summary", Static).render())
        assert "4 matches in 2 of 3 documents" in summary
        shown = lines(screen)
        titles = [line for line in shown if "in the text" in line]
        assert [t.split("  ")[0] for t in titles] == ["Alliances in Syria", "Outlet B"]
        assert "2 in the text (1 coded), 0 in memos" in titles[0]
        assert "1 in the text (1 coded), 1 in memos" in titles[1]
        matched = [line for line in shown if line not in titles]
        # Each line: the paragraph, the context, the match; what codes it in words.
        assert "¶2" in matched[0] and "The supply route to Hezbollah" in matched[0]
        assert "✓" not in matched[0]
        assert "¶3" in matched[1] and "✓ Iran · geostrategic access" in matched[1]
        assert "✓ Russia (bo)" in matched[2] and "Supply Route was cut" in matched[2]
        assert matched[3].lstrip().startswith("memo ¶2") and "in a memo (bo)" in matched[3]


async def test_the_match_sits_at_one_column(store_path: Path, three: list[Document]) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "supply")
        matched = [line for line in lines(screen) if "in the text" not in line]
        columns = {line.casefold().index("supply") for line in matched}
        assert len(columns) == 1, matched


async def test_enter_reads_the_match_in_its_document(
    store_path: Path, three: list[Document]
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "route was")
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.document.id == three[1].id
        start = SECOND.index("Route was")
        assert reader.selection == (start, start + len("Route was"))
        # Escape goes back to where the search began.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_a_match_in_the_open_document_is_selected_in_its_reader(
    store_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "one.txt"
    path.write_text(FIRST, encoding="utf-8")
    app = GlossApp([path], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = app.screen
        screen = await search(pilot, "ports")
        assert len(screen.matches) == 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is reader
        start = FIRST.index("ports")
        assert reader.selection == (start, start + 5)


async def test_a_memo_match_reads_its_annotation(store_path: Path, three: list[Document]) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "claim")
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        start = SECOND.index("The Supply")
        assert reader.selection == (start, SECOND.index(", the report"))


async def test_space_marks_a_match_with_a_glyph(store_path: Path, three: list[Document]) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "supply route")
        await pilot.press("space", "space")
        await pilot.pause()
        matched = [line for line in lines(screen) if "in the text" not in line]
        assert [line.startswith("■") for line in matched] == [True, True, False, False]
        assert "2 marked (■)" in str(screen.query_one("#psearch-summary", Static).render())
        # While the query is typed, space is a space (/ selects the query, to retype it).
        await pilot.press("slash", "right", "space")
        assert screen.query_one(Input).value == "supply route "


async def test_nothing_found_says_so(store_path: Path, three: list[Document]) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "zanzibar")
        summary = str(screen.query_one("#psearch-summary", Static).render())
        assert summary == "0 matches in 3 documents"
        assert screen.focused is screen.query_one(Input)


async def test_untrusted_text_is_shown_as_text(store_path: Path) -> None:
    text = "Title [bold]x[/bold]\n\nA \x1b]52;c;aGk=\x07 supply [red]route[/red] here.\n"
    with Store(store_path) as store:
        store.add_document(Document.from_text(text, title="[b]T[/b]"))
        store.add_document(Document.from_text("Other\n\nno match\n", title="Other"))
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "supply")
        shown = "\n".join(lines(screen))
        assert "[b]T[/b]" in shown and "[red]route[/red]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "␛" in shown


async def test_the_library_palette_offers_the_search(store_path: Path, three) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"search the project")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProjectSearchScreen)


async def test_a_damaged_large_text_is_one_line_when_the_search_first_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large stored text is read when first needed: the search is the first to need
    another document's, before the reader's check after its first frame has run. The
    damage is said in one line; the app goes on."""
    from textual.widgets._toast import Toast

    import tui.app

    article = tmp_path / "article.txt"
    article.write_text(FIRST, encoding="utf-8")
    store_path = tmp_path / "store.json"
    with Store(store_path) as store:
        store.add_document(Document.from_text("The supply route. " * 60_000, title="Big"))
    [text_file] = (tmp_path / "store.json.texts").iterdir()
    text_file.write_bytes(text_file.read_bytes().replace(b"supply", b"supple", 1))
    # The check after the first frame has not come to it yet.
    monkeypatch.setattr(tui.app, "check_texts", lambda documents, store: None, raising=False)
    app = GlossApp(paths=[article], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await search(pilot, "supply")
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any("does not match its id" in toast for toast in toasts), toasts
        assert isinstance(app.screen, ProjectSearchScreen)
    assert app.return_code in (None, 0)

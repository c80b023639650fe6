"""The memo view (`M` on the analysis screen): every memo of the scope with its quote,
grouped by document, code or analyst; enter reads one in place; p and d write the
project's and a document's memo."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, TextArea

from annotations import Document, Store
from annotations.memos import PROJECT, memo, set_memo
from tui.app import GlossApp
from tui.screens.memo_view import MemoScreen
from tui.screens.reader import ReaderScreen

SIZE = (120, 40)
TEXT = "Alliances\n\nIran wants the supply route open. Russia wants the ports.\n"
OTHER = "Outlet B\n\nMoscow pressed for talks in Geneva.\n"


def seed(store_path: Path, tmp_path: Path) -> tuple[Path, list[Document]]:
    path = tmp_path / "alliances.txt"
    path.write_text(TEXT, encoding="utf-8")
    documents = [Document.from_path(path), Document.from_text(OTHER, title="Outlet B")]
    with Store(store_path) as store:
        for document in documents:
            store.add_document(document)
        iran = TEXT.index("Iran wants")
        store.annotate(
            documents[0].id,
            iran,
            iran + 33,
            tags=["actor/iran"],
            memo="people first",
            analyst="ana",
        )
        russia = TEXT.index("Russia wants")
        store.annotate(
            documents[0].id, russia, russia + 23, tags=["actor/russia"], memo="bases", analyst="bo"
        )
        moscow = OTHER.index("Moscow")
        store.annotate(documents[1].id, moscow, moscow + 6, tags=["actor/russia"], memo="talks")
        set_memo(store, PROJECT, "Russia: institutions; Iran: people.", analyst="ana")
        set_memo(store, documents[1].id, "An outlet close to Moscow.", analyst="bo")
    return path, documents


def lines(screen: MemoScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def open_memos(pilot, scope_presses: int = 0) -> MemoScreen:
    await pilot.press("a")
    await pilot.pause()
    for _ in range(scope_presses):
        await pilot.press("s")
    await pilot.pause()
    await pilot.press("M")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MemoScreen)
    return screen


async def test_every_memo_of_the_scope_is_listed_with_its_quote(
    store_path: Path, tmp_path: Path
) -> None:
    path, _ = seed(store_path, tmp_path)
    app = GlossApp([path], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_memos(pilot, scope_presses=1)  # the whole store
        shown = "\n".join(lines(screen))
        assert shown.index("Russia: institutions") < shown.index("people first")
        assert "“Iran wants the supply route open.”" in shown and "people first" in shown
        assert "An outlet close to Moscow." in shown and "talks" in shown
        await pilot.press("g")  # by code
        await pilot.pause()
        by_code = lines(screen)
        headings = [line for line in by_code if "\n" not in line]
        assert headings[:1] == ["Project"] and "Russia" in headings and "Iran" in headings
        await pilot.press("g")  # by analyst
        await pilot.pause()
        assert "bo" in [line for line in lines(screen) if "\n" not in line]


async def test_enter_on_an_annotation_memo_reads_it(store_path: Path, tmp_path: Path) -> None:
    path, _ = seed(store_path, tmp_path)
    app = GlossApp([path], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_memos(pilot)
        options = screen.query_one(OptionList)
        index = next(i for i, line in enumerate(lines(screen)) if "bases" in line)
        options.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        start = TEXT.index("Russia wants")
        assert reader.selection == (start, start + 23)


async def test_p_and_d_write_the_project_and_document_memos(
    store_path: Path, tmp_path: Path
) -> None:
    path, documents = seed(store_path, tmp_path)
    app = GlossApp([path], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_memos(pilot)  # this document only
        await pilot.press("d")
        await pilot.pause()
        editor = app.screen.query_one(TextArea)
        editor.insert("Read against Outlet B.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "Read against Outlet B." in "\n".join(lines(screen))
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one(TextArea).text = ""  # an empty memo removes it
        await pilot.press("ctrl+s")
        await pilot.pause()
    with Store(store_path, read_only=True) as store:
        assert memo(store, documents[0].id).text == "Read against Outlet B."
        assert memo(store, documents[0].id).analyst == "ana"
        assert memo(store, PROJECT) is None

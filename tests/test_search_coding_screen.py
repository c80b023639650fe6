"""Coding from the search screen: `t` codes every match, or the marked ones, with one
code and span (match, sentence, clause) as one change; `u` takes it back, the store
exactly as it was; the lines then say what is coded."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList, RadioSet

from annotations import Document, Store
from tui.app import GlossApp
from tui.screens.project_search import ProjectSearchScreen
from tui.widgets.coding_dialog import CodingDialog

SIZE = (120, 40)
FIRST = (
    "Alliances\n\nThe supply route to Hezbollah runs through Syria. Iran wants the supply "
    "route open, and Russia wants the ports.\n"
)
SECOND = "Outlet B\n\nThe supply route was cut in 2016.\n"


def seed(store_path: Path) -> list[Document]:
    documents = [Document.from_text(FIRST, title="Alliances"), Document.from_text(SECOND)]
    with Store(store_path) as store:
        for document in documents:
            store.add_document(document)
        start = FIRST.index("supply route open")
        store.annotate(documents[0].id, start, start + 12, tags=["interest/access"], analyst="bo")
    return documents


def saved(store_path: Path) -> dict:
    with Store(store_path, read_only=True) as store:
        return {a.id: a.to_record() for d in store.documents() for a in store.annotations(d.id)}


async def search(pilot, text: str) -> ProjectSearchScreen:
    await pilot.press("F", *text, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ProjectSearchScreen)
    return screen


async def choose(pilot, code_filter: str, unit_presses: int = 0) -> None:
    await pilot.press("t")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, CodingDialog)
    await pilot.press(*code_filter)
    await pilot.pause()
    if unit_presses:
        dialog.query_one(RadioSet).focus()
        for _ in range(unit_presses):
            await pilot.press("right")
        await pilot.press("space")
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def lines(screen: ProjectSearchScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_t_codes_every_match_as_one_change_and_u_takes_it_back(store_path: Path) -> None:
    documents = seed(store_path)
    before = saved(store_path)
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "supply route")
        assert len(screen.matches) == 3
        await choose(pilot, "geostrategic")
        assert app.screen is screen
        after = saved(store_path)
        made = [a for key, a in after.items() if key not in before]
        assert sorted((a["document"], a["start"], a["end"]) for a in made) == sorted(
            (m.document, m.start, m.end) for m in screen.matches
        )
        assert all(a["tags"] == ["interest/access"] and a["analyst"] == "ana" for a in made)
        matched = [line for line in lines(screen) if "in the text" not in line]
        assert all("✓ geostrategic access" in line for line in matched), matched
        await pilot.press("u")
        await pilot.pause()
        assert saved(store_path) == before  # exactly as it was
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(saved(store_path)) == len(before) + 3
    assert documents


async def test_the_marked_matches_get_their_sentences(store_path: Path) -> None:
    documents = seed(store_path)
    before = saved(store_path)
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "supply route")
        await pilot.press("space")  # the first match only
        await choose(pilot, "iran", unit_presses=1)  # span: its sentence
        made = [a for key, a in saved(store_path).items() if key not in before]
        sentence = documents[0].sentence_at(FIRST.index("The supply"))
        assert [(a["start"], a["end"], a["tags"]) for a in made] == [
            (sentence.start, sentence.end, ["actor/iran"])
        ]
        assert not screen.marked


async def test_a_read_only_store_says_so_and_changes_nothing(store_path: Path) -> None:
    seed(store_path)
    before = json.dumps(saved(store_path), sort_keys=True)
    store = Store(store_path, read_only=True)
    app = GlossApp(db=store_path, analyst="ana", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "supply route")
        await choose(pilot, "russia")
        assert isinstance(app.screen, ProjectSearchScreen)
    assert json.dumps(saved(store_path), sort_keys=True) == before

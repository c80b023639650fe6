"""Editing a document's attributes from the library (`e`): what the form shows, what it
saves, what it refuses, and the attribute matrix following the change."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label

from annotations import Document, Store
from annotations.attributes import all_attributes, set_attributes
from tui.app import GlossApp
from tui.screens.library import LibraryScreen
from tui.widgets.attribute_form import AttributeForm

SIZE = (120, 40)


def seed(store_path: Path) -> list[Document]:
    documents = [
        Document.from_text("First\n\nRussia keeps Tartous.\n", title="First"),
        Document.from_text("Second\n\nIran builds shrines.\n", title="Second"),
    ]
    with Store(store_path) as store:
        for document in documents:
            store.add_document(document)
        set_attributes(store, documents[0].id, {"outlet": "Observer", "region": "Levant"})
    return documents


async def open_form(pilot, document_id: str) -> AttributeForm:
    library = pilot.app.screen
    assert isinstance(library, LibraryScreen)
    await pilot.pause()
    row = library.shown_ids.index(document_id)
    for _ in range(row):
        await pilot.press("j")
    await pilot.press("e")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, AttributeForm)
    return form


def fields(form: AttributeForm) -> list[tuple[str, str]]:
    names = form.query(".attribute-name")
    values = form.query(".attribute-value")
    return [(n.value, v.value) for n, v in zip(names, values, strict=True)]


async def test_the_form_shows_the_attributes_and_saves_a_change(store_path: Path) -> None:
    first, _ = seed(store_path)
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, first.id)
        shown = fields(form)
        assert ("outlet", "Observer") in shown and ("region", "Levant") in shown
        assert [name for name, _ in shown[:4]] == ["outlet", "author", "date", "language"]
        # The date, and a new attribute in an empty row.
        form.query_one("#attribute-value-2", Input).value = "2015-10-02"
        new = len(shown) - 2
        form.query_one(f"#attribute-name-{new}", Input).value = "Stance"
        form.query_one(f"#attribute-value-{new}", Input).value = "hawkish"
        form.query_one("#attribute-value-0", Input).value = ""  # removes the outlet
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
    with Store(store_path, read_only=True) as store:
        attributes = all_attributes(store)[first.id]
    assert attributes == {
        "date": "2015-10-02",
        "year": "2015",
        "region": "Levant",
        "stance": "hawkish",
    }


async def test_a_bad_attribute_is_said_and_nothing_is_saved(store_path: Path) -> None:
    first, _ = seed(store_path)
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, first.id)
        new = len(fields(form)) - 2
        form.query_one(f"#attribute-name-{new}", Input).value = "a=b"
        form.query_one(f"#attribute-value-{new}", Input).value = "x"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "may not hold '='" in str(form.query_one("#attributes-problem", Label).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
    with Store(store_path, read_only=True) as store:
        assert all_attributes(store)[first.id] == {"outlet": "Observer", "region": "Levant"}


async def test_escape_changes_nothing(store_path: Path) -> None:
    _, second = seed(store_path)
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, second.id)
        form.query_one("#attribute-value-0", Input).value = "Monitor"
        await pilot.press("escape")
        await pilot.pause()
    with Store(store_path, read_only=True) as store:
        assert all_attributes(store)[second.id] == {}

"""The codebook screen (C from the reader): codes added, renamed, nested, merged, split and
deleted while reading, each undone with u, and in force in the reader at once."""

from __future__ import annotations

import html
from pathlib import Path

from textual.widgets import OptionList

from annotations import Document, Store
from annotations.codebook_store import stored_codebook
from tui.app import GlossApp
from tui.screens.codebook import CodebookScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.code_form import CodeForm, SplitDialog

SIZE = (140, 40)


def keys_typing(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def highlight(pilot, code_id: str) -> None:
    """Move the codebook list's highlight to `code_id` as a person would, with ↓."""
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = 1
    while options.get_option_at_index(options.highlighted).id != code_id:
        await pilot.press("down")


async def answer(pilot, *fields: str) -> None:
    """Fill the open form's fields in turn (replacing what they hold) and save."""
    assert isinstance(pilot.app.screen, CodeForm)
    for text in fields:
        await pilot.press("ctrl+a", "ctrl+k", *keys_typing(text), "enter")
    await pilot.pause()


def saved_codebook(app: GlossApp):
    return stored_codebook(app.store)


def tags_in_store(app: GlossApp) -> list[tuple[str, ...]]:
    return [a.tags for a in app.store.annotations()]


async def test_a_code_added_while_reading_tags_at_once_and_undoes(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "C", "a")
        await answer(pilot, "interest", "air power", "z", "", "jets and air cover")
        assert isinstance(app.screen, CodebookScreen)
        code = saved_codebook(app).code("interest/air-power")
        assert code is not None and code.key == "z"
        await pilot.press("escape", "z")  # back to the reader, and tag with it
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert tags_in_store(app) == [("interest/air-power",)]
        reading = "\n".join(
            app.screen.pane.render_line(y).text for y in range(app.screen.pane.size.height)
        )
        assert " Z " in reading  # its marker, in the gutter
        await pilot.press("u", "u")  # the tag, then the code
        await pilot.pause()
        assert tags_in_store(app) == []
        assert saved_codebook(app).code("interest/air-power") is None
        await pilot.press("z")  # its key is gone with it
        await pilot.pause()
        assert tags_in_store(app) == []


async def test_rename_and_nest_each_undone(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await highlight(pilot, "interest/access")
        await pilot.press("r")
        await answer(pilot, "access and bases")
        assert saved_codebook(app).code("interest/access").label == "access and bases"
        await pilot.press("u")
        await pilot.pause()
        assert saved_codebook(app).code("interest/access").label == "geostrategic access"
        await highlight(pilot, "interest/access")
        await pilot.press("n")
        await answer(pilot, "interest/military")
        nested = saved_codebook(app)
        assert nested.code("interest/military/access") is not None
        assert nested.code("interest/access") is None
        # In the tree it sits under military, indented.
        options = app.screen.query_one(OptionList)
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        military = next(i for i, row in enumerate(rows) if "military" in row)
        assert rows[military + 1].startswith("   6  geostrategic access")
        await pilot.press("u")
        await pilot.pause()
        assert saved_codebook(app).code("interest/access") is not None


def store_with_tags(store_path: Path, tagged: dict[int, list[str]]) -> None:
    document = Document.bundled()
    with Store(store_path) as store:
        store.add_document(document)
        for index, tags in tagged.items():
            s = document.sentences[index]
            store.annotate(document.id, s.start, s.end, tags=tags, analyst="ana")


async def test_merge_retags_every_annotation_and_undoes(store_path: Path) -> None:
    store_with_tags(store_path, {2: ["actor/both", "interest/military"], 4: ["actor/both"]})
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await highlight(pilot, "actor/both")
        await pilot.press("M")
        await answer(pilot, "actor/iran")
        assert tags_in_store(app) == [("actor/iran", "interest/military"), ("actor/iran",)]
        await pilot.press("escape")
        await pilot.pause()
        # The reader draws the merged code at once: its chips say Iran.
        panel = "\n".join(
            app.screen.panel.render_line(y).text for y in range(app.screen.panel.size.height)
        )
        assert " I Iran " in panel and "both" not in panel
        await pilot.press("u")
        await pilot.pause()
        assert tags_in_store(app) == [("actor/both", "interest/military"), ("actor/both",)]


async def test_split_reassigns_the_annotations_listed_and_undoes(store_path: Path) -> None:
    store_with_tags(store_path, {2: ["interest/military"], 4: ["interest/military"]})
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await highlight(pilot, "interest/military")
        await pilot.press("s")
        await answer(pilot, "air power, ground forces")
        assert isinstance(app.screen, SplitDialog)
        await pilot.press("1", "down", "2", "enter")
        await pilot.pause()
        assert tags_in_store(app) == [("interest/air-power",), ("interest/ground-forces",)]
        await pilot.press("u")
        await pilot.pause()
        assert tags_in_store(app) == [("interest/military",), ("interest/military",)]
        assert saved_codebook(app).code("interest/air-power") is None


async def test_delete_is_refused_while_in_use(store_path: Path) -> None:
    store_with_tags(store_path, {2: ["relation/divergence"]})
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await highlight(pilot, "relation/divergence")
        await pilot.press("d")
        await pilot.pause()
        assert saved_codebook(app) is None or saved_codebook(app).code("relation/divergence")
        await highlight(pilot, "relation/convergence")
        await pilot.press("d")
        await pilot.pause()
        assert saved_codebook(app).code("relation/convergence") is None


async def test_new_keys_under_another_layout_tag_at_once(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "к")  # the Russian layout's r tags Russia
        await pilot.pause()
        assert tags_in_store(app) == [("actor/russia",)]
        await pilot.press("C")
        await highlight(pilot, "actor/russia")
        await pilot.press("k")
        await answer(pilot, "z я")
        await pilot.press("escape", "я")  # Russia off, by its new Russian-layout key
        await pilot.pause()
        assert tags_in_store(app) == []  # its last tag off: the annotation goes


async def test_a_code_memo_written_on_the_screen_shows_in_the_tag_picker_and_help(
    store_path: Path,
) -> None:
    from textual.widgets import SelectionList, Static

    from tui.screens.help import HelpScreen
    from tui.widgets.tag_picker import TagPicker

    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await highlight(pilot, "relation/divergence")
        await pilot.press("e")
        await answer(pilot, "their priorities part", "only where a source says so")
        await pilot.press("escape", "j", "t")
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)
        options = app.screen.query_one(SelectionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[-1].endswith("their priorities part  memo: only where a source says so")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(static.render()) for static in app.screen.query(Static))
        assert "divergence — their priorities part · memo: only where a source says so" in shown


async def test_merging_by_label_and_a_code_another_copy_adds_is_in_force(
    store_path: Path,
) -> None:
    from annotations import codebook_edits as edits
    from annotations.editing import Editor

    store_with_tags(store_path, {2: ["actor/both"]})
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await highlight(pilot, "actor/both")
        await pilot.press("M")
        await answer(pilot, "iran")  # its label, as a person says it
        assert tags_in_store(app) == [("actor/iran",)]
        await pilot.press("escape")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        # Another terminal adds a code with a key of its own.
        with Store(store_path) as other:
            Editor(other, reader.document, "ana").edit_codebook(
                edits.add_code, "actor", "Turkey", keys=["z"]
            )
        reader.poll_store()
        await pilot.press("j", "j", "j", "z")
        await pilot.pause()
        assert ("actor/turkey",) in tags_in_store(app)


def test_codebook_screen_snapshot(snap_compare, store_path: Path) -> None:
    """The tree with a nested code and the counts of use (review with --snapshot-report)."""
    from annotations import codebook_edits as edits
    from annotations.editing import Editor

    store_with_tags(store_path, {2: ["interest/military"], 4: ["actor/russia"]})
    with Store(store_path) as store:
        editor = Editor(store, Document.bundled(), "ana")
        editor.edit_codebook(
            edits.add_code, "interest", "air power", keys=["z"], parent="interest/military"
        )
    assert snap_compare(GlossApp(db=store_path, analyst="ana"), press=["C"], terminal_size=SIZE)


async def test_every_key_of_the_screen_is_listed_in_a_narrow_terminal(store_path: Path) -> None:
    # At 100 columns the list of the screen's keys is longer than the dialog is wide: it
    # wraps, and the last keys (undo, esc back) are still there to read.
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        screen_text = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "u undo · esc back" in screen_text

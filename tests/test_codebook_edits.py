"""Changing the codebook while coding: each change saved with the annotations it retags,
in the same undo history as annotation changes, undo and redo restoring the store
exactly; ids stable across renames, old ids kept as aliases across moves and merges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import Codebook, Document, Store
from annotations import codebook_edits as edits
from annotations.codebook_store import codebook_in_force, stored_codebook
from annotations.editing import Editor
from annotations.errors import CodebookError, StoreError

TEXT = "One sentence here. Another one there. A third for luck.\n\nA second paragraph.\n"


def saved(store: Store) -> dict:
    """What the store holds that a codebook change may touch: annotations and codebook."""
    return {
        "annotations": sorted((a.to_record() for a in store.annotations()), key=lambda r: r["id"]),
        "codebook": stored_codebook(store).to_data(),
    }


@pytest.fixture
def editing(store: Store):
    document = store.add_document(Document.from_text(TEXT, title="t"))
    codebook_in_force(store, Codebook.default())
    editor = Editor(store, document, "ana")
    return store, document, editor


def test_an_added_code_tags_at_once_and_undo_takes_it_away(editing) -> None:
    store, _, editor = editing
    change = editor.edit_codebook(
        edits.add_code, "interest", "air power", keys=["a"], parent="interest/military"
    )
    assert change.code_id == "interest/military/air-power"
    codebook = change.codebook
    assert codebook.by_key("a").label == "air power"
    assert codebook.code("interest/military/air-power").parent == "interest/military"
    editor.toggle_tag((0, 18), "interest/military/air-power", codebook)
    assert store.annotations()[0].tags == ("interest/military/air-power",)
    assert stored_codebook(store).code("interest/military/air-power") is not None
    editor.undo()  # the tag
    undone = editor.undo()  # the code
    assert undone.codebook.code("interest/military/air-power") is None
    assert stored_codebook(store).code("interest/military/air-power") is None


def test_rename_keeps_the_id_and_touches_no_annotation(editing) -> None:
    store, _, editor = editing
    editor.toggle_tag((0, 18), "actor/russia", Codebook.default())
    before = saved(store)
    change = editor.edit_codebook(edits.rename_code, "actor/russia", "Russian Federation")
    assert change.codebook.code("actor/russia").label == "Russian Federation"
    assert saved(store)["annotations"] == before["annotations"]
    editor.undo()
    assert saved(store) == before


def test_merge_retags_every_analysts_annotation_without_making_it_newer(editing) -> None:
    store, document, editor = editing
    ben = store.annotate(document.id, 19, 37, tags=["actor/both"], memo="ben's", analyst="ben")
    editor.toggle_tag((0, 18), "actor/both", Codebook.default())
    before = saved(store)
    change = editor.edit_codebook(edits.merge_codes, "actor/both", "actor/russia")
    assert change.codebook.code("actor/both") is None
    assert change.codebook.resolve("actor/both") == "actor/russia"
    after = {a.id: a for a in store.annotations()}
    assert after[ben.id].tags == ("actor/russia",)
    assert after[ben.id].modified == ben.modified  # not an edit of ben's
    assert all(a.tags == ("actor/russia",) for a in after.values())
    editor.undo()
    assert saved(store) == before
    editor.redo()
    assert {a.id: a.tags for a in store.annotations()} == {a: x.tags for a, x in after.items()}


def test_nest_move_and_unnest_each_undone_exactly(editing) -> None:
    store, _, editor = editing
    codebook = Codebook.default()
    editor.toggle_tag((0, 18), "interest/access", codebook)
    editor.toggle_tag((0, 18), "interest/military", codebook)
    before = saved(store)
    nested = editor.edit_codebook(edits.nest_code, "interest/access", "interest/military")
    assert nested.code_id == "interest/military/access"
    assert store.annotations()[0].tags == ("interest/military", "interest/military/access")
    moved = editor.edit_codebook(edits.move_code, "interest/military", "relation")
    assert store.annotations()[0].tags == ("relation/military", "relation/military/access")
    assert moved.codebook.resolve("interest/access") == "relation/military/access"
    editor.undo()
    editor.undo()
    assert saved(store) == before


def test_split_reassigns_the_chosen_annotations_and_undo_puts_them_back(editing) -> None:
    store, _, editor = editing
    codebook = Codebook.default()
    first = editor.toggle_tag((0, 18), "interest/military", codebook).after
    second = editor.toggle_tag((19, 37), "interest/military", codebook).after
    before = saved(store)
    preview = edits.split_code(codebook, "interest/military", ["air power", "ground forces"])
    assert [c.id for c in preview.codebook.codes if c.id not in {x.id for x in codebook.codes}] == [
        "interest/air-power",
        "interest/ground-forces",
    ]
    editor.edit_codebook(
        edits.split_code,
        "interest/military",
        ["air power", "ground forces"],
        {first.id: ["interest/air-power"], second.id: ["interest/ground-forces"]},
        keep=False,
    )
    tags = {a.id: a.tags for a in store.annotations()}
    assert tags == {first.id: ("interest/air-power",), second.id: ("interest/ground-forces",)}
    assert stored_codebook(store).code("interest/military") is None
    editor.undo()
    assert saved(store) == before


def test_a_split_that_leaves_the_removed_code_in_use_is_refused(editing) -> None:
    store, _, editor = editing
    editor.toggle_tag((0, 18), "interest/military", Codebook.default())
    before = saved(store)
    with pytest.raises(CodebookError, match="on 1 annotation"):
        editor.edit_codebook(edits.split_code, "interest/military", ["air power"], keep=False)
    assert saved(store) == before


def test_delete_is_refused_while_in_use_and_allowed_after_a_merge(editing) -> None:
    store, _, editor = editing
    editor.toggle_tag((0, 18), "interest/leverage", Codebook.default())
    with pytest.raises(CodebookError, match="merge it into another code"):
        editor.edit_codebook(edits.delete_code, "interest/leverage")
    assert stored_codebook(store).code("interest/leverage") is not None
    editor.edit_codebook(edits.delete_code, "interest/economy")  # on no annotation
    assert stored_codebook(store).code("interest/economy") is None
    editor.undo()
    assert stored_codebook(store).code("interest/economy") is not None


def test_key_colour_and_memo_changes_are_checked_and_undoable(editing) -> None:
    store, _, editor = editing
    with pytest.raises(CodebookError, match="already used by 'actor/iran'"):
        editor.edit_codebook(edits.set_keys, "actor/russia", ["i"])
    with pytest.raises(CodebookError, match="one of the reader's keys"):
        editor.edit_codebook(edits.set_keys, "actor/russia", ["j"], reserved={"j"})
    with pytest.raises(CodebookError, match="not a #rrggbb"):
        editor.edit_codebook(edits.set_color, "actor/russia", "red")
    with pytest.raises(CodebookError, match="control character"):
        editor.edit_codebook(edits.rename_code, "actor/russia", "Rus\x1b[31msia")
    editor.edit_codebook(edits.set_keys, "actor/russia", ["R", "К"])
    editor.edit_codebook(edits.set_color, "actor/russia", "#123456")
    editor.edit_codebook(edits.describe_code, "actor/russia", memo="Россия — see ¶3\nسوریه")
    code = stored_codebook(store).code("actor/russia")
    assert (code.keys, code.color, code.memo) == (("R", "К"), "#123456", "Россия — see ¶3\nسوریه")
    for _ in range(3):
        editor.undo()
    assert stored_codebook(store).code("actor/russia") == Codebook.default().code("actor/russia")


def test_undo_of_a_codebook_change_made_elsewhere_since_is_refused(editing, store_path) -> None:
    store, _, editor = editing
    editor.edit_codebook(edits.rename_code, "actor/russia", "RF")
    with Store(store_path) as other:
        Editor(other, editor.document, "ben").edit_codebook(edits.rename_code, "actor/iran", "IR")
    with pytest.raises(StoreError, match="changed in another window"):
        editor.undo()
    assert stored_codebook(store).code("actor/iran").label == "IR"


def test_the_codebook_travels_with_the_store(tmp_path: Path) -> None:
    path = tmp_path / "project.json"
    with Store(path) as store:
        document = store.add_document(Document.from_text(TEXT, title="t"))
        assert codebook_in_force(store, Codebook.default()) == Codebook.default()
        Editor(store, document, "ana").edit_codebook(edits.add_code, "actor", "Turkey", keys=["y"])
    with Store(path) as store:
        # A store that records a codebook keeps it over the default it is opened with.
        in_force = codebook_in_force(store, Codebook.default())
        assert in_force.code("actor/turkey").key == "y"
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    assert "actor/turkey" in json.dumps(snapshot["codebook"])


def test_a_chosen_codebook_that_lacks_a_code_in_use_is_refused(editing, tmp_path) -> None:
    store, _, editor = editing
    editor.toggle_tag((0, 18), "relation/divergence", Codebook.default())
    narrower = edits.delete_code(Codebook.default(), "relation/divergence").codebook
    with pytest.raises(CodebookError, match="no code 'relation/divergence'"):
        codebook_in_force(store, narrower, file=tmp_path / "c.toml", chosen=True)
    assert stored_codebook(store) == Codebook.default()


def test_a_marker_change_is_checked_undoable_and_written_to_the_store(editing) -> None:
    store, _, editor = editing
    with pytest.raises(CodebookError, match="one cell wide"):
        editor.edit_codebook(edits.set_marker, "actor/russia", "ЖЖ")
    editor.edit_codebook(edits.set_marker, "actor/russia", "◆")
    with pytest.raises(CodebookError, match="already used by 'actor/russia'"):
        editor.edit_codebook(edits.set_marker, "actor/iran", "◆")
    assert stored_codebook(store).marker("actor/russia") == "◆"
    editor.undo()
    assert stored_codebook(store).code("actor/russia").marker == ""


def test_a_move_into_an_exclusive_group_that_would_double_a_code_is_refused(editing) -> None:
    store, _, editor = editing
    codebook = Codebook.default()
    editor.toggle_tag((0, 18), "actor/russia", codebook)
    editor.toggle_tag((0, 18), "interest/military", codebook)
    editor.toggle_tag((19, 37), "interest/military", codebook)
    before = saved(store)
    with pytest.raises(CodebookError, match=r"1 annotation.*exclusive group 'actor'"):
        editor.edit_codebook(edits.move_code, "interest/military", "actor")
    assert saved(store) == before
    # Where no annotation would carry two actors, the move is made.
    editor.edit_codebook(edits.move_code, "interest/economy", "actor")
    assert stored_codebook(store).code("actor/economy") is not None

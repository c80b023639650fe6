"""The editor over the store: every change undoable, undo restoring exactly the records
there were, redo the edited state, and undo taking back only this copy's change."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import Codebook, Document, Store
from annotations.editing import Editor
from annotations.library import open_paths, orphans

TEXT = "One sentence here. Another one there. A third for luck.\n\nA second paragraph.\n"
SPANS = [(0, 18), (19, 37), (38, 55), (57, 76), (0, 37)]
CODES = ["actor/russia", "actor/iran", "interest/military", "relation/convergence"]

edit = st.one_of(
    st.tuples(st.just("toggle"), st.sampled_from(SPANS), st.sampled_from(CODES)),
    st.tuples(st.just("tags"), st.sampled_from(SPANS), st.lists(st.sampled_from(CODES))),
    st.tuples(
        st.just("memo"),
        st.sampled_from(SPANS),
        st.tuples(st.text("ab ✓", max_size=4), st.sampled_from([None, "low", "high"])),
    ),
    st.tuples(st.just("delete"), st.sampled_from(SPANS), st.none()),
)


def records(store: Store) -> list[dict]:
    return sorted((a.to_record() for a in store.annotations()), key=lambda r: r["id"])


def apply(editor: Editor, codebook: Codebook, step: tuple) -> None:
    kind, span, value = step
    own = editor.own_annotation(span)
    if kind == "toggle":
        editor.toggle_tag(span, value, codebook)
    elif kind == "tags":
        editor.set_tags(span, tuple(codebook.ordered(value)))
    elif kind == "memo":
        editor.write_memo(own.id if own else None, span, *value)
    elif own is not None:
        editor.delete(own.id)


@settings(max_examples=60, deadline=None)
@given(st.lists(edit, max_size=25))
def test_undo_all_restores_the_records_and_redo_all_the_edited_state(steps: list) -> None:
    codebook = Codebook.default()
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "s.json") as store:
        document = store.add_document(Document.from_text(TEXT))
        # Annotations already there, one of them another analyst's.
        store.annotate(document.id, *SPANS[0], tags=["actor/iran"], analyst="ana")
        store.annotate(document.id, *SPANS[1], memo="theirs", analyst="bo")
        editor = Editor(store, document, "ana")
        before = records(store)
        for step in steps:
            apply(editor, codebook, step)
        edited = records(store)
        while editor.can_undo:
            editor.undo()
        assert records(store) == before
        while editor.can_redo:
            editor.redo()
        assert records(store) == edited


def test_an_annotation_left_with_no_tags_and_no_memo_is_removed(store: Store) -> None:
    codebook = Codebook.default()
    document = store.add_document(Document.from_text(TEXT))
    editor = Editor(store, document, "ana")
    editor.toggle_tag(SPANS[0], "actor/russia", codebook)
    assert [a.tags for a in store.annotations()] == [("actor/russia",)]
    editor.toggle_tag(SPANS[0], "actor/russia", codebook)
    assert store.annotations() == []
    editor.write_memo(None, SPANS[0], "kept by its memo", None)
    [annotation] = store.annotations()
    editor.set_tags(SPANS[0], ())
    assert [a.memo for a in store.annotations()] == ["kept by its memo"]
    editor.write_memo(annotation.id, SPANS[0], "", None)
    assert store.annotations() == []


def test_undo_keeps_a_memo_another_copy_saved_after_this_copys_change(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    codebook = Codebook.default()
    with Store(path) as here:
        document = here.add_document(Document.from_text(TEXT))
        editor = Editor(here, document, "ana")
        made = editor.toggle_tag(SPANS[0], "actor/russia", codebook)
        assert made is not None and made.after is not None
        editor.toggle_tag(SPANS[0], "interest/military", codebook)
        # The analyst's other terminal writes a memo on the annotation.
        with Store(path) as there:
            there.update(made.after.id, memo="written in the other terminal")
        editor.undo()  # takes back the military tag only
        [annotation] = here.annotations()
        assert (annotation.tags, annotation.memo) == (
            ("actor/russia",),
            "written in the other terminal",
        )
        editor.undo()  # takes back the creation: the tag goes, the other's memo stays
        [annotation] = here.annotations()
        assert (annotation.tags, annotation.memo) == ((), "written in the other terminal")
        editor.redo()
        [annotation] = here.annotations()
        assert annotation.tags == ("actor/russia",)
    with Store(path, read_only=True) as store:
        [saved] = store.annotations()
        assert saved.memo == "written in the other terminal"


def test_undoing_a_reattach_puts_the_orphan_back_on_its_old_version(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Kept here.\n\nCut later.\n", encoding="utf-8")
    old = open_paths(store, [path]).documents[0]
    orphan = store.annotate(old.id, 12, 22, tags=["actor/iran"], analyst="ana")
    path.write_text("Kept here.\n\nSomething new.\n", encoding="utf-8")
    new = open_paths(store, [path]).documents[0]
    assert [a.id for a in orphans(store, new.id)] == [orphan.id]
    editor = Editor(store, new, "ana")
    editor.reattach(orphan.id, (12, 26))
    assert [a.span for a in store.annotations(new.id)] == [(12, 26)]
    editor.undo()
    assert store.annotations(new.id) == []
    assert store.annotations(old.id) == [orphan]
    editor.redo()
    assert [a.span for a in store.annotations(new.id)] == [(12, 26)]

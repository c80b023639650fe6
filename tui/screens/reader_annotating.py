"""The reader's annotating actions: tag keys, the tag picker, memos, delete, undo and
redo, re-attaching orphans — and asking which annotation is meant when several overlap.

A part of `ReaderScreen` (tui/screens/reader.py), which mixes it in and gives it the
store, codebook, index, cursor and `_edited` / `_move`. Every change and its history is
the domain's `Editor`, the screen's `editor` (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotations import navigation
from annotations.library import orphans
from annotations.model import Annotation
from annotations.span_index import annotations_meant, exact_annotation

# The dialogs (tag picker, orphan picker, chooser, memo editor) load when first opened:
# showing a document needs none of them.

if TYPE_CHECKING:
    from annotations.editing import Change
    from tui.widgets.memo_editor import MemoResult


class AnnotatingActions:
    """Tagging, memos, deleting and history of the reader."""

    def action_orphans(self) -> None:
        waiting = orphans(self.store, self.document.id)
        if not waiting:
            self.notify("No orphaned annotations for this document.", markup=False)
            return
        from tui.widgets.orphan_picker import OrphanPicker

        self.app.push_screen(OrphanPicker(waiting, self.codebook), self._reattach)

    def _reattach(self, orphan: Annotation | None) -> None:
        selection = self.selection
        if orphan and self._edited(lambda: self.editor.reattach(orphan.id, selection)):
            self._stop_extending()
            self.notify("Re-attached to the selection.", markup=False)

    # -- actions: tagging, memos, history ----------------------------------------------

    def action_toggle_tag(self, code_id: str) -> None:
        selection = self.selection
        if selection[1] > selection[0]:
            self._edited(lambda: self.editor.toggle_tag(selection, code_id, self.codebook))
            self._stop_extending()

    def action_pick_tags(self) -> None:
        from tui.widgets.tag_picker import TagPicker

        current = exact_annotation(self._index, self.selection, self.analyst)
        self.app.push_screen(
            TagPicker(self.codebook, current.tags if current else ()), self._tags_picked
        )

    def _tags_picked(self, tags: tuple[str, ...] | None) -> None:
        if tags is not None:
            selection = self.selection
            self._edited(lambda: self.editor.set_tags(selection, tags))
            self._stop_extending()

    def action_memo(self) -> None:
        meant = annotations_meant(self._index, self.selection, self.analyst)
        if self.cursor.extending and meant and meant[0].span != self.selection:
            meant = []  # a selection being extended asks for a new annotation
        self._choose(meant, "Write the memo of which annotation?", self._open_memo)

    def _open_memo(self, current: Annotation | None) -> None:
        # Its TextArea is the heaviest widget Textual has.
        from tui.widgets.memo_editor import MemoEditor

        selection = self.selection
        quote = current.quote if current else self.document.text[slice(*selection)]
        editor = MemoEditor(quote, *((current.memo, current.confidence) if current else ("", None)))
        target = current.id if current else None
        self.app.push_screen(editor, lambda result: self._memo_written(result, target, selection))

    def _choose(
        self,
        meant: list[Annotation],
        question: str,
        then: Callable[[Annotation | None], None],
    ) -> None:
        """Call `then` with the one annotation meant, or ask which when several are; none
        meant: `then(None)`. Cancelling the question calls nothing."""
        if len(meant) <= 1:
            then(meant[0] if meant else None)
            return
        from tui.widgets.orphan_picker import AnnotationChooser

        chooser = AnnotationChooser(
            meant, self.codebook, question, "enter chooses · escape cancels"
        )
        self.app.push_screen(chooser, lambda chosen: then(chosen) if chosen else None)

    def _memo_written(
        self, result: MemoResult | None, target: str | None, selection: tuple[int, int]
    ) -> None:
        if result is None:
            return
        memo, confidence = result.memo, result.confidence
        self._edited(lambda: self.editor.write_memo(target, selection, memo, confidence))
        self._stop_extending()

    def action_delete(self) -> None:
        self.store.refresh()
        meant = annotations_meant(self._index, self.selection, self.analyst)
        if not meant:
            self.notify("No annotation of yours here to delete.", severity="warning")
            return
        self._choose(meant, "Delete which annotation?", self._delete)

    def _delete(self, annotation: Annotation | None) -> None:
        if annotation is not None and self._edited(lambda: self.editor.delete(annotation.id)):
            self.notify("Annotation deleted — u brings it back.", markup=False)

    def action_undo(self) -> None:
        self._history(self.editor.undo if self.editor.can_undo else None, "Nothing to undo.")

    def action_redo(self) -> None:
        self._history(self.editor.redo if self.editor.can_redo else None, "Nothing to redo.")

    def _history(self, step: Callable[[], Change | None] | None, nothing: str) -> None:
        if step is None:
            self.notify(nothing, severity="warning")
            return
        change = self._edited(step)
        annotation = change.annotation if change else None
        if annotation is not None and annotation.document == self.document.id:
            self._move(navigation.select(annotation.start, annotation.end))

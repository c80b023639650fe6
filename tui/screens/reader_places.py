"""The reader's memory of where its analyst was: the selection in this document and the
panel's width, both kept in the store's workspace (`annotations.workspace`).

A part of `ReaderScreen` (tui/screens/reader.py), which mixes it in and gives it the
document, store, analyst, cursor, panel and `_jump`. Opening a document puts the analyst
back on the selection they last made in it; the selection is saved when the reader
closes and, while reading, at most once every `PLACE_SAVE_SECONDS` when it has moved (the
reader's poll asks), so moving costs no write per key and a crash loses a few seconds of
it. Seldom, too, because a place written while the disk refuses saves joins the changes
the analyst is told are not saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from annotations import navigation
from annotations.errors import StoreError
from annotations.workspace import (
    ANY_FORMAT,
    PANEL_WIDTH_MAX,
    PANEL_WIDTH_MIN,
    Workspace,
    change_workspace,
    remembered_key,
    workspace,
)

# How often, at most, a selection that moved is saved as the place while reading.
PLACE_SAVE_SECONDS = 10.0
# Cells the panel grows or shrinks by on each key, and what the reading pane keeps.
PANEL_WIDTH_STEP = 4
READING_PANE_MIN = 40


class PlaceActions:
    """Coming back to the last selection and analysis cell; `-` and `+` for the panel's
    width."""

    _saved_place: tuple[int, int] | None = None
    _place_saved_at: float = 0.0  # monotonic seconds; 0 until the first save
    _opened_at: float = 0.0

    def restore_place(self) -> None:
        """Select what this analyst last selected in this document, with the text above it
        in view, and give the panel the width they last chose."""
        self._opened_at = time.monotonic()
        try:
            remembered = workspace(self.store, self.analyst)
        except StoreError:
            return
        if remembered.panel_width is not None:
            self.panel.styles.width = remembered.panel_width
        span = remembered.selection_in(self.document.id, len(self.document.text))
        if span is not None:
            self._saved_place = span
            self.cursor = navigation.select(*span)
            self.call_after_refresh(self._jump, self.cursor)

    def remember_place(self, *, closing: bool = False) -> None:
        """Save the selection as this analyst's place in this document, if it moved since
        the last save (nothing when the store cannot be written). `closing`: the reader
        is going away, so others' saves are not shown first."""
        span = self.cursor.selection
        if span == self._saved_place or span[1] <= span[0]:
            return
        now = time.monotonic()
        if not closing and now - (self._place_saved_at or self._opened_at) < PLACE_SAVE_SECONDS:
            return
        document_id = self.document.id
        if self._save_workspace(lambda w: w.with_selection(document_id, *span), closing=closing):
            self._saved_place, self._place_saved_at = span, now

    def remembered_analysis_cell(self) -> tuple[str, str] | None:
        """The analysis cell this analyst last opened (as code ids), if any."""
        try:
            return workspace(self.store, self.analyst).analysis_cell
        except StoreError:
            return None

    def remember_analysis_cell(self, cell: tuple[str, str]) -> None:
        """Keep `cell` as the analysis cell to open on next time."""
        self._save_workspace(lambda w: replace(w, analysis_cell=cell))

    def _save_workspace(
        self, change: Callable[[Workspace], Workspace], *, closing: bool = False
    ) -> bool:
        """Save a change to this analyst's workspace; False when it was not written. Never
        while saves the disk refused are pending (a place must not join the changes the
        analyst is told are not saved), nor in a read-only store. Others' saves are taken
        in first and shown, as the reader's poll does: a write takes them in silently."""
        store = self.store
        if store.read_only or store.pending:
            return False
        try:
            if not closing and store.refresh():
                self.annotations_changed()
            change_workspace(store, self.analyst, change)
        except StoreError:
            return False  # a place is not worth a notice; the next try may write it
        return not store.pending

    def remembered_export_files(self) -> dict[str, str]:
        """The files this analyst last exported to (by `workspace.remembered_key`)."""
        try:
            return dict(workspace(self.store, self.analyst).export_files)
        except StoreError:
            return {}

    def remember_export_file(self, format_name: str, path: Path) -> None:
        """Keep `path` as the last file written as `format_name`, for this document and
        for any."""
        written, document_id = str(path), self.document.id

        def remembered(w: Workspace) -> Workspace:
            w = w.with_export_file(remembered_key(format_name, document_id), written)
            w = w.with_export_file(remembered_key(format_name), written)
            return w.with_export_file(ANY_FORMAT, written)

        self._save_workspace(remembered)

    def action_panel_width(self, step: int) -> None:
        """Make the panel `step` cells wider (narrower if negative) and remember it."""
        current = self.panel.outer_size.width
        widest = max(PANEL_WIDTH_MIN, min(PANEL_WIDTH_MAX, self.size.width - READING_PANE_MIN))
        width = max(PANEL_WIDTH_MIN, min(widest, current + step))
        if width == current:
            return
        self.panel.styles.width = width  # if it cannot be saved, for this session only
        self._save_workspace(lambda w: _with_panel_width(w, width))


def _with_panel_width(workspace: Workspace, width: int) -> Workspace:
    return replace(workspace, panel_width=width)

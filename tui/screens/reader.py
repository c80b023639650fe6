"""The reader screen: one document, read and annotated from the keyboard.

A thin screen (docs/architecture.md): the cursor and its movements are
`annotations.navigation`, the annotations and the rules for changing them with undo are
`annotations.editing` over the store, the search is `annotations.search`. The screen turns
keys into those calls, draws the result in the reading pane, the panel and the status
line, and opens the dialogs. Its actions come in parts of their own, mixed in here:
annotating (`reader_annotating.py`), search (`reader_search.py`) and the source's
citation, pages and details (`reader_sources.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal

from annotations import navigation
from annotations.citation import DEFAULT_STYLE
from annotations.codebook import Codebook
from annotations.codebook_store import CodebookChange, stored_codebook
from annotations.document import Document
from annotations.errors import StoreError
from annotations.journal import paused_gc
from annotations.library import orphans
from annotations.model import Annotation
from annotations.navigation import Cursor
from annotations.safe_text import visible
from annotations.span_index import SpanIndex, annotation_at
from annotations.store import Store
from tui import keys
from tui.screens.reader_annotating import AnnotatingActions
from tui.screens.reader_places import PlaceActions
from tui.screens.reader_search import SearchActions
from tui.screens.reader_sources import SourceActions
from tui.screens.settled import SettledScreen
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.key_line import KeyLine
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from textual.command import Provider

    from annotations.codebook_edits import CodebookEdit
    from annotations.editing import Change, Editor
    from annotations.panel_filter import PanelFilter
    from annotations.search import DocumentSearch
    from tui.screens.project_search import Place


def _palette_entries() -> type[Provider]:
    from tui.palette import ReaderCommands  # loaded with the palette, not to show a document

    return ReaderCommands


class ReaderScreen(
    AnnotatingActions, SearchActions, SourceActions, PlaceActions, SettledScreen[None]
):
    """Read one document and annotate it from the keyboard."""

    BINDINGS = keys.bindings("reader")  # the codebook's: `reader_screen_for`
    COMMANDS = {_palette_entries}  # Textual calls it when the palette opens

    # How often another running copy's saves are picked up and failed saves retried.
    STORE_POLL_SECONDS = 1.0

    def __init__(
        self,
        document: Document,
        store: Store,
        codebook: Codebook,
        analyst: str,
        *,
        from_library: bool = False,
        citation_style: str = DEFAULT_STYLE,
    ) -> None:
        super().__init__()
        self.from_library = from_library
        self.citation_style = citation_style
        self.document = document
        self.store = store
        self.codebook = codebook
        self.analyst = analyst
        self.cursor = navigation.first_sentence(document)
        self._editor: Editor | None = None  # `editor` and `search`: made when first used
        self._search: DocumentSearch | None = None
        self.panel_filter: PanelFilter | None = None
        self._filter_query = ""
        # This document's annotations, read from the store after the first frame (or when
        # first asked for); until then the first screen is drawn with those it can show.
        self._annotation_index: SpanIndex[Annotation] | None = None
        self._view_index: SpanIndex[Annotation] = SpanIndex([])
        self.save_state = "saved"

    @property
    def editor(self) -> Editor:
        """The changes to this document's annotations, with their undo history."""
        if self._editor is None:
            # Loaded with the first change, not to show the document.
            from annotations.editing import Editor

            self._editor = Editor(self.store, self.document, self.analyst)
        return self._editor

    @property
    def search(self) -> DocumentSearch:
        """This document's search: `/`, `n` and `N`."""
        if self._search is None:
            # Loaded with the first search, not to show the document.
            from annotations.search import DocumentSearch

            self._search = DocumentSearch(self.document.text)
        return self._search

    def _searching(self) -> bool:
        """Whether a search is active (its matches marked), asked without making one."""
        return self._search is not None and self._search.active

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.pane = ReadingPane(self.document, id="reading-pane")
        self.panel = AnnotationPanel(self.codebook, id="annotation-panel")
        self.status_line = StatusLine(id="status-line")
        with Horizontal(id="reader-body"):
            yield self.pane
            yield self.panel
        yield self.status_line
        yield KeyLine()  # the footer's line, as one widget (tui/widgets/key_line.py)

    def on_mount(self) -> None:
        self.restore_place()
        self._show_annotations_in_view()
        self._show_cursor()
        self.call_after_refresh(self._read_annotations)
        self.pane.focus()
        self.set_interval(self.STORE_POLL_SECONDS, self.poll_store)
        if self.store.read_only_reason:
            self.save_state = f"read-only ({self.store.read_only_reason})"
            self._update_status()
        count = len(orphans(self.store, self.document.id))
        if count:
            self.notify(
                f"{count} annotation{'s' * (count != 1)} could not be placed in the new text: "
                "select where it belongs and press o to re-attach.",
                title="Orphans",
                markup=False,
                timeout=10,
            )

    _store_problem: str | None = None  # the last damage `poll_store` said

    def on_unmount(self) -> None:
        self.remember_place(closing=True)

    def poll_store(self) -> None:
        """Retry saves that failed; pick up what another running copy saved. Files
        damaged meanwhile are said once, in one line; the reader goes on. Then the
        selection is saved as this analyst's place, if it moved."""
        try:
            if self.store.pending:
                if self.store.retry():
                    self.save_state = "saved"
                    self.notify("Every change is saved now.", markup=False)
                self._update_status()
            if self.store.refresh():
                # Another copy may have changed the codebook (its codebook screen).
                stored = stored_codebook(self.store)
                if stored is not None and stored.to_data() != self.codebook.to_data():
                    self.use_codebook(stored)
                self.annotations_changed()
        except StoreError as error:
            if str(error) != self._store_problem:
                self._store_problem = str(error)
                self.notify(visible(str(error)), severity="error", markup=False, timeout=15)
            return
        self.remember_place()

    @property
    def selection(self) -> tuple[int, int]:
        return self.cursor.selection

    @property
    def annotations(self) -> list[Annotation]:
        """This document's annotations, as the store has them."""
        return self._index.spans  # type: ignore[return-value]

    @property
    def _index(self) -> SpanIndex[Annotation]:
        """This document's annotations, read from the store when first asked for."""
        if self._annotation_index is None:
            self.annotations_changed()
        assert self._annotation_index is not None
        return self._annotation_index

    # -- annotations -------------------------------------------------------------------

    def _show_annotations_in_view(self) -> None:
        """Tint and list, for the first frame, only the annotations it can show: those
        within a screenful of characters either side of the cursor (ten thousand
        annotations are read after it, by `_read_annotations`)."""
        width, height = self.app.size
        reach = 2 * max(width, 80) * max(height, 24)
        start, end = self.selection
        try:
            nearby = self.store.annotations_overlapping(
                self.document.id, max(0, start - reach), end + reach
            )
        except StoreError as error:
            self._failed_to_read(error)
            return
        self._view_index = SpanIndex(nearby)
        self.pane.set_highlights(self._view_index, self.codebook, self.analyst)
        current = annotation_at(self._view_index, self.selection, None)
        self.panel.set_annotations(nearby, current.id if current else None)

    def _read_annotations(self) -> None:
        """After the first frame: every annotation of the document, read and drawn."""
        if self._annotation_index is not None:
            return
        # What this makes (ten thousand annotations, their entries' shapes) lives as long
        # as the reader: kept out of the collector's way, as the app's loading is, or its
        # next collections walk it all again (on a key).
        with paused_gc(keep=True):
            try:
                self.annotations_changed()
            except StoreError as error:
                self._failed_to_read(error)

    def _failed_to_read(self, error: StoreError) -> None:
        fail = getattr(self.app, "_fail", None)  # GlossApp's: one line once it has ended
        if fail is None:
            raise error
        fail(error)

    def annotations_changed(self) -> None:
        """Read this document's annotations from the store again and redraw them."""
        annotations = self.store.annotations(self.document.id)
        self._annotation_index = SpanIndex(annotations)
        self.pane.set_highlights(self._annotation_index, self.codebook, self.analyst)
        current = self.annotation_under_cursor(any_analyst=True)
        self.panel.set_annotations(self._shown(), current.id if current else None)
        self._update_status()

    def _shown(self) -> list[Annotation]:
        """The annotations the panel lists: the filter's, else all."""
        active = self.panel_filter
        return [a for a in self.annotations if active.matches(a)] if active else self.annotations

    def annotation_under_cursor(self, *, any_analyst: bool = False) -> Annotation | None:
        """The annotation with exactly the selected span, else the shortest one holding
        the selection's start; only the analyst's own unless `any_analyst`."""
        return annotation_at(self._index, self.selection, None if any_analyst else self.analyst)

    # -- the codebook ------------------------------------------------------------------

    def action_codebook(self) -> None:
        from tui.screens.codebook import CodebookScreen  # the screen imports this one

        self.app.push_screen(CodebookScreen(self))

    def edit_codebook(
        self, operation: Callable[..., CodebookEdit], *args: object, **kwargs: object
    ) -> CodebookChange | None:
        """Make one codebook change (a function of `codebook_edits`) through the editor,
        into the undo history, and read and tag with the codebook it makes at once.
        `CodebookError`: refused, nothing changed."""
        change = self._edited(lambda: self.editor.edit_codebook(operation, *args, **kwargs))
        return change if isinstance(change, CodebookChange) else None

    def use_codebook(self, codebook: Codebook) -> None:
        """Read with `codebook` from now on: its keys bound, its colours and markers drawn."""
        self.codebook = codebook
        # Textual binds keys per class (`reader_screen_for`) and has no call to rebind an
        # instance: it takes the bindings of the class made for the new codebook.
        self._bindings = reader_screen_for(codebook)._merged_bindings.copy()  # type: ignore[union-attr]
        self.refresh_bindings()
        self.panel.set_codebook(codebook)
        use = getattr(self.app, "use_codebook", None)
        if use is not None:
            use(codebook)  # help, and readers opened later

    def _edited(self, edit: Callable[[], Change | None]) -> Change | None:
        """Make one change through the editor and show it; a notice if it failed.

        A save the disk refused (full, read-only) is kept by the store and retried; the
        change stands on screen and the status line says it is not saved yet.
        """
        try:
            change = edit()
        except StoreError as error:
            self.notify(visible(str(error)), title="Not saved", severity="error", markup=False)
            self.annotations_changed()
            return None
        if isinstance(change, CodebookChange) and change.codebook is not self.codebook:
            self.use_codebook(change.codebook)  # made, undone or redone
        if change is not None and change.not_saved:
            self.save_state = "NOT SAVED — retrying"
            self.notify(
                visible(change.not_saved), title="Not saved yet", severity="error", markup=False
            )
        elif not self.store.pending:
            self.save_state = "saved"
        self.annotations_changed()
        return change

    # -- actions: export, filter, analysis -----------------------------------------------

    def action_export(self) -> None:
        # The exporters (and what they import) load when first asked for, not at start-up.
        from tui.screens.export_dialog import ExportDialog

        dialog = ExportDialog(
            self.store,
            self.codebook,
            self.document.id,
            self.panel_filter,
            remembered=self.remembered_export_files(),
            on_written=self.remember_export_file,
        )
        self.app.push_screen(dialog, self._exported)

    def _exported(self, path: Path | None) -> None:
        if path is not None:
            self.notify(f"Exported to {visible(str(path))}", title="Exported", markup=False)

    def action_filter(self) -> None:
        # The prompt and the query language load when first asked for.
        from tui.widgets.filter_prompt import FilterPrompt

        self.app.push_screen(FilterPrompt(self._filter_query), self._filter_chosen)

    def _filter_chosen(self, query: str | None) -> None:
        if query is None:
            return
        from tui.widgets.filter_prompt import PanelFilter, QueryError

        self._filter_query = query  # offered again by `f`, to fix a bad one
        try:
            self.panel_filter = PanelFilter.parse(query, self.codebook)
        except QueryError as error:  # the last good filter stays
            self.notify(
                visible(str(error)), title="Filter not changed", severity="error", markup=False
            )
            return
        self.panel.empty_message = AnnotationPanel.EMPTY if not query else _NONE_MATCH
        self.annotations_changed()

    def action_analysis(self) -> None:
        from tui.screens.analysis import AnalysisScreen  # loaded when first asked for

        active = self.panel_filter
        described = active.describe(self.codebook) if active else None
        screen = AnalysisScreen(
            self.store,
            self.codebook,
            document=self.document,
            marked=sorted(getattr(self.app, "marked_documents", ())),
            panel_filter=active,
            filter_description=described,
            opened_cell=self.remembered_analysis_cell(),
            on_cell_opened=self.remember_analysis_cell,
        )
        self.app.push_screen(screen, self._analysis_chose)

    def _analysis_chose(self, place: Place | None) -> None:
        if place is None:
            return
        if place.document == self.document.id:
            self._jump(navigation.select(place.start, place.end))
            self.pane.focus()
        else:  # a quote of another document in scope
            self.app.open_place(place)  # type: ignore[attr-defined]

    # -- actions: moving ---------------------------------------------------------------

    def action_move(self, name: str) -> None:
        """One of `navigation.MOVES`: sentences, paragraphs, start and end, words."""
        self._move(navigation.MOVES[name](self.document, self.cursor))

    def action_page(self, direction: int) -> None:
        pane = self.pane
        height = max(1, pane.view_height - 2)
        pane.scroll_to_line(max(0, pane.top_line + direction * height))
        cursor = navigation.sentence_from(self.document, pane.offset_at_line(pane.top_line))
        self._move(cursor, scroll=False)
        pane.scroll_to_span(*cursor.selection)

    def action_annotation(self, direction: int) -> None:
        index, offset = self._index, self.selection[0]
        annotation = index.next_after(offset) if direction > 0 else index.previous_before(offset)
        if annotation is not None:
            self._jump(navigation.select(annotation.start, annotation.end))

    def action_next_unannotated(self) -> None:
        covered = self._index.covered_paragraphs(self.document)
        cursor = navigation.next_unannotated(self.document, self.cursor, covered)
        if cursor is None:
            self.notify("Every paragraph after this one has annotations.")
        else:
            self._move(cursor)

    def action_extend(self) -> None:
        self._move(navigation.extend(self.cursor), scroll=False)

    def action_cancel(self) -> None:
        if self.cursor.extending:
            self._move(navigation.cancel(self.cursor))
        elif self._searching():
            self.search.clear()
            self.pane.set_matches([])
            self._update_status()
        elif self.panel_filter is not None:
            self._filter_chosen("")
        elif self.from_library:
            self.dismiss(None)

    # -- focus -------------------------------------------------------------------------

    def action_switch_focus(self) -> None:
        if self.pane.has_focus:
            self.panel.focus()
        else:
            self.pane.focus()

    @on(AnnotationPanel.EntryChosen)
    def _entry_chosen(self, event: AnnotationPanel.EntryChosen) -> None:
        self._jump(navigation.select(event.annotation.start, event.annotation.end))
        self.pane.focus()

    @on(AnnotationPanel.EntryHighlighted)
    def _entry_highlighted(self, event: AnnotationPanel.EntryHighlighted) -> None:
        # Moving in the panel selects the entry's span: extending ends there.
        self.cursor = navigation.select(event.annotation.start, event.annotation.end)
        self.pane.set_selection(*self.selection)
        self.pane.scroll_to_span(*self.selection)
        self._update_status()

    @on(ReadingPane.SpanClicked)
    def _clicked(self, event: ReadingPane.SpanClicked) -> None:
        sentence = self.document.sentence_at(event.offset)
        self._move(navigation.select(sentence.start, sentence.end))

    @on(ReadingPane.SpanDragged)
    def _dragged(self, event: ReadingPane.SpanDragged) -> None:
        cursor = navigation.dragged(self.document, event.anchor, event.offset)
        if cursor.end > cursor.start:
            self._move(cursor, scroll=False)

    # -- the cursor and the status line ------------------------------------------------

    def select_span(self, start: int, end: int) -> None:
        """Select `[start, end)` (not extending) and bring it into view."""
        self._move(navigation.select(start, end))

    def _move(self, cursor: Cursor, *, scroll: bool = True) -> None:
        """Make `cursor` the reader's and show it."""
        self.cursor = cursor
        self._show_cursor(scroll=scroll)

    def _jump(self, cursor: Cursor) -> None:
        """Make `cursor` the reader's, shown with a few lines of what leads to it above
        (a jump to a quote, not a step: its context is read with it)."""
        self.cursor = cursor
        self._show_cursor(scroll=False)
        self.pane.scroll_to_span_in_context(*cursor.selection)

    def _stop_extending(self) -> None:
        if self.cursor.extending:
            self._move(navigation.stop_extending(self.cursor))

    def _show_cursor(self, *, scroll: bool = True) -> None:
        start, end = self.selection
        self.pane.set_selection(start, end, extending=self.cursor.extending)
        if scroll:
            if self.cursor.extending:
                self.pane.scroll_to_span(*navigation.head_span(self.cursor))
            else:
                self.pane.scroll_to_span(start, end)
        # Before the annotations are read, those in view serve (the cursor is in view).
        index = self._view_index if self._annotation_index is None else self._annotation_index
        current = annotation_at(index, self.selection, None)
        self.panel.highlight_id(current.id if current else None)
        self._update_status()

    def _extending_status(self) -> str:
        if not self.cursor.extending:
            return ""
        moving = "start" if self.cursor.head == self.selection[0] else "end"
        keys_now = "j/k sentence, ( ) clause, W/B phrase, w/b word, O other end"
        return f"EXTENDING {moving}: {keys_now} · "

    def _update_status(self) -> None:
        document = self.document
        paragraph = document.paragraph_index(self.selection[0]) + 1
        index = self._annotation_index
        count = self.store.count(document.id) if index is None else len(index)
        page = document.page_label_at(self.selection[0])
        facts = (
            (f"p. {page} · " if page is not None else "")
            + f"¶ {paragraph}/{len(document.paragraphs)} · "
            f"{count} annotation{'s' if count != 1 else ''} · "
            f"{visible(self.analyst, newline=' ')} · "
        )
        mode = self._extending_status()
        if self._searching():
            mode += f"{self.search.describe(self.selection)} · "
        if self.panel_filter is not None:
            mode += f"filter {visible(self.panel_filter.describe(self.codebook))} · "
        self.status_line.show(
            visible(document.title, newline=" "),
            ((mode, True), (facts, False), (self.save_state, self.save_state != "saved")),
        )


_NONE_MATCH = "No annotations match the filter (f changes it, esc clears it)."


def reader_screen_for(codebook: Codebook) -> type[ReaderScreen]:
    """The reader screen with the codebook's keys bound. Bindings belong to a class in
    Textual, so each codebook gets a subclass (made once per app) binding its codes."""
    return type(
        "ReaderScreen",
        (ReaderScreen,),
        {"BINDINGS": keys.codebook_bindings(codebook), "__module__": __name__},
    )

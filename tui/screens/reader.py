"""The reader screen: one document, read and annotated from the keyboard.

A thin screen (docs/architecture.md): the cursor and its movements are
`annotations.navigation`, the annotations and the rules for changing them with undo are
`annotations.editing` over the store, the search is `annotations.search`. The screen turns
keys into those calls, draws the result in the reading pane, the panel and the status
line, and opens the dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from annotations import navigation
from annotations.citation import DEFAULT_STYLE, metadata_changes, quotation, source_fields
from annotations.codebook import Codebook
from annotations.document import Document
from annotations.editing import Change, Editor
from annotations.errors import StoreError
from annotations.library import orphans
from annotations.model import Annotation
from annotations.navigation import Cursor
from annotations.safe_text import visible
from annotations.search import DocumentSearch, Hit
from annotations.span_index import SpanIndex, annotation_at, annotations_meant, exact_annotation
from annotations.store import Store
from tui import keys
from tui.palette import ReaderCommands
from tui.screens.analysis import AnalysisScreen
from tui.screens.export_dialog import ExportDialog
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.filter_prompt import FilterPrompt, PanelFilter
from tui.widgets.memo_editor import MemoEditor, MemoResult
from tui.widgets.metadata_form import MetadataForm
from tui.widgets.orphan_picker import AnnotationChooser, OrphanPicker
from tui.widgets.page_prompt import PagePrompt
from tui.widgets.reading_pane import ReadingPane, highlights_of
from tui.widgets.search_prompt import SearchPrompt
from tui.widgets.status_line import StatusLine
from tui.widgets.tag_picker import TagPicker


class ReaderScreen(Screen[None]):
    """Read one document and annotate it from the keyboard."""

    BINDINGS = keys.bindings("reader")  # the codebook's: `reader_screen_for`
    COMMANDS = {ReaderCommands}

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
        self.editor = Editor(store, document, analyst)
        self.search = DocumentSearch(document.text)
        self.panel_filter: PanelFilter | None = None
        self._filter_query = ""
        self._index: SpanIndex[Annotation] = SpanIndex([])
        self.save_state = "saved"

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.pane = ReadingPane(self.document, id="reading-pane")
        self.panel = AnnotationPanel(self.codebook, id="annotation-panel")
        self.status_line = StatusLine(id="status-line")
        with Horizontal(id="reader-body"):
            yield self.pane
            yield self.panel
        yield self.status_line
        yield Footer()

    def on_mount(self) -> None:
        self.annotations_changed()
        self._show_cursor()
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

    def poll_store(self) -> None:
        """Retry saves that failed; pick up what another running copy saved. Files
        damaged meanwhile are said once, in one line; the reader goes on."""
        try:
            if self.store.pending:
                if self.store.retry():
                    self.save_state = "saved"
                    self.notify("Every change is saved now.", markup=False)
                self._update_status()
            if self.store.refresh():
                self.annotations_changed()
        except StoreError as error:
            if str(error) != self._store_problem:
                self._store_problem = str(error)
                self.notify(visible(str(error)), severity="error", markup=False, timeout=15)

    @property
    def selection(self) -> tuple[int, int]:
        return self.cursor.selection

    @property
    def annotations(self) -> list[Annotation]:
        """This document's annotations, as the store has them."""
        return self._index.spans  # type: ignore[return-value]

    # -- annotations -------------------------------------------------------------------

    def annotations_changed(self) -> None:
        """Read this document's annotations from the store again and redraw them."""
        annotations = self.store.annotations(self.document.id)
        self._index = SpanIndex(annotations)
        self.pane.set_highlights(highlights_of(annotations, self.codebook, self.analyst))
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
        dialog = ExportDialog(self.store, self.codebook, self.document.id, self.panel_filter)
        self.app.push_screen(dialog, self._exported)

    def _exported(self, path: Path | None) -> None:
        if path is not None:
            self.notify(f"Exported to {visible(str(path))}", title="Exported", markup=False)

    # -- actions: citing and the source ---------------------------------------------------

    def action_copy_citation(self) -> None:
        """Copy the annotation under the cursor (else the selection: a sentence, usually)
        as a quotation with its citation, to the terminal's clipboard (OSC 52)."""
        annotation = annotation_at(self._index, self.selection, None)
        start, end = annotation.span if annotation is not None else self.selection
        if end <= start:
            return
        text = quotation(self.document, start, end, self.citation_style)
        self.app.copy_to_clipboard(text)
        shown = visible(" ".join(text.split()))
        if len(shown) > 120:
            shown = shown[:119] + "…"
        self.notify(shown, title="Citation copied", markup=False)

    def action_go_to_page(self) -> None:
        structure = self.document.structure
        if structure is not None and structure.has_pages:
            first, last = structure.label(0), structure.label(structure.page_count - 1)
            prompt = PagePrompt("page", f"{first} to {last}")
        else:
            prompt = PagePrompt("paragraph", f"1 to {len(self.document.paragraphs)}")
        self.app.push_screen(prompt, self._go_to)

    def _go_to(self, where: str | None) -> None:
        if where is None:
            return
        document = self.document
        structure = document.structure
        if structure is not None and structure.has_pages:
            paragraph = structure.first_paragraph_of_page(where)
        elif where.isdigit() and 1 <= int(where) <= len(document.paragraphs):
            paragraph = int(where) - 1
        else:
            paragraph = None
        if paragraph is None:
            self.notify(f"No page {visible(where)} in this document", markup=False)
            return
        self._move(navigation.paragraph_start(document, paragraph))

    def action_edit_metadata(self) -> None:
        self.app.push_screen(MetadataForm(source_fields(self.document)), self._metadata_edited)

    def _metadata_edited(self, edited: dict[str, str] | None) -> None:
        if edited is None:
            return
        changes = metadata_changes(self.document, edited)
        if not changes:
            return
        try:
            self.document = self.store.set_document_metadata(self.document.id, **changes)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._update_status()
        self.notify("Source details saved.", markup=False)

    def action_filter(self) -> None:
        self.app.push_screen(FilterPrompt(self._filter_query), self._filter_chosen)

    def _filter_chosen(self, query: str | None) -> None:
        if query is None:
            return
        self._filter_query = query
        self.panel_filter = PanelFilter.parse(query, self.codebook)
        self.panel.empty_message = AnnotationPanel.EMPTY if not query else _NONE_MATCH
        self.annotations_changed()

    def action_analysis(self) -> None:
        active = self.panel_filter
        described = active.describe(self.codebook) if active else None
        screen = AnalysisScreen(
            self.document, self.codebook, self._shown(), filter_description=described
        )
        self.app.push_screen(screen, self._analysis_chose)

    def _analysis_chose(self, span: tuple[int, int] | None) -> None:
        if span is not None:
            self._move(navigation.select(*span))
            self.pane.focus()

    # -- actions: search ---------------------------------------------------------------

    def action_search(self) -> None:
        prompt = SearchPrompt(self._preview_search, self.search.history)
        self.app.push_screen(prompt, self._search_submitted)

    def _preview_search(self, query: str) -> int | None:
        """Mark the matches of a query being typed and show the next one; their count."""
        matches = self.search.find(query)
        self.pane.set_matches(matches or [])
        self.pane.scroll_to_span(*self.search.preview_span(query, self._search_from))
        return None if matches is None else len(matches)

    def _search_submitted(self, query: str | None) -> None:
        hit = None
        if query is not None:
            query, hit = self.search.submit(query, self._search_from)
            if query and self.search.find(query) == []:
                self.notify(f"No match for “{visible(query, newline=' ')}”.", markup=False)
        # Cancelled, empty or nothing found: the search as it was, the cursor unmoved.
        self.pane.set_matches(self.search.matches)
        if hit is None:
            self.pane.scroll_to_span(*self.selection)
        elif self.cursor.extending:  # vim's v/pattern: the moving end goes to the match
            self._move(navigation.extend_to_match(self.document, self.cursor, hit.span))
        else:
            self._go_to_match(hit)

    @property
    def _search_from(self) -> tuple[int, int]:
        """Where a search starts: the selection, or while extending its moving end."""
        if self.cursor.extending:
            return (self.cursor.head, self.cursor.head)
        return self.selection

    def action_match(self, direction: int) -> None:
        self._go_to_match(self.search.step(self.selection, direction))

    def _go_to_match(self, hit: Hit | None) -> None:
        if hit is None:
            self.notify("No search yet: / searches the document.", markup=False)
            return
        self.pane.set_matches(self.search.matches)
        if hit.wrapped == "end":
            self.notify("Search reached the end: continued from the top.", timeout=3)
        elif hit.wrapped == "start":
            self.notify("Search reached the start: continued from the end.", timeout=3)
        self._move(navigation.select(*hit.span))

    # -- actions: orphans --------------------------------------------------------------

    def action_orphans(self) -> None:
        waiting = orphans(self.store, self.document.id)
        if not waiting:
            self.notify("No orphaned annotations for this document.", markup=False)
            return
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
            self._move(navigation.select(annotation.start, annotation.end))

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
        elif self.search.active:
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
        self._move(navigation.select(event.annotation.start, event.annotation.end))
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
        current = self.annotation_under_cursor(any_analyst=True)
        self.panel.highlight_id(current.id if current else None)
        self._update_status()

    def _extending_status(self) -> str:
        if not self.cursor.extending:
            return ""
        moving = "start" if self.cursor.head == self.selection[0] else "end"
        return f"EXTENDING {moving}: j/k sentence, ( ) clause, w/b word, O other end · "

    def _update_status(self) -> None:
        document = self.document
        paragraph = document.paragraph_index(self.selection[0]) + 1
        count = len(self._index)
        page = document.page_label_at(self.selection[0])
        facts = (
            (f"p. {page} · " if page is not None else "")
            + f"¶ {paragraph}/{len(document.paragraphs)} · "
            f"{count} annotation{'s' if count != 1 else ''} · "
            f"{visible(self.analyst, newline=' ')} · "
        )
        mode = self._extending_status()
        if self.search.active:
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

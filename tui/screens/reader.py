"""The reader screen: one document, the cursor span, tagging, memos, undo.

The screen owns the cursor and selection and the undo history; the store owns what is
saved; the reading pane and annotation panel only draw what the screen gives them.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widgets import Footer

from annotations.codebook import Codebook
from annotations.document import Document, Span
from annotations.errors import StoreError
from annotations.library import orphans, reattach
from annotations.model import Annotation
from annotations.safe_text import visible
from annotations.search import Search
from annotations.store import Store, StoreSaveError
from annotations.text_units import (
    display_line,
    next_word_end,
    previous_word_start,
    snap_to_graphemes,
)
from tui.screens.analysis import AnalysisScreen
from tui.screens.export_dialog import ExportDialog
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.filter_prompt import FilterPrompt, PanelFilter
from tui.widgets.memo_editor import MemoEditor, MemoResult
from tui.widgets.orphan_picker import OrphanPicker
from tui.widgets.reading_pane import Highlight, ReadingPane
from tui.widgets.search_prompt import SearchPrompt
from tui.widgets.status_line import StatusLine
from tui.widgets.tag_picker import TagPicker


@dataclass(frozen=True, slots=True)
class Change:
    """One undoable change: the annotation before and after (None: absent)."""

    before: Annotation | None
    after: Annotation | None
    description: str


@dataclass(slots=True)
class SearchState:
    """The reader's search: the last query (`n` finds it again after `escape`) and, while
    the search is active, its matches and the one last gone to."""

    query: str = ""
    matches: list[tuple[int, int]] = field(default_factory=list)  # in document order
    active: bool = False
    current: int | None = None  # index of the match last gone to
    selected: tuple[int, int] | None = None  # its span as selected (whole clusters)


class ReaderScreen(Screen[None]):
    """Read one document and annotate it from the keyboard."""

    BINDINGS = [
        Binding("j,down", "next_sentence", "Sentence ↓", show=False, id="move.next_sentence"),
        Binding("k,up", "previous_sentence", "Sentence ↑", show=False, id="move.previous_sentence"),
        Binding(
            "J,right_curly_bracket",
            "next_paragraph",
            "Paragraph ↓",
            show=False,
            id="move.next_paragraph",
        ),
        Binding(
            "K,left_curly_bracket",
            "previous_paragraph",
            "Paragraph ↑",
            show=False,
            id="move.previous_paragraph",
        ),
        Binding("space,pagedown", "page(1)", "Page ↓", show=False, id="move.page_down"),
        Binding("pageup", "page(-1)", "Page ↑", show=False, id="move.page_up"),
        Binding("g,home", "start", "Start", show=False, id="move.start"),
        Binding("G,end", "end", "End", show=False, id="move.end"),
        Binding("w", "extend_word(1)", "Word →", show=False, id="select.word_forward"),
        Binding("b", "extend_word(-1)", "Word ←", show=False, id="select.word_back"),
        Binding("v", "extend", "Extend", id="select.extend"),
        Binding("p", "select_paragraph", "Paragraph", show=False, id="select.paragraph"),
        Binding("escape", "cancel", "Cancel", show=False, id="select.cancel"),
        Binding("t", "pick_tags", "Tags", id="annotate.tags"),
        Binding("m", "memo", "Memo", id="annotate.memo"),
        Binding("delete", "delete", "Delete", id="annotate.delete"),
        Binding("u", "undo", "Undo", id="history.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="history.redo"),
        Binding(
            "right_square_bracket",
            "next_annotation",
            "Next note",
            show=False,
            id="move.next_annotation",
        ),
        Binding(
            "left_square_bracket",
            "previous_annotation",
            "Previous note",
            show=False,
            id="move.previous_annotation",
        ),
        Binding(
            "greater_than_sign",
            "next_unannotated",
            "Unannotated ¶",
            show=False,
            id="move.next_unannotated",
        ),
        Binding("tab", "switch_focus", "Panel", id="focus.switch"),
        Binding("ctrl+e", "export", "Export", id="notes.export"),
        Binding("o", "orphans", "Orphans", show=False, id="annotate.orphans"),
        Binding("f", "filter", "Filter", show=False, id="panel.filter"),
        Binding("slash", "search", "Search", id="search.open"),
        Binding("n", "next_match", "Next match", show=False, id="search.next"),
        Binding("N", "previous_match", "Previous match", show=False, id="search.previous"),
        Binding("a", "analysis", "Analysis", id="screen.analysis"),
    ]

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
    ) -> None:
        super().__init__()
        self.from_library = from_library
        self.document = document
        self.store = store
        self.codebook = codebook
        self.analyst = analyst
        self.selection = self._first_sentence()
        self.anchor: tuple[int, int] | None = None  # the span extending started from
        self.head = 0  # the moving end while extending
        self.annotations: list[Annotation] = []
        self._starts: list[int] = []
        self._longest = 0
        self._tint_of: dict[tuple[str, ...], str] = {}
        self.panel_filter: PanelFilter | None = None
        self._filter_query = ""
        self.search = SearchState()
        self._found: tuple[str, list[tuple[int, int]]] | None = None  # the last query's matches
        self._searched: list[str] = []  # queries searched, oldest first (`up` in the prompt)
        self.undo_stack: list[Change] = []
        self.redo_stack: list[Change] = []
        self.save_state = "saved"
        self._bind_codebook_keys()

    def _bind_codebook_keys(self) -> None:
        # Codebook keys are data: each code gets a binding with an id, so a keymap can move it.
        for code in self.codebook.codes:
            key = _character_to_key(code.key)
            binding = Binding(
                key,
                f"toggle_tag({code.id!r})",
                code.label,
                show=False,
                key_display=code.key,
                id=f"tag.{code.id}",
            )
            self._bindings.key_to_bindings.setdefault(key, []).append(binding)

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="reader-body"):
            yield ReadingPane(self.document, id="reading-pane")
            yield AnnotationPanel(self.codebook, id="annotation-panel")
        yield StatusLine(id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self.reload_annotations()
        self._show_selection()
        self.pane.focus()
        self.set_interval(self.STORE_POLL_SECONDS, self._poll_store)
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

    def _poll_store(self) -> None:
        """Retry saves that failed; pick up what another running copy saved."""
        if self.store.pending:
            if self.store.retry():
                self.save_state = "saved"
                self.notify("Every change is saved now.", markup=False)
            self._update_status()
        self._take_in_other_saves()

    def _take_in_other_saves(self) -> None:
        """What another running copy saved since the last look (one `stat` if nothing).

        Called by the poll and before every edit: an edit is made to the annotation as it
        is now, so a memo written in the other terminal a moment ago is not overwritten
        with this copy's older one.
        """
        if self.store.refresh():
            self.reload_annotations()

    @property
    def pane(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    @property
    def panel(self) -> AnnotationPanel:
        return self.query_one(AnnotationPanel)

    # -- annotations -------------------------------------------------------------------

    def reload_annotations(self) -> None:
        """Read this document's annotations from the store and redraw them."""
        self.annotations = self.store.annotations(self.document.id)
        self._annotations_changed()

    def _annotations_changed(self) -> None:
        annotations = self.annotations
        self._starts = [a.start for a in annotations]
        self._longest = max((a.end - a.start for a in annotations), default=0)
        self.pane.set_highlights(self._highlights(annotations))
        current = self.annotation_under_cursor(any_analyst=True)
        shown = annotations
        if self.panel_filter is not None:
            shown = [a for a in annotations if self.panel_filter.matches(a)]
        self.panel.set_annotations(shown, current.id if current else None)
        self._update_status()

    def _replace_annotation(self, before: Annotation | None, after: Annotation | None) -> None:
        # Keep the in-memory list in document order without reading the store back: with
        # ten thousand annotations a re-read costs more than the change itself.
        if before is not None:
            self.annotations = [a for a in self.annotations if a.id != before.id]
        if after is not None:
            key = (after.start, after.end, after.created, after.id)
            keys = [(a.start, a.end, a.created, a.id) for a in self.annotations]
            self.annotations.insert(bisect.bisect_left(keys, key), after)
        self._annotations_changed()

    def _highlights(self, annotations: list[Annotation]) -> list[Highlight]:
        """The tint of each annotation: its actor's colour, else its first code's."""
        # Few tag combinations occur: the colour is looked up once for each.
        colors: dict[tuple[str, ...], str] = {}
        analyst = self.analyst
        highlights = []
        for annotation in annotations:
            color = colors.get(annotation.tags)
            if color is None:
                color = colors[annotation.tags] = self._color_of(annotation.tags)
            highlights.append(
                Highlight(annotation.start, annotation.end, color, annotation.analyst == analyst)
            )
        return highlights

    def _color_of(self, tags: tuple[str, ...]) -> str:
        actor = next((tag for tag in tags if tag.startswith("actor/")), None)
        tag = actor or (tags[0] if tags else None)
        return self.codebook.color(tag) if tag else "#888888"

    def annotation_under_cursor(self, *, any_analyst: bool = False) -> Annotation | None:
        """The annotation with exactly the selected span, else the shortest one holding
        the selection's start; only the analyst's own unless `any_analyst`."""
        start, end = self.selection
        candidates = [
            a for a in self._annotations_holding(start) if any_analyst or a.analyst == self.analyst
        ]
        exact = [a for a in candidates if (a.start, a.end) == (start, end)]
        if exact:
            return exact[0]
        return min(candidates, key=lambda a: a.end - a.start, default=None)

    def _exact_own_annotation(self) -> Annotation | None:
        start, end = self.selection
        return next(
            (
                a
                for a in self._annotations_holding(start)
                if (a.start, a.end) == (start, end) and a.analyst == self.analyst
            ),
            None,
        )

    def _annotations_holding(self, offset: int) -> list[Annotation]:
        """Annotations whose span holds `offset`, found from those starting nearby."""
        first = bisect.bisect_left(self._starts, offset - self._longest)
        last = bisect.bisect_right(self._starts, offset)
        return [a for a in self.annotations[first:last] if a.end > offset]

    def _apply(self, change: Change, *, record: bool = True) -> bool:
        """Save a change to the store; record it for undo. False (and a notice) on failure.

        A save the disk refused (full, read-only) is kept by the store and retried; the
        change stands on screen and the status line says it is not saved yet.
        """
        try:
            if change.after is None:
                if change.before is not None:
                    self.store.delete(change.before.id)
            else:
                self.store.put(change.after)
        except StoreSaveError as error:
            self.save_state = "NOT SAVED — retrying"
            self.notify(visible(str(error)), title="Not saved yet", severity="error", markup=False)
        except StoreError as error:
            self.notify(visible(str(error)), title="Not saved", severity="error", markup=False)
            self.reload_annotations()
            return False
        else:
            self.save_state = "saved" if not self.store.pending else self.save_state
        if record:
            self.undo_stack.append(change)
            self.redo_stack.clear()
        self._replace_annotation(change.before, change.after)
        return True

    # -- actions: export and orphans ---------------------------------------------------

    def action_export(self) -> None:
        active = self.panel_filter
        dialog = ExportDialog(
            self.store,
            self.codebook,
            self.document.id,
            filter_tag=active.tag if active else None,
            filter_analyst=active.analyst if active else None,
        )
        self.app.push_screen(dialog, self._exported)

    def action_filter(self) -> None:
        self.app.push_screen(FilterPrompt(self._filter_query), self._filter_chosen)

    def _filter_chosen(self, query: str | None) -> None:
        if query is None:
            return
        self._filter_query = query
        self.panel_filter = PanelFilter.parse(query, self.codebook)
        self.panel.empty_message = (
            AnnotationPanel.EMPTY
            if self.panel_filter is None
            else "No annotations match the filter (f changes it, esc clears it)."
        )
        self._annotations_changed()

    # -- actions: analysis -------------------------------------------------------------

    def action_analysis(self) -> None:
        active = self.panel_filter
        shown = self.annotations
        if active is not None:
            shown = [a for a in shown if active.matches(a)]
        screen = AnalysisScreen(
            self.document,
            self.codebook,
            shown,
            filter_description=active.describe(self.codebook) if active else None,
        )
        self.app.push_screen(screen, self._analysis_chose)

    def _analysis_chose(self, span: tuple[int, int] | None) -> None:
        if span is not None:
            self._select(*span)
            self.pane.focus()

    # -- actions: search ---------------------------------------------------------------

    def action_search(self) -> None:
        prompt = SearchPrompt(self._preview_search, self._searched)
        self.app.push_screen(prompt, self._search_submitted)

    def _find(self, query: str) -> list[tuple[int, int]] | None:
        """Every match of `query` (None: nothing to search for). One pass of one regular
        expression over the text; the last query's matches are kept, so `enter` after
        the prompt's preview does not search again."""
        if self._found is not None and self._found[0] == query:
            return self._found[1]
        search = Search.compile(query)
        if search is None:
            return None
        matches = search.find_all(self.document.text)
        self._found = (query, matches)
        return matches

    def _preview_search(self, query: str) -> int | None:
        """Mark the matches of a query being typed and show the next one; their count."""
        matches = self._find(query)
        self.pane.set_matches(matches or [])
        if matches:
            index = _first_match_from(matches, self.selection[0]) % len(matches)
            self.pane.scroll_to_span(*matches[index])
        else:
            self.pane.scroll_to_span(*self.selection)
        return None if matches is None else len(matches)

    def _search_submitted(self, query: str | None) -> None:
        if query == "" and self.search.query:
            query = self.search.query  # enter on an empty prompt: the last search again
        if query and query.strip():
            earlier = [q for q in self._searched if q != query][-49:]
            self._searched = [*earlier, query]
        matches = self._find(query) if query else None
        if query and matches == []:
            self.notify(f"No match for “{visible(query, newline=' ')}”.", markup=False)
        if not matches:
            # Cancelled, empty or nothing found: the search as it was, the cursor unmoved.
            self.pane.set_matches(self.search.matches)
            self.pane.scroll_to_span(*self.selection)
            return
        assert query is not None
        self.search = SearchState(query, matches, active=True)
        self.pane.set_matches(matches)
        self._go_to_match(_first_match_from(matches, self.selection[0]))

    def action_next_match(self) -> None:
        if self._search_ready():
            search = self.search
            if search.current is not None and self.selection == search.selected:
                self._go_to_match(search.current + 1)
            else:
                self._go_to_match(_first_match_from(search.matches, self.selection[0] + 1))

    def action_previous_match(self) -> None:
        if self._search_ready():
            search = self.search
            if search.current is not None and self.selection == search.selected:
                self._go_to_match(search.current - 1)
            else:
                self._go_to_match(_first_match_from(search.matches, self.selection[0]) - 1)

    def _search_ready(self) -> bool:
        """True when there are matches to go to; after `escape`, the last query again."""
        search = self.search
        if not search.active and search.query:
            matches = self._find(search.query) or []
            self.search = SearchState(search.query, matches, active=True)
            self.pane.set_matches(matches)
        if not self.search.matches:
            self.notify("No search yet: / searches the document.", markup=False)
            return False
        return True

    def _go_to_match(self, index: int) -> None:
        """Select match `index`, wrapping around either end of the document (and saying so)."""
        search = self.search
        count = len(search.matches)
        if index >= count:
            index = 0
            self.notify("Search reached the end: continued from the top.", timeout=3)
        elif index < 0:
            index = count - 1
            self.notify("Search reached the start: continued from the end.", timeout=3)
        # A match can start or end inside a grapheme cluster (one emoji of a family):
        # the selection takes in the whole cluster.
        start, end = snap_to_graphemes(self.document.text, *search.matches[index])
        search.current, search.selected = index, (start, end)
        self._select(start, end)

    def _clear_search(self) -> None:
        self.search = SearchState(self.search.query)
        self.pane.set_matches([])
        self._update_status()

    def _exported(self, path: Path | None) -> None:
        if path is not None:
            self.notify(f"Exported to {visible(str(path))}", title="Exported", markup=False)

    def action_orphans(self) -> None:
        waiting = orphans(self.store, self.document.id)
        if not waiting:
            self.notify("No orphaned annotations for this document.", markup=False)
            return
        self.app.push_screen(OrphanPicker(waiting, self.codebook), self._reattach)

    def _reattach(self, orphan: Annotation | None) -> None:
        if orphan is None:
            return
        start, end = self.selection
        try:
            placed = reattach(self.store, orphan.id, self.document.id, start, end)
        except StoreError as error:
            self.notify(
                visible(str(error)), title="Not re-attached", severity="error", markup=False
            )
            return
        self.undo_stack.append(Change(orphan, placed, "re-attach"))
        self.redo_stack.clear()
        self._stop_extending()
        self._replace_annotation(None, placed)
        self.notify("Re-attached to the selection.", markup=False)

    # -- actions: tagging and memos ----------------------------------------------------

    def action_toggle_tag(self, code_id: str) -> None:
        start, end = self.selection
        if end <= start:
            return
        self._take_in_other_saves()
        current = self._exact_own_annotation()
        tags = self.codebook.toggle(current.tags if current else (), code_id)
        self._set_tags(current, tags, f"toggle {code_id}")

    def _set_tags(self, current: Annotation | None, tags: tuple[str, ...], what: str) -> None:
        """Give the selection these tags: a new annotation if it has none of the analyst's;
        an annotation left with neither tags nor memo is removed."""
        if current is None:
            if tags:
                self._apply(Change(None, self._new_annotation(tags=tags), what))
        elif tags != current.tags:
            if not tags and not current.memo:
                self._apply(Change(current, None, what))
            else:
                self._apply(Change(current, current.evolve(tags=tags), what))
        self._stop_extending()

    def _new_annotation(self, **fields: Any) -> Annotation:
        """An annotation of the analyst's on the selected span."""
        start, end = self.selection
        return Annotation.create(
            document=self.document.id,
            text=self.document.text,
            start=start,
            end=end,
            analyst=self.analyst,
            **fields,
        )

    def action_pick_tags(self) -> None:
        current = self._exact_own_annotation()
        self.app.push_screen(
            TagPicker(self.codebook, current.tags if current else ()), self._tags_picked
        )

    def _tags_picked(self, tags: tuple[str, ...] | None) -> None:
        if tags is not None:
            self._take_in_other_saves()
            self._set_tags(self._exact_own_annotation(), tags, "tags")

    def action_memo(self) -> None:
        current = self._exact_own_annotation() or self.annotation_under_cursor()
        if current is not None and not (self.anchor and current.span != self.selection):
            quote, memo, confidence = current.quote, current.memo, current.confidence
        else:
            current = None
            start, end = self.selection
            quote, memo, confidence = self.document.text[start:end], "", None
        target = current.id if current else None
        self.app.push_screen(
            MemoEditor(quote, memo, confidence),
            lambda result: self._memo_written(result, target),
        )

    def _memo_written(self, result: MemoResult | None, annotation_id: str | None) -> None:
        if result is None:
            return
        self._take_in_other_saves()
        current = next((a for a in self.annotations if a.id == annotation_id), None)
        if current is None:
            if not result.memo and result.confidence is None:
                return
            created = self._new_annotation(memo=result.memo, confidence=result.confidence)
            self._apply(Change(None, created, "memo"))
        elif (result.memo, result.confidence) != (current.memo, current.confidence):
            changed = current.evolve(memo=result.memo, confidence=result.confidence)
            self._apply(Change(current, changed, "memo"))
        self._stop_extending()

    def action_delete(self) -> None:
        self._take_in_other_saves()
        current = self.annotation_under_cursor()
        if current is None:
            self.notify("No annotation of yours here to delete.", severity="warning")
            return
        if self._apply(Change(current, None, "delete")):
            self.notify("Annotation deleted — u brings it back.", markup=False)

    # -- actions: history --------------------------------------------------------------

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.", severity="warning")
            return
        change = self.undo_stack.pop()
        if self._apply(Change(change.after, change.before, change.description), record=False):
            self.redo_stack.append(change)
            self._select_change(change.before or change.after)
        else:
            self.undo_stack.append(change)

    def action_redo(self) -> None:
        if not self.redo_stack:
            self.notify("Nothing to redo.", severity="warning")
            return
        change = self.redo_stack.pop()
        if self._apply(change, record=False):
            self.undo_stack.append(change)
            self._select_change(change.after or change.before)
        else:
            self.redo_stack.append(change)

    def _select_change(self, annotation: Annotation | None) -> None:
        if annotation is not None:
            self._select(annotation.start, annotation.end)

    # -- actions: moving ---------------------------------------------------------------

    def _first_sentence(self) -> tuple[int, int]:
        if not self.document.paragraphs:
            return (0, 0)
        first = self.document.sentences_in(0)[0]
        return (first.start, first.end)

    def _sentence_after(self, offset: int) -> Span | None:
        """The first sentence that starts at or after `offset`."""
        document = self.document
        paragraph = document.paragraph_index(offset)
        while paragraph < len(document.paragraphs):
            for sentence in document.sentences_in(paragraph):
                if sentence.start >= offset:
                    return sentence
            paragraph += 1
        return None

    def _sentence_before(self, offset: int) -> Span | None:
        """The last sentence that starts before `offset`."""
        document = self.document
        paragraph = min(document.paragraph_index(offset), len(document.paragraphs) - 1)
        while paragraph >= 0:
            for sentence in reversed(document.sentences_in(paragraph)):
                if sentence.start < offset:
                    return sentence
            paragraph -= 1
        return None

    def action_next_sentence(self) -> None:
        if self.anchor is not None:
            self._extend_by_sentence(1)
            return
        sentence = self._sentence_after(self.selection[0] + 1)
        if sentence is not None:
            self._select(sentence.start, sentence.end)

    def action_previous_sentence(self) -> None:
        if self.anchor is not None:
            self._extend_by_sentence(-1)
            return
        sentence = self._sentence_before(self.selection[0])
        if sentence is not None:
            self._select(sentence.start, sentence.end)

    def _extend_by_sentence(self, direction: int) -> None:
        # The head is a sentence end while the selection grows forward from the anchor
        # and a sentence start while it grows backward, so the selection never takes in
        # the white space between sentences.
        assert self.anchor is not None
        anchor_start, anchor_end = self.anchor
        head = self.head
        if direction > 0:
            if head < anchor_start:
                following = self._sentence_after(head + 1)
                head = min(following.start, anchor_start) if following else anchor_start
            else:
                following = self._sentence_ending_after(head)
                head = following.end if following else head
        elif head > anchor_end:
            current = self.document.sentence_at(head - 1)
            previous = self._sentence_before(current.start)
            head = max(previous.end, anchor_end) if previous else anchor_end
        else:
            previous = self._sentence_before(min(head, anchor_start))
            head = previous.start if previous else head
        self._extend_to(head)

    def _sentence_ending_after(self, offset: int) -> Span | None:
        sentence = self.document.sentence_at(offset)
        if sentence.end > offset:
            return sentence
        return self._sentence_after(offset)

    def action_next_paragraph(self) -> None:
        paragraph = self.document.paragraph_index(self.selection[0]) + 1
        if paragraph < len(self.document.paragraphs):
            self._select_paragraph_start(paragraph)

    def action_previous_paragraph(self) -> None:
        document = self.document
        paragraph = document.paragraph_index(self.selection[0])
        if self.selection[0] == document.paragraphs[paragraph].start:
            paragraph -= 1
        if paragraph >= 0:
            self._select_paragraph_start(paragraph)

    def _select_paragraph_start(self, paragraph: int) -> None:
        first = self.document.sentences_in(paragraph)[0]
        self._select(first.start, first.end)

    def action_page(self, direction: int) -> None:
        pane = self.pane
        height = max(1, pane.view_height - 2)
        pane.scroll_to_line(max(0, pane.top_line + direction * height))
        offset = pane.offset_at_line(pane.top_line)
        sentence = self.document.sentence_at(offset)
        if sentence.start < offset:
            sentence = self._sentence_after(offset) or sentence
        self._select(sentence.start, sentence.end, scroll=False)
        pane.scroll_to_span(sentence.start, sentence.end)

    def action_start(self) -> None:
        start, end = self._first_sentence()
        self._select(start, end)

    def action_end(self) -> None:
        last = len(self.document.paragraphs) - 1
        if last >= 0:
            sentence = self.document.sentences_in(last)[-1]
            self._select(sentence.start, sentence.end)

    def action_select_paragraph(self) -> None:
        span = self.document.paragraphs[self.document.paragraph_index(self.selection[0])]
        self._stop_extending()
        self._select(span.start, span.end)

    def action_next_annotation(self) -> None:
        index = bisect.bisect_right(self._starts, self.selection[0])
        if index < len(self.annotations):
            annotation = self.annotations[index]
            self._select(annotation.start, annotation.end)

    def action_previous_annotation(self) -> None:
        index = bisect.bisect_left(self._starts, self.selection[0]) - 1
        if index >= 0:
            annotation = self.annotations[index]
            self._select(annotation.start, annotation.end)

    def action_next_unannotated(self) -> None:
        document = self.document
        covered: set[int] = set()
        for annotation in self.annotations:
            first = document.paragraph_index(annotation.start)
            last = document.paragraph_index(max(annotation.start, annotation.end - 1))
            covered.update(range(first, last + 1))
        start = document.paragraph_index(self.selection[0]) + 1
        for paragraph in range(start, len(document.paragraphs)):
            if paragraph not in covered:
                self._select_paragraph_start(paragraph)
                return
        self.notify("Every paragraph after this one has annotations.")

    # -- actions: extending ------------------------------------------------------------

    def action_extend(self) -> None:
        if self.anchor is None:
            self.anchor = self.selection
            self.head = self.selection[1]
            self._show_selection()

    def action_extend_word(self, direction: int) -> None:
        # Words as annotations.text_units defines them: a CJK ideograph or an emoji is a
        # word of its own, and a boundary never falls inside a grapheme cluster.
        if self.anchor is None:
            self.action_extend()
        assert self.anchor is not None
        anchor_start, anchor_end = self.anchor
        text, head = self.document.text, self.head
        if direction > 0:
            if head < anchor_start:  # shrinking from the left: to the next word's start
                following_end = next_word_end(text, next_word_end(text, head))
                following = previous_word_start(text, following_end)
                head = min(following, anchor_start) if following > head else anchor_start
            else:  # growing to the right, from the anchor's end
                head = next_word_end(text, max(head, anchor_end))
        elif head > anchor_end:  # shrinking from the right: to the previous word's end
            word_start = previous_word_start(text, head)
            previous_end = next_word_end(text, previous_word_start(text, word_start))
            head = max(previous_end, anchor_end) if previous_end < head else anchor_end
        else:  # growing to the left, from the anchor's start as by sentence
            head = previous_word_start(text, min(head, anchor_start))
        self._extend_to(head)

    def _extend_to(self, head: int) -> None:
        assert self.anchor is not None
        self.head = head
        anchor_start, anchor_end = self.anchor
        start, end = min(anchor_start, head), max(anchor_end, head)
        self._set_selection(start, end)
        self.pane.scroll_to_span(head - 1 if head == end else head, head)

    def action_cancel(self) -> None:
        if self.anchor is not None:
            start, end = self.anchor
            self.anchor = None
            self._set_selection(start, end)
        elif self.search.active:
            self._clear_search()
        elif self.panel_filter is not None:
            self._filter_chosen("")
        elif self.from_library:
            self.dismiss(None)

    def _stop_extending(self) -> None:
        if self.anchor is not None:
            self.anchor = None
            self._show_selection()

    # -- focus -------------------------------------------------------------------------

    def action_switch_focus(self) -> None:
        if self.pane.has_focus:
            self.panel.focus()
        else:
            self.pane.focus()

    @on(AnnotationPanel.EntryChosen)
    def _entry_chosen(self, event: AnnotationPanel.EntryChosen) -> None:
        self._select(event.annotation.start, event.annotation.end)
        self.pane.focus()

    @on(AnnotationPanel.EntryHighlighted)
    def _entry_highlighted(self, event: AnnotationPanel.EntryHighlighted) -> None:
        self.selection = (event.annotation.start, event.annotation.end)
        self.pane.set_selection(*self.selection)
        self.pane.scroll_to_span(*self.selection)
        self._update_status()

    @on(ReadingPane.SpanClicked)
    def _clicked(self, event: ReadingPane.SpanClicked) -> None:
        sentence = self.document.sentence_at(event.offset)
        self._stop_extending()
        self._select(sentence.start, sentence.end)

    # -- selection ---------------------------------------------------------------------

    def _select(self, start: int, end: int, *, scroll: bool = True) -> None:
        self.anchor = None
        self._set_selection(start, end, scroll=scroll)

    def _set_selection(self, start: int, end: int, *, scroll: bool = True) -> None:
        self.selection = (start, end)
        self._show_selection(scroll=scroll)

    def _show_selection(self, *, scroll: bool = True) -> None:
        start, end = self.selection
        self.pane.set_selection(start, end, extending=self.anchor is not None)
        if scroll:
            self.pane.scroll_to_span(start, end)
        current = self.annotation_under_cursor(any_analyst=True)
        self.panel.highlight_id(current.id if current else None)
        self._update_status()

    def _search_status(self) -> str:
        search = self.search
        query = visible(search.query, newline=" ")
        if len(query) > 24:
            query = query[:23] + "…"
        query = display_line(query)  # Persian or Arabic in display order
        count = len(search.matches)
        if search.current is not None and self.selection == search.selected:
            return f"“{query}” match {search.current + 1:,}/{count:,} · "
        return f"“{query}” {count:,} match{'es' if count != 1 else ''} · "

    def _update_status(self) -> None:
        document = self.document
        paragraph = document.paragraph_index(self.selection[0]) + 1
        count = len(self.annotations)
        facts = (
            f"¶ {paragraph}/{len(document.paragraphs)} · "
            f"{count} annotation{'s' if count != 1 else ''} · "
            f"{visible(self.analyst, newline=' ')} · "
        )
        mode = "EXTENDING: j/k sentence, w/b word, esc cancels · " if self.anchor else ""
        if self.search.active:
            mode += self._search_status()
        if self.panel_filter is not None:
            mode += f"filter {visible(self.panel_filter.describe(self.codebook))} · "
        self.query_one(StatusLine).show(
            visible(document.title, newline=" "),
            ((mode, True), (facts, False), (self.save_state, self.save_state != "saved")),
        )


def _first_match_from(matches: list[tuple[int, int]], offset: int) -> int:
    """The index of the first match starting at or after `offset` (`len(matches)`: none)."""
    return bisect.bisect_left(matches, (offset,))

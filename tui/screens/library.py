"""The library screen: every document in the store, to choose one to read.

A row per document (older versions of revised files left out): title, annotations,
share of paragraphs annotated, orphans waiting to be re-attached, last opened. Most
recently opened first. `j`/`k` (or the arrows) move, `enter` opens, `/` filters by title
or path (`enter` back to the list, `escape` clears the filter).

Choosing a document posts `LibraryScreen.DocumentChosen` and, when the screen was pushed,
dismisses with the document id. The screen only reads the store; the app opens the
reader and records "last opened" (`annotations.library.mark_opened`).
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from annotations.attributes import AttributesError, attributes_of, set_attributes, stored
from annotations.citation import metadata_changes, source_fields
from annotations.errors import StoreError
from annotations.library import DocumentSummary, summaries
from annotations.safe_text import visible
from annotations.store import Store
from tui.widgets.attribute_form import AttributeForm
from tui.widgets.metadata_form import MetadataForm

COLUMNS = ("Title", "Notes", "Annotated", "Orphans", "Last opened")
MARKED = "■"


class LibraryScreen(Screen[str | None]):
    """The documents of a store; dismisses with the chosen document's id."""

    BINDINGS = [
        # A priority binding runs as the app reads the key, before it hands the keys
        # typed after it to whatever has focus: so "/gam" typed fast all reaches the filter.
        Binding("slash", "filter", "Filter", priority=True, id="library.filter"),
        Binding("j", "cursor_down", "Down", show=False, id="library.down"),
        Binding("k", "cursor_up", "Up", show=False, id="library.up"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="library.clear"),
        Binding("S", "edit_metadata", "Source details", id="library.metadata"),
        Binding("space", "mark", "Mark", id="library.mark"),
        Binding("e", "edit_attributes", "Attributes", id="library.attributes"),
        Binding("a", "analysis", "Analysis", id="library.analysis"),
    ]

    class DocumentChosen(Message):
        """The analyst chose a document to read."""

        def __init__(self, document_id: str) -> None:
            super().__init__()
            self.document_id = document_id

    class Loaded(Message):
        """The list is filled (it is read in a thread)."""

    class MarksChanged(Message):
        """The analyst marked or unmarked a document: `marked` are the ids marked now."""

        def __init__(self, marked: frozenset[str]) -> None:
            super().__init__()
            self.marked = marked

    class AnalysisAsked(Message):
        """The analyst asked for the analysis of the marked documents (else all)."""

    def __init__(self, store: Store, marked: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.store = store
        self.marked = set(marked)
        self.lines: list[DocumentSummary] = []
        self._read = False

    def compose(self) -> ComposeResult:
        with Vertical(id="library"):
            yield Static("", id="library-heading")
            yield Input(placeholder="filter by title or path", id="library-filter")
            yield Static(
                Content("No documents yet: open one with  gloss FILE  or  gloss FOLDER"),
                id="library-empty",
            )
            yield DataTable(cursor_type="row", zebra_stripes=True, id="library-table")
        yield Footer()

    def on_mount(self) -> None:
        self._add_columns()
        self.reload()
        self.set_focus(self.query_one(DataTable))

    def on_resize(self) -> None:
        self._add_columns()
        self._show(self._filter_text())

    def _add_columns(self) -> None:
        """The title takes what the other columns leave, so they always show."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        others = {"Notes": 6, "Annotated": 9, "Orphans": 7, "Last opened": 16}
        # Each column is padded by one cell on either side; keep room for a scrollbar.
        title_width = max(16, self.size.width - sum(others.values()) - 2 * len(COLUMNS) - 4)
        table.add_column("Title", width=title_width, key="title")
        for name, width in others.items():
            table.add_column(name, width=width, key=name)

    # -- content --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the documents again (after the reader changed annotations, say).

        Counting a large store's annotations takes a moment (about a second for 100,000),
        so it happens off the main thread; the screen says so meanwhile.
        """
        self.query_one("#library-heading", Static).update(Content("Library · reading…"))
        self._read_summaries()

    @work(thread=True, exclusive=True, group="library")
    def _read_summaries(self) -> None:
        lines = sorted(
            summaries(self.store),
            key=lambda line: (line.last_opened is None, _descending(line.last_opened), line.title),
        )
        self.app.call_from_thread(self._loaded, lines)

    def _loaded(self, lines: list[DocumentSummary]) -> None:
        if not self.is_attached:  # dismissed while reading
            return
        self.lines = lines
        self._read = True
        self._show(self._filter_text())
        self.post_message(self.Loaded())

    @property
    def shown_ids(self) -> list[str]:
        """The ids of the rows shown, top to bottom."""
        table = self.query_one(DataTable)
        return [str(row.key.value) for row in table.ordered_rows]

    def _filter_text(self) -> str:
        return self.query_one("#library-filter", Input).value.strip().casefold()

    def _show(self, needle: str) -> None:
        table = self.query_one(DataTable)
        table.clear()
        shown = [line for line in self.lines if _matches(line, needle)]
        for line in shown:
            table.add_row(*self._cells(line), key=line.id)
        self._shown_count = len(shown) if needle else None
        self._show_heading()
        self.query_one("#library-empty").set_class(self._read and not self.lines, "-shown")

    # -- actions --------------------------------------------------------------------------

    def action_filter(self) -> None:
        field = self.query_one("#library-filter", Input)
        field.display = True
        # Focus now, not on the next turn of the loop: keys typed right after "/" (a
        # fast typist, a paste) are already queued and must reach the filter.
        self.set_focus(field)

    def action_clear_filter(self) -> None:
        field = self.query_one("#library-filter", Input)
        if field.value or field.display:
            field.value = ""
            field.display = False
            self._show("")
            self.set_focus(self.query_one(DataTable))

    def action_edit_metadata(self) -> None:
        """The metadata form for the document under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        document_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        document = self.store.document(document_id)

        def edited(fields: dict[str, str] | None) -> None:
            changes = metadata_changes(document, fields) if fields is not None else {}
            if changes:
                try:
                    self.store.set_document_metadata(document_id, **changes)
                except StoreError as error:
                    self.notify(str(error), severity="error", markup=False)
                    return
                self.reload()

        self.app.push_screen(MetadataForm(source_fields(document)), edited)

    _shown_count: int | None = None  # the rows the filter leaves, while filtering

    def _show_heading(self) -> None:
        heading = f"Library · {len(self.lines)} document{'s' * (len(self.lines) != 1)}"
        if not self._read:
            heading = "Library · reading…"
        if self._shown_count is not None:
            heading += f" · {self._shown_count} matching"
        if self.marked:
            heading += f" · {len(self.marked)} marked ({MARKED}): a analyses them"
        else:
            heading += " · space marks documents to analyse together"
        self.query_one("#library-heading", Static).update(Content(heading))

    def _cells(self, line: DocumentSummary) -> tuple[Text, ...]:
        """The row's cells, a marked document's title after the mark."""
        cells = _cells(line)
        if line.id in self.marked:
            title = Text.assemble((MARKED + " ", "bold"), cells[0], no_wrap=True)
            title.overflow = "ellipsis"
            cells = (title, *cells[1:])
        return cells

    def action_mark(self) -> None:
        """Mark the document under the cursor (or unmark it), then go to the next one."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        document_id = str(row_key.value)
        self.marked ^= {document_id}
        line = next(line for line in self.lines if line.id == document_id)
        table.update_cell(row_key, "title", self._cells(line)[0])
        self._show_heading()
        self.post_message(self.MarksChanged(frozenset(self.marked)))
        table.action_cursor_down()

    def action_analysis(self) -> None:
        self.post_message(self.AnalysisAsked())

    def action_edit_attributes(self) -> None:
        """The attribute form (outlet, author, date, language, …) of the document under
        the cursor; what it changes is saved in one write."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        document_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        document = self.store.document(document_id)
        current = attributes_of(document, stored(self.store).get(document_id))

        def edited(changes: dict[str, str | None] | None) -> None:
            if not changes:
                return
            try:
                set_attributes(self.store, document_id, changes)
            except (AttributesError, StoreError) as error:
                self.notify(visible(str(error)), severity="error", markup=False)
                return
            count = len(changes)
            self.notify(f"{count} attribute{'s' * (count != 1)} saved.", markup=False)

        self.app.push_screen(AttributeForm(document.title, current), edited)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing a filter, j, k and / are letters, not commands.
        if action in (
            "cursor_down",
            "cursor_up",
            "filter",
            "edit_metadata",
            "edit_attributes",
            "mark",
            "analysis",
        ):
            return not isinstance(self.focused, Input)
        return True

    @on(Input.Changed, "#library-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._show(event.value.strip().casefold())

    @on(Input.Submitted, "#library-filter")
    def _filter_done(self) -> None:
        self.set_focus(self.query_one(DataTable))

    @on(DataTable.RowSelected, "#library-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        document_id = str(event.row_key.value)
        self.post_message(self.DocumentChosen(document_id))
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.dismiss(document_id)


def _matches(line: DocumentSummary, needle: str) -> bool:
    return (
        not needle
        or needle in line.title.casefold()
        or needle in (line.path or "").casefold()
        or needle in line.source.casefold()
    )


def _cells(line: DocumentSummary) -> tuple[Text, ...]:
    # Titles are untrusted: control characters made visible, and Text (never a str,
    # which DataTable would parse as markup) so "[bold]" shows as typed.
    title = Text(visible(" ".join(line.title.split()) or "Untitled"), no_wrap=True)
    if line.source:
        title.append("  " + visible(line.source), style="dim")
    title.overflow = "ellipsis"
    annotated = f"{round(100 * line.share_annotated)} %" if line.paragraphs else "–"
    last_opened = (line.last_opened or "never").replace("T", " ").removesuffix("Z")[:16]
    return (
        title,
        Text(str(line.annotations), justify="right"),
        Text(annotated, justify="right"),
        Text(str(line.orphans) if line.orphans else "", justify="right"),
        Text(last_opened),
    )


def _descending(timestamp: str | None) -> tuple[int, ...]:
    """A sort key that puts later ISO timestamps first."""
    return tuple(-ord(ch) for ch in timestamp or "")

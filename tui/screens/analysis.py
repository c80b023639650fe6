"""The analysis screen: what the annotations in scope add up to.

See docs/architecture.md, Analysis.

The scope is this document, the documents marked in the library, or the whole store (`s`
goes through them), narrowed by a code query (`/`: `iran & society & !convergence`, as
`gloss query` reads it) and, from the reader, by its panel filter. The screen follows the
store: tagging saved meanwhile (in another terminal, by another analyst) shows within a
second. Four views, on tabs:

- interests against actors (counts; arrow keys move between cells, `enter` lists the
  quotes of a cell with their memos, `enter` on a quote reads it in place), convergence
  vs divergence per interest beside them, tag frequencies as bars, where in the
  documents the annotations fall, and — with two or more analysts in scope — their
  agreement per code beside the table;
- code co-occurrence, the overlap it counts stated on screen (`annotations.cooccurrence`);
- codes by document attribute: outlet × interest, year × actor (`annotations.attribute_matrix`);
- where analysts disagree: the sentences one applied a code to and another did not.

The numbers come from `annotations`; this screen only lays them out. It dismisses with
the `Place` of the quote chosen, or None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from annotations.agreement import agreement
from annotations.analysis import (
    RELATION_GROUP,
    actor_interest_matrix,
    code_counts,
    matrix_groups,
    positions,
    relation_matrix,
)
from annotations.attributes import all_attributes
from annotations.codebook import Code, Codebook
from annotations.document import Document, Span
from annotations.errors import StoreError
from annotations.model import Annotation
from annotations.panel_filter import PanelFilter
from annotations.query import Query, QueryError
from annotations.safe_text import visible
from annotations.scope import Scope
from annotations.store import Store
from annotations.text_units import bidi_levels, cell_width, display_line, is_right_to_left
from tui.layout import wrap_paragraph
from tui.screens.analysis_views import (
    AttributeView,
    CellChosen,
    CooccurrenceView,
    Quotes,
    agreement_lines,
)
from tui.screens.disagreement_view import DisagreementView
from tui.screens.project_search import Place
from tui.widgets.vi_lists import ViDataTable, ViOptionList

# Below this width the tag bars go under the table instead of beside it.
NARROW_WIDTH = 110
_BLOCKS = " ▁▂▃▄▅▆▇█"  # eighths of a cell, bottom up
_BAR_EIGHTHS = " ▏▎▍▌▋▊▉█"  # eighths of a cell, left to right


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of the table: the annotations carrying both the `row` and the `column` code,
    or the `row` code alone when `column` is None (the "all" column)."""

    row: Code
    column: Code | None

    def holds(self, annotation: Annotation) -> bool:
        tags = annotation.tags
        return self.row.id in tags and (self.column is None or self.column.id in tags)

    @property
    def codes(self) -> tuple[str, str]:
        """The cell as its two code ids ("" for the "all" column): what a reader keeps."""
        return (self.row.id, self.column.id if self.column else "")

    def describe(self) -> str:
        if self.column is None:
            return visible(self.row.label)
        return f"{visible(self.row.label)} × {visible(self.column.label)}"


class MatrixTable(ViDataTable):
    """The counts, one row per interest; `h`/`j`/`k`/`l` move as the arrows do."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Quotes", id="analysis.quotes"),
    ]


class TagBars(Widget):
    """How many annotations carry each code, as bars in the codes' colours."""

    def __init__(self, counts: dict[str, int], codebook: Codebook, *, id: str) -> None:
        super().__init__(id=id)
        self.counts = counts
        self.codebook = codebook

    # Two columns of bars where the widget is at least this wide (under the table, in a
    # narrow terminal: half the lines).
    TWO_COLUMNS = 72

    def render(self) -> Content:
        width = self.size.width
        columns = 2 if width >= self.TWO_COLUMNS else 1
        column_cells = (width - 2 * (columns - 1)) // columns
        labels = {tag: self._label(tag) for tag in self.counts}
        label_cells = min(max((len(label) for label in labels.values()), default=0), 20)
        number_cells = max((len(str(n)) for n in self.counts.values()), default=1)
        bar_cells = max(4, column_cells - label_cells - number_cells - 2)
        most = max(self.counts.values(), default=0)
        entries = []
        for tag, count in self.counts.items():
            label = labels[tag][:label_cells].ljust(label_cells)
            entries.append(
                Content.assemble(
                    (label, "bold" if count else "dim"),
                    " ",
                    (_bar(count, most, bar_cells), self.codebook.color(tag)),
                    " ",
                    (str(count).rjust(number_cells), "" if count else "dim"),
                )
            )
        rows = self._rows(width)
        lines = [
            Content("  ").join(entries[row::rows] if columns == 2 else [entries[row]])
            for row in range(rows)
        ]
        return Content("\n").join(lines)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._rows(width)

    def _rows(self, width: int) -> int:
        columns = 2 if width >= self.TWO_COLUMNS else 1
        return max(1, -(-len(self.counts) // columns))

    def _label(self, tag: str) -> str:
        code = self.codebook.code(tag)
        return visible(code.label if code else tag, newline=" ")


class PositionStrip(Widget):
    """Where the annotations start, in as many sections of their documents as fit: a
    histogram two lines tall, then the start and end of the document (or, with several,
    of each document) under it."""

    def __init__(
        self, annotations: list[Annotation], documents: list[Document], *, id: str
    ) -> None:
        super().__init__(id=id)
        self.annotations = annotations
        self.documents = documents

    def render(self) -> Content:
        width = max(10, self.size.width)
        lengths = {document.id: len(document.text) for document in self.documents}
        counts = positions(self.annotations, lengths, sections=width).counts
        most = max(counts, default=0)
        # Sixteen heights in two rows of eighths.
        heights = [round(16 * n / most) if most else 0 for n in counts]
        heights = [max(h, 1) if n else 0 for h, n in zip(heights, counts, strict=True)]
        top = "".join(_BLOCKS[max(0, h - 8)] for h in heights)
        bottom = "".join(_BLOCKS[min(8, h)] for h in heights)
        if len(self.documents) == 1:
            start, end = "¶ 1", f"¶ {len(self.documents[0].paragraphs)}"
            middle = "start of the document → end"
        else:
            start, end, middle = "start", "end", "of each document, in proportion"
        axis = start + middle.center(width - len(start) - len(end)) + end
        return Content.assemble(
            (top, "$accent"), "\n", (bottom, "$accent"), "\n", (axis[:width], "dim")
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3


@dataclass(frozen=True, slots=True)
class ScopeChoice:
    """One of the scopes `s` goes through: what it is called and what it covers."""

    name: str
    scope: Scope


class AnalysisScreen(Screen[Place | None]):
    """The analysis of `store`'s annotations in a scope; dismisses with the place of the
    quote chosen, or None (`escape`). `document` (from the reader) offers "this document";
    `marked` (from the library) the marked documents; the whole store is always offered."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="analysis.back"),
        Binding("s", "next_scope", "Scope", id="analysis.scope"),
        Binding("slash", "edit_query", "Query", id="analysis.query"),
        Binding("g", "next_groups", "Groups", id="analysis.groups"),
        Binding("b", "next_attribute", "Attribute", id="analysis.attribute"),
        Binding("M", "memos", "Memos", id="analysis.memos"),
        Binding("1", "view('analysis-tab-matrix')", "Matrix", show=False),
        Binding("2", "view('analysis-tab-cooccurrence')", "Co-occurrence", show=False),
        Binding("3", "view('analysis-tab-attributes')", "By attribute", show=False),
        Binding("4", "view('analysis-tab-disagreements')", "Disagreements", show=False),
    ]
    # How often the store is looked at for tagging saved meanwhile.
    POLL_SECONDS = 1.0

    def __init__(
        self,
        store: Store,
        codebook: Codebook,
        *,
        document: Document | None = None,
        marked: Sequence[str] = (),
        panel_filter: PanelFilter | None = None,
        filter_description: str | None = None,
        start_with_marked: bool = False,
        opened_cell: tuple[str, str] | None = None,
        on_cell_opened: Callable[[tuple[str, str]], None] | None = None,
    ) -> None:
        super().__init__()
        # The matrix cell the analyst last opened (its `Cell.codes`), where the cursor
        # starts; `on_cell_opened` hears of each cell opened, so the reader can keep it.
        self.opened_cell = opened_cell
        self.on_cell_opened = on_cell_opened
        self.store = store
        self.codebook = codebook
        self.panel_filter = panel_filter
        self.filter_description = filter_description
        self.scopes: list[ScopeChoice] = []
        if document is not None:
            self.scopes.append(ScopeChoice("this document", Scope.of_document(document.id)))
        if marked:
            count = len(marked)
            name = f"the {count} marked document{'s' if count != 1 else ''}"
            self.scopes.append(ScopeChoice(name, Scope.of_documents(marked)))
        self.scopes.append(ScopeChoice("the whole store", Scope.whole_store()))
        self.scope_index = 1 if start_with_marked and document is not None and marked else 0
        self.query_expression = ""
        self.parsed_query: Query | None = None
        self.query_problem = ""
        self.cells: dict[tuple[int, int], Cell] = {}
        self.annotations: list[Annotation] = []
        self.documents: list[Document] = []
        self._read()

    @property
    def scope(self) -> Scope:
        return self.scopes[self.scope_index].scope

    def _read(self) -> bool:
        """Read the scope's annotations (query and panel filter applied) from the store;
        True when they differ from those shown."""
        documents = self.scope.documents(self.store)
        annotations = self.scope.annotations(self.store, query=self.parsed_query)
        if self.panel_filter is not None:
            annotations = [a for a in annotations if self.panel_filter.matches(a)]
        # The store keeps one Annotation per record until it changes: identity says
        # whether anything did, without comparing every field.
        same = len(annotations) == len(self.annotations) and all(
            new is old for new, old in zip(annotations, self.annotations, strict=True)
        )
        same = same and [d.id for d in documents] == [d.id for d in self.documents]
        self.annotations, self.documents = annotations, documents
        return not same

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), id="analysis-heading")
        yield Input(
            self.query_expression,
            placeholder='/ query: iran & society & !convergence, @ben, "supply route"',
            id="analysis-query",
        )
        yield Static(self._scope(), id="analysis-scope")
        with TabbedContent(id="analysis-tabs"):
            # The body is focusable: in a terminal too short for it all, shift+tab then
            # the arrows scroll it.
            with (
                TabPane("1 Actors × interests", id="analysis-tab-matrix"),
                VerticalScroll(id="analysis-body"),
                Vertical(id="analysis-matrix-view"),
            ):
                yield from self._matrix_view()
            with (
                TabPane("2 Co-occurrence", id="analysis-tab-cooccurrence"),
                VerticalScroll(classes="analysis-view"),
            ):
                yield CooccurrenceView(self.codebook, id="analysis-cooccurrence")
            with (
                TabPane("3 By attribute", id="analysis-tab-attributes"),
                VerticalScroll(classes="analysis-view"),
            ):
                yield AttributeView(self.codebook, id="analysis-attributes")
            with TabPane("4 Disagreements", id="analysis-tab-disagreements"):
                yield DisagreementView(self.codebook, id="analysis-disagreements")
        yield Footer()

    def on_mount(self) -> None:
        self._show_views()
        self._focus_view()
        place = next((at for at, c in self.cells.items() if c.codes == self.opened_cell), None)
        if place is not None:
            for table in self.query(MatrixTable):
                table.move_cursor(row=place[0], column=place[1], animate=False)
        self.set_interval(self.POLL_SECONDS, self._follow_store)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    async def _show_all(self) -> None:
        """Draw every view from the annotations read last."""
        self.query_one("#analysis-heading", Static).update(self._heading())
        self.query_one("#analysis-scope", Static).update(self._scope())
        view = self.query_one("#analysis-matrix-view", Vertical)
        table = self.query(MatrixTable).first() if self.query(MatrixTable) else None
        cursor = table.cursor_coordinate if table is not None else None
        had_focus = table is not None and table.has_focus
        await view.remove_children()
        await view.mount_all(list(self._matrix_view()))
        if cursor is not None:
            for table in self.query(MatrixTable):
                table.move_cursor(row=cursor.row, column=cursor.column, animate=False)
                if had_focus:
                    table.focus()
        self._show_views()

    def _show_views(self) -> None:
        """Draw the views on the other tabs."""
        self.query_one(CooccurrenceView).show(self.annotations)
        attributes = all_attributes(self.store)
        in_scope = {d.id: attributes.get(d.id, {}) for d in self.documents}
        self.query_one(AttributeView).show(self.annotations, in_scope)
        self.query_one(DisagreementView).show(self.documents, self.annotations)

    def _matrix_view(self) -> list[Widget]:
        table = self._matrix_table()
        left: list[Widget] = [Static(self._table_title(), classes="analysis-title")]
        if table.row_count and table.columns:
            left.append(table)
        else:
            left.append(
                Static(
                    Content("The codebook has no two groups of codes to cross."),
                    id="analysis-no-table",
                )
            )
        left += [
            Static(
                Content("Where in the documents the annotations fall"),
                classes="analysis-title",
            ),
            PositionStrip(self.annotations, self.documents, id="analysis-positions"),
        ]
        right: list[Widget] = [
            Static(Content("Tags"), classes="analysis-title"),
            TagBars(
                code_counts(self.annotations, self.codebook), self.codebook, id="analysis-tags"
            ),
        ]
        analysts = sorted({a.analyst for a in self.annotations})
        if len(analysts) >= 2:
            figures = agreement(self.documents, self.annotations, analysts, self.codebook)
            right.append(Static(agreement_lines(figures, self.codebook), id="analysis-agreement"))
        return [
            Horizontal(
                Vertical(*left, id="analysis-left"),
                Vertical(*right, id="analysis-right"),
                id="analysis-columns",
            )
        ]

    def _heading(self) -> Content:
        choice = self.scopes[self.scope_index]
        described = self.scope.describe(self.store)
        return Content.assemble(
            ("Analysis", "bold $primary"),
            "  ",
            (display_line(visible(described, newline=" ")), "bold"),
            (f"  ({choice.name})" if "marked" in choice.name else "", "dim"),
            ("  · s: scope" if len(self.scopes) > 1 else "", "dim"),
        )

    def _scope(self) -> Content:
        count = len(self.annotations)
        analysts = Counter(a.analyst for a in self.annotations)
        who = ", ".join(f"{visible(name, newline=' ')} {n}" for name, n in analysts.most_common())
        parts = [f"{count} annotation{'s' if count != 1 else ''}"]
        if who:
            parts.append(f"by {who}")
        scope = Content(" · ".join(parts))
        if self.query_problem:
            scope += Content.styled(f" · {visible(self.query_problem)}", "bold $error")
        elif self.parsed_query is not None:
            scope += Content.assemble(
                " · matching ", (visible(str(self.parsed_query), newline=" "), "bold")
            )
        if self.filter_description is None:
            scope += Content(" · follows new tagging")
            return scope
        return Content.assemble(
            scope,
            " · ",
            ("only those the panel filter shows: ", "bold $warning"),
            (visible(self.filter_description, newline=" "), "bold"),
            " (f in the reader changes it, esc there clears it)",
        )

    def _table_title(self) -> Content:
        row_group, column_group = matrix_groups(self.codebook)
        names = [self.codebook.group(g) for g in (column_group, row_group) if g is not None]
        title = " × ".join(visible(group.label, newline=" ") for group in names if group)
        if relation_matrix([], self.codebook) is not None:
            relation = self.codebook.group(RELATION_GROUP)
            title += f", and {visible(relation.label, newline=' ').lower()}" if relation else ""
        return Content(f"{title} — enter lists the quotes")

    def _matrix_table(self) -> MatrixTable:
        """Rows: the interests (the matrix's column group); columns: the actors, "all",
        then convergence and divergence (when the codebook has a relation group)."""
        matrix = actor_interest_matrix(self.annotations, self.codebook)
        relations = relation_matrix(self.annotations, self.codebook)
        counts = code_counts(self.annotations, self.codebook)
        table = MatrixTable(
            cursor_type="cell", cursor_background_priority="css", id="analysis-matrix"
        )
        self.cells = {}
        actors, interests = matrix.rows, matrix.columns
        relation_codes = relations.columns if relations is not None else ()
        for actor in actors:
            table.add_column(self._header(actor))
        table.add_column(Text("all", style="bold"))
        for relation in relation_codes:
            table.add_column(self._header(relation))
        most = max((matrix.count(a.id, i.id) for a in actors for i in interests), default=0)
        for y, interest in enumerate(interests):
            row: list[Text] = []
            for x, actor in enumerate(actors):
                self.cells[(y, x)] = Cell(interest, actor)
                row.append(self._count(matrix.count(actor.id, interest.id), most, actor.color))
            self.cells[(y, len(actors))] = Cell(interest, None)
            row.append(self._count(counts.get(interest.id, 0), 0, None))
            for x, relation in enumerate(relation_codes, start=len(actors) + 1):
                self.cells[(y, x)] = Cell(interest, relation)
                assert relations is not None
                row.append(self._count(relations.count(interest.id, relation.id), 0, None))
            label = Text(visible(interest.label, newline=" "), style=f"bold {_hex(interest.color)}")
            table.add_row(*row, label=label)
        return table

    def _header(self, code: Code) -> Text:
        return Text(visible(code.label, newline=" "), style=f"bold {_hex(code.color)}")

    def _count(self, count: int, most: int, color: str | None) -> Text:
        """A count right-aligned, zero as a dim dot; in the actor columns a tint of the
        actor's colour as strong as the count is large."""
        if not count:
            return Text("·", style="dim", justify="right")
        style = "bold"
        if color and most:
            share = 0.2 + 0.6 * count / most
            style += f" on {_blend_hex(color, share)}"
        return Text(str(count), style=style, justify="right")

    # -- following the store -----------------------------------------------------------

    async def _follow_store(self) -> None:
        """Take in what was saved meanwhile (here or in another running copy) and redraw
        when the annotations in scope changed."""
        try:
            self.store.refresh()
        except StoreError:
            return  # the reader under this screen says what is wrong with the files
        if self._read():
            await self._show_all()

    async def _reread(self) -> None:
        self._read()
        await self._show_all()

    # -- actions -----------------------------------------------------------------------

    @on(DataTable.CellSelected, "#analysis-matrix")
    def _cell_chosen(self, event: DataTable.CellSelected) -> None:
        event.stop()
        cell = self.cells.get((event.coordinate.row, event.coordinate.column))
        if cell is None:
            return
        if self.on_cell_opened is not None:
            self.on_cell_opened(cell.codes)
        quotes = [a for a in self.annotations if cell.holds(a)]
        self._list_quotes(Quotes(cell.describe(), tuple(quotes)))

    @on(CellChosen)
    def _view_cell_chosen(self, event: CellChosen) -> None:
        self._list_quotes(event.quotes)

    def _list_quotes(self, quotes: Quotes) -> None:
        if not quotes.annotations:
            self.notify(f"No annotation in {quotes.title}.", markup=False)
            return
        documents = {d.id: d for d in self.documents}
        screen = QuotesScreen(documents, self.codebook, quotes.title, list(quotes.annotations))
        self.app.push_screen(screen, self._quote_chosen)

    def _quote_chosen(self, annotation: Annotation | None) -> None:
        if annotation is not None:
            self.dismiss(Place(annotation.document, annotation.start, annotation.end))

    @on(DisagreementView.SentenceChosen)
    def _sentence_chosen(self, event: DisagreementView.SentenceChosen) -> None:
        self.dismiss(event.place)

    async def action_next_scope(self) -> None:
        self.scope_index = (self.scope_index + 1) % len(self.scopes)
        await self._reread()

    def action_edit_query(self) -> None:
        self.query_one("#analysis-query", Input).focus()

    @on(Input.Submitted, "#analysis-query")
    async def _query_submitted(self, event: Input.Submitted) -> None:
        expression = event.value.strip()
        try:
            query = Query.parse(expression, self.codebook) if expression else None
        except QueryError as error:
            self.query_problem = str(error)
            self.query_one("#analysis-scope", Static).update(self._scope())
            return
        self.query_problem = ""
        self.query_expression, self.parsed_query = expression, query
        await self._reread()
        self._focus_view()

    def action_view(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        self._focus_view()

    def action_memos(self) -> None:
        """Every memo of the scope (those of the annotations shown, and the document and
        project memos), to read in place or to write."""
        from tui.screens.memo_view import MemoScreen

        screen = MemoScreen(
            self.store,
            self.codebook,
            self.scope,
            analyst=getattr(self.app, "analyst", ""),
            annotations=self.annotations,
        )
        self.app.push_screen(screen, self._memo_chosen)

    def _memo_chosen(self, place: Place | None) -> None:
        if place is not None:
            self.dismiss(place)

    def action_next_groups(self) -> None:
        self.query_one(CooccurrenceView).next_choice()
        self.query_one(AttributeView).next_group()

    def action_next_attribute(self) -> None:
        self.query_one(AttributeView).next_attribute()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the query is typed, these keys are letters; escape leaves the field.
        return action == "back" or not isinstance(self.focused, Input)

    def _focus_view(self) -> None:
        """Focus the table of the tab shown (else the tab's body, to scroll it)."""
        pane = self.query_one(f"#{self.query_one(TabbedContent).active}")
        tables = pane.query(DataTable) or pane.query(OptionList) or pane.query(VerticalScroll)
        if tables:
            tables.first().focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self._focus_view()
            return
        self.dismiss(None)


class QuoteList(ViOptionList):
    """One option per annotation; `j`/`k` move as the arrows do."""

    BINDINGS = [
        Binding("enter", "select", "Read it in place", id="quotes.read"),
    ]


class QuotesScreen(Screen[Annotation | None]):
    """The quotes of one cell with their memos; `enter` goes to the quote in the reader.

    The list is filled a batch at a time, the next batch as the highlight nears the end of
    what is there: a cell of five thousand quotes opens as fast as one of fifty.
    """

    BINDINGS = [Binding("escape", "back", "Table", id="quotes.back")]
    BATCH = 100

    def __init__(
        self,
        documents: dict[str, Document],
        codebook: Codebook,
        title: str,
        quotes: list[Annotation],
    ) -> None:
        super().__init__()
        self.documents = documents
        self.codebook = codebook
        self.title_text = title
        self.quotes = quotes
        self._listed = 0  # how many quotes the list holds so far

    def compose(self) -> ComposeResult:
        count = len(self.quotes)
        yield Static(
            Content.assemble(
                (self.title_text, "bold $primary"),
                f"  {count:,} annotation{'s' if count != 1 else ''} — enter reads it in place",
            ),
            id="quotes-heading",
        )
        yield QuoteList(id="quotes-list")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        self._list_more(options)
        options.highlighted = 0
        options.focus()

    def _list_more(self, options: OptionList) -> None:
        batch = self.quotes[self._listed : self._listed + self.BATCH]
        entries: list[Option | None] = []
        for annotation in batch:
            if self._listed or entries:
                entries.append(None)  # a line between entries
            entries.append(self._option(annotation))
        self._listed += len(batch)
        options.add_options(entries)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        options = event.option_list
        if self._listed < len(self.quotes) and event.option_index >= options.option_count - 5:
            self._list_more(options)

    def _option(self, annotation: Annotation) -> Option:
        document = self.documents.get(annotation.document)
        paragraph = document.paragraph_index(annotation.start) + 1 if document else 0
        quote = visible(" ".join(annotation.quote.split()))
        if len(quote) > 400:
            quote = quote[:399] + "…"
        width = max(20, self.app.size.width - 6)  # the list's padding and scrollbar
        tags = []
        for tag in annotation.tags:
            code = self.codebook.code(tag)
            label = visible(code.label if code else tag, newline=" ")
            tags += [(label, f"bold {self.codebook.color(tag)}"), " "]
        where = ""
        if document is not None and len(self.documents) > 1:
            where = visible(" ".join(document.title.split()), newline=" ")[:40] + "  "
        lines = [
            Content.assemble(
                (where, "bold"),
                (f"¶ {paragraph}", "bold"),
                "  ",
                *tags,
                " ",
                (visible(annotation.analyst, newline=" "), "dim"),
                ("  " + annotation.confidence if annotation.confidence else "", "dim"),
            ),
            *(Content.styled(line, "italic") for line in _display_lines(f"“{quote}”", width)),
        ]
        memo = visible(" ".join(annotation.memo.split()))
        if memo:
            memo_lines = _display_lines(memo, width - 5)
            lines.append(Content.assemble(("memo ", "dim"), memo_lines[0]))
            lines += [Content("     " + line) for line in memo_lines[1:]]
        return Option(Content("\n").join(lines), id=annotation.id)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next(a for a in self.quotes if a.id == event.option.id)
        self.dismiss(chosen)

    def action_back(self) -> None:
        self.dismiss(None)


def _display_lines(text: str, width: int) -> list[str]:
    """`text` as lines to draw: as it is where it runs left to right (the list wraps it);
    wrapped here and put in display order where it holds right-to-left script, a
    right-to-left paragraph set flush right (as the reading pane sets it)."""
    levels = bidi_levels(text)
    if levels is None:
        return [text]
    flush_right = is_right_to_left(text)
    lines = []
    for start, end in wrap_paragraph(text, Span(0, len(text)), width):
        line = text[start:end].rstrip()
        shown = display_line(line, levels[start : start + len(line)])
        if flush_right:
            shown = " " * max(0, width - cell_width(shown)) + shown
        lines.append(shown)
    return lines


def _bar(count: int, most: int, cells: int) -> str:
    """A bar `cells` wide at most, in eighths of a cell; at least a sliver for any count."""
    if not count or not most:
        return " " * cells
    eighths = max(1, round(8 * cells * count / most))
    full, rest = divmod(eighths, 8)
    bar = "█" * full + (_BAR_EIGHTHS[rest] if rest else "")
    return bar.ljust(cells)


def _hex(color: str) -> str:
    """A codebook colour (`#rgb` or `#rrggbb`) as Rich styles take it: `#RRGGBB`."""
    return Color.parse(color).hex


def _blend_hex(color: str, share: float) -> str:
    """`color` mixed into black by `share`: a tint that keeps text readable."""
    return Color(0, 0, 0).blend(Color.parse(color), share).hex

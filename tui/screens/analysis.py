"""The analysis screen: what the open document's annotations add up to.

See docs/architecture.md, Analysis.

Interests against actors (counts; arrow keys move between cells, `enter` lists the
quotes of a cell with their memos, `enter` on a quote goes back to the reader with that
span selected), convergence vs divergence per interest beside them, tag frequencies as
bars, and where in the document the annotations fall. The numbers come from
`annotations.analysis`; this screen only lays them out.

The screen is handed the annotations the reader's panel shows (its filter applied) and
dismisses with the span to select, or None.
"""

from __future__ import annotations

from collections import Counter
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
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from annotations.analysis import (
    RELATION_GROUP,
    actor_interest_matrix,
    code_counts,
    matrix_groups,
    positions,
    relation_matrix,
)
from annotations.codebook import Code, Codebook
from annotations.document import Document, Span
from annotations.model import Annotation
from annotations.safe_text import visible
from annotations.text_units import bidi_levels, cell_width, display_line, is_right_to_left
from tui.layout import wrap_paragraph

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

    def describe(self) -> str:
        if self.column is None:
            return visible(self.row.label)
        return f"{visible(self.row.label)} × {visible(self.column.label)}"


class MatrixTable(DataTable[Text]):
    """The counts, one row per interest; `h`/`j`/`k`/`l` move as the arrows do."""

    BINDINGS = [
        Binding("h", "cursor_left", "Left", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("l", "cursor_right", "Right", show=False),
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
    """Where the annotations start, in as many sections of the document as fit: a
    histogram two lines tall, then the start and end of the document under it."""

    def __init__(self, annotations: list[Annotation], document: Document, *, id: str) -> None:
        super().__init__(id=id)
        self.annotations = annotations
        self.document = document

    def render(self) -> Content:
        width = max(10, self.size.width)
        lengths = {self.document.id: len(self.document.text)}
        counts = positions(self.annotations, lengths, sections=width).counts
        most = max(counts, default=0)
        # Sixteen heights in two rows of eighths.
        heights = [round(16 * n / most) if most else 0 for n in counts]
        heights = [max(h, 1) if n else 0 for h, n in zip(heights, counts, strict=True)]
        top = "".join(_BLOCKS[max(0, h - 8)] for h in heights)
        bottom = "".join(_BLOCKS[min(8, h)] for h in heights)
        paragraphs = len(self.document.paragraphs)
        start, end = "¶ 1", f"¶ {paragraphs}"
        axis = start + "start of the document → end".center(width - len(start) - len(end)) + end
        return Content.assemble(
            (top, "$accent"), "\n", (bottom, "$accent"), "\n", (axis[:width], "dim")
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3


class AnalysisScreen(Screen[tuple[int, int] | None]):
    """Dismisses with the span of the quote chosen, or None (`escape`)."""

    BINDINGS = [Binding("escape", "back", "Reader", id="analysis.back")]

    def __init__(
        self,
        document: Document,
        codebook: Codebook,
        annotations: list[Annotation],
        *,
        filter_description: str | None = None,
    ) -> None:
        super().__init__()
        self.document = document
        self.codebook = codebook
        self.annotations = annotations
        self.filter_description = filter_description
        self.cells: dict[tuple[int, int], Cell] = {}

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Focusable: in a terminal too short for it all, tab then the arrows scroll it.
        with VerticalScroll(id="analysis-body"):
            yield Static(self._heading(), id="analysis-heading")
            yield Static(self._scope(), id="analysis-scope")
            with Horizontal(id="analysis-columns"):
                with Vertical(id="analysis-left"):
                    yield Static(self._table_title(), classes="analysis-title")
                    table = self._matrix_table()
                    if table.row_count and table.columns:
                        yield table
                    else:
                        yield Static(
                            Content("The codebook has no two groups of codes to cross."),
                            id="analysis-no-table",
                        )
                    yield Static(
                        Content("Where in the document the annotations fall"),
                        classes="analysis-title",
                    )
                    yield PositionStrip(self.annotations, self.document, id="analysis-positions")
                with Vertical(id="analysis-right"):
                    yield Static(Content("Tags"), classes="analysis-title")
                    yield TagBars(
                        code_counts(self.annotations, self.codebook),
                        self.codebook,
                        id="analysis-tags",
                    )
        yield Footer()

    def on_mount(self) -> None:
        for table in self.query(MatrixTable):
            table.focus()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    def _heading(self) -> Content:
        return Content.assemble(
            ("Analysis", "bold $primary"),
            "  ",
            (display_line(visible(self.document.title, newline=" ")), "bold"),
        )

    def _scope(self) -> Content:
        count = len(self.annotations)
        analysts = Counter(a.analyst for a in self.annotations)
        who = ", ".join(f"{visible(name, newline=' ')} {n}" for name, n in analysts.most_common())
        parts = [f"{count} annotation{'s' if count != 1 else ''}"]
        if who:
            parts.append(f"by {who}")
        scope = Content(" · ".join(parts))
        if self.filter_description is None:
            return scope + Content(" · every annotation of this document")
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

    # -- actions -----------------------------------------------------------------------

    @on(DataTable.CellSelected)
    def _cell_chosen(self, event: DataTable.CellSelected) -> None:
        event.stop()
        cell = self.cells.get((event.coordinate.row, event.coordinate.column))
        if cell is None:
            return
        quotes = [a for a in self.annotations if cell.holds(a)]
        if not quotes:
            self.notify(f"No annotation is tagged {cell.describe()}.", markup=False)
            return
        screen = QuotesScreen(self.document, self.codebook, cell, quotes)
        self.app.push_screen(screen, self._quote_chosen)

    def _quote_chosen(self, annotation: Annotation | None) -> None:
        if annotation is not None:
            self.dismiss((annotation.start, annotation.end))

    def action_back(self) -> None:
        self.dismiss(None)


class QuoteList(OptionList):
    """One option per annotation; `j`/`k` move as the arrows do."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
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
        self, document: Document, codebook: Codebook, cell: Cell, quotes: list[Annotation]
    ) -> None:
        super().__init__()
        self.document = document
        self.codebook = codebook
        self.cell = cell
        self.quotes = quotes
        self._listed = 0  # how many quotes the list holds so far

    def compose(self) -> ComposeResult:
        count = len(self.quotes)
        yield Static(
            Content.assemble(
                (self.cell.describe(), "bold $primary"),
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
        paragraph = self.document.paragraph_index(annotation.start) + 1
        quote = visible(" ".join(annotation.quote.split()))
        if len(quote) > 400:
            quote = quote[:399] + "…"
        width = max(20, self.app.size.width - 6)  # the list's padding and scrollbar
        tags = []
        for tag in annotation.tags:
            code = self.codebook.code(tag)
            label = visible(code.label if code else tag, newline=" ")
            tags += [(label, f"bold {self.codebook.color(tag)}"), " "]
        lines = [
            Content.assemble(
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

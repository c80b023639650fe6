"""The analysis screen's views beyond the actor × interest table: code co-occurrence,
codes by document attribute, and agreement between analysts.

Each view is handed the annotations in scope (attributes down) and draws what the domain
computes from them — `annotations.cooccurrence`, `annotations.attribute_matrix`,
`annotations.agreement`. A cell chosen with `enter` is reported up as `CellChosen` with
the quotes it counts, for the screen to list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from annotations.agreement import Agreement
from annotations.attribute_matrix import NO_VALUE, attribute_matrix
from annotations.codebook import Codebook
from annotations.cooccurrence import all_codes, cooccurrence, group_codes
from annotations.model import Annotation
from annotations.safe_text import visible
from tui.widgets.vi_lists import ViDataTable

OVERLAP_DEFINITION = (
    "Overlap: two annotations of one document sharing at least one character (the same "
    "span included), any analyst's. A cell counts such pairs where one carries the row's "
    "code and the other the column's — an annotation carrying both is a pair with itself; "
    "the diagonal counts the annotations carrying the code."
)


@dataclass(frozen=True, slots=True)
class Quotes:
    """What a cell counts: a title for the list and its annotations, in document order."""

    title: str
    annotations: tuple[Annotation, ...]


class CountsTable(ViDataTable):
    """A table of counts; `h`/`j`/`k`/`l` move as the arrows do, `enter` lists a cell's
    quotes."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Quotes", id="analysis.cell_quotes"),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(cursor_type="cell", cursor_background_priority="css", id=id)
        self.quotes: dict[tuple[int, int], Quotes] = {}


class CellChosen(Message):
    """A cell of one of the views was chosen: list its quotes."""

    def __init__(self, quotes: Quotes) -> None:
        super().__init__()
        self.quotes = quotes


def _label(codebook: Codebook, code_id: str) -> str:
    code = codebook.code(code_id)
    return visible(code.label if code else code_id, newline=" ")


def _count(count: int) -> Text:
    if not count:
        return Text("·", style="dim", justify="right")
    return Text(str(count), style="bold", justify="right")


def _keep_cursor(table: CountsTable, fill: Callable[[], None]) -> None:
    """Refill `table` and put the cursor back where it was (a live update must not move it)."""
    cursor = table.cursor_coordinate
    table.clear(columns=True)
    table.quotes = {}
    fill()
    if table.row_count and table.columns:
        row = min(cursor.row, table.row_count - 1)
        column = min(cursor.column, len(table.columns) - 1)
        table.move_cursor(row=row, column=column, animate=False)


class _TableView(Vertical):
    """A title, a line of help and a counts table, refilled when the annotations change."""

    def __init__(self, codebook: Codebook, *, id: str) -> None:
        super().__init__(id=id)
        self.codebook = codebook
        self.annotations: Sequence[Annotation] = ()

    def compose(self) -> ComposeResult:
        yield Static(Content(""), classes="analysis-title view-title")
        yield Static(Content(""), classes="view-help")
        yield CountsTable(id=f"{self.id}-table")

    @property
    def table(self) -> CountsTable:
        return self.query_one(CountsTable)

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        quotes = self.table.quotes.get((event.coordinate.row, event.coordinate.column))
        if quotes is not None:
            self.post_message(CellChosen(quotes))

    def _titles(self, title: str, help_text: str) -> None:
        self.query_one(".view-title", Static).update(Content(title))
        self.query_one(".view-help", Static).update(Content(help_text))


class CooccurrenceView(_TableView):
    """Code × code: two groups of the codebook crossed, or every code with every code
    (`g` goes through them)."""

    def __init__(self, codebook: Codebook, *, id: str) -> None:
        super().__init__(codebook, id=id)
        groups = [group.id for group in codebook.groups]
        self.choices: list[tuple[str, str] | None] = [
            (first, second) for index, first in enumerate(groups) for second in groups[index + 1 :]
        ]
        self.choices.append(None)  # every code
        self.choice = 0

    def next_choice(self) -> None:
        """Cross the next two groups (after the last pair: all codes)."""
        self.choice = (self.choice + 1) % len(self.choices)
        self.show(self.annotations)

    def _codes(self, annotations: Sequence[Annotation]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        choice = self.choices[self.choice]
        if choice is None:
            codes = all_codes(self.codebook, annotations)
            return codes, codes
        return group_codes(self.codebook, choice[0]), group_codes(self.codebook, choice[1])

    def describe_choice(self) -> str:
        choice = self.choices[self.choice]
        if choice is None:
            return "every code × every code"
        labels = []
        for group_id in choice:
            group = self.codebook.group(group_id)
            labels.append(visible(group.label if group else group_id, newline=" "))
        return " × ".join(labels)

    def show(self, annotations: Sequence[Annotation]) -> None:
        """Count `annotations` (the scope's, with the query applied) and draw the table."""
        self.annotations = annotations
        rows, columns = self._codes(annotations)
        matrix = cooccurrence(annotations, rows, columns)
        self._titles(
            f"Co-occurrence: {self.describe_choice()} — enter lists the quotes, "
            "g crosses other groups",
            OVERLAP_DEFINITION,
        )
        table = self.table

        def fill() -> None:
            for column in columns:
                table.add_column(Text(_label(self.codebook, column), style="bold"))
            for y, row in enumerate(rows):
                cells = []
                for x, column in enumerate(columns):
                    count = matrix.count(row, column)
                    cells.append(_count(count))
                    seen: dict[str, Annotation] = {}
                    for overlap in matrix.overlaps(row, column):
                        for annotation in overlap.annotations:
                            seen.setdefault(annotation.id, annotation)
                    pairs = "annotation" if row == column else "overlapping pair"
                    title = (
                        f"{_label(self.codebook, row)} × {_label(self.codebook, column)}: "
                        f"{count} {pairs}{'s' if count != 1 else ''}"
                    )
                    ordered = sorted(seen.values(), key=lambda a: (a.document, a.start, a.end))
                    table.quotes[(y, x)] = Quotes(title, tuple(ordered))
                table.add_row(*cells, label=Text(_label(self.codebook, row), style="bold"))

        _keep_cursor(table, fill)


class AttributeView(_TableView):
    """Codes by a document attribute: one row per value (outlet, year, …), one column per
    code of a group; `b` goes through the attributes, `g` through the groups."""

    def __init__(self, codebook: Codebook, *, id: str) -> None:
        super().__init__(codebook, id=id)
        self.attributes: Mapping[str, Mapping[str, str]] = {}
        self.names: list[str] = []
        self.name_index = 0
        self.groups = [group.id for group in codebook.groups]
        # Interests first where there are some: "outlet × interest" is the question.
        self.group_index = self.groups.index("interest") if "interest" in self.groups else 0

    def next_attribute(self) -> None:
        if self.names:
            self.name_index = (self.name_index + 1) % len(self.names)
            self.show(self.annotations, self.attributes)

    def next_group(self) -> None:
        if self.groups:
            self.group_index = (self.group_index + 1) % len(self.groups)
            self.show(self.annotations, self.attributes)

    def show(
        self, annotations: Sequence[Annotation], attributes: Mapping[str, Mapping[str, str]]
    ) -> None:
        """Count `annotations` by `attributes` (document id -> {name: value}, the scope's
        documents) and draw the table."""
        self.annotations, self.attributes = annotations, attributes
        names = sorted({name for values in attributes.values() for name in values})
        standard = [n for n in ("outlet", "year", "author", "language", "date") if n in names]
        self.names = standard + [n for n in names if n not in standard]
        table = self.table
        if not self.names or not self.groups:
            self._titles(
                "By attribute",
                "No document in scope has attributes yet: set outlet, date and others "
                "from the library (e), or with gloss attributes import FILE.csv.",
            )
            _keep_cursor(table, lambda: None)
            return
        self.name_index %= len(self.names)
        name = self.names[self.name_index]
        group_id = self.groups[self.group_index]
        group = self.codebook.group(group_id)
        codes = group_codes(self.codebook, group_id)
        matrix = attribute_matrix(annotations, attributes, name, codes)
        group_label = visible(group.label if group else group_id, newline=" ")
        self._titles(
            f"{visible(name)} × {group_label} — enter lists the quotes, b another "
            "attribute, g another group",
            "A cell counts the annotations of the documents with that value that carry the "
            "code; (n) is how many documents have the value.",
        )

        def fill() -> None:
            for code in codes:
                table.add_column(Text(_label(self.codebook, code), style="bold"))
            table.add_column(Text("all", style="bold"))
            for y, value in enumerate(matrix.rows):
                shown = visible(value, newline=" ") if value != NO_VALUE else "(none)"
                label = Text(f"{shown} ({len(matrix.documents[value])})", style="bold")
                cells = []
                for x, code in enumerate(codes):
                    cells.append(_count(matrix.count(value, code)))
                    quotes = matrix.annotations(value, code)
                    title = f"{visible(name)} {shown} × {_label(self.codebook, code)}"
                    table.quotes[(y, x)] = Quotes(f"{title}: {len(quotes)}", quotes)
                cells.append(_count(matrix.row_total(value)))
                in_row = set(matrix.documents[value])
                every = tuple(a for a in annotations if a.document in in_row)
                table.quotes[(y, len(codes))] = Quotes(f"{visible(name)} {shown}", every)
                table.add_row(*cells, label=label)

        _keep_cursor(table, fill)


def agreement_lines(agreement: Agreement, codebook: Codebook) -> Content:
    """Agreement per code as lines: the label, kappa (two analysts) and alpha, as
    `gloss agree` gives them; codes nobody applied are left out."""
    analysts = ", ".join(visible(name, newline=" ") for name in agreement.analysts)
    lines = [
        Content.styled(f"Agreement of {analysts}", "bold $primary"),
        Content(f"over {agreement.units:,} sentences (— where there is nothing to agree on)"),
    ]
    two = len(agreement.analysts) == 2
    lines.append(Content.styled(f"{'code':<20}{'kappa':>7}{'alpha':>7}" if two else "", "dim"))
    if not two:
        lines[-1] = Content.styled(f"{'code':<20}{'alpha':>7}", "dim")
    for code in agreement.codes:
        if not any(code.applied.values()):
            continue
        label = _label(codebook, code.code)[:19]
        kappa = _coefficient(code.kappa) if two else ""
        lines.append(Content(f"{label:<20}{kappa:>7}{_coefficient(code.alpha):>7}"))
    return Content("\n").join(lines)


def _coefficient(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"

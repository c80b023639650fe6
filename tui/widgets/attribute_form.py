"""The attribute form: a document's attributes (case variables — outlet, author, date,
language, and any the analyst defines), one row each, editable, with two empty rows for
new ones. An emptied value removes the attribute; `year` comes from the date unless set.

The form checks names and values as the store will (`annotations.attributes`) and says
what is wrong on its last line instead of closing; `ctrl+s` dismisses with the changes
(name -> value, None to remove), `escape` with None.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from annotations.attributes import STANDARD, YEAR, AttributesError, check_name, check_value
from annotations.safe_text import visible

NEW_ROWS = 2


class AttributeForm(ModalScreen[dict[str, str | None] | None]):
    """Edit `attributes` (the document's, as analyses read them) of the document `title`."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="attributes.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="attributes.cancel"),
    ]

    def __init__(self, title: str, attributes: Mapping[str, str]) -> None:
        super().__init__()
        self.title_text = title
        self.attributes = dict(attributes)
        names = [n for n in STANDARD]
        names += [n for n in self.attributes if n not in names and n != YEAR]
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="attributes-dialog"):
            yield Label(
                Content(f"Attributes of {visible(' '.join(self.title_text.split()))}"),
                classes="dialog-title",
            )
            for index, name in enumerate(self.names):
                with Horizontal(classes="attribute-row"):
                    yield Input(name, id=f"attribute-name-{index}", classes="attribute-name")
                    value = visible(self.attributes.get(name, ""), newline=" ")
                    yield Input(value, id=f"attribute-value-{index}", classes="attribute-value")
            for index in range(len(self.names), len(self.names) + NEW_ROWS):
                with Horizontal(classes="attribute-row"):
                    yield Input(
                        placeholder="new attribute",
                        id=f"attribute-name-{index}",
                        classes="attribute-name",
                    )
                    yield Input(
                        placeholder="value",
                        id=f"attribute-value-{index}",
                        classes="attribute-value",
                    )
            year = self.attributes.get(YEAR)
            yield Label(
                Content(f"year {year}, from the date (set a year row to override)")
                if year
                else Content("year comes from the date"),
                classes="dialog-help",
            )
            yield Label("", id="attributes-problem")
            yield Label(
                "ctrl+s save · escape cancel · tab next field · an empty value removes it",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.query_one("#attribute-value-0", Input).focus()

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for index in range(len(self.names) + NEW_ROWS):
            name = self.query_one(f"#attribute-name-{index}", Input).value
            value = self.query_one(f"#attribute-value-{index}", Input).value
            rows.append((name, value))
        return rows

    def changes(self) -> dict[str, str | None]:
        """What the rows change: name -> value, None for an attribute removed.
        `AttributesError` for a name or value the store would refuse."""
        changes: dict[str, str | None] = {}
        kept: set[str] = set()
        for raw_name, raw_value in self._rows():
            if not raw_name.strip():
                if raw_value.strip():
                    raise AttributesError(f"the value {raw_value.strip()!r} needs a name")
                continue
            name = check_name(raw_name)
            value = check_value(name, raw_value)
            kept.add(name)
            if value != self.attributes.get(name, ""):
                changes[name] = value or None
        for name in self.attributes:
            if name not in kept and name != YEAR:  # a row whose name was cleared
                changes[name] = None
        return changes

    def action_save(self) -> None:
        try:
            changes = self.changes()
        except AttributesError as error:
            problem = self.query_one("#attributes-problem", Label)
            problem.update(Content(visible(str(error), newline=" ")))
            return
        self.dismiss(changes)

    def action_cancel(self) -> None:
        self.dismiss(None)

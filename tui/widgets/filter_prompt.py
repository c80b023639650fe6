"""The panel filter prompt: narrow the annotation panel by codes, analyst or text (the
query is a code query, read by `annotations.panel_filter`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from annotations.panel_filter import PanelFilter, QueryError
from tui.widgets.type_ahead import TypeAheadModal

__all__ = ["FilterPrompt", "PanelFilter", "QueryError"]


class FilterPrompt(TypeAheadModal[str | None]):
    """Dismisses with the query typed (empty: clear the filter), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True, id="filter.cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def type_ahead_field(self) -> Input:
        return self.query_one(Input)

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-dialog"):
            yield Label("Filter the annotation panel", classes="dialog-title")
            yield Input(
                self.current,
                placeholder="russia military, (russia | iran) & !economy, @analyst, words",
            )
            yield Label("enter applies · empty clears · escape cancels", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)

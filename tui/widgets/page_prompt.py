"""The go-to prompt: a page as the source prints it ("12", "iv"), or a paragraph number
in a document without pages."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from tui.widgets.type_ahead import TypeAheadModal


class PagePrompt(TypeAheadModal[str | None]):
    """`enter` goes (dismisses with what was typed), `escape` cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True, id="goto.cancel")]

    def __init__(self, what: str, hint: str) -> None:
        super().__init__()
        self.what = what  # "page" or "paragraph"
        self.hint = hint

    def type_ahead_field(self) -> Input:
        return self.query_one("#goto-field", Input)

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-dialog"):
            yield Label(f"Go to {self.what}", classes="dialog-title")
            yield Input(placeholder=self.hint, id="goto-field")
            yield Label("enter go · escape cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#goto-field", Input).focus()

    @on(Input.Submitted, "#goto-field")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)

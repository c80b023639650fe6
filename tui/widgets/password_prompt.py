"""The password prompt: an encrypted PDF's password, typed hidden."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from annotations.safe_text import visible


class PasswordPrompt(ModalScreen[str | None]):
    """`enter` opens with the password typed, `escape` gives up (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True, id="password.cancel")]

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason  # "report.pdf: it is encrypted — …" (a file name: untrusted)

    def compose(self) -> ComposeResult:
        with Vertical(id="password-dialog"):
            yield Label("Password", classes="dialog-title")
            yield Static(Content(visible(self.reason)), id="password-reason")
            yield Input(password=True, id="password-field")
            yield Label("enter open · escape give up", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#password-field", Input).focus()

    @on(Input.Submitted, "#password-field")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

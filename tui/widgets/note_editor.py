"""The editor of a document's memo or the project's: a modal with one text area;
`ctrl+s` saves (an empty memo removes it), `escape` cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, TextArea

from annotations.safe_text import visible
from tui.widgets.type_ahead import TypeAheadModal


class NoteEditor(TypeAheadModal[str | None]):
    """Dismisses with the memo's text, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo", priority=True, id="note.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="note.cancel"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def type_ahead_field(self) -> TextArea:
        return self.query_one("#note-text", TextArea)

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Label(Content(visible(self.title_text, newline=" ")), classes="dialog-title")
            yield TextArea(self.text, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Label("ctrl+s save · escape cancel · empty removes it", classes="dialog-help")

    def on_mount(self) -> None:
        editor = self.query_one("#note-text", TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#note-text", TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)

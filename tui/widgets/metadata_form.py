"""The metadata form: a document's source (title, author, publisher or site, URL, date,
language) as the citations and exports give it, editable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from annotations.citation import FIELD_LABELS, SOURCE_FIELDS
from annotations.safe_text import visible


class MetadataForm(ModalScreen[dict[str, str] | None]):
    """`ctrl+s` saves (dismisses with every field's text), `escape` cancels (None);
    `tab` and `shift+tab` move between the fields."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="metadata.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="metadata.cancel"),
    ]

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__()
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical(id="metadata-dialog"):
            yield Label("Source", classes="dialog-title")
            for name in SOURCE_FIELDS:
                with Horizontal(classes="metadata-row"):
                    yield Label(FIELD_LABELS[name], classes="metadata-label")
                    # The value is untrusted (read from the file): control characters visible.
                    yield Input(visible(self.fields.get(name, "")), id=f"metadata-{name}")
            yield Label("ctrl+s save · escape cancel · tab next field", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(f"#metadata-{SOURCE_FIELDS[0]}", Input).focus()

    def action_save(self) -> None:
        self.dismiss(
            {name: self.query_one(f"#metadata-{name}", Input).value for name in SOURCE_FIELDS}
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Asking before a file is replaced: `y` replaces it, anything else keeps it.

A small modal the export dialog opens when the file it is about to write exists. The
answer the analyst did not mean must be the harmless one, so `enter` and `escape` both
keep the file (No is the default) and only `y` replaces it.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from annotations.safe_text import visible


class OverwriteConfirm(ModalScreen[bool]):
    """Dismissed with True (replace the file) or False (keep it)."""

    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("y", "answer(True)", "Replace it", id="overwrite.yes"),
        Binding("n", "answer(False)", "Keep it", id="overwrite.no"),
        Binding("enter", "answer(False)", "Keep it", show=False, priority=True),
        Binding("escape", "answer(False)", "Keep it", show=False, priority=True),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="overwrite-dialog"):
            yield Label("Replace the file?", classes="dialog-title")
            yield Static(
                Content(visible(f"{self.path} exists already.", newline=" ")),
                id="overwrite-path",
            )
            yield Static(
                Content("y  replace it\nn  keep it (enter, escape: the same)"),
                id="overwrite-choices",
            )

    def action_answer(self, replace: bool) -> None:
        self.dismiss(replace)

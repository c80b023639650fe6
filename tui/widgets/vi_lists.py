"""A list and a table that also move with the reader's letters: `j`/`k` (and `h`/`l` in a
table) as the arrows do. Each screen's subclass adds what `enter` does there."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, OptionList


class ViOptionList(OptionList):
    """An option list `j`/`k` move in."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class ViDataTable(DataTable[Text]):
    """A table of text cells `h`/`j`/`k`/`l` move in."""

    BINDINGS = [
        Binding("h", "cursor_left", "Left", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("l", "cursor_right", "Right", show=False),
    ]

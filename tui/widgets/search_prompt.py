"""The search prompt: one line at the bottom of the reader, `/` as in a pager or vim.

Typing marks the matches as you go (shortly after the last key, so a fast typist's
every key does not search a whole book), and the prompt says how many there are.
`enter` dismisses with the query, `escape` with None; `up` and `down` go through the
queries searched before. The reader does the searching: the prompt is handed a `preview`
callable that marks the matches of a query and says how many it found.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Label

from tui.widgets.type_ahead import TypeAheadModal

# Seconds after the last key before the matches so far are marked.
PREVIEW_DELAY = 0.12


def describe_count(count: int | None) -> str:
    """What the prompt says of a search's matches: None is a query with nothing to find."""
    if count is None:
        return ""
    if count == 0:
        return "no match"
    return f"{count:,} match{'es' if count != 1 else ''}"


class SearchPrompt(TypeAheadModal[str | None]):
    """Dismisses with the query typed, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True, id="search.cancel"),
        Binding("up", "history(-1)", "Earlier", show=False, id="search.earlier"),
        Binding("down", "history(1)", "Later", show=False, id="search.later"),
    ]

    def __init__(
        self, preview: Callable[[str], int | None], history: list[str] | None = None
    ) -> None:
        super().__init__()
        self.preview = preview
        self.history = list(history or [])  # oldest first
        self._place = len(self.history)  # where `up`/`down` are in it; at the end: new
        self._timer: Timer | None = None

    def type_ahead_field(self) -> Input:
        return self.query_one(Input)

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Label("/", id="search-slash")
            yield Input(placeholder="search: case and accents aside", id="search-input")
            yield Label("", id="search-count")
            yield Label("enter jumps · ↑ earlier · esc cancels", id="search-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_history(self, step: int) -> None:
        place = min(max(0, self._place + step), len(self.history))
        if place == self._place:
            return
        self._place = place
        field = self.query_one(Input)
        field.value = self.history[place] if place < len(self.history) else ""
        field.cursor_position = len(field.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY, self._show_preview)

    def _show_preview(self) -> None:
        self._timer = None
        count = self.preview(self.query_one(Input).value)
        self.query_one("#search-count", Label).update(Content(describe_count(count)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._stop_preview()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self._stop_preview()
        self.dismiss(None)

    def _stop_preview(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

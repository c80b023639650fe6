"""Keys typed faster than a dialog opens go into it, not nowhere.

Textual checks bindings when a key has bubbled up to the app. Keys typed right after
"m" are already on their way to the reader when "m" opens the memo editor; they reach
the app after it is on top, match nothing there, and were dropped: "m" then "russian"
typed at once lost the memo. The app hands such keys to the dialog's text field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.screen import ModalScreen

if TYPE_CHECKING:
    from textual.widgets import Input, TextArea

ResultType = TypeVar("ResultType")


class TypeAheadModal(ModalScreen[ResultType]):
    """A modal whose `type_ahead_field()` receives keys typed before it opened."""

    def type_ahead_field(self) -> Input | TextArea:
        raise NotImplementedError

    def take_key(self, event: events.Key) -> None:
        """Type a printable key that reached the app unhandled into the field."""
        if not event.is_printable or event.character is None:
            return
        # Loaded here, not at start-up: TextArea (and its syntax machinery) is the
        # heaviest widget Textual has, and only the memo editor uses it.
        from textual.widgets import TextArea

        field = self.type_ahead_field()
        field.focus()
        if isinstance(field, TextArea):
            field.insert(event.character)
        else:
            field.insert_text_at_cursor(event.character)
        event.stop()

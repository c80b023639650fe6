"""A screen that Textual lays out again only when its size has changed.

Textual sends a screen a `Resize` after its first layout (the screen is among the widgets
that layout showed) and passes on every `Resize` the terminal reports, changed or not
(the driver reports the size as it starts); each made the screen lay itself out again
and paint itself in full. At start that was a second frame of the loading screen, and
after the reader's first words another full frame of the same screen. The default screen
under the reader is a background screen to Textual: its layouts repainted the reader too.
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import Screen

ResultType = TypeVar("ResultType")


class SettledScreen(Screen[ResultType]):
    """A `Screen` whose `Resize` to the size it has is let go: nothing moves."""

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:
            event.prevent_default()  # Screen's own handler: a layout and a full repaint

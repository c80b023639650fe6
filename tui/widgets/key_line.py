"""The key line at the foot of the reader: its bindings' keys, drawn by one widget.

Textual's `Footer` mounts a widget per key — each with its styles to apply, a watcher
that sets its class, and all of them composed again whenever the bindings change: on the
reader's way to its first screen, that was a tenth of the time. This draws the same line
as `Footer` draws it (the keys shown, in order, their descriptions, its styles, the
command palette's key on the right) as one Line API widget, redrawn when the screen's
bindings change. A click on a key presses it, as on the footer. (Not drawn as the footer
would: a binding group's keys, which Gloss does not use, come one by one; no hover tint.)
"""

from __future__ import annotations

from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from tui.widgets.acyclic_strip import AcyclicStrip

# The command palette's key is set off from the others by this edge (the footer's
# `border-left: vkey`).
_PALETTE_EDGE = "▏"


class Key(NamedTuple):
    """One key on the line: what pressing it sends, and how it is shown."""

    key: str
    shown: str
    description: str
    enabled: bool


class KeyLine(Widget):
    """The active bindings that `show`, as Textual's `Footer` (not compact) draws them."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-line--item",
        "key-line--key",
        "key-line--description",
        "key-line--edge",
    }
    # The footer's styles and theme variables, component by component.
    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-line--item {
            background: $footer-item-background;
        }
        & > .key-line--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-line--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-line--edge {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: tuple[Key, ...] | None = None  # read from the screen when first drawn
        self._palette: Key | None = None
        self._strip: Strip | None = None
        # Where each key is drawn: (first cell, end cell, key).
        self._places: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        keys, palette = self._read_keys()
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self._strip = None
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None

    def _read_keys(self) -> tuple[tuple[Key, ...], Key | None]:
        """The screen's active bindings that show, one per action (the footer's choice)."""
        app = self.app
        active = self.screen.active_bindings
        first_of_action: dict[str, Key] = {}
        for _, binding, enabled, _ in active.values():
            if binding.show and binding.action not in first_of_action:
                first_of_action[binding.action] = Key(
                    binding.key, app.get_key_display(binding), binding.description, enabled
                )
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, _ = active[app.COMMAND_PALETTE_BINDING]
            palette = Key(binding.key, app.get_key_display(binding), binding.description, enabled)
        return tuple(first_of_action.values()), palette

    # -- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0:
            return AcyclicStrip.blank(width, self.rich_style)
        if self._strip is None or self._strip.cell_length != width:
            if self._keys is None:
                self._keys, self._palette = self._read_keys()
            self._strip = self._draw(width)
        return self._strip

    def _draw(self, width: int) -> Strip:
        base = self.rich_style
        item = base + self.get_component_rich_style("key-line--item", partial=True)
        key_style = item + self.get_component_rich_style("key-line--key", partial=True)
        description_style = item + self.get_component_rich_style(
            "key-line--description", partial=True
        )
        dim = Style(dim=True)
        palette: list[Segment] = []
        if self._palette is not None:
            # Drawn compact, as the footer draws its palette key: "▏^p palette ".
            shown = self._palette
            edge = self.get_component_rich_style("key-line--edge")  # its colour blended
            palette = [
                Segment(_PALETTE_EDGE, Style(color=edge.color, bgcolor=item.bgcolor)),
                *self._key_segments(
                    shown.shown,
                    " " + shown.description,
                    key_style,
                    description_style,
                    dim if not shown.enabled else None,
                ),
                Segment(" ", Style(bgcolor=item.bgcolor)),
            ]
        room = max(0, width - sum(segment.cell_length for segment in palette))
        segments: list[Segment] = []
        self._places = []
        edges: list[int] = []  # where keys that run on under the palette's key end
        x = 0
        for key in self._keys or ():
            pieces = self._key_segments(
                f" {key.shown} ",
                f"{key.description} " if key.description else "",
                key_style,
                description_style,
                dim if not key.enabled else None,
            )
            cells = sum(piece.cell_length for piece in pieces)
            if x < room:
                self._places.append((x, min(x + cells, room), key.key))
                segments.extend(pieces)
            x += cells
            edges.append(x)
        line = Strip(segments).crop(0, room) if x > room else Strip(segments)
        if self._palette is not None:
            self._places.append((room, width, self._palette.key))
            # Textual's compositor cuts a line where any widget on it ends, hidden ones
            # too: the palette's key is drawn in the same pieces as under the footer.
            cuts = [edge - room for edge in edges if room < edge < width]
            if cuts:
                palette = [
                    segment
                    for piece in Strip(palette).divide([*cuts, width - room])
                    for segment in piece
                ]
        filler = [Segment(" " * (room - x), Style(bgcolor=base.bgcolor))] if room > x else []
        return AcyclicStrip([*line, *filler, *palette], width).crop(0, width)

    @staticmethod
    def _key_segments(
        key: str, description: str, key_style: Style, description_style: Style, dim: Style | None
    ) -> list[Segment]:
        if dim is not None:
            key_style, description_style = key_style + dim, description_style + dim
        pieces = [Segment(key, key_style)]
        if description:
            pieces.append(Segment(description, description_style))
        return pieces

    # -- the mouse ---------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._places:
            if start <= event.x < end:
                event.stop()
                shown = [*(self._keys or ()), *((self._palette,) if self._palette else ())]
                if all(k.enabled for k in shown if k.key == key):
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return

"""Checkboxes and radio buttons whose state is a glyph, not only a colour.

Textual draws a checked and an unchecked box alike (`▐X▌`), and a pressed and an
unpressed radio button alike (`▐●▌`), told apart by colour alone: on a 16-colour or
`NO_COLOR` terminal, or to an analyst who cannot tell the colours apart, every box looks
ticked. Here an unchecked box and an unpressed button are drawn empty (`▐ ▌`).
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList

CHECKED = "X"
UNCHECKED = " "
PRESSED = "●"
UNPRESSED = " "


class GlyphRadioButton(RadioButton):
    """A radio button drawn `▐●▌` when pressed and `▐ ▌` when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return PRESSED if self.value else UNPRESSED


class GlyphSelectionList(SelectionList[Any]):
    """A selection list whose boxes are drawn `▐X▌` when chosen and `▐ ▌` when not."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        # Textual's line is [left edge, inner, right edge, " ", prompt...]: only a line
        # that starts so is a box to redraw (a line past the last option is not).
        if len(segments) < 3 or segments[1].text != Checkbox.BUTTON_INNER:
            return strip
        _, scroll_y = self.scroll_offset
        option = self.get_option_at_index(scroll_y + y)
        glyph = CHECKED if option.value in self.selected else UNCHECKED
        segments[1] = Segment(glyph, segments[1].style, segments[1].control)
        return Strip(segments, strip.cell_length)

"""How a code is drawn: a chip in its colour with text that stays readable on it, and its
marker (a letter or glyph from the codebook) so that no screen tells codes apart by colour
alone — the reading pane's gutter and the annotation panel's chips use both.

On a 16-colour terminal the colour becomes one of the terminal's own sixteen before it is
shown (Rich downgrades it on output), so the chip's text is chosen for *that* colour: the
contrast worked out on the codebook's colour would put white on a terminal's yellow.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual import constants
from textual.app import App
from textual.color import Color

# The sixteen ANSI colours on which black text reads better than white in common terminal
# palettes (xterm, Tango, Solarized, Windows): green, yellow, cyan, white, and every bright
# colour but bright black.
_DARK_TEXT_ON = frozenset({2, 3, 6, 7, 9, 10, 11, 12, 13, 14, 15})
ELLIPSIS = "…"


def terminal_colours(app: App[object]) -> str | None:
    """The colours the terminal shows, as Rich names them ("truecolor", "256",
    "standard"; None for none), which Textual downgrades its output to. A headless app
    (a test, a screenshot) draws in true colour unless `TEXTUAL_COLOR_SYSTEM` says
    otherwise: what it would guess from the environment is no terminal's."""
    if app.is_headless and constants.COLOR_SYSTEM == "auto":
        return "truecolor"
    return app.console.color_system


def chip_style(color: str, color_system: str | None) -> Style:
    """Bold text on `color`, black or white as reads best on the colour the terminal will
    show (`color_system`: the app console's, "standard" for 16 colours)."""
    parsed = Color.parse(color)
    if color_system == "standard":
        shown = RichColor.parse(parsed.hex).downgrade(ColorSystem.STANDARD)
        dark = (shown.number or 0) in _DARK_TEXT_ON
        text = RichColor.from_ansi(0 if dark else 15)
        return Style(bgcolor=shown, color=text, bold=True)
    text_color = parsed.get_contrast_text(1.0)
    return Style(bgcolor=parsed.rich_color, color=text_color.rich_color, bold=True)


def marker_style(color: str) -> str:
    """A marker's look as a Content style: bold on the code's colour, black or white text
    as reads best (Rich downgrades it on fewer colours)."""
    text = Color.parse(color).get_contrast_text(1.0)
    return f"bold {text.hex} on {Color.parse(color).hex}"


class MarkerGutter:
    """The markers of the annotations on one line, `cells` wide: each annotation's markers
    side by side as one-cell chips, annotations apart by a space (so two overlapping
    annotations read as two), "…" where they do not fit. Other analysts' are underlined,
    as their spans are."""

    def __init__(self, cells: int, color_system: str | None) -> None:
        self.cells = cells
        self.color_system = color_system
        self._chips: dict[tuple[str, str, bool], Segment] = {}

    def segments(
        self, annotations: Sequence[tuple[Sequence[tuple[str, str]], bool]], base: Style
    ) -> list[Segment]:
        """`annotations`: for each annotation on the line, its (marker, colour) pairs and
        whether it is the analyst's own."""
        cells: list[Segment] = []  # a marker or a space is one cell
        for number, (markers, own) in enumerate(annotations):
            if number:
                cells.append(Segment(" ", base))
            cells.extend(self._chip(marker, color, own) for marker, color in markers)
            if len(cells) > self.cells:
                return [*cells[: self.cells - 1], Segment(ELLIPSIS, base)]
        if len(cells) < self.cells:
            cells.append(Segment(" " * (self.cells - len(cells)), base))
        return cells

    def _chip(self, marker: str, color: str, own: bool) -> Segment:
        key = (marker, color, own)
        chip = self._chips.get(key)
        if chip is None:
            style = chip_style(color, self.color_system)
            if not own:
                style += Style(underline=True, bold=False)
            chip = self._chips[key] = Segment(marker, style)
        return chip

"""The reader's status line: the document's title on the left, facts on the right."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from annotations.text_units import display_line
from tui.widgets.acyclic_strip import AcyclicStrip
from tui.widgets.styles import CachedStyles

_GAP = 2  # cells at least between the title and the facts


class StatusLine(Widget, CachedStyles):
    """One line drawn from ready-made segments.

    It changes on most keys (the paragraph number), and a `Static` would parse its content
    into strips again each time; this keeps what it shows and skips updates that change
    nothing. Its style is looked up once until the CSS or theme changes: `rich_style`
    walks every ancestor's styles, which cost more than drawing the line.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = ""
        self._facts: tuple[tuple[str, bool], ...] = ()
        self._strip: Strip | None = None
        self._bold: Style | None = None

    @property
    def text(self) -> str:
        """What the line says, as plain text (title, then the facts)."""
        return self._title + " " + "".join(text for text, _ in self._facts)

    def show(self, title: str, facts: tuple[tuple[str, bool], ...]) -> None:
        """Show `title` (safe to draw: no control characters) and `facts`, pairs of text
        and whether it is bold. The title is shortened to leave the facts room."""
        if title == self._title and facts == self._facts:
            return
        self._title, self._facts = title, facts
        self._strip = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.forget_cached_styles()
        self._bold = None
        self._strip = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0:
            return AcyclicStrip.blank(width, self.cached_style())
        if self._strip is None or self._strip.cell_length != width:
            self._strip = self._draw(width)
        return self._strip

    def _draw(self, width: int) -> Strip:
        base = self.cached_style()
        if self._bold is None:
            self._bold = base + Style(bold=True)
        bold = self._bold
        facts = [Segment(text, bold if strong else base) for text, strong in self._facts if text]
        facts_cells = sum(segment.cell_length for segment in facts)
        room = max(8, width - facts_cells - _GAP)
        title = self._title
        if cell_len(title) > room:
            title = set_cell_size(title, room - 1).rstrip() + "…"
        title = display_line(title)  # a right-to-left title in display order
        padding = " " * max(_GAP, width - cell_len(title) - facts_cells)
        segments = [Segment(title, bold), Segment(padding, base), *facts]
        return AcyclicStrip(segments).crop(0, width)

"""A Line API widget that scrolls itself, for the reading pane and the annotation panel.

Textual's `ScrollView` costs, on every scroll, a compositor reflow and a separate
`ScrollBar` widget whose 48 lines go through Rich and the styles cache — more than
drawing the page itself (benchmarks/README.md). A `ScrollingLines` keeps its top line,
redraws itself, and draws its scrollbar as one cell at the end of each line it already
draws. The wheel scrolls the view; a click on the bar jumps to that share of the lines.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.events import Click, MouseScrollDown, MouseScrollUp, Resize
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tui.widgets.styles import CachedStyles

SCROLLBAR_WIDTH = 1
_WHEEL_LINES = 3


class ScrollingLines(Widget, CachedStyles):
    """Subclasses give `total_lines` and draw each line `content_width` cells wide,
    followed by `scrollbar_segment(y)`; they hook `view_resized` and `clicked_at`."""

    COMPONENT_CLASSES = {"scrolling-lines--track", "scrolling-lines--thumb"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.top_line = 0  # the line at the top of the view
        self.content_width = 0  # the width left of the scrollbar, known from the first resize
        self.view_height = 0  # known from the first resize; `size` costs a lookup per line
        self._thumb: tuple[int, int, int, int] = (-1, -1, 0, 0)  # top, total → thumb rows
        self._bar_segments: dict[bool | None, Segment] = {}

    # -- what subclasses give ----------------------------------------------------------

    @property
    def total_lines(self) -> int:
        raise NotImplementedError

    def prepare_lines(self, first: int, last: int) -> None:
        """Called before lines `first..last` are shown (the reading pane wraps them)."""

    def view_resized(self) -> None:
        """Called after a resize, once `content_width` and `view_height` are known."""

    def clicked_at(self, line: int, x: int) -> None:
        """A click on line `line` (from the top of all lines), `x` cells from the left."""

    # -- scrolling ---------------------------------------------------------------------

    @property
    def last_top_line(self) -> int:
        """The top line that shows the last line."""
        return max(0, self.total_lines - self.view_height)

    def scroll_to_line(self, y: int) -> None:
        """Show line `y` at the top, or the last page if `y` is past it."""
        height = max(1, self.view_height)
        self.prepare_lines(max(0, y), max(0, y) + height)
        top = max(0, min(y, self.total_lines - height))
        if top != y:
            self.prepare_lines(top, top + height)
        if top != self.top_line:
            self.top_line = top
            self.refresh()

    def scroll_lines_into_view(self, first: int, last: int) -> None:
        """Scroll the least needed to show lines `first..last` (`first` if not all fit)."""
        height = self.view_height
        if first < self.top_line:
            self.scroll_to_line(first)
        elif last >= self.top_line + height:
            self.scroll_to_line(max(first, last - height + 1) if last - first < height else first)

    def refresh_lines(self, first: int, count: int = 1) -> None:
        """Redraw lines `first`… (counted from the top of all lines) where on screen."""
        top = self.top_line
        shown_first = max(first, top)
        shown_end = min(first + count, top + self.view_height)
        if shown_end > shown_first:
            self.refresh(Region(0, shown_first - top, self.size.width, shown_end - shown_first))

    # -- the scrollbar -----------------------------------------------------------------

    def scrollbar_cell(self, y: int) -> bool | None:
        """What the bar shows beside view row `y`: None when every line fits (no bar),
        True on the thumb, False on the track. Part of a cached line's key."""
        height = self.view_height
        total = self.total_lines
        if total <= height or height <= 0:
            return None
        top, known_total, thumb_top, thumb_end = self._thumb
        if top != self.top_line or known_total != total:
            size = max(1, round(height * height / total))
            last_top = total - height
            thumb_top = round(min(self.top_line, last_top) / last_top * (height - size))
            thumb_end = thumb_top + size
            self._thumb = (self.top_line, total, thumb_top, thumb_end)
        return thumb_top <= y < thumb_end

    def scrollbar_segment(self, cell: bool | None) -> Segment:
        segment = self._bar_segments.get(cell)
        if segment is None:
            style = self.cached_style()
            if cell is not None:
                part = "scrolling-lines--thumb" if cell else "scrolling-lines--track"
                style += self.cached_style(part)
            segment = self._bar_segments[cell] = Segment(" " * SCROLLBAR_WIDTH, style)
        return segment

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.forget_cached_styles()
        self._bar_segments.clear()

    # -- Textual hooks -----------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        if self._take_size():
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self.view_height:
            # Textual draws the first frame before this widget has handled its Resize:
            # taking the size here makes that frame show the lines, not a blank view
            # (and saves the frame after it).
            self._take_size()
        return super().render_lines(crop)

    def _take_size(self) -> bool:
        """Take the widget's size as the view's; False if it had it already."""
        width, height = max(1, self.size.width - SCROLLBAR_WIDTH), self.size.height
        if (width, height) == (self.content_width, self.view_height):
            return False
        self.content_width, self.view_height = width, height
        self._thumb = (-1, -1, 0, 0)
        self.view_resized()
        return True

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:  # on a border or the padding
            return
        if offset.x >= self.content_width:
            share = offset.y / max(1, self.view_height - 1)
            self.scroll_to_line(round(share * self.last_top_line))
            return
        self.clicked_at(self.top_line + offset.y, offset.x)

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        event.stop()
        self.scroll_to_line(self.top_line + _WHEEL_LINES)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        event.stop()
        self.scroll_to_line(self.top_line - _WHEEL_LINES)

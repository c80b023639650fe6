"""Lines passed through as they are drawn, for a Line API widget with nothing around them.

Textual sends every line a widget draws through its styles cache, which adds the
border, outline, padding, hatch, tint and opacity the widget's CSS asks for and copies
the line into a new `Strip`, then through the app's line filters, the first of which
(ANSI colours to true colour) copies it again. For a widget with none of those styles
(the reading pane: its CSS gives it a background and nothing else) the first leaves
the line as it was; and a line in true colours, with no dim text, is one the filter
leaves as it was. Such lines are passed through as they are drawn: on a page down
that is every line. Textual's caching of lines and its marking of dirty lines are
unchanged; a widget with a box, and a line the filter would change, go the usual way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from rich.style import Style
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.css.styles import StylesBase
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Size, Spacing
from textual.strip import Strip


def _has_no_box(styles: StylesBase, opacity: float) -> bool:
    """Nothing in `styles` changes a content line: no border, outline, padding, hatch,
    tint or opacity."""
    return (
        opacity == 1.0
        and styles.text_opacity == 1.0
        and not styles.tint.a
        and not styles.has_rule("hatch")
        and styles.padding == Spacing()
        and not any(edge for edge, _ in styles.border)
        and not any(edge for edge, _ in styles.outline)
    )


def needs_truecolor_filter(strip: Strip) -> bool:
    """Whether Textual's `ANSIToTruecolor` filter would change `strip`: it rewrites only
    colours that are the terminal's own (ANSI numbers, "default") and dimmed text."""
    return any(style is not None and _changed_by_truecolor_filter(style) for _, style, _ in strip)


@functools.lru_cache(maxsize=1024)
def _changed_by_truecolor_filter(style: Style) -> bool:
    # A screen's lines share a few styles: each is looked at once.
    return bool(
        style.dim
        or (style.color is not None and style.color.triplet is None)
        or (style.bgcolor is not None and style.bgcolor.triplet is None)
    )


class PlainLinesCache(StylesCache):
    """A widget's styles cache that passes its content lines through untouched when its
    styles put nothing around them (else it does what Textual's does), and puts them
    through the true-colour filter only when that would change them."""

    _passes_through = False
    # The true-colour filter applied before lines are cached (None: none is), so that a
    # new one (a new theme) or none (ANSI colours switched on) redraws every line.
    _truecolor: ANSIToTruecolor | None = None

    def render(
        self,
        styles: StylesBase,
        size: Size,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        filters: Sequence[LineFilter],
        *arguments: Any,
        content_size: Size | None = None,
        opacity: float = 1.0,
        **options: Any,
    ) -> list[Strip]:
        # Decided once a frame, not once a line: the styles cannot change during a render.
        passes_through = (content_size is None or content_size == size) and _has_no_box(
            styles, opacity
        )
        truecolor = None
        if passes_through and filters and isinstance(filters[0], ANSIToTruecolor):
            truecolor, filters = filters[0], filters[1:]
            render_content_line = _filtered_where_changed(
                render_content_line, truecolor, background
            )
        if (passes_through, truecolor) != (self._passes_through, self._truecolor):
            self.clear()  # the cached lines were made the other way
            self._passes_through, self._truecolor = passes_through, truecolor
        return super().render(
            styles,
            size,
            base_background,
            background,
            render_content_line,
            filters,
            *arguments,
            content_size=content_size,
            opacity=opacity,
            **options,
        )

    def render_line(
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        *arguments: Any,
    ) -> Strip:
        if self._passes_through:
            render_content_line = arguments[2]
            line = render_content_line(y)
            if line.cell_length == size.width:
                return line
        return super().render_line(styles, y, size, content_size, padding, *arguments)


def _filtered_where_changed(
    render_content_line: Callable[[int], Strip], truecolor: ANSIToTruecolor, background: Color
) -> Callable[[int], Strip]:
    def render_filtered_line(y: int) -> Strip:
        line = render_content_line(y)
        return line.apply_filter(truecolor, background) if needs_truecolor_filter(line) else line

    return render_filtered_line

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

A widget whose box is only a border and padding at its sides (the annotation panel:
a border and a cell of padding on its left) gets the same treatment: those cells are
the same on every line, so they are made once a frame, with Textual's own functions,
and put either side of each content line as it is drawn. Such a widget's lines are
often ones it has drawn before (its blank and chip rows are shared, and a line it
redraws after its highlight moves away is one it drew before): each content line is
framed (and filtered) once, and the framed line is reused while the widget returns the
same line, with the terminal sequences Textual rendered for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual._border import get_box
from textual._segment_tools import make_blank
from textual._styles_cache import StylesCache
from textual.cache import LRUCache
from textual.color import Color
from textual.css.styles import StylesBase
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Size, Spacing
from textual.strip import Strip
from textual.style import Style as TextualStyle

from tui.widgets.acyclic_strip import AcyclicStrip

# Framed lines kept by the content line they frame: about the panel's own cache of lines
# by what they show, so a line it returns from there is framed already.
_FRAMED_LINES = 192


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


def _has_only_sides(styles: StylesBase, opacity: float) -> bool:
    """Nothing in `styles` changes a content line but a border and padding at its sides
    (the same cells on every line): no top or bottom border or padding, no outline,
    hatch, tint or opacity."""
    (top, _), _, (bottom, _), _ = styles.border
    padding = styles.padding
    return (
        opacity == 1.0
        and styles.text_opacity == 1.0
        and not styles.tint.a
        and not styles.has_rule("hatch")
        and not top
        and not bottom
        and not padding.top
        and not padding.bottom
        and not any(edge for edge, _ in styles.outline)
    )


def _side_cells(
    styles: StylesBase,
    padding: Spacing,
    base_background: Color,
    inner: TextualStyle,
    outer: TextualStyle,
) -> tuple[list[Segment], list[Segment]]:
    """The segments Textual's styles cache puts left and right of each content line for
    a box of side borders and padding only (as `StylesCache.render_line` makes them)."""
    _, (right_edge, right_color), _, (left_edge, left_color) = styles.border
    left: list[Segment] = []
    right: list[Segment] = []
    if left_edge:
        style = TextualStyle(foreground=base_background + left_color.multiply_alpha(1.0))
        left.append(get_box(left_edge, inner, outer, style)[1][0])
    if padding.left:
        left.append(make_blank(padding.left, inner.rich_style))
    if padding.right:
        right.append(make_blank(padding.right, inner.rich_style))
    if right_edge:
        style = TextualStyle(foreground=base_background + right_color.multiply_alpha(1.0))
        right.append(get_box(right_edge, inner, outer, style)[1][2])
    return left, right


def truecolor_filtered(strip: Strip, truecolor: ANSIToTruecolor, background: Color) -> Strip:
    """`strip` through Textual's true-colour filter, or itself where that would change
    nothing (most lines: filtering is a new Strip and a pass over every segment)."""
    return strip.apply_filter(truecolor, background) if needs_truecolor_filter(strip) else strip


def needs_truecolor_filter(strip: Strip) -> bool:
    """Whether Textual's `ANSIToTruecolor` filter would change `strip`: it rewrites only
    colours that are the terminal's own (ANSI numbers, "default") and dimmed text."""
    # A screen's lines share a few style objects: each is looked at once, and found
    # again by its identity. Hashing a Rich style (or comparing two, when equal styles
    # are different objects, as a tinted line's often are) is a call to Python code,
    # which on a line of many segments cost more than the rest of the check.
    known = _CHANGED_BY_TRUECOLOR_FILTER
    for _, style, _ in strip:
        if style is None:
            continue
        found = known.get(id(style))
        if found is None or found[0] is not style:
            if len(known) >= _KNOWN_STYLES:
                known.clear()
            found = known[id(style)] = (style, _changed_by_truecolor_filter(style))
        if found[1]:
            return True
    return False


# By the id of each style seen, that style (kept, so that its id is not another's) and
# whether the filter changes it.
_CHANGED_BY_TRUECOLOR_FILTER: dict[int, tuple[Style, bool]] = {}
_KNOWN_STYLES = 1024


def _changed_by_truecolor_filter(style: Style) -> bool:
    return bool(
        style.dim
        or (style.color is not None and style.color.triplet is None)
        or (style.bgcolor is not None and style.bgcolor.triplet is None)
    )


class PlainLinesCache(StylesCache):
    """A widget's styles cache that passes its content lines through untouched when its
    styles put nothing around them, or only the same cells at their sides (else it does
    what Textual's does), and puts them through the true-colour filter only when that
    would change them."""

    _passes_through = False
    # The cells put either side of each content line (both empty: none), when they are
    # the only box there is.
    _sides: tuple[list[Segment], list[Segment]] | None = None
    # The true-colour filter applied before lines are cached (None: none is), so that a
    # new one (a new theme) or none (ANSI colours switched on) redraws every line.
    _truecolor: ANSIToTruecolor | None = None
    # The side cells last filtered, and what they were filtered from (`_filtered_sides`).
    _filtered_sides_key: tuple[object, ...] | None = None
    _filtered_sides_cells: tuple[list[Segment], list[Segment]] = ([], [])
    # The background the true-colour filter resolves colours against, this frame.
    _background: Color | None = None

    # What the framed lines were framed for: the frame's sizes, filter, sides and background.
    _framed_for: tuple[object, ...] | None = None

    def __init__(self) -> None:
        super().__init__()
        # By the id of the content line: (that line, it framed and filtered). Kept when
        # Textual clears its lines (on every full refresh: a scroll of the panel), as long
        # as the frame is the same: the lines a scroll brings back (blank and chip rows,
        # shared memos) are then the same strips, with the sequences rendered for them.
        self._framed: LRUCache[int, tuple[Strip, Strip]] = LRUCache(_FRAMED_LINES)

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
        sides = None
        if content_size is None or content_size == size:
            if _has_no_box(styles, opacity):
                sides = ([], [])
        elif content_size.height == size.height and _has_only_sides(styles, opacity):
            padding = options.get("padding") or styles.padding
            inner, outer = self.get_inner_outer(base_background, background)
            sides = _side_cells(styles, padding, base_background, inner, outer)
        passes_through = sides is not None
        truecolor = None
        framed = sides is not None and bool(sides[0] or sides[1])
        if passes_through and filters and isinstance(filters[0], ANSIToTruecolor):
            truecolor, filters = filters[0], filters[1:]
            if framed:
                # Filtered as each line is framed (`_framed_line`), once a line.
                sides = self._filtered_sides(sides, truecolor, background)  # type: ignore[arg-type]
            else:
                render_content_line = _filtered_where_changed(
                    render_content_line, truecolor, background
                )
        if (passes_through, truecolor, sides, background) != (
            self._passes_through,
            self._truecolor,
            self._sides,
            self._background,
        ):
            self.clear()  # the cached lines were made another way
            self._passes_through, self._truecolor, self._sides = passes_through, truecolor, sides
            self._background = background
        if framed:
            framed_for = (size, content_size, truecolor, sides, background)
            if framed_for != self._framed_for:
                self._framed.clear()
                self._framed_for = framed_for
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

    def _filtered_sides(
        self,
        sides: tuple[list[Segment], list[Segment]],
        truecolor: ANSIToTruecolor,
        background: Color,
    ) -> tuple[list[Segment], list[Segment]]:
        """`sides` filtered as Textual filters a whole line, segment by segment; the same
        cells every frame, so filtered once until they, the filter or the background change
        (filtering them anew was a tenth of a millisecond of each frame the panel drew)."""
        key = (tuple(sides[0]), tuple(sides[1]), truecolor, background)
        if self._filtered_sides_key != key:
            self._filtered_sides_key = key
            self._filtered_sides_cells = (
                list(Strip(sides[0]).apply_filter(truecolor, background)),
                list(Strip(sides[1]).apply_filter(truecolor, background)),
            )
        return self._filtered_sides_cells

    def render_line(
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        *arguments: Any,
    ) -> Strip:
        if self._passes_through and self._sides is not None:
            render_content_line = arguments[2]
            left, right = self._sides
            if left or right:
                return self._framed_line(styles, y, size, content_size, padding, *arguments)
            line = render_content_line(y)
            if line.cell_length == content_size.width:
                return line
        return super().render_line(styles, y, size, content_size, padding, *arguments)

    def _framed_line(
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        *arguments: Any,
    ) -> Strip:
        """Content line `y` filtered and with the side cells put either side of it; the
        same `Strip` as last time when the widget gives the same content line."""
        content = arguments[2](y)
        known = self._framed.get(id(content))
        if known is not None and known[0] is content:
            return known[1]
        line = content
        if self._truecolor is not None and self._background is not None:
            line = truecolor_filtered(content, self._truecolor, self._background)
        if line.cell_length == content_size.width:
            left, right = self._sides or ([], [])
            framed = AcyclicStrip([*left, *line, *right], size.width)
        else:  # padded or cut to the content's width, the usual way
            framed = super().render_line(
                styles,
                y,
                size,
                content_size,
                padding,
                *arguments[:2],
                lambda _: line,
                *arguments[3:],
            )
        self._framed[id(content)] = (content, framed)
        return framed


def _filtered_where_changed(
    render_content_line: Callable[[int], Strip], truecolor: ANSIToTruecolor, background: Color
) -> Callable[[int], Strip]:
    def render_filtered_line(y: int) -> Strip:
        return truecolor_filtered(render_content_line(y), truecolor, background)

    return render_filtered_line

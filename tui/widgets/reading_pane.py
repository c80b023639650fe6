"""The reading pane: the document on Textual's Line API, with the cursor span and highlights.

Built on Textual's Line API as Textualize/toolong builds its log view — `render_line`
drawing one line from an index of wrapped lines, an LRU cache of rendered strips — but
scrolling itself (`ScrollingLines`: no `ScrollView`, whose every scroll costs more than
drawing the page). Nothing here is proportional to the document's size per key press:
only the lines on screen are wrapped and drawn.

The pane owns only what it draws. The reader screen sets `selection`, `highlights` and
`matches`; the pane reports clicks with `SpanClicked` and drags with `SpanDragged`.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from typing import NamedTuple

from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.color import Color
from textual.events import MouseDown, MouseMove, MouseUp
from textual.message import Message
from textual.strip import Strip

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.model import Annotation
from annotations.safe_text import visible
from annotations.span_index import SpanIndex
from annotations.text_units import bidi_levels, mirror, visual_order
from tui.layout import TAB_CELLS, ParagraphLayout, ScreenLine, cells, grapheme_width
from tui.widgets.acyclic_strip import AcyclicStrip
from tui.widgets.code_marks import MarkerGutter, terminal_colours
from tui.widgets.plain_lines import PlainLinesCache
from tui.widgets.scrolling import SCROLLBAR_WIDTH, ScrollingLines

_GUTTER_GAP = 2  # cells between the gutter's markers and the text
# Cells for the markers of the annotations on a line: two annotations of two codes each
# ("X C R 1" is "XC R1"), else as many as fit and "…".
MARKER_CELLS = 5
_RIGHT_MARGIN = 1  # cells between the text and the scrollbar
CONTEXT_LINES = 3  # lines kept above a quote jumped to
# Drawn lines kept for paging back: about five screens. Each of Textual's strips is a dozen
# objects that the garbage collector walks on every full collection, and a thousand of
# them were most of what it walked (benchmarks/README.md, the resize with 10,000).
STRIP_CACHE_LINES = 256


class Highlight(NamedTuple):
    """A tinted span: an annotation's actor colour; `own` is False for other analysts';
    `markers` the (marker, colour) of each of its codes, shown in the gutter.

    A named tuple, not a dataclass: ten thousand are made when a document opens."""

    start: int
    end: int
    color: str
    own: bool = True
    markers: tuple[tuple[str, str], ...] = ()


class HighlightLooks:
    """Each annotation's tint: its actor's colour, else its first code's; `own` for
    `analyst`'s; the markers of its codes."""

    def __init__(self, codebook: Codebook, analyst: str) -> None:
        self.codebook = codebook
        self.analyst = analyst
        # Few tag combinations occur: colour and markers are looked up once for each.
        self._looks: dict[tuple[str, ...], tuple[str, tuple[tuple[str, str], ...]]] = {}

    def __call__(self, annotation: Annotation) -> Highlight:
        tags = annotation.tags
        look = self._looks.get(tags)
        if look is None:
            actor = next((tag for tag in tags if tag.startswith("actor/")), None)
            tag = actor or (tags[0] if tags else None)
            color = self.codebook.color(tag) if tag else "#888888"
            markers = tuple((self.codebook.marker(t), self.codebook.color(t)) for t in tags)
            look = self._looks[tags] = (color, markers)
        return Highlight(
            annotation.start, annotation.end, look[0], annotation.analyst == self.analyst, look[1]
        )


class ReadingPane(ScrollingLines, can_focus=True, inherit_bindings=False):
    """Shows a document from `top_line`; the reader screen drives the cursor."""

    COMPONENT_CLASSES = {
        "reading-pane--cursor",
        "reading-pane--extending",
        "reading-pane--gutter",
        "reading-pane--heading",
        "reading-pane--match",
    }

    class SpanClicked(Message):
        """The reader clicked on the document at code-point `offset`."""

        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

    class SpanDragged(Message):
        """The reader dragged the pointer from the character at code point `anchor` to the
        one at `offset` (either way round)."""

        def __init__(self, anchor: int, offset: int) -> None:
            super().__init__()
            self.anchor = anchor
            self.offset = offset

    # Where a drag began (the character pressed on), and whether the pointer has moved off
    # it since: then the button's release is a drag's end, not a click.
    _drag_from: int | None = None
    _dragged = False
    # A scroll asked for before the pane has a size (a view of no lines) puts the span's
    # first line at the top; it is done once the size is known, at the real width: at a
    # guessed one it cost a layout of every paragraph at start, thrown away at once.
    _top_once_sized: int | None = None

    def __init__(self, document: Document, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Its lines are drawn whole, background and all: Textual need not restyle them.
        self._styles_cache = PlainLinesCache()
        self.document = document
        self.selection: tuple[int, int] = (0, 0)
        self.extending = False
        self._annotations: SpanIndex[Annotation] = SpanIndex([])
        self._look: Callable[[Annotation], Highlight] | None = None
        self._highlights_by_paragraph: dict[int, list[Highlight]] = {}
        self._matches: list[tuple[int, int]] = []
        self._match_starts: list[int] = []
        self._layout: ParagraphLayout | None = None
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIP_CACHE_LINES)
        self._gutters: LRUCache[tuple[object, ...], tuple[Segment, ...]] = LRUCache(512)
        self._version = 0
        # The paragraph number, a space, the markers, the gap.
        self._number_width = 1 + len(str(len(document.paragraphs)))
        self._gutter_width = self._number_width + 1 + MARKER_CELLS + _GUTTER_GAP
        self._markers: MarkerGutter | None = None
        self._levels: dict[int, list[int] | None] = {}
        self._tints: dict[tuple[str, ...], Color] = {}
        self._styles: dict[tuple[object, ...], Style] = {}

    # -- what the screen sets ----------------------------------------------------------

    def set_selection(self, start: int, end: int, *, extending: bool = False) -> None:
        old, old_extending = self.selection, self.extending
        self.selection = (start, end)
        self.extending = extending
        if not self.view_height:
            return  # nothing drawn yet: the first frame draws it
        if old_extending != extending:
            self.refresh()
            return
        # Only the lines the old and the new selection cover change.
        for span_start, span_end in (old, self.selection):
            if span_end > span_start:
                first = self.line_of(span_start)
                last = self.line_of(span_end - 1)
                self.refresh_lines(first, last - first + 1)

    def set_highlights(
        self, annotations: SpanIndex[Annotation], codebook: Codebook, analyst: str
    ) -> None:
        """Tint `annotations` with their codes' colours in `codebook`, `analyst`'s own
        stronger than others'."""
        self._annotations = annotations
        self._look = HighlightLooks(codebook, analyst)
        self._highlights_by_paragraph = {}
        self._invalidate()

    def _highlights_in(self, paragraph: int) -> list[Highlight]:
        # Worked out per paragraph when it is first drawn: opening a document with ten
        # thousand annotations tints none of them until their paragraphs are on screen.
        found = self._highlights_by_paragraph.get(paragraph)
        if found is None:
            span = self.document.paragraphs[paragraph]
            look = self._look
            overlapping = self._annotations.overlapping(span.start, span.end)
            found = [look(a) for a in overlapping] if look else []
            self._highlights_by_paragraph[paragraph] = found
        return found

    def set_matches(self, matches: list[tuple[int, int]]) -> None:
        """Search matches to mark (sorted by start)."""
        self._matches = matches
        self._match_starts = [start for start, _ in matches]
        self._invalidate()

    # -- geometry ----------------------------------------------------------------------

    @property
    def text_width(self) -> int:
        return max(10, (self.content_width or 80) - self._gutter_width - _RIGHT_MARGIN)

    @property
    def layout_index(self) -> ParagraphLayout:
        if self._layout is None or self._layout.width != self.text_width:
            self._layout = ParagraphLayout(
                self.document.text, self.document.paragraphs, self.text_width
            )
            self._strips.clear()
        return self._layout

    def line_of(self, offset: int) -> int:
        """The screen line (from the top of the document) showing `offset`."""
        paragraph = self.document.paragraph_index(offset)
        return self.layout_index.line_of_offset(offset, paragraph)

    def offset_at_line(self, y: int) -> int:
        """The first offset shown on screen line `y`, or of the paragraph after a gap."""
        layout = self.layout_index
        line = layout.line_at(y)
        if line is not None:
            return line.start
        paragraph = min(layout.paragraph_at_line(y) + 1, len(self.document.paragraphs) - 1)
        return self.document.paragraphs[paragraph].start

    def scroll_to_span(self, start: int, end: int) -> None:
        """Scroll the least needed so that `[start, end)` is on screen (its top first)."""
        if not self.view_height:
            self._top_once_sized = start
            return
        self.scroll_lines_into_view(self.line_of(start), self.line_of(max(start, end - 1)))

    def scroll_to_span_in_context(self, start: int, end: int) -> None:
        """Show `[start, end)` with `CONTEXT_LINES` of text above it (fewer in a short
        view), unless it is on screen below them already."""
        if not self.view_height:
            self._top_once_sized = start
            return
        first, last = self.line_of(start), self.line_of(max(start, end - 1))
        height = self.view_height
        context = min(CONTEXT_LINES, max(0, (height - 1) // 3), first)
        top = self.top_line
        if top + context <= first and (last < top + height or first == top + context):
            return
        self.scroll_to_line(first - context)

    # -- ScrollingLines ----------------------------------------------------------------

    @property
    def total_lines(self) -> int:
        """Estimated until every paragraph is wrapped; exact where it has been shown."""
        return self.layout_index.total_lines

    def prepare_lines(self, first: int, last: int) -> None:
        self.layout_index.ensure_exact(first, last)

    def view_resized(self) -> None:
        # Only what is on screen is wrapped at the new width; keep the cursor in view.
        self._layout = None
        start, self._top_once_sized = self._top_once_sized, None
        top = self.top_line if start is None else self.line_of(start)
        self.scroll_to_line(min(top, self.last_top_line))
        self.scroll_to_span(*self.selection)

    def on_mouse_down(self, event: MouseDown) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.x >= self.content_width:
            return
        self._drag_from = self._offset_at_cell(self.top_line + offset.y, offset.x)
        self._dragged = False
        self.capture_mouse()

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._drag_from is None:
            return
        offset = event.get_content_offset_capture(self)
        y = max(0, min(offset.y, self.view_height - 1))
        here = self._offset_at_cell(self.top_line + y, max(0, offset.x))
        if here is not None and (self._dragged or here != self._drag_from):
            self._dragged = True
            self.post_message(self.SpanDragged(self._drag_from, here))

    def on_mouse_up(self, event: MouseUp) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self.capture_mouse(False)

    def clicked_at(self, line: int, x: int) -> None:
        if self._dragged:  # the end of a drag, already reported
            self._dragged = False
            return
        offset = self._offset_at_cell(line, x)
        if offset is not None:
            self.post_message(self.SpanClicked(offset))

    def render_line(self, y: int) -> Strip:
        line_y = self.top_line + y
        width = self.content_width
        layout = self.layout_index
        line = layout.line_at(line_y)
        # A line's look depends on the highlights (versioned), on the part of the
        # selection it holds and on the scrollbar cell beside it, so moving the cursor
        # leaves other lines' strips cached.
        selected = None
        if line is not None:
            start, end = self.selection
            if start < line.end and line.start < end:
                selected = (max(start, line.start), min(end, line.end), self.extending)
        bar = self.scrollbar_cell(y)
        key = (line_y, width, self._version, selected, bar)
        cached = self._strips.get(key)
        if cached is None:
            cached = self._render_document_line(line, width, self.scrollbar_segment(bar))
            self._strips[key] = cached
        return cached

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._markers = None
        self._gutters.clear()
        self._version += 1

    # -- drawing -----------------------------------------------------------------------

    def _invalidate(self) -> None:
        self._version += 1
        self.refresh()

    def _render_document_line(self, line: ScreenLine | None, width: int, bar: Segment) -> Strip:
        """A line of text `width` cells wide, then the scrollbar's cell."""
        base = self.cached_style()
        full_width = width + SCROLLBAR_WIDTH
        if line is None:
            return AcyclicStrip([Segment(" " * width, base), bar], full_width)
        if self.document.heading_level(line.paragraph):
            # A converted source's heading (a PDF's larger type, an <h2>, a Word heading).
            base = base + self.cached_style("reading-pane--heading")
        highlights = [
            h
            for h in self._highlights_in(line.paragraph)
            if h.start < line.end and line.start < h.end
        ]
        text_segments = self._text_segments(line.paragraph, line.start, line.end, base, highlights)
        if line.row and len(text_segments) == 1 and text_segments[0].style is base:
            # Most lines: gutter, text and padding in one plain segment (fewer for
            # Textual to crop and filter on every frame).
            shown = " " * self._gutter_width + text_segments[0].text
            used = cells(shown)
            if used <= width:
                return AcyclicStrip([Segment(shown + " " * (width - used), base), bar], full_width)
        segments = [*self._gutter(line, base, highlights), *text_segments]
        # The gutter is `_gutter_width` cells, however it is marked. The text is measured
        # in one piece: the sum of its pieces' cells, unless a joiner or a variation
        # selector (which Rich measures with their neighbours) is in it.
        texts = [text for text, _, _ in text_segments]
        joined = "".join(texts)
        if "\u200d" in joined or "\ufe0f" in joined:
            used = self._gutter_width + sum(map(cell_len, texts))
        else:
            used = self._gutter_width + cells(joined)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        elif used > width:
            segments = list(Strip(segments).crop(0, width))
        segments = _joined(segments)
        segments.append(bar)
        return AcyclicStrip(segments, full_width)

    @property
    def marker_gutter(self) -> MarkerGutter:
        """Draws the markers, for the terminal's colours (known once the app runs)."""
        if self._markers is None:
            self._markers = MarkerGutter(MARKER_CELLS, terminal_colours(self.app))
        return self._markers

    def _gutter(
        self, line: ScreenLine, base: Style, highlights: list[Highlight]
    ) -> tuple[Segment, ...]:
        """The paragraph number (on its first line), then the markers of the annotations
        on this line, then the gap before the text."""
        number = str(line.paragraph + 1) if line.row == 0 else ""
        marked = tuple([(h.markers, h.own) for h in highlights])
        # Few gutters occur on a screen (most of a tinted paragraph's rows are alike):
        # each is laid out once.
        key = (number, base, marked)
        gutter = self._gutters.get(key)
        if gutter is None:
            number_segment = Segment(
                number.rjust(self._number_width) + " ",
                base + self.cached_style("reading-pane--gutter"),
            )
            markers = self.marker_gutter.segments(marked, base)
            gutter = (number_segment, *markers, Segment(" " * _GUTTER_GAP, base))
            self._gutters[key] = gutter
        return gutter

    def _text_segments(
        self, paragraph: int, start: int, end: int, base: Style, highlights: list[Highlight]
    ) -> list[Segment]:
        text = self.document.text
        matches = self._matches_between(start, end)
        levels = self._bidi_levels(paragraph)
        if levels is not None:
            return self._right_to_left_segments(paragraph, start, end, base, highlights, matches)
        selection_start, selection_end = self.selection
        if not highlights and not matches and (selection_end <= start or end <= selection_start):
            return [Segment(_displayable(text[start:end]), base)]  # most lines: plain text
        cuts = {start, end}
        for highlight in highlights:
            if start < highlight.start < end:
                cuts.add(highlight.start)
            if start < highlight.end < end:
                cuts.add(highlight.end)
        for span_start, span_end in (*matches, (selection_start, selection_end)):
            if start < span_start < end:
                cuts.add(span_start)
            if start < span_end < end:
                cuts.add(span_end)
        boundaries = sorted(cuts)
        segments = []
        line = text[start:end]
        # Shown one for one (no tab to widen): made displayable once and cut in pieces.
        shown = None if "\t" in line else visible(line, newline=" ")
        style_at = self._style_at
        for piece_start, piece_end in itertools.pairwise(boundaries):
            if shown is None:
                piece = _displayable(text[piece_start:piece_end])
            else:
                piece = shown[piece_start - start : piece_end - start]
            segments.append(Segment(piece, style_at(piece_start, base, highlights, matches)))
        return segments

    def _bidi_levels(self, paragraph: int) -> list[int] | None:
        """Embedding levels of a paragraph holding right-to-left script (else None)."""
        if paragraph not in self._levels:
            span = self.document.paragraphs[paragraph]
            self._levels[paragraph] = bidi_levels(self.document.text[span.start : span.end])
        return self._levels[paragraph]

    def _right_to_left_segments(
        self,
        paragraph: int,
        start: int,
        end: int,
        base: Style,
        highlights: list[Highlight],
        matches: list[tuple[int, int]],
    ) -> list[Segment]:
        # Display order only: each grapheme cluster keeps its logical offset for styling,
        # and a right-to-left paragraph's lines are set flush right.
        levels = self._bidi_levels(paragraph)
        assert levels is not None
        paragraph_start = self.document.paragraphs[paragraph].start
        line = self.document.text[start:end].rstrip("\n ")
        line_levels = levels[start - paragraph_start : start - paragraph_start + len(line)]
        segments: list[Segment] = []
        for cluster_start, cluster_end, rtl in visual_order(line, line_levels):
            cluster = line[cluster_start:cluster_end]
            shown = _displayable(mirror(cluster) if rtl else cluster)
            style = self._style_at(start + cluster_start, base, highlights, matches)
            if segments and segments[-1].style == style:
                segments[-1] = Segment(segments[-1].text + shown, style)
            else:
                segments.append(Segment(shown, style))
        if min(levels) % 2 == 1:  # the paragraph runs right to left
            used = sum(segment.cell_length for segment in segments)
            segments.insert(0, Segment(" " * max(0, self.text_width - used), base))
        return segments

    def _matches_between(self, start: int, end: int) -> list[tuple[int, int]]:
        if not self._matches:
            return []
        index = max(0, bisect.bisect_right(self._match_starts, start) - 1)
        found = []
        for match_start, match_end in self._matches[index:]:
            if match_start >= end:
                break
            if match_end > start:
                found.append((match_start, match_end))
        return found

    def _style_at(
        self,
        offset: int,
        base: Style,
        highlights: list[Highlight],
        matches: list[tuple[int, int]],
    ) -> Style:
        # Plain loops: on a tinted line this runs for every piece, and a generator each
        # for the colours, the own flag and the matches cost more than the lookup.
        colors: tuple[str, ...] = ()
        own = False
        for highlight in highlights:
            if highlight.start <= offset < highlight.end:
                colors += (highlight.color,)
                own = own or highlight.own
        in_match = False
        for match_start, match_end in matches:
            if match_start <= offset < match_end:
                in_match = True
                break
        selection_start, selection_end = self.selection
        selected = selection_start <= offset < selection_end
        # Few combinations occur on a screen: build each style once.
        key = (base, colors, own, in_match, selected, self.extending)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self._compose_style(base, colors, own, in_match, selected)
        return style

    def _compose_style(
        self, base: Style, colors: tuple[str, ...], own: bool, in_match: bool, selected: bool
    ) -> Style:
        style = base
        if colors and self.marker_gutter.color_system == "standard":
            # On 16 colours a tint becomes the terminal's grey, or its yellow where white
            # text does not read: the grey for all, and the gutter's markers say which.
            style += Style(bgcolor=RichColor.from_ansi(8), underline=not own)
        elif colors:
            background = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
            tinted = background.blend(self._tint(colors), 0.45 if own else 0.25)
            style += Style(bgcolor=tinted.rich_color, underline=not own)
        if in_match:
            style += self.cached_style("reading-pane--match")
        if selected:
            component = "reading-pane--extending" if self.extending else "reading-pane--cursor"
            style += self.cached_style(component)
        return style

    def _tint(self, colors: tuple[str, ...]) -> Color:
        tint = self._tints.get(colors)
        if tint is None:
            tint = self._tints[colors] = _mix([Color.parse(color) for color in colors])
        return tint

    def _offset_at_cell(self, line_y: int, cell_x: int) -> int | None:
        line = self.layout_index.line_at(line_y)
        if line is None:
            return None
        cells = self._gutter_width
        text = self.document.text
        for offset in range(line.start, line.end):
            cells += grapheme_width(text[offset])
            if cells > cell_x:
                return offset
        return max(line.start, line.end - 1)


def _joined(segments: list[Segment]) -> list[Segment]:
    """`segments` with neighbours of the same style joined: the blank markers, the gap
    after them, untinted text and the padding of a tinted line are one segment, not
    four. Each segment is a style written to the terminal (a tinted line of 4.5 segments
    drew 3.8 styles), and a piece for Textual to cut and render on every frame."""
    if not segments:
        return segments
    joined = [segments[0]]
    for segment in segments[1:]:
        last = joined[-1]
        # By identity: a line's styles are shared objects (comparing Rich styles hashes
        # them, a call to Python code each).
        if segment.style is last.style and not segment.control and not last.control:
            joined[-1] = Segment(last.text + segment.text, last.style)
        else:
            joined.append(segment)
    return joined


def _displayable(piece: str) -> str:
    """Document text as it may be drawn: controls visible, tabs as spaces, no newlines."""
    if "\t" in piece:
        piece = piece.replace("\t", " " * TAB_CELLS)
    return visible(piece, newline=" ")


def _mix(colors: list[Color]) -> Color:
    if len(colors) == 1:
        return colors[0]
    red = sum(c.r for c in colors) // len(colors)
    green = sum(c.g for c in colors) // len(colors)
    blue = sum(c.b for c in colors) // len(colors)
    return Color(red, green, blue)

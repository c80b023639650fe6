"""The annotation panel: this document's annotations in document order, drawn lazily.

Each entry shows its tag chips in the codes' colours (every one, wrapped onto as many rows
as they need) and the analyst, the quoted text on up to two rows, and the memo's first line
in full, wrapped: `panel_entry` lays an entry out. Like the reading pane
it draws on the Line API and scrolls itself (`ScrollingLines`), so ten thousand
annotations cost nothing until shown, and following the cursor costs no layout pass.

The panel owns only what it draws and which entry is highlighted; it reports with
`EntryChosen` (enter) and `EntryHighlighted` (j/k), and the reader screen acts.
"""

from __future__ import annotations

import bisect
import functools
from itertools import accumulate

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.message import Message
from textual.strip import Strip

from annotations.codebook import Codebook
from annotations.document import Span
from annotations.model import Annotation
from annotations.safe_text import visible
from annotations.text_units import display_line
from tui.layout import cells, wrap_paragraph
from tui.widgets.acyclic_strip import AcyclicStrip
from tui.widgets.code_marks import chip_style, terminal_colours
from tui.widgets.panel_entry import (
    Piece,
    QuoteSize,
    Row,
    chip_row_count,
    chip_rows,
    chip_texts,
    quote_rows,
)
from tui.widgets.plain_lines import PlainLinesCache
from tui.widgets.scrolling import SCROLLBAR_WIDTH, ScrollingLines

# What an entry's height depends on, whatever the width: its tags, analyst and confidence
# (the chips and meta text), its quote's size and its memo's first line.
_Shape = tuple[tuple[str, ...], str, str | None, QuoteSize, str]

# Drawn lines kept for moving back over them: about four screens. Each of Textual's strips
# is a dozen objects that the garbage collector walks on every full collection, and a
# thousand of them (the pane's and the panel's) were most of what it walked.
_STRIP_CACHE_LINES = 192

# What a panel line shows (`AnnotationPanel._line_content`): a blank, the empty panel's
# message, or an entry's row of pieces and whether that entry is highlighted.
_BLANK = ("blank",)
_EMPTY_MESSAGE = "empty"
_LineContent = tuple[object, ...]


class AnnotationPanel(ScrollingLines, can_focus=True, inherit_bindings=False):
    """Annotations of the open document; `j`/`k` move, `enter` jumps to the span."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Next", show=False, id="panel.next"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="panel.previous"),
        Binding("enter", "choose", "Go to span", id="panel.choose"),
    ]

    COMPONENT_CLASSES = {
        "annotation-panel--highlighted",
        "annotation-panel--quote",
        "annotation-panel--memo",
        "annotation-panel--meta",
        "annotation-panel--empty",
    }

    EMPTY = "No annotations yet. Tag a sentence with r, i, x and 1–7."

    class EntryChosen(Message):
        """Enter on an entry: the reader jumps to its span."""

        def __init__(self, annotation: Annotation) -> None:
            super().__init__()
            self.annotation = annotation

    class EntryHighlighted(Message):
        """The highlighted entry changed by the panel's own keys."""

        def __init__(self, annotation: Annotation) -> None:
            super().__init__()
            self.annotation = annotation

    def __init__(self, codebook: Codebook, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Its border and padding put around each line as it is drawn, not restyled.
        self._styles_cache = PlainLinesCache()
        self.codebook = codebook
        self.annotations: list[Annotation] = []
        self.highlighted: int | None = None
        self._index_by_id: dict[str, int] = {}
        self.empty_message = self.EMPTY
        self._heights: list[int] = []
        self._tops: list[int] = []
        self._total = 1
        self._width = 0
        self._version = 0  # of the entries' rows (`_entry_rows`)
        # Strips by what they show (`render_line`), drawn anew when styles or codes change.
        self._strips_by_look: LRUCache[tuple[object, ...], Strip] = LRUCache(_STRIP_CACHE_LINES)
        self._look_version = 0
        self._chip_styles: dict[str, Style] = {}
        # The style of each role's pieces ("quote", "memo", ...) on a line that is or is
        # not highlighted: looked up and added once, not for every piece drawn.
        self._role_styles: dict[tuple[str, bool], Style] = {}
        self._chip_texts: dict[str, list[str]] = {}  # at the measured width
        self._chip_counts: dict[tuple[tuple[str, ...], str, str | None], int] = {}  # at the width
        self._chip_rows_by_key: LRUCache[tuple[tuple[str, ...], str, str | None], list[Row]] = (
            LRUCache(1024)  # at the width
        )
        # Each annotation's shape, worked out once (by id, with the annotation it is of)
        # and numbered, and the number of each entry's until the annotations change: a
        # resize measures ten thousand entries again, but only a few hundred shapes.
        self._shape_numbers: dict[str, tuple[Annotation, int]] = {}
        self._shapes: dict[_Shape, int] = {}
        self._entry_shapes: list[int] | None = None
        self._rows: LRUCache[tuple[int, int], list[Row]] = LRUCache(256)
        self._memo_cache: LRUCache[tuple[str, int], list[str]] = LRUCache(20_000)

    # -- what the screen sets ----------------------------------------------------------

    def set_annotations(self, annotations: list[Annotation], highlighted_id: str | None) -> None:
        self.annotations = annotations
        self._version += 1  # entries are laid out again
        self._index_by_id = {a.id: index for index, a in enumerate(annotations)}
        self._entry_shapes = None
        if len(self._shape_numbers) > 2 * len(annotations) + 1000:
            self._shape_numbers.clear()  # of annotations since changed or deleted
            self._shapes.clear()
        self.highlighted = None
        if self.content_width:
            self._measure()
        else:
            # Not laid out yet: three lines an entry until on_resize measures at the real
            # width (wrapping memos at a made-up width would be wasted work).
            self._heights = [3] * len(annotations)
            self._tops = list(range(0, 3 * len(annotations), 3))
            self._total = max(1, 3 * len(annotations))
        self.highlight_id(highlighted_id, scroll=True)

    def set_codebook(self, codebook: Codebook) -> None:
        """Draw chips from `codebook` (changed on the codebook screen) from now on."""
        self.codebook = codebook
        self._chip_styles.clear()
        self._chip_texts.clear()
        self._chip_counts.clear()
        self._chip_rows_by_key.clear()
        self._version += 1
        self._look_version += 1
        if self.content_width:
            self._measure()  # a renamed code's chips may take another number of rows
        self.refresh()

    def highlight_id(self, annotation_id: str | None, *, scroll: bool = True) -> None:
        index = self._index_by_id.get(annotation_id) if annotation_id is not None else None
        if index == self.highlighted:
            return
        self._set_highlighted(index, scroll=scroll)

    def _set_highlighted(self, index: int | None, *, scroll: bool) -> None:
        # Only the old and the new entry are redrawn.
        previous, self.highlighted = self.highlighted, index
        for entry in (previous, index):
            if entry is not None and entry < len(self._tops):
                self.refresh_lines(self._tops[entry], self._heights[entry])
        if scroll and index is not None:
            self._scroll_to_entry(index)

    def entry_line(self, index: int) -> int:
        """The panel line (from its top, not the view's) entry `index` starts on."""
        return self._tops[index]

    @property
    def highlighted_annotation(self) -> Annotation | None:
        if self.highlighted is None or self.highlighted >= len(self.annotations):
            return None
        return self.annotations[self.highlighted]

    # -- actions -----------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if not self.annotations:
            return
        if self.highlighted is None:
            index = 0 if step > 0 else len(self.annotations) - 1
        else:
            index = min(max(0, self.highlighted + step), len(self.annotations) - 1)
        self._set_highlighted(index, scroll=True)
        self.post_message(self.EntryHighlighted(self.annotations[index]))

    def action_choose(self) -> None:
        annotation = self.highlighted_annotation
        if annotation is not None:
            self.post_message(self.EntryChosen(annotation))

    # -- layout ------------------------------------------------------------------------

    @property
    def total_lines(self) -> int:
        return self._total

    def view_resized(self) -> None:
        if self._text_width() != self._width:
            self._measure()
        if self.highlighted is not None:
            self._scroll_to_entry(self.highlighted)

    def clicked_at(self, line: int, x: int) -> None:
        # A click on an entry is `enter` on it: the reader goes to its span.
        index = bisect.bisect_right(self._tops, line) - 1 if self._tops else -1
        if 0 <= index < len(self.annotations):
            self._set_highlighted(index, scroll=False)
            self.post_message(self.EntryChosen(self.annotations[index]))

    def _text_width(self) -> int:
        return max(10, self.content_width)

    def _measure(self) -> None:
        self._width = self._text_width()
        self._chip_texts.clear()
        self._chip_counts.clear()
        self._chip_rows_by_key.clear()
        if self._entry_shapes is None:
            self._entry_shapes = [self._shape_number(a) for a in self.annotations]
        height_of = [self._height(shape) for shape in self._shapes]  # in their numbers' order
        self._heights = heights = [height_of[number] for number in self._entry_shapes]
        self._tops = list(accumulate(heights, initial=0))[:-1]
        self._total = sum(heights) if self.annotations else 1
        self.scroll_to_line(min(self.top_line, self.last_top_line))
        self._version += 1
        self.refresh()

    def _shape_number(self, annotation: Annotation) -> int:
        known = self._shape_numbers.get(annotation.id)
        if known is not None and known[0] is annotation:
            return known[1]
        memo = _first_line(annotation.memo) if annotation.memo else ""
        text = annotation.quote
        # Printable text holds nothing `visible` replaces: most quotes are shown as they are.
        quote = QuoteSize.of(text if text.isprintable() else visible(text))
        shape = (annotation.tags, annotation.analyst, annotation.confidence, quote, memo)
        number = self._shapes.setdefault(shape, len(self._shapes))
        self._shape_numbers[annotation.id] = (annotation, number)
        return number

    def _height(self, shape: _Shape) -> int:
        """Rows of an entry at the measured width: of its chips, its quote and its memo's
        first line wrapped, then a blank row."""
        tags, analyst, confidence, quote, memo = shape
        key = (tags, analyst, confidence)
        chips = self._chip_counts.get(key)
        if chips is None:
            cells = [[cell_len(piece) for piece in self._chip_pieces(tag)] for tag in tags]
            meta = cell_len(_meta_text(tags, analyst, confidence))
            chips = self._chip_counts[key] = chip_row_count(cells, meta, self._width)
        return chips + quote.rows(self._width) + len(self._wrapped_memo(memo)) + 1

    def _entry_rows(self, index: int) -> list[Row]:
        """The rows of entry `index` at the measured width (its blank row aside)."""
        key = (index, self._version)
        rows = self._rows.get(key)
        if rows is None:
            annotation = self.annotations[index]
            width = self._width
            rows = [*self._chip_rows(annotation), *quote_rows(visible(annotation.quote), width)]
            # A Persian or Arabic memo in the order it reads (as the quote is).
            memo = self._memo_lines(annotation)
            rows += [[Piece(display_line(line), "memo")] for line in memo]
            self._rows[key] = rows
        return rows

    def _chip_rows(self, annotation: Annotation) -> list[Row]:
        """The rows of an entry's chips and meta text at the measured width: the same for
        every entry with its tags, analyst and confidence, so laid out once for them."""
        key = (annotation.tags, annotation.analyst, annotation.confidence)
        rows = self._chip_rows_by_key.get(key)
        if rows is None:
            chips = [(tag, self._chip_pieces(tag)) for tag in annotation.tags]
            rows = self._chip_rows_by_key[key] = chip_rows(
                chips, self._meta(annotation), self._width
            )
        return rows

    def _chip_pieces(self, tag: str) -> list[str]:
        """A chip's text, its marker first as the reading pane's gutter shows it, in pieces
        that fit the panel."""
        pieces = self._chip_texts.get(tag)
        if pieces is None:
            code = self.codebook.code(tag)
            label = visible(code.label if code else tag, newline=" ")
            marker = self.codebook.marker(tag)
            pieces = self._chip_texts[tag] = chip_texts(f"{marker} {label}", self._width)
        return pieces

    @staticmethod
    def _meta(annotation: Annotation) -> str:
        return _meta_text(annotation.tags, annotation.analyst, annotation.confidence)

    def _memo_lines(self, annotation: Annotation) -> list[str]:
        return self._wrapped_memo(_first_line(annotation.memo))

    def _wrapped_memo(self, memo: str) -> list[str]:
        """A memo's first line (`_first_line`) wrapped at the measured width."""
        if not memo:
            return []
        if len(memo) <= self._width and memo.isascii():
            return [memo]
        key = (memo, self._width)
        lines = self._memo_cache.get(key)
        if lines is None:
            lines = [
                memo[a:b].rstrip() for a, b in wrap_paragraph(memo, Span(0, len(memo)), self._width)
            ]
            self._memo_cache[key] = lines
        return lines

    def _scroll_to_entry(self, index: int) -> None:
        if not self._tops:
            return
        top = self._tops[index]
        self.scroll_lines_into_view(top, top + self._heights[index] - 1)

    # -- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        line_y = self.top_line + y
        width = self.content_width
        index = bisect.bisect_right(self._tops, line_y) - 1 if self._tops else -1
        bar = self.scrollbar_cell(y)
        # Lines that look alike share a strip: most chip rows, every blank row and many
        # memos are the same as another entry's, and a page down that brings a screen of
        # new entries into view then makes strips for about half its lines. (Kept by what
        # they show only: Textual asks for a line again only when it may have changed,
        # and after a scroll every line is at another place.)
        look = (self._line_content(line_y, index), width, self._look_version, bar)
        strip = self._strips_by_look.get(look)
        if strip is None:
            # One strip a line: the entry's cells, then the scrollbar's.
            segments = self._render_content(look[0], width)
            segments.append(self.scrollbar_segment(bar))
            strip = AcyclicStrip(segments, width + SCROLLBAR_WIDTH)
            self._strips_by_look[look] = strip
        return strip

    def _line_content(self, line_y: int, index: int) -> _LineContent:
        """What panel line `line_y` (in entry `index`, as `render_line` found it) shows:
        the empty panel's message, a blank, or a row of an entry's pieces and whether it
        is the highlighted entry's."""
        if not self.annotations:
            return (_EMPTY_MESSAGE, self.empty_message) if line_y == 0 else _BLANK
        index = max(0, index)
        if index >= len(self.annotations):
            return _BLANK
        row = line_y - self._tops[index]
        rows = self._entry_rows(index)
        if row >= len(rows):
            return _BLANK  # the blank row after each entry, never highlighted
        return (tuple(rows[row]), index == self.highlighted)

    def _render_content(self, content: _LineContent, width: int) -> list[Segment]:
        """The segments of a line showing `content`, `width` cells of them."""
        base = self.cached_style()
        if content is _BLANK:
            return [Segment(" " * width, base)]
        if content[0] is _EMPTY_MESSAGE:
            style = base + self.cached_style("annotation-panel--empty")
            return _fitted([Segment(self.empty_message[:width], style)], width, base)
        pieces, highlighted = content
        if highlighted:
            base = base + self.cached_style("annotation-panel--highlighted")
        segments = [
            Segment(
                text,
                self._chip_style(tag)
                if role == "chip"
                else self._role_style(role, highlighted, base),
            )
            for text, role, tag in pieces
        ]
        return _fitted(segments, width, base)

    def _role_style(self, role: str, highlighted: bool, base: Style) -> Style:
        """The style of a piece other than a chip; `base` is the line's (highlighted or not)."""
        style = self._role_styles.get((role, highlighted))
        if style is None:
            style = base if role == "gap" else base + self.cached_style(f"annotation-panel--{role}")
            self._role_styles[role, highlighted] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._chip_styles.clear()
        self._role_styles.clear()
        self._version += 1
        self._look_version += 1

    def _chip_style(self, tag: str) -> Style:
        style = self._chip_styles.get(tag)
        if style is None:
            style = chip_style(self.codebook.color(tag), terminal_colours(self.app))
            self._chip_styles[tag] = style
        return style


def _fitted(segments: list[Segment], width: int, style: Style) -> list[Segment]:
    """`segments` made `width` cells long, as `Strip.adjust_cell_length` makes them (padded
    with `style`, or cut), without making a strip for each step."""
    used = sum([cells(text) for text, _, _ in segments])
    if used < width:
        segments.append(Segment(" " * (width - used), style))
    elif used > width:
        segments = list(AcyclicStrip(segments, used).adjust_cell_length(width, style))
    return segments


def _meta_text(tags: tuple[str, ...], analyst: str, confidence: str | None) -> str:
    """The analyst (and confidence) shown after an entry's chips."""
    meta = visible(analyst, newline=" ")
    if confidence:
        meta += f" · {confidence}"
    return meta if tags else "(no tags) " + meta


@functools.lru_cache(maxsize=4096)
def _first_line(memo: str) -> str:
    for line in memo.splitlines():
        if line.strip():
            return visible(line.strip(), tab=" ")
    return ""

"""The memo editor: a modal to write an annotation's memo and set its analytic confidence."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, RadioSet, Static, TextArea

from annotations.model import CONFIDENCE_LEVELS
from annotations.safe_text import visible
from annotations.text_units import bidi_levels, display_line, is_right_to_left
from tui.widgets.state_glyphs import GlyphRadioButton
from tui.widgets.type_ahead import TypeAheadModal


@dataclass(frozen=True, slots=True)
class MemoResult:
    memo: str
    confidence: str | None


class MemoEditor(TypeAheadModal[MemoResult | None]):
    """`ctrl+s` saves, `escape` cancels; `tab` moves to the confidence choice."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo", priority=True, id="memo.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="memo.cancel"),
    ]

    def __init__(self, quote: str, memo: str, confidence: str | None) -> None:
        super().__init__()
        self.quote = quote
        self.memo = memo
        self.confidence = confidence

    def type_ahead_field(self) -> TextArea:
        return self.query_one("#memo-text", TextArea)

    def compose(self) -> ComposeResult:
        with Vertical(id="memo-dialog"):
            yield Label("Memo", classes="dialog-title")
            shown = visible(" ".join(self.quote.split()))
            if len(shown) > 300:
                shown = shown[:299] + "…"
            yield Static(Content(f"“{shown}”"), id="memo-quote")
            yield TextArea(self.memo, id="memo-text", soft_wrap=True, show_line_numbers=False)
            # The field keeps the order typed; a memo in Persian or Arabic is also shown
            # here as it reads (right to left), as the panel and exports show it.
            yield Static("", id="memo-shown")
            yield Label("Confidence", classes="dialog-subtitle")
            with RadioSet(id="memo-confidence"):
                yield GlyphRadioButton("none", value=self.confidence is None)
                for level in CONFIDENCE_LEVELS:
                    yield GlyphRadioButton(level, value=self.confidence == level)
            yield Label("ctrl+s save · escape cancel · tab confidence", classes="dialog-help")

    def on_mount(self) -> None:
        editor = self.query_one("#memo-text", TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)
        self._show_as_read(editor.text)

    @on(TextArea.Changed, "#memo-text")
    def _changed(self, event: TextArea.Changed) -> None:
        self._show_as_read(event.text_area.text)

    def _show_as_read(self, text: str) -> None:
        """The memo's right-to-left lines in reading order, flush right; hidden when it
        has none."""
        shown = self.query_one("#memo-shown", Static)
        lines = [line for line in text.splitlines() if bidi_levels(line) is not None]
        shown.display = bool(lines)
        if lines:
            rows = [display_line(visible(line, tab=" ")) for line in lines[-3:]]
            shown.update(Content("\n".join(rows)))
            shown.set_class(is_right_to_left(lines[-1]), "-right-to-left")

    def action_save(self) -> None:
        memo = self.query_one("#memo-text", TextArea).text.strip()
        pressed = self.query_one("#memo-confidence", RadioSet).pressed_index
        confidence = CONFIDENCE_LEVELS[pressed - 1] if pressed > 0 else None
        self.dismiss(MemoResult(memo, confidence))

    def action_cancel(self) -> None:
        self.dismiss(None)

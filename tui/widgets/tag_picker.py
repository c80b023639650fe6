"""The tag picker: the whole codebook, filtered by typing; `space` toggles, `enter` applies."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from annotations.codebook import Codebook
from annotations.safe_text import visible
from tui.keys import show_code_keys
from tui.widgets.code_marks import marker_style
from tui.widgets.state_glyphs import GlyphSelectionList
from tui.widgets.type_ahead import TypeAheadModal


class TagPicker(TypeAheadModal[tuple[str, ...] | None]):
    """Dismisses with the chosen tags in codebook order, or None when cancelled."""

    BINDINGS = [
        Binding("enter", "apply", "Apply", priority=True, id="picker.apply"),
        Binding("escape", "cancel", "Cancel", priority=True, id="picker.cancel"),
        Binding("down", "focus_list", "List", show=False),
    ]

    def __init__(self, codebook: Codebook, tags: tuple[str, ...]) -> None:
        super().__init__()
        self.codebook = codebook
        self.chosen = set(tags)

    def type_ahead_field(self) -> Input:
        return self.query_one("#picker-filter", Input)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            yield Label("Tags", classes="dialog-title")
            yield Input(placeholder="type to filter the codebook", id="picker-filter")
            yield GlyphSelectionList(id="picker-codes")
            yield Label(
                "type to filter · ↓ to the list · space toggles · enter applies · escape cancels",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(SelectionList.SelectionToggled, "#picker-codes")
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        code_id = event.selection.value
        self.chosen = set(self.codebook.toggle(tuple(self.chosen), code_id))
        self._fill(self.query_one("#picker-filter", Input).value, keep_highlight=True)

    def _fill(self, query: str, *, keep_highlight: bool = False) -> None:
        codes = self.query_one("#picker-codes", SelectionList)
        highlighted = codes.highlighted
        words = query.lower().split()
        codes.clear_options()
        # Keys in a column of one width: a digit has fewer layouts' keys than a letter.
        width = max(len(show_code_keys(code)) for code in self.codebook.codes)
        for code in self.codebook.codes:
            shown_keys = show_code_keys(code)
            haystack = f"{code.id} {code.label} {code.description} {code.memo} {shown_keys}"
            haystack = haystack.lower()
            if all(word in haystack for word in words):
                prompt = Content.assemble(
                    (f"{shown_keys:<{width}} ", "bold"),
                    (f" {self.codebook.marker(code.id)} ", marker_style(code.color)),
                    " ",
                    (visible(code.label), f"bold {code.color}"),
                    f"  {visible(code.description)}" if code.description != code.label else "",
                    (f"  memo: {_first_line(code.memo)}" if code.memo else "", "italic"),
                )
                codes.add_option(Selection(prompt, code.id, code.id in self.chosen))
        if keep_highlight and highlighted is not None and codes.option_count:
            codes.highlighted = min(highlighted, codes.option_count - 1)

    def action_focus_list(self) -> None:
        codes = self.query_one("#picker-codes", SelectionList)
        codes.focus()
        if codes.highlighted is None and codes.option_count:
            codes.highlighted = 0

    def action_apply(self) -> None:
        self.dismiss(self.codebook.ordered(tuple(self.chosen)))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _first_line(memo: str) -> str:
    """A code's memo in one line, safe to show."""
    return visible(" ".join(memo.split()))[:120]

"""The dialog that codes search matches: which code, and what span each match gives —
the match itself, its sentence or its clause. `enter` codes, `escape` cancels.

The search screen says how many matches it will code (all, or the marked ones); the
dialog only chooses. It dismisses with `(code id, unit)` or None.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, RadioSet
from textual.widgets.option_list import Option

from annotations.codebook import Codebook
from annotations.safe_text import visible
from tui.keys import show_code_keys
from tui.widgets.state_glyphs import GlyphRadioButton
from tui.widgets.type_ahead import TypeAheadModal

UNITS = (("match", "the match"), ("sentence", "its sentence"), ("clause", "its clause"))


class CodingDialog(TypeAheadModal[tuple[str, str] | None]):
    """Choose a code and a span for `what` ("the 3 marked matches")."""

    BINDINGS = [
        Binding("enter", "apply", "Code them", priority=True, id="coding.apply"),
        Binding("escape", "cancel", "Cancel", priority=True, id="coding.cancel"),
        Binding("down", "focus_codes", "Codes", show=False),
    ]

    def __init__(self, codebook: Codebook, what: str) -> None:
        super().__init__()
        self.codebook = codebook
        self.what = what

    def type_ahead_field(self) -> Input:
        return self.query_one("#coding-filter", Input)

    def compose(self) -> ComposeResult:
        with Vertical(id="coding-dialog"):
            yield Label(Content(f"Code {self.what}"), classes="dialog-title")
            yield Input(placeholder="type to filter the codebook", id="coding-filter")
            yield OptionList(id="coding-codes")
            with RadioSet(id="coding-unit"):
                for index, (_, label) in enumerate(UNITS):
                    yield GlyphRadioButton(f"span: {label}", value=index == 0)
            yield Label(
                "type to filter · ↓ the codes · tab the span · enter codes · u undoes · "
                "esc cancels",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#coding-filter", Input).focus()

    @on(Input.Changed, "#coding-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        codes = self.query_one("#coding-codes", OptionList)
        codes.clear_options()
        words = query.lower().split()
        for code in self.codebook.codes:
            haystack = f"{code.id} {code.label} {code.description}".lower()
            if all(word in haystack for word in words):
                prompt = Content.assemble(
                    (f"{show_code_keys(code):<6} ", "bold"),
                    (visible(code.label, newline=" "), f"bold {code.color}"),
                    (f"  {visible(code.id)}", "dim"),
                )
                codes.add_option(Option(prompt, id=code.id))
        if codes.option_count:
            codes.highlighted = 0

    def action_focus_codes(self) -> None:
        self.query_one("#coding-codes", OptionList).focus()

    @property
    def unit(self) -> str:
        pressed = self.query_one(RadioSet).pressed_index
        return UNITS[max(0, pressed)][0]

    def action_apply(self) -> None:
        option = self.query_one("#coding-codes", OptionList).highlighted_option
        if option is None or option.id is None:
            self.notify("No code matches the filter.", markup=False)
            return
        self.dismiss((option.id, self.unit))

    def action_cancel(self) -> None:
        self.dismiss(None)

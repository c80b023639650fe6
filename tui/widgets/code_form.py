"""The codebook screen's dialogs: a form of named fields (a new code: where, label, keys,
colour, description) or one field (rename, keys, colour, where to move, what to merge
into), and the split dialog that reassigns each annotation of the code split."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from annotations.model import Annotation
from annotations.safe_text import visible
from tui.widgets.type_ahead import TypeAheadModal


class CodeForm(TypeAheadModal[dict[str, str] | None]):
    """Fields (name, label, value) in a column; `enter` in the last (or `ctrl+s`) gives
    {name: text typed}, `escape` None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True, id="code_form.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="code_form.save"),
    ]

    def __init__(self, title: str, fields: Sequence[tuple[str, str, str]], hint: str = "") -> None:
        super().__init__()
        self.title = title
        self.fields = list(fields)
        self.hint = hint

    def type_ahead_field(self) -> Input:
        return self.query(Input).first()

    def compose(self) -> ComposeResult:
        with Vertical(id="code-form-dialog"):
            yield Label(Content(self.title), classes="dialog-title")
            for name, label, value in self.fields:
                yield Label(Content(label), classes="dialog-subtitle")
                yield Input(value=value, id=f"code-form-{name}")
            help_text = "enter next · enter on the last (or ctrl+s) saves · escape cancels"
            yield Label(Content(self.hint or help_text), classes="dialog-help")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        self.dismiss(
            {name: self.query_one(f"#code-form-{name}", Input).value for name, _, _ in self.fields}
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class SplitDialog(TypeAheadModal[dict[str, list[str]] | None]):
    """Each annotation of the code split, to give one of the new codes: `1`…`9` gives the
    highlighted one the code of that number (`0`: keeps the old one), `enter` splits,
    `escape` cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True, id="split.cancel"),
        Binding("enter", "split", "Split", priority=True, id="split.apply"),
        *(Binding(str(n), f"assign({n})", show=False) for n in range(10)),
    ]

    def __init__(
        self, code_label: str, new_codes: Sequence[tuple[str, str]], annotations: list[Annotation]
    ) -> None:
        super().__init__()
        self.code_label = code_label
        self.new_codes = list(new_codes)  # (id, label)
        self.annotations = annotations
        self.chosen: dict[str, int] = {}  # annotation id -> 1-based new code; 0 keeps

    def type_ahead_field(self) -> Input:  # nothing to type into: keys are commands here
        raise NotImplementedError

    def take_key(self, event) -> None:
        return None

    def compose(self) -> ComposeResult:
        with Vertical(id="code-form-dialog"):
            yield Label(Content(f"Split {self.code_label}"), classes="dialog-title")
            numbered = " · ".join(
                f"{n} {visible(label)}" for n, (_, label) in enumerate(self.new_codes, start=1)
            )
            yield Label(
                Content(f"{numbered} · 0 keeps {self.code_label}"), classes="dialog-subtitle"
            )
            yield OptionList(id="split-annotations")
            yield Label(
                Content("↑↓ an annotation · a number gives it that code · enter splits · escape"),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for annotation in self.annotations:
            number = self.chosen.get(annotation.id, 0)
            target = self.new_codes[number - 1][1] if number else f"keeps {self.code_label}"
            quote = visible(" ".join(annotation.quote.split()))[:60]
            options.add_option(Option(Content(f"[{number}] {visible(target)}: “{quote}”")))
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    def action_assign(self, number: int) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or number > len(self.new_codes):
            return
        self.chosen[self.annotations[index].id] = number
        self._fill()

    def action_split(self) -> None:
        self.dismiss(
            {
                annotation_id: [self.new_codes[number - 1][0]]
                for annotation_id, number in self.chosen.items()
                if number
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

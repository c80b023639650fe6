"""The orphan picker: annotations the new text could not hold, to re-attach to the selection."""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from annotations.codebook import Codebook
from annotations.model import Annotation
from annotations.safe_text import visible


class OrphanPicker(ModalScreen[Annotation | None]):
    """`enter` re-attaches the highlighted orphan to the reader's selection."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True, id="orphans.cancel"),
    ]

    def __init__(self, orphans: list[Annotation], codebook: Codebook) -> None:
        super().__init__()
        self.orphans = orphans
        self.codebook = codebook

    def compose(self) -> ComposeResult:
        with Vertical(id="orphan-dialog"):
            yield Label("Orphaned annotations", classes="dialog-title")
            options = []
            for orphan in self.orphans:
                labels = ", ".join(
                    code.label if (code := self.codebook.code(tag)) else tag for tag in orphan.tags
                )
                quote = textwrap.shorten(" ".join(orphan.quote.split()), 70, placeholder="…")
                prompt = Content.assemble(
                    (visible(labels or "(no tags)"), "bold"),
                    f"  “{visible(quote)}”",
                    f"  {visible(orphan.memo.splitlines()[0])}" if orphan.memo else "",
                )
                options.append(Option(prompt, id=orphan.id))
            yield OptionList(*options, id="orphan-list")
            yield Label(
                "enter re-attaches to the selection in the reader · escape cancels",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = next(o for o in self.orphans if o.id == event.option.id)
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)

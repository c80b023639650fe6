"""Choosing one annotation from a short list: which one a key meant, or an orphan to
re-attach to the selection."""

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


class AnnotationChooser(ModalScreen[Annotation | None]):
    """`enter` chooses the highlighted annotation, `escape` none: each listed with its
    tags' labels, its quote shortened and its memo's first line."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True, id="chooser.cancel"),
    ]

    def __init__(
        self, annotations: list[Annotation], codebook: Codebook, title: str, help: str
    ) -> None:
        super().__init__()
        self.annotations = annotations
        self.codebook = codebook
        self.title_text = title
        self.help_text = help

    def compose(self) -> ComposeResult:
        with Vertical(id="orphan-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            options = []
            for annotation in self.annotations:
                labels = ", ".join(
                    code.label if (code := self.codebook.code(tag)) else tag
                    for tag in annotation.tags
                )
                quote = textwrap.shorten(" ".join(annotation.quote.split()), 70, placeholder="…")
                prompt = Content.assemble(
                    (visible(labels or "(no tags)"), "bold"),
                    f"  “{visible(quote)}”",
                    f"  {visible(annotation.memo.splitlines()[0])}" if annotation.memo else "",
                )
                options.append(Option(prompt, id=annotation.id))
            yield OptionList(*options, id="orphan-list")
            yield Label(self.help_text, classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = next(a for a in self.annotations if a.id == event.option.id)
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OrphanPicker(AnnotationChooser):
    """`enter` re-attaches the highlighted orphan to the reader's selection."""

    def __init__(self, orphans: list[Annotation], codebook: Codebook) -> None:
        super().__init__(
            orphans,
            codebook,
            "Orphaned annotations",
            "enter re-attaches to the selection in the reader · escape cancels",
        )
        self.orphans = orphans

"""The panel filter prompt: narrow the annotation panel by code, analyst or text."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from annotations.codebook import Codebook
from annotations.model import Annotation
from tui.widgets.type_ahead import TypeAheadModal


@dataclass(frozen=True, slots=True)
class PanelFilter:
    """Which annotations the panel lists: all of `tag`, `analyst` and `words` must match."""

    tag: str | None = None
    analyst: str | None = None
    words: tuple[str, ...] = ()

    @classmethod
    def parse(cls, query: str, codebook: Codebook) -> PanelFilter | None:
        """`military`, `actor/iran` or a code's key picks a code; `@ana` an analyst; other
        words must appear in the quote or memo. An empty query is no filter (None)."""
        tag = analyst = None
        words: list[str] = []
        for token in query.split():
            lowered = token.casefold()
            code = next(
                (
                    c
                    for c in codebook.codes
                    if lowered in (c.id, c.label.casefold(), c.key.casefold())
                ),
                None,
            )
            if token.startswith("@") and len(token) > 1:
                analyst = token[1:]
            elif code is not None and tag is None:
                tag = code.id
            else:
                words.append(lowered)
        if tag is None and analyst is None and not words:
            return None
        return cls(tag, analyst, tuple(words))

    def matches(self, annotation: Annotation) -> bool:
        if self.tag is not None and self.tag not in annotation.tags:
            return False
        if self.analyst is not None and annotation.analyst != self.analyst:
            return False
        haystack = f"{annotation.quote} {annotation.memo}".casefold()
        return all(word in haystack for word in self.words)

    def describe(self, codebook: Codebook) -> str:
        parts = []
        if self.tag:
            code = codebook.code(self.tag)
            parts.append(code.label if code else self.tag)
        if self.analyst:
            parts.append(f"@{self.analyst}")
        parts += [f"“{word}”" for word in self.words]
        return " ".join(parts)


class FilterPrompt(TypeAheadModal[str | None]):
    """Dismisses with the query typed (empty: clear the filter), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True, id="filter.cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def type_ahead_field(self) -> Input:
        return self.query_one(Input)

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-dialog"):
            yield Label("Filter the annotation panel", classes="dialog-title")
            yield Input(
                self.current, placeholder="a code (military, r, actor/iran), @analyst, words"
            )
            yield Label("enter applies · empty clears · escape cancels", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)

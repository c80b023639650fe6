"""The help screen: every key, and the codebook with its keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotations.codebook import Codebook
from annotations.safe_text import visible

KEYS = (
    ("j / ↓, k / ↑", "next / previous sentence"),
    ("J / }, K / {", "next / previous paragraph"),
    ("space / pgdn, pgup", "page down / up"),
    ("g / home, G / end", "start / end of document"),
    ("v", "extend the selection: then j/k by sentence, w/b by word, esc cancels"),
    ("p", "select the whole paragraph"),
    ("t", "tag picker: the whole codebook, filter by typing"),
    ("m", "memo and confidence of the annotation under the cursor"),
    ("delete", "remove the annotation under the cursor (undoable)"),
    ("u, ctrl+r", "undo, redo"),
    ("], [", "next / previous annotation"),
    (">", "next paragraph without annotations"),
    ("tab", "move between the reading pane and the annotation panel"),
    ("f", "filter the panel: a code, @analyst, words (esc clears)"),
    ("/", "search the document, case and accents aside; enter goes to the match"),
    ("n, N", "next / previous match (around the end and the start)"),
    ("esc", "stop extending, else end the search, else clear the filter"),
    ("a", "analysis: interests × actors (enter: the quotes), relations, tags, positions"),
    ("o", "re-attach an orphaned annotation to the selection"),
    ("ctrl+e", "export: format, scope (document, all, filter), file"),
    ("ctrl+p", "command palette: every action"),
    ("?", "this help"),
    ("q", "quit — everything is already saved"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, codebook: Codebook) -> None:
        super().__init__()
        self.codebook = codebook

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(Content.styled("Keys", "bold"), classes="dialog-title")
            yield Static(
                Content("\n").join(
                    Content.assemble((f"{keys:>20}", "bold"), f"  {does}") for keys, does in KEYS
                )
            )
            title = f"Codebook: {visible(self.codebook.name)}"
            yield Static(Content.styled(title, "bold"), classes="dialog-title")
            lines = []
            for group in self.codebook.groups:
                exclusive = " (one at a time)" if group.exclusive else ""
                lines.append(Content.styled(visible(group.label) + exclusive, "italic"))
                for code in self.codebook.codes_in(group.id):
                    lines.append(
                        Content.assemble(
                            (f"{code.key:>6}  ", "bold"),
                            (visible(code.label), f"bold {code.color}"),
                            f" — {visible(code.description)}",
                        )
                    )
            yield Static(Content("\n").join(lines))

    def action_close(self) -> None:
        self.dismiss(None)

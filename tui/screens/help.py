"""The help screen: every key (from the registry, `tui.keys`), and the codebook's."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotations.codebook import Codebook
from annotations.safe_text import visible
from tui import keys
from tui.widgets.code_marks import marker_style


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, codebook: Codebook, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.codebook = codebook
        self.keymap = dict(keymap or {})

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(Content.styled("Keys", "bold"), classes="dialog-title")
            lines: list[Content] = []
            heading = ""
            for group, shown, does in keys.help_rows(self.keymap):
                if group != heading:
                    lines.extend([Content("")] if lines else [])
                    lines.append(Content.styled(group, "italic"))
                    heading = group
                lines.append(Content.assemble((f"{shown:>20}", "bold"), f"  {does}"))
            yield Static(Content("\n").join(lines), id="help-keys")
            title = f"Codebook: {visible(self.codebook.name)}"
            yield Static(Content.styled(title, "bold"), classes="dialog-title")
            lines = []
            for group in self.codebook.groups:
                exclusive = " (one at a time)" if group.exclusive else ""
                lines.append(Content.styled(visible(group.label) + exclusive, "italic"))
                for code in self.codebook.codes_in(group.id):
                    lines.append(
                        Content.assemble(
                            (f"{keys.show_code_keys(code, self.keymap):>6}  ", "bold"),
                            (f" {self.codebook.marker(code.id)} ", marker_style(code.color)),
                            " ",
                            (visible(code.label), f"bold {code.color}"),
                            f" — {visible(code.description)}",
                            (f" · memo: {visible(' '.join(code.memo.split()))}", "italic")
                            if code.memo
                            else "",
                        )
                    )
            yield Static(Content("\n").join(lines))

    def action_close(self) -> None:
        self.dismiss(None)

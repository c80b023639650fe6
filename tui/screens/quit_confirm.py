"""Quitting while changes are not on disk yet (the disk full, the store read-only since).

Every change is saved the moment it is made — unless the disk refused it; then the store
keeps it in memory and retries. Quitting then would lose it without a word, so `q` asks:
retry now, save a copy of everything elsewhere (a json export, `gloss import` takes it
back), or quit and lose the changes. Whatever is chosen, the command line says what
happened in one line and exits with status 2 when anything is not in the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from annotations.codebook import Codebook
from annotations.errors import GlossError
from annotations.safe_text import visible
from annotations.store import Store

if TYPE_CHECKING:
    from tui.app import GlossApp


def changes(count: int) -> str:
    return f"{count} change{'s' if count != 1 else ''}"


def quit_or_ask(app: GlossApp, store: Store | None, codebook: Codebook) -> None:
    """Quit at once when every change is on disk; else one more try, then ask."""
    if store is None or not store.pending or _retried(store):
        app.exit()
        return

    def chosen(outcome: str | None) -> None:
        if outcome is None:
            return  # back to reading
        if outcome == "saved":
            app.exit()
            return
        # The CLI prints this as one line after the terminal is restored, and exits 2.
        app.error_message = outcome
        app.exit(return_code=2)

    app.push_screen(QuitConfirm(store, codebook), chosen)


def _retried(store: Store) -> bool:
    """One more try to write what is pending; False when some is still not on disk."""
    try:
        return store.retry()
    except GlossError:
        return False


class QuitConfirm(ModalScreen[str | None]):
    """Asks what to do with changes not on disk: dismissed with "saved" (all written at
    last), the line the command line should print when quitting without them, or None
    (keep reading)."""

    # Nothing takes the keys until `s` shows the file field: r, s and l are choices.
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("s", "save_copy", "Save a copy"),
        Binding("l", "lose", "Quit, lose them"),
        Binding("escape", "cancel", "Back"),
    ]

    def __init__(self, store: Store, codebook: Codebook) -> None:
        super().__init__()
        self.store = store
        self.codebook = codebook

    def compose(self) -> ComposeResult:
        count = self.store.pending
        with Vertical(id="quit-dialog"):
            yield Label("Changes not saved", classes="dialog-title")
            yield Static(
                Content(
                    visible(
                        f"{changes(count)} could not be written to {self.store.path} (the "
                        "disk is full or cannot be written): quitting now loses them.",
                        newline=" ",
                    )
                ),
                id="quit-reason",
            )
            yield Static(
                Content(
                    "r  retry now\n"
                    "s  save a copy of everything elsewhere (gloss import takes it back)\n"
                    f"l  quit and lose {changes(count)}\n"
                    "escape  back to reading"
                ),
                id="quit-choices",
            )
            yield Input(str(Path("~") / "gloss-unsaved.json"), id="quit-copy-path")
            yield Static("", id="quit-error")

    def _say(self, message: str) -> None:
        self.query_one("#quit-error", Static).update(Content(visible(message, newline=" ")))

    def action_retry(self) -> None:
        if _retried(self.store):
            self.dismiss("saved")
        else:
            self._say(f"Still not saved: {changes(self.store.pending)} kept in memory.")

    def action_save_copy(self) -> None:
        field = self.query_one("#quit-copy-path", Input)
        field.add_class("-shown")
        field.focus()
        self._say("Name the file and press enter (escape: back).")

    @on(Input.Submitted, "#quit-copy-path")
    def _write_copy(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip() or "gloss-unsaved.json").expanduser()
        try:
            # The exporters load only here, not with every reader.
            from annotations.export import render, select
            from annotations.output_file import store_files, write_file

            data = render("json", select(self.store, self.codebook))
            write_file(path, data, protected=store_files(self.store.path))
        except GlossError as error:
            self._say(str(error))
            return
        self.dismiss(
            f"quit with {changes(self.store.pending)} not saved to {self.store.path}; "
            f"a copy of everything is in {path}: gloss import {path} puts them back"
        )

    def action_lose(self) -> None:
        self.dismiss(
            f"quit with {changes(self.store.pending)} not saved to {self.store.path}: they are lost"
        )

    def action_cancel(self) -> None:
        field = self.query_one("#quit-copy-path", Input)
        if field.has_class("-shown"):
            field.remove_class("-shown")
            self.set_focus(None)
            self._say("")
            return
        self.dismiss(None)

"""The Gloss Textual app: wiring only — the screens do the work."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.store import Store
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen


class GlossApp(App[None]):
    """`GlossApp(paths, db, analyst, codebook)`; with no paths, the bundled article."""

    CSS_PATH = "gloss.tcss"
    TITLE = "Gloss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        paths: list[Path] | None = None,
        db: Path | None = None,
        analyst: str | None = None,
        codebook: Path | None = None,
    ) -> None:
        super().__init__()
        self.paths = list(paths or [])
        self.db_path = db
        self.analyst = analyst or _login_name()
        self.codebook = Codebook.load(codebook) if codebook else Codebook.default()
        self.store: Store | None = None

    def on_mount(self) -> None:
        from tui.commands.common import store_path

        self.store = Store(store_path(self.db_path))
        documents = [Document.from_path(p) for p in self.paths] or [Document.bundled()]
        stored = [self.store.add_document(d) for d in documents]
        self.push_screen(ReaderScreen(stored[0], self.store, self.codebook, self.analyst))

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.codebook))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # Every reader action is in the palette, named as in the footer and help.
        if isinstance(screen, ReaderScreen):
            for bindings in screen._bindings.key_to_bindings.values():
                for binding in bindings:
                    if binding.description and binding.id:
                        yield SystemCommand(
                            binding.description,
                            f"{binding.id} ({binding.key_display or binding.key})",
                            lambda action=binding.action: screen.run_action(action),
                        )


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"

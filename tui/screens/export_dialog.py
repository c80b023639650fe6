"""The export dialog (`ctrl+e`): format, scope and file, all from the keyboard.

`tab` moves between the three; `up`/`down` choose a format or a scope (what is
highlighted is what is used); `enter` exports and dismisses with the written `Path`;
`escape` dismisses with None. An export that fails (an unwritable file, say) shows its
reason in the dialog, which stays open so the path can be corrected.

The file offered for each format is the one last written in it (`remembered`: for this
document, else the default name in the folder last written to), and a file that exists
is replaced only after `y` in `OverwriteConfirm` (enter keeps it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.codebook import Codebook
from annotations.errors import GlossError
from annotations.export import (
    FORMAT_NAMES,
    AnnotationSource,
    ExportScope,
    default_filename,
    export_format,
    export_to,
    make_scope,
    select,
)
from annotations.output_file import check_output, store_files
from annotations.safe_text import visible
from annotations.workspace import ANY_FORMAT, remembered_key
from tui.widgets.filter_prompt import PanelFilter
from tui.widgets.overwrite_confirm import OverwriteConfirm

SCOPES = ("document", "all", "filter")


class ExportDialog(ModalScreen[Path | None]):
    """Export annotated notes to a file; dismisses with its path, or None when cancelled."""

    BINDINGS = [
        Binding("enter", "export", "Export", priority=True, id="export.run"),
        Binding("escape", "cancel", "Cancel", priority=True, id="export.cancel"),
    ]

    def __init__(
        self,
        store: AnnotationSource,
        codebook: Codebook,
        document_id: str,
        panel_filter: PanelFilter | None = None,
        *,
        remembered: Mapping[str, str] | None = None,
        on_written: Callable[[str, Path], None] | None = None,
    ) -> None:
        super().__init__()
        # The files last written (`remembered_key` -> path), and who hears of a new one.
        self.remembered = dict(remembered or {})
        self.on_written = on_written
        self.store = store
        self.codebook = codebook
        self.document_id = document_id
        self.panel_filter = panel_filter
        self.document = store.document(document_id)
        self.exporting = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = visible(" ".join(self.document.title.split()))
        with Vertical(id="export-dialog"):
            yield Label("Export notes", classes="dialog-title")
            yield Static(Content(f"“{title}”"), id="export-document")
            yield Label("Format", classes="dialog-subtitle")
            yield OptionList(
                *(
                    Option(Content(f"{export_format(name).label} (.{name})"), id=name)
                    for name in FORMAT_NAMES
                ),
                id="export-format",
            )
            yield Label("Scope", classes="dialog-subtitle")
            yield OptionList(
                Option(Content("this document"), id="document"),
                Option(Content("all documents"), id="all"),
                Option(
                    Content(f"current filter ({self._filter_text() or 'no filter set'})"),
                    id="filter",
                    disabled=not self._filter_text(),
                ),
                id="export-scope",
            )
            yield Label("File", classes="dialog-subtitle")
            # Selected on focus, as in a save dialog: typing replaces the whole path.
            yield Input(self._offered_path(FORMAT_NAMES[0]), id="export-path")
            yield Static("", id="export-error")
            yield Label(
                "tab next · ↑↓ choose · enter export · escape cancel", classes="dialog-help"
            )

    def on_mount(self) -> None:
        for list_id in ("#export-format", "#export-scope"):
            self.query_one(list_id, OptionList).highlighted = 0
        self.query_one("#export-format", OptionList).focus()

    def _filter_text(self) -> str:
        if self.panel_filter is None:
            return ""
        return visible(self.panel_filter.describe(self.codebook), newline=" ")

    def _default_path(self, name: str) -> str:
        return str(Path("~") / default_filename(self.document.title, name))

    def _offered_path(self, name: str) -> str:
        """The file to offer for format `name`: the one last written in it for this
        document, else this document's default name where that format (else any) was
        last written, else in the home folder."""
        mine = self.remembered.get(remembered_key(name, self.document_id))
        if mine:
            return mine
        last = self.remembered.get(remembered_key(name)) or self.remembered.get(ANY_FORMAT)
        if last:
            return str(Path(last).parent / default_filename(self.document.title, name))
        return self._default_path(name)

    # -- choices --------------------------------------------------------------------------

    @property
    def chosen_format(self) -> str:
        index = self.query_one("#export-format", OptionList).highlighted
        return FORMAT_NAMES[index or 0]

    @property
    def chosen_scope(self) -> str:
        index = self.query_one("#export-scope", OptionList).highlighted
        return SCOPES[index or 0]

    @on(OptionList.OptionHighlighted, "#export-format")
    def _format_changed(self, event: OptionList.OptionHighlighted) -> None:
        """Offer the format's remembered file, unless a path was typed; else keep the
        file's extension in step with the format (the name stays as typed)."""
        path_input = self.query_one("#export-path", Input)
        offered = {self._offered_path(name) for name in FORMAT_NAMES}
        if path_input.value in offered:
            path_input.value = self._offered_path(str(event.option.id))
            path_input.cursor_position = len(path_input.value)
            return
        path = Path(path_input.value)
        if path.name and (not path.suffix or path.suffix[1:] in FORMAT_NAMES):
            path_input.value = str(path.with_suffix(f".{event.option.id}"))
            path_input.cursor_position = len(path_input.value)

    # -- actions --------------------------------------------------------------------------

    def _scope(self) -> ExportScope:
        if self.chosen_scope == "all":
            return select(self.store, self.codebook)
        if self.chosen_scope == "filter" and self.panel_filter is not None:
            # Exactly what the panel lists: the store narrows by a code the filter needs,
            # the filter then, as the panel does; no orphans (the panel has none).
            active = self.panel_filter
            found = select(self.store, self.codebook, document=self.document_id, tag=active.tag)
            return make_scope(
                found.documents,
                (a for a in found.annotations if active.matches(a)),
                self.codebook,
                filters=active.describe(self.codebook),
            )
        return select(self.store, self.codebook, document=self.document_id)

    def action_export(self) -> None:
        if self.exporting:
            return
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._show_error("Name a file to write.")
            return
        try:
            # The store is read here, on the app's thread; the rendering and writing —
            # most of the work for a large store — go to a thread of their own.
            scope = self._scope()
            # Never over the store's own files (the AnnotationSource of a test has none).
            store_path = getattr(self.store, "path", None)
            check_output(Path(raw).expanduser(), store_files(store_path) if store_path else ())
        except GlossError as error:
            self._show_error(str(error))
            return
        path = Path(raw).expanduser()
        if path.is_file():
            self.exporting = True  # until answered: enter must not export behind the question
            self.app.push_screen(OverwriteConfirm(path), lambda yes: self._answered(yes, scope))
            return
        self._start(scope, path)

    def _answered(self, replace: bool | None, scope: ExportScope) -> None:
        self.exporting = False
        if replace:
            raw = self.query_one("#export-path", Input).value.strip()
            self._start(scope, Path(raw).expanduser())
        else:
            self._show_error("Not exported: the file is kept. Name another, or enter and y.")

    def _start(self, scope: ExportScope, path: Path) -> None:
        self.exporting = True
        self.query_one("#export-error", Static).update(Content("Exporting…"))
        self._write(self.chosen_format, scope, path)

    @work(thread=True, exclusive=True, group="export")
    def _write(self, name: str, scope: ExportScope, path: Path) -> None:
        try:
            written = export_to(name, scope, path)
        except GlossError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._written, name, written)

    def _written(self, name: str, path: Path) -> None:
        if self.on_written is not None:
            self.on_written(name, path)
        self.dismiss(path)

    def _failed(self, message: str) -> None:
        self.exporting = False
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Content(visible(message, newline=" ")))

    def action_cancel(self) -> None:
        if not self.exporting:
            self.dismiss(None)

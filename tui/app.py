"""The Gloss Textual app: wiring only — the screens do the work."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Center, Middle
from textual.content import Content
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import LoadingIndicator, Static

from annotations.citation import DEFAULT_STYLE
from annotations.codebook import Codebook
from annotations.codebook_store import codebook_in_force
from annotations.document import Document
from annotations.errors import GlossError, PasswordRequired
from annotations.journal import paused_gc
from annotations.lazy_pattern import compile_all
from annotations.lazy_texts import check_texts, read_texts
from annotations.library import (
    Opened,
    OpenResult,
    current_documents,
    mark_opened,
    open_paths,
)
from annotations.safe_text import visible
from annotations.settings import load_settings
from annotations.sources import source_format
from annotations.store import Store
from tui import keys
from tui.commands.common import analyst_name
from tui.screens.reader import ReaderScreen, reader_screen_for
from tui.screens.settled import SettledScreen
from tui.themes import HIGH_CONTRAST
from tui.widgets.code_marks import terminal_colours

if TYPE_CHECKING:
    from tui.screens.library import LibraryScreen
    from tui.screens.project_search import Place


def collect_again() -> None:
    """Once the first screen is drawn: what start-up made stays out of the collector's
    way (`gc.freeze`), and collecting resumes (`gloss` pauses it while it starts)."""
    gc.freeze()
    gc.enable()


def warm_up() -> None:
    """Load now what the reader's first keys would otherwise load as they are pressed,
    kept off the way to the first frame: the `regex` patterns of sentences, words and
    graphemes (a first PageDown took 20 ms instead of 8), and the editing of annotations
    (a first change, 18 ms more), and Rich's table of cell widths, which a first screen of
    ASCII text never needed (an entry's curly quotes do)."""
    compile_all()
    import annotations.editing  # noqa: F401

    cell_len("“…”")


class KeysKeptScreen(SettledScreen[None]):
    """A screen under which the reader is not open yet: keys typed meanwhile are kept
    for it. An analyst who opens a book and types `G` at once means it. (`ctrl+q`
    still quits at once: it is a priority binding.)"""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.typed: list[events.Key] = []

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.typed.append(events.Key(event.key, event.character))

    def take_typed(self) -> list[events.Key]:
        """The keys kept so far; from now on, none are."""
        typed, self.typed = self.typed, []
        return typed


class LoadingScreen(KeysKeptScreen):
    """Shown while a large document is read and indexed (keys typed meanwhile are kept
    for the reader)."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(Content(f"Opening {self.what}…"), id="loading-what")
            yield LoadingIndicator()
            yield Static("", id="loading-progress")

    def show_progress(self, path: Path, done: int, total: int) -> None:
        """Say how far the conversion of a source (a PDF's pages) has come."""
        self.query_one("#loading-progress", Static).update(
            Content(f"Converting {visible(path.name)}: page {done} of {total}")
        )


class GlossApp(App[None]):
    """`GlossApp(paths, db, analyst, codebook)`; with no paths, the bundled article
    (or the library, once the store holds several documents). `store`, when given, is an
    already open store for `db` (the command line opens it to check it): the app uses it
    and closes it, instead of opening it a second time; `checked`, likewise, the codebook
    and keymap the command line has read and checked (`keys.codebook_and_keymap(codebook)`,
    or the store's own codebook when none is named and no key moved)."""

    # The reader's styling; every other screen's is read when the first of them opens
    # (`push_screen`): all 134 rules took 13 ms to parse at start, the reader's 25 take 3.
    CSS_PATH = "gloss.tcss"
    SCREENS_CSS = Path(__file__).parent / "screens.tcss"
    # All of Gloss's styling, for any app that hosts one of its screens (tests do).
    CSS_PATHS = [Path(__file__).parent / "gloss.tcss", SCREENS_CSS]
    TITLE = "Gloss"
    BINDINGS = keys.bindings("app")
    # Files larger than this (in all) are read in a thread, behind a loading screen if that
    # takes more than `LOADING_SCREEN_AFTER`, so the terminal answers at once. Smaller ones
    # are read before the first screen, and the reader is that screen: a 5 MB book the
    # store knows takes some 15 ms, one it does not about 70 (the text is stored).
    BACKGROUND_OPEN_BYTES = 8_000_000
    # While the analyst reads the first screen, what their first keys need is loaded
    # (`warm_up`); None: never (a test of what showing a document loads).
    WARM_UP_SECONDS: float | None = 0.3
    # How long (seconds) a large file may take to open before the loading screen goes up.
    LOADING_SCREEN_AFTER = 0.1

    def __init__(
        self,
        paths: list[Path] | None = None,
        db: Path | None = None,
        analyst: str | None = None,
        codebook: Path | None = None,
        encoding: str | None = None,
        store: Store | None = None,
        converted: dict[Path, Document] | None = None,
        citation_style: str | None = None,
        password: str | None = None,
        checked: tuple[Codebook, dict[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.paths = list(paths or [])
        self.db_path = db
        self.analyst = analyst or analyst_name(None)  # $GLOSS_ANALYST, config.toml, login
        # The keymap in force (`[keys]` of config.toml): the palette and help show it.
        # The command line has checked both already and said what is wrong in one line
        # (`checked`: what it found, not read and checked a second time).
        self.codebook, self.keymap_in_force = checked or keys.codebook_and_keymap(codebook)
        settings = load_settings()  # config.toml, read once here
        # Until the store is open: then its own codebook, if it records one, is in force.
        self._codebook_file, self._codebook_chosen = (
            codebook or settings.codebook,
            bool(codebook),
        )
        self._reader_screen = reader_screen_for(self.codebook)
        self.encoding = encoding
        self.store: Store | None = store
        # Sources the command line converted already (with its progress bar).
        self.converted = dict(converted or {})
        self.password = password  # an encrypted PDF's (asked for when it is missing)
        # `--citation-style`, else config.toml's [citation] style, else plain.
        self.citation_style = citation_style or settings.citation_style or DEFAULT_STYLE
        self.register_theme(HIGH_CONTRAST)
        if settings.theme in self.available_themes:  # `gloss` has said what is wrong with it
            self.theme = settings.theme
        self.error_message: str | None = None
        # The documents marked in the library: the analysis screen offers them as a scope.
        self.marked_documents: frozenset[str] = frozenset()
        self.closing = False  # `exit` was called: the app is being taken down
        # What opening before the first screen gave (`get_default_screen`), for `on_mount`.
        self._opened_first: OpenResult | GlossError | None = None

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.closing = True
        super().exit(*args, **kwargs)

    async def on_event(self, event: events.Event) -> None:
        # A key typed right after `q` arrives before the app has closed: it must not open
        # a dialog on a screen that is being taken down (its mount then fails, and the
        # analyst gets a traceback instead of the shell). Everything is saved already.
        if self.closing and isinstance(event, events.InputEvent):
            return
        await super().on_event(event)

    def get_default_screen(self) -> Screen:
        """The screen at the bottom of the stack.

        What opens quickly is opened here, before anything is drawn, and a single
        document's reader is this screen: no other is styled and drawn under it first
        (that blank frame and its styling were 43 M of the 1,552 M instructions to a
        5 MB book's first words). Otherwise it
        is a screen under the loading screen, the library or the reader, where keys typed
        while a large file opens, before any loading screen is up, wait.
        """
        if not self._opens_in_background():
            try:
                self._opened_first = result = self._open()
            except GlossError as error:
                self._opened_first = error  # said by `on_mount`, as any failure to open
            else:
                if len(result.opened) == 1:
                    return self._reader_for(result.opened[0], from_library=False)
        return KeysKeptScreen(id="_default")

    def _theme_changed(self, theme: Theme) -> None:
        # gloss.tcss draws the cursor and the panel's entry black on white there.
        self.set_class(theme.name == HIGH_CONTRAST.name, "-high-contrast")

    # -- opening -----------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.keymap_in_force:
            self.set_keymap(self.keymap_in_force)
        if terminal_colours(self) == "standard":
            self.add_class("-sixteen-colours")  # gloss.tcss draws the cursor apart there
        self._theme_changed(self.current_theme)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        opened_first = self._opened_first
        if isinstance(opened_first, GlossError):
            self._fail(opened_first)
        elif isinstance(opened_first, OpenResult):
            if len(opened_first.opened) == 1:
                self._shown_first(opened_first)  # its reader is the first screen
            else:
                self._show(opened_first)  # the library, over the first screen
        else:
            # The open runs in a thread beside Textual's own start-up; the loading screen
            # goes up only if nothing is shown by then, so a book that opens quickly shows
            # no screen up and down (holding the event loop to wait for it instead cost a
            # 5 MB book with 10,000 annotations about 0.1 s to its first words).
            if self.LOADING_SCREEN_AFTER > 0:
                self.set_timer(self.LOADING_SCREEN_AFTER, self._loading_screen_if_still_opening)
            else:
                self._put_up_loading_screen()
            self._open_in_background()

    def _opens_in_background(self) -> bool:
        """A large file, or a source to convert: opened in a thread (see `on_mount`)."""
        unconverted = [p for p in self.paths if source_format(p) and p not in self.converted]
        return self._opened_size() > self.BACKGROUND_OPEN_BYTES or bool(unconverted)

    def _open(self) -> OpenResult:
        """Open the store and the documents. A document's annotations are read by its
        reader: those on its first screen first, the rest after the first frame."""
        from tui.commands.common import store_path

        # What is loaded (the text, its index, the store's records) lives as long as the
        # app: collecting meanwhile is wasted, and after it, kept out of the collector's
        # way (~10 ms a collection at ten thousand annotations).
        with paused_gc(keep=True):
            if self.store is None:
                self.store = Store(store_path(self.db_path))
            self._take_codebook_of(self.store)
            result = self._open_documents()
            # Large stored texts are read when first needed (`annotations.lazy_texts`):
            # those the first screen shows are read here, where a damaged one is one line.
            shown = result.documents if len(result.opened) == 1 else self.store.documents()
            read_texts(shown)
            return result

    def _take_codebook_of(self, store: Store) -> None:
        """A project travels with its codebook: the store's is in force; a --codebook
        file replaces it; a store that records none records the one we have."""
        in_force = codebook_in_force(
            store, self.codebook, file=self._codebook_file, chosen=self._codebook_chosen
        )
        if in_force != self.codebook:
            self.codebook = in_force
            self._reader_screen = reader_screen_for(in_force)

    def _open_documents(self) -> OpenResult:
        assert self.store is not None
        if self.paths:
            return open_paths(
                self.store,
                self.paths,
                encoding=self.encoding,
                converted=self.converted,
                progress=self._conversion_progress,
                password=self.password,
            )
        current = current_documents(self.store)
        if len(current) > 1:
            return OpenResult(())
        if current:
            return OpenResult((Opened(current[0], Path()),))
        document = self.store.add_document(Document.bundled())
        return OpenResult((Opened(document, Path(document.path or "")),))

    def _conversion_progress(self, path: Path, done: int, total: int) -> None:
        """Called in the loading thread as a source converts: shown on the loading screen."""
        screen = self.screen
        if isinstance(screen, LoadingScreen) and (done == total or done % 5 == 0):
            self.call_from_thread(screen.show_progress, path, done, total)

    def _opened_size(self) -> int:
        return sum(p.stat().st_size for p in self.paths if p.is_file())

    def _put_up_loading_screen(self) -> None:
        if not isinstance(self.screen, LoadingScreen):
            names = ", ".join(p.name for p in self.paths[:3])
            self.push_screen(LoadingScreen(f"{names} ({self._opened_size() / 1e6:.1f} MB)"))

    def _loading_screen_if_still_opening(self) -> None:
        if len(self.screen_stack) == 1 and not self.closing:  # nothing shown yet
            self._put_up_loading_screen()

    @work(thread=True, exclusive=True, group="open")
    def _open_in_background(self) -> None:
        try:
            result = self._open()
        except PasswordRequired as error:
            self.call_from_thread(self._ask_password, error)
        except GlossError as error:
            self.call_from_thread(self._fail, error)
        else:
            self.call_from_thread(self._show, result)

    def _ask_password(self, error: PasswordRequired) -> None:
        """An encrypted PDF: ask for its password, then open again (escape gives up)."""

        def answered(password: str | None) -> None:
            if password is None:
                self._fail(error)
            else:
                self.password = password
                self._put_up_loading_screen()  # the conversion may take a while
                self._open_in_background()

        from tui.widgets.password_prompt import PasswordPrompt

        self.push_screen(PasswordPrompt(str(error)), answered)

    def _show(self, result: OpenResult) -> None:
        assert self.store is not None
        typed: list[events.Key] = []
        if isinstance(self.screen, KeysKeptScreen):
            typed = self.screen.take_typed()
            if isinstance(self.screen, LoadingScreen):
                self.pop_screen()
        self._say_skipped(result)
        if len(result.opened) == 1:
            self.open_reader(result.opened[0], from_library=False)
        else:
            for opened in result.opened:
                message = opened.summary()
                if message:
                    title = visible(opened.document.title, newline=" ")
                    self.notify(f"{title}: {message}", markup=False, timeout=8)
            self.show_library()
        if typed:
            # Once the reader (or the library) is mounted and has focus.
            self.call_after_refresh(self._replay, typed)
        self._after_first_frame()

    def _shown_first(self, result: OpenResult) -> None:
        """What `_show` does besides showing, for a reader that is the first screen."""
        self._say_skipped(result)
        self._say_opened(result.opened[0])
        self._after_first_frame()

    def _say_skipped(self, result: OpenResult) -> None:
        for path, why in result.skipped:
            self.notify(visible(f"{path.name}: {why}"), title="Skipped", markup=False)

    def _after_first_frame(self) -> None:
        self.call_after_refresh(collect_again)
        self.call_after_refresh(self._check_stored_texts)
        if self.WARM_UP_SECONDS is not None:
            self.set_timer(self.WARM_UP_SECONDS, warm_up)

    @work(thread=True, exclusive=True, group="check-texts")
    def _check_stored_texts(self) -> None:
        """After the first frame: every large stored text checked against its id, as
        opening the store did before it read them on demand; a damaged one ends the app
        with one line, as it did then."""
        assert self.store is not None
        try:
            check_texts(self.store.documents(), self.store.path)
        except GlossError as error:
            self.call_from_thread(self._fail, error)

    def push_screen(self, screen: Screen | str, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(screen, (LoadingScreen, ReaderScreen)):
            self._read_screens_css()
        return super().push_screen(screen, *args, **kwargs)

    def _read_screens_css(self) -> None:
        """Read screens.tcss, once: before the first screen that it styles is mounted."""
        if not self.stylesheet.has_source(str(self.SCREENS_CSS)):
            self.stylesheet.read(self.SCREENS_CSS)
            self.stylesheet.update(self)  # what is on screen already, were a rule to match

    def _replay(self, keys: list[events.Key]) -> None:
        for key in keys:
            self.post_message(key)

    def show_library(self) -> None:
        """The documents of the store; choosing one reads it, `escape` there comes back."""
        # Loaded when first shown: opening one document needs no library screen.
        from tui.screens.library import LibraryScreen

        assert self.store is not None
        self.push_screen(LibraryScreen(self.store, self.marked_documents), self._library_chose)

    # By handler name, not @on: the library module loads only when first shown.
    def on_library_screen_marks_changed(self, event: LibraryScreen.MarksChanged) -> None:
        self.marked_documents = event.marked

    def on_library_screen_analysis_asked(self) -> None:
        """The analysis of the marked documents (else of the whole store), from the library."""
        from tui.screens.analysis import AnalysisScreen  # loaded when first asked for

        assert self.store is not None
        marked = [d.id for d in self.store.documents() if d.id in self.marked_documents]
        screen = AnalysisScreen(self.store, self.codebook, marked=marked)
        self.push_screen(screen, self.open_place)

    def _library_chose(self, document_id: str | None) -> None:
        assert self.store is not None
        if document_id is None:
            self.action_quit()
            return
        document = self.store.document(document_id)
        self.open_reader(Opened(document, Path(document.path or "")), from_library=True)

    def open_reader(self, opened: Opened, *, from_library: bool) -> None:
        """Read one document; from the library, `escape` goes back to it."""
        reader = self._reader_for(opened, from_library=from_library)
        self.push_screen(reader, (lambda _: self.show_library()) if from_library else None)
        self._say_opened(opened)

    def _reader_for(self, opened: Opened, *, from_library: bool) -> ReaderScreen:
        assert self.store is not None
        return self._reader_screen(
            opened.document,
            self.store,
            self.codebook,
            self.analyst,
            from_library=from_library,
            citation_style=self.citation_style,
        )

    def _say_opened(self, opened: Opened) -> None:
        """Once a document's reader is up: its notices, and the library's "last opened"."""
        self.call_after_refresh(self._mark_opened, opened.document.id)
        message = opened.summary()
        if message:
            self.notify(message, title="Annotations re-anchored", markup=False, timeout=8)
        for notice in opened.document.metadata.get("notices") or ():
            # "page 3 has no text layer — run OCR first": said each time it is read.
            self.notify(visible(str(notice)), severity="warning", markup=False, timeout=10)

    def _mark_opened(self, document_id: str) -> None:
        """The library's "last opened", once the reader is drawn: the save and its disk
        sync (up to some 20 ms here) need not come before the first words."""
        if self.store is not None and not self.store.closed:
            mark_opened(self.store, document_id)

    def action_project_search(self) -> None:
        """The search screen over every document and memo; `enter` there reads a match."""
        from tui.screens.project_search import ProjectSearchScreen  # loaded when first used

        if self.store is None or isinstance(self.screen, ProjectSearchScreen):
            return
        self.push_screen(
            ProjectSearchScreen(self.store, self.codebook, analyst=self.analyst),
            self.open_place,
        )

    def open_place(self, place: Place | None) -> None:
        """Read `place`: in the reader on top if it shows that document, else in a reader
        of its own over the screen that is there (`escape` goes back to it)."""
        assert self.store is not None
        screen = self.screen
        if isinstance(screen, ReaderScreen):
            screen.annotations_changed()  # the search screen may have coded some
        if place is None:
            return
        if isinstance(screen, ReaderScreen) and screen.document.id == place.document:
            screen.select_span(place.start, place.end)
            return
        document = self.store.document(place.document)
        mark_opened(self.store, document.id)
        reader = self._reader_screen(
            document,
            self.store,
            self.codebook,
            self.analyst,
            from_library=True,  # escape goes back
            citation_style=self.citation_style,
        )
        self.push_screen(reader)
        self.call_after_refresh(reader.select_span, place.start, place.end)

    def use_codebook(self, codebook: Codebook) -> None:
        """The codebook changed on the codebook screen: help and readers opened from now
        on use it."""
        self.codebook = codebook
        self._reader_screen = reader_screen_for(codebook)

    def action_quit(self) -> None:
        """Quit; with changes the disk refused still in memory, ask first."""
        from tui.screens.quit_confirm import quit_or_ask  # its dialog: loaded when needed

        quit_or_ask(self, self.store, self.codebook)

    def _fail(self, error: Exception) -> None:
        # The CLI prints this as one line after the terminal is restored.
        self.error_message = str(error)
        self.exit(return_code=2)

    def on_unmount(self) -> None:
        if self.store is not None:
            for screen in self.screen_stack:
                if isinstance(screen, ReaderScreen):
                    screen.remember_place(closing=True)  # before the store closes
            self.store.close()

    # -- everywhere --------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # A key typed right after "m", "t" or "f" went to the reader before the dialog
        # opened, and bubbles up here unhandled: the dialog on top is where it belongs.
        # (Keys typed into the dialog's own field are taken by the field and stop there.)
        # Asked by name: `TypeAheadModal` loads with the first such dialog, not at start-up.
        take_key = getattr(self.screen, "take_key", None)
        if take_key is not None:
            take_key(event)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.codebook, self.keymap_in_force))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # On the reader, its own palette entries (tui.palette) hold "Quit  q".
        reader = isinstance(screen, ReaderScreen)
        for command in super().get_system_commands(screen):
            if not (reader and command.title == "Quit"):
                yield command
        if not reader:  # the reader's palette has it with its key
            search = keys.BY_ID["search.project"]
            yield SystemCommand(search.description, search.help, self.action_project_search)

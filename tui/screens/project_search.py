"""The search screen (`F`): every document's text and every memo, found as `/` finds text.

Typing searches (shortly after the last key, in a thread, so a large store never holds up
the keyboard); the matches are listed as keyword-in-context lines under their document's
title, the match at the same column on every line. A match that an annotation already
holds says so in words ("✓ Russia · military"), not by colour alone, and a match in a
memo says "memo". `enter` opens the place in the reader, `space` marks a match.

The matches are `annotations.project_search`'s; the lines are
`annotations.keyword_context`'s. The screen dismisses with the `Place` to read, or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.errors import StoreError
from annotations.keyword_context import keyword_in_context, shorten
from annotations.lazy_texts import read_texts
from annotations.library import current_documents
from annotations.model import Annotation
from annotations.project_search import Match, search_project
from annotations.safe_text import visible
from annotations.search import Search
from annotations.search_coding import (
    CodingChange,
    code_targets,
    coding_targets,
    redo_coding,
    undo_coding,
)
from annotations.span_index import SpanIndex
from annotations.store import Store
from annotations.text_units import cell_width, snap_to_graphemes
from tui.widgets.vi_lists import ViOptionList

# Seconds after the last key before the store is searched.
SEARCH_DELAY = 0.15
PLACE_CELLS = 11  # "memo ¶123" and a space; a longer place pushes its line right
MARKED = "■"


@dataclass(frozen=True, slots=True)
class Place:
    """Where to read: a span of a document."""

    document: str
    start: int
    end: int


class MatchList(ViOptionList):
    """The matches, a heading per document; `j`/`k` move as the arrows do."""

    BINDINGS = [
        Binding("enter", "select", "Read it", id="project_search.read"),
    ]


class ProjectSearchScreen(Screen[Place | None]):
    """Search every document and memo of `store`; dismisses with the place to read."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="project_search.back"),
        Binding("space", "mark", "Mark", id="project_search.mark"),
        Binding("slash", "edit_query", "Search", id="project_search.edit"),
        Binding("t", "code", "Code them", id="project_search.code"),
        Binding("u", "undo", "Undo", id="project_search.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="project_search.redo"),
        Binding("down", "to_list", "Matches", show=False),
    ]
    # The list is filled this many matches at a time, the next batch as the highlight
    # nears the end of what is there: ten thousand matches list as fast as fifty.
    BATCH = 200

    def __init__(self, store: Store, codebook: Codebook, *, analyst: str, query: str = "") -> None:
        super().__init__()
        self.store = store
        self.codebook = codebook
        self.analyst = analyst
        self.initial_query = query
        self.query_text = ""  # the query the matches listed are of
        self.matches: list[Match] = []
        self.marked: set[int] = set()  # indices into `matches`
        self.documents: dict[str, Document] = {}
        self.annotations: dict[str, dict[str, Annotation]] = {}
        self._indexes: dict[str, SpanIndex[Annotation]] = {}
        self._timer: Timer | None = None
        self._listed = 0  # how many matches the list holds so far
        self._option_of: dict[int, int] = {}  # match index -> option index
        self._to_list_when_found = False  # enter was pressed before the matches came
        # Coding done from this screen, for u and ctrl+r: each one change of many places.
        self.done: list[CodingChange] = []
        self.undone: list[CodingChange] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Search the project", "bold $primary"), id="psearch-title")
        yield Input(
            value=self.initial_query,
            placeholder="text to find in every document and memo: case and accents aside",
            id="psearch-input",
        )
        yield Static(Content(""), id="psearch-summary")
        yield MatchList(id="psearch-matches")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial_query:
            self.search_now()

    # -- searching ---------------------------------------------------------------------

    @on(Input.Changed, "#psearch-input")
    def _typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self.search_now)

    @on(Input.Submitted, "#psearch-input")
    def _submitted(self) -> None:
        if self._timer is not None or self.query_one(Input).value != self.query_text:
            self._to_list_when_found = True
            self.search_now()
        else:
            self.action_to_list()

    def search_now(self) -> None:
        """Search the store for what the field holds (in a thread) and list the matches."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        query = self.query_one(Input).value
        search = Search.compile(query)
        # What the store holds is read here, on the app's thread; the thread only reads
        # these lists, which the store replaces rather than changes.
        documents = current_documents(self.store)
        try:
            # A large stored text is read when first needed (`annotations.lazy_texts`):
            # here, not in the thread, so that a damaged one is said in one line.
            read_texts(documents)
        except StoreError as error:
            self.notify(visible(str(error)), severity="error", markup=False, timeout=15)
            return
        annotations = {d.id: self.store.annotations(d.id) for d in documents}
        self._search(query, search, documents, annotations)

    @work(thread=True, exclusive=True, group="project-search")
    def _search(
        self,
        query: str,
        search: Search | None,
        documents: list[Document],
        annotations: dict[str, list[Annotation]],
    ) -> None:
        matches = search_project(search, documents, annotations.__getitem__) if search else []
        self.app.call_from_thread(self._found, query, search, matches, documents, annotations)

    def _found(
        self,
        query: str,
        search: Search | None,
        matches: list[Match],
        documents: list[Document],
        annotations: dict[str, list[Annotation]],
    ) -> None:
        if not self.is_attached or query != self.query_one(Input).value:
            return  # a later search is on its way
        if query != self.query_text:
            self.marked = set()
        self.query_text = query
        self.matches = matches
        self.documents = {d.id: d for d in documents}
        self.annotations = {d: {a.id: a for a in listed} for d, listed in annotations.items()}
        self._indexes = {d: SpanIndex(listed) for d, listed in annotations.items()}
        self._refill()
        self._show_summary(search is not None)
        if self._to_list_when_found:
            self._to_list_when_found = False
            self.action_to_list()

    def _show_summary(self, searchable: bool = True) -> None:
        summary = self.query_one("#psearch-summary", Static)
        if not searchable:
            summary.update(Content(""))
            return
        count = len(self.matches)
        with_matches = len({m.document for m in self.matches})
        text = f"{count:,} match{'es' if count != 1 else ''}"
        if count:
            text += f" in {with_matches} of {len(self.documents)} documents"
        else:
            text += f" in {len(self.documents)} documents"
        coded = sum(1 for m in self.matches if m.where == "text" and m.annotation)
        if coded:
            text += f" · {coded:,} already coded (✓)"
        if self.marked:
            text += f" · {len(self.marked):,} marked ({MARKED})"
        summary.update(Content(text))

    # -- the list ----------------------------------------------------------------------

    def _refill(self) -> None:
        matches = self.query_one(MatchList)
        highlighted = matches.highlighted
        matches.clear_options()
        self._listed = 0
        self._option_of = {}
        self._list_more(matches)
        if matches.option_count:
            matches.highlighted = min(highlighted or 0, matches.option_count - 1)
            if matches.highlighted_option is not None and matches.highlighted_option.disabled:
                matches.action_cursor_down()

    def _list_more(self, options: OptionList) -> None:
        entries: list[Option] = []
        end = min(len(self.matches), self._listed + self.BATCH)
        previous = self.matches[self._listed - 1].document if self._listed else None
        for index in range(self._listed, end):
            match = self.matches[index]
            if match.document != previous:
                entries.append(self._heading(match.document))
                previous = match.document
            self._option_of[index] = options.option_count + len(entries)
            entries.append(Option(self._line(index), id=f"match-{index}"))
        self._listed = end
        options.add_options(entries)

    @on(OptionList.OptionHighlighted, "#psearch-matches")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        options = event.option_list
        if self._listed < len(self.matches) and event.option_index >= options.option_count - 5:
            self._list_more(options)

    def _heading(self, document_id: str) -> Option:
        document = self.documents[document_id]
        found = [m for m in self.matches if m.document == document_id]
        in_memos = sum(m.where == "memo" for m in found)
        coded = sum(1 for m in found if m.where == "text" and m.annotation)
        counts = f"  {len(found) - in_memos} in the text ({coded} coded), {in_memos} in memos"
        title = shorten(document.title or "Untitled", self._width() - cell_width(counts))
        return Option(
            Content.assemble((title, "bold"), (counts, "dim")),
            id=f"document-{document_id}",
            disabled=True,
        )

    def _width(self) -> int:
        # The list's padding and scrollbar.
        return max(40, self.query_one(MatchList).size.width or self.app.size.width) - 3

    def _line(self, index: int) -> Content:
        """`■ ¶12      …left context MATCH right context…  ✓ Russia · military`."""
        match = self.matches[index]
        document = self.documents[match.document]
        annotation = self.annotations[match.document].get(match.annotation or "")
        if match.where == "memo" and annotation is not None:
            source, offset, place = annotation.memo, annotation.start, "memo ¶"
        else:
            source, offset, place = document.text, match.start, "¶"
        place += str(document.paragraph_index(offset) + 1)
        page = document.page_label_at(offset)
        if page is not None:
            place += f" p.{visible(page)}"
        width = self._width()
        # The left context has the same cells on every line, so the matches line up.
        left_cells = max(8, (width - 2 - PLACE_CELLS) * 2 // 5)
        room = width - 2 - max(PLACE_CELLS, cell_width(place) + 1)
        line = keyword_in_context(
            source,
            match.start,
            match.end,
            left_cells=left_cells,
            right_cells=0,
            match_cells=max(8, room - left_cells - 8),
        )
        # What codes it takes what the match leaves, less a little context after it.
        room -= left_cells + cell_width(line.match)
        coded = shorten(self._coded(match), max(0, room - 6))
        room -= cell_width(coded)
        right_cells = max(0, room)
        right = keyword_in_context(
            source, match.start, match.end, left_cells=0, right_cells=right_cells
        ).right
        right += " " * (right_cells - cell_width(right))
        return Content.assemble(
            (MARKED if index in self.marked else " ", "bold $accent"),
            " ",
            (place.ljust(PLACE_CELLS - 1) + " ", "dim"),
            " " * (left_cells - cell_width(line.left)) + line.left,
            (line.match, "bold reverse"),
            right,
            (coded, "bold" if match.where == "text" else "italic"),
        )

    def _coded(self, match: Match) -> str:
        """What the line says of the annotations holding the match: their codes in words,
        the analyst's own first, others' with their names."""
        if match.where == "memo":
            annotation = self.annotations[match.document].get(match.annotation or "")
            who = annotation.analyst if annotation is not None else ""
            mine = who == self.analyst
            return visible(f"  in a memo{'' if mine else f' ({who})'}", newline=" ")
        if match.annotation is None:
            return ""
        holders = [
            a
            for a in self._indexes[match.document].holding(match.start)
            if a.end >= match.end and a.tags
        ]
        holders.sort(key=lambda a: (a.analyst != self.analyst, a.analyst, a.start, a.id))
        parts = []
        for analyst in dict.fromkeys(a.analyst for a in holders):
            tags = dict.fromkeys(t for a in holders if a.analyst == analyst for t in a.tags)
            labels = " · ".join(self._label(tag) for tag in tags)
            parts.append(labels if analyst == self.analyst else f"{labels} ({analyst})")
        return visible(f"  ✓ {'; '.join(parts) or 'coded'}", newline=" ")

    def _label(self, tag: str) -> str:
        code = self.codebook.code(tag)
        return visible(code.label if code else tag, newline=" ")

    def _highlighted_match(self) -> int | None:
        option = self.query_one(MatchList).highlighted_option
        if option is None or not (option.id or "").startswith("match-"):
            return None
        return int(option.id.removeprefix("match-"))  # type: ignore[union-attr]

    # -- actions -----------------------------------------------------------------------

    def action_mark(self) -> None:
        """Mark the highlighted match (or unmark it), then go to the next one."""
        index = self._highlighted_match()
        if index is None:
            return
        self.marked ^= {index}
        matches = self.query_one(MatchList)
        matches.replace_option_prompt_at_index(self._option_of[index], self._line(index))
        matches.action_cursor_down()
        self._show_summary()

    def action_edit_query(self) -> None:
        self.query_one(Input).focus()

    def action_to_list(self) -> None:
        matches = self.query_one(MatchList)
        if matches.option_count:
            matches.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing, space and / are characters of the query.
        if action in ("mark", "edit_query", "code", "undo", "redo"):
            return not isinstance(self.focused, Input)
        if action == "to_list":
            return isinstance(self.focused, Input)
        return True

    def action_code(self) -> None:
        """Code the marked matches (else all of them) with one code, as one change."""
        from tui.widgets.coding_dialog import CodingDialog

        chosen = self._to_code()
        if not chosen:
            self.notify("No match in a document's text to code (a memo is not a place).")
            return
        count = len(chosen)
        plural = "es" if count != 1 else ""
        what = f"the {count} marked match{plural}" if self.marked else f"all {count} match{plural}"
        self.app.push_screen(
            CodingDialog(self.codebook, what), lambda chosen_code: self._code(chosen, chosen_code)
        )

    def _to_code(self) -> list[Match]:
        indices = sorted(self.marked) if self.marked else range(len(self.matches))
        return [self.matches[i] for i in indices if self.matches[i].where == "text"]

    def _code(self, chosen: list[Match], choice: tuple[str, str] | None) -> None:
        if choice is None:
            return
        code, unit = choice
        try:
            targets = coding_targets(
                chosen,
                self.documents.values(),
                self.store.annotations,
                code,
                unit=unit,  # type: ignore[arg-type]
                analyst=self.analyst,
            )
            change = code_targets(
                self.store, targets, code, analyst=self.analyst, codebook=self.codebook
            )
        except StoreError as error:
            self.notify(visible(str(error)), title="Not coded", severity="error", markup=False)
            return
        left = (
            f"; {change.conflicting} left as they were: another code of its group is on them"
            if change.conflicting
            else ""
        )
        if not change.coded:
            if change.conflicting:
                self.notify(f"Nothing coded{left}.", markup=False)
            else:
                self.notify(f"Nothing to code: each place has {self._label(code)} already.")
            return
        self.done.append(change)
        self.undone.clear()
        places = f"{change.coded} place{'s' if change.coded != 1 else ''}"
        message = f"Coded {places} {self._label(code)}"
        if change.already:
            message += f"; {change.already} had it already"
        message += left
        self.notify(f"{message}. u undoes it.", markup=False)
        self.marked = set()
        self.search_now()

    def action_undo(self) -> None:
        self._step(self.done, self.undone, undo_coding, "Undone")

    def action_redo(self) -> None:
        self._step(self.undone, self.done, redo_coding, "Done again")

    def _step(self, source, target, step, said: str) -> None:
        if not source:
            self.notify(f"Nothing to {'undo' if said == 'Undone' else 'redo'} on this screen.")
            return
        change = source.pop()
        try:
            result = step(self.store, change)
        except StoreError as error:
            source.append(change)
            self.notify(visible(str(error)), severity="error", markup=False)
            return
        target.append(change)
        kept = f" ({result.kept} kept as another copy changed them)" if result.kept else ""
        self.notify(f"{said}: {visible(change.description)}{kept}.", markup=False)
        self.search_now()

    @on(OptionList.OptionSelected, "#psearch-matches")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = self._highlighted_match()
        if index is not None:
            self.dismiss(self.place_of(self.matches[index]))

    def place_of(self, match: Match) -> Place:
        """Where a match is read: its span (whole characters), or its memo's annotation."""
        if match.where == "memo" and match.annotation is not None:
            annotation = self.annotations[match.document][match.annotation]
            return Place(match.document, annotation.start, annotation.end)
        text = self.documents[match.document].text
        return Place(match.document, *snap_to_graphemes(text, match.start, match.end))

    def action_back(self) -> None:
        self.dismiss(None)

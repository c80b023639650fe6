"""The memo view (`M` on the analysis screen): every memo of the scope in one list —
the project's, each document's and every annotation's with its quote — under headings
by document, by code or by analyst (`g` goes through them). `enter` on an annotation's
memo reads it in place; `p` writes the project memo, `d` the memo of the document under
the highlight (or of the one document in scope).

The entries are `annotations.memos.memo_entries`; memos are saved with `set_memo`. The
screen dismisses with the `Place` to read, or None.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.errors import GlossError
from annotations.keyword_context import shorten
from annotations.memos import PROJECT, MemoEntry, memo, memo_entries, memos, set_memo
from annotations.model import Annotation
from annotations.safe_text import visible
from annotations.scope import Scope
from annotations.store import Store
from tui.screens.project_search import Place
from tui.widgets.vi_lists import ViOptionList

GROUPINGS = ("document", "code", "analyst")


class MemoList(ViOptionList):
    BINDINGS = [
        Binding("enter", "select", "Read it", id="memos.read"),
    ]


class MemoScreen(Screen[Place | None]):
    """Every memo of `scope`, grouped; dismisses with the place of the memo chosen."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="memos.back"),
        Binding("g", "next_grouping", "Group by", id="memos.group"),
        Binding("p", "edit_project", "Project memo", id="memos.project"),
        Binding("d", "edit_document", "Document memo", id="memos.document"),
    ]

    def __init__(
        self,
        store: Store,
        codebook: Codebook,
        scope: Scope,
        *,
        analyst: str,
        annotations: Sequence[Annotation] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.codebook = codebook
        self.scope = scope
        self.analyst = analyst
        self.given = annotations  # the analysis screen's (its query applied), else all
        self.grouping = 0
        self.entries: list[MemoEntry] = []
        self.documents: dict[str, Document] = {}

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="memos-heading")
        yield MemoList(id="memos-list")
        yield Footer()

    def on_mount(self) -> None:
        self.refill()
        self.query_one(MemoList).focus()

    def refill(self) -> None:
        """Read the memos again and list them."""
        documents = self.scope.documents(self.store)
        self.documents = {d.id: d for d in documents}
        annotations = self.given if self.given is not None else self.scope.annotations(self.store)
        stored = {
            about: m
            for about, m in memos(self.store).items()
            if about == PROJECT or about in self.documents
        }
        by = GROUPINGS[self.grouping]
        self.entries = memo_entries(
            annotations, by=by, codebook=self.codebook, documents=documents, stored=stored
        )
        count = len(self.entries)
        self.query_one("#memos-heading", Static).update(
            Content.assemble(
                ("Memos", "bold $primary"),
                f"  {visible(self.scope.describe(self.store), newline=' ')} · {count} "
                f"memo{'s' if count != 1 else ''} by {by} · g groups by "
                f"{GROUPINGS[(self.grouping + 1) % len(GROUPINGS)]} · p project memo · "
                "d document memo",
            )
        )
        options = self.query_one(MemoList)
        highlighted = options.highlighted
        options.clear_options()
        heading = None
        for index, entry in enumerate(self.entries):
            if entry.heading != heading:
                heading = entry.heading
                options.add_option(
                    Option(
                        Content.styled(visible(heading, newline=" ") or "—", "bold $primary"),
                        disabled=True,
                    )
                )
            options.add_option(Option(self._entry(entry), id=f"memo-{index}"))
        if not self.entries:
            options.add_option(
                Option(
                    Content("No memo in scope yet: m in the reader, p or d here."), disabled=True
                )
            )
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)
            if options.highlighted_option is not None and options.highlighted_option.disabled:
                options.action_cursor_down()

    def _entry(self, entry: MemoEntry) -> Content:
        width = max(30, self.app.size.width - 8)
        text = shorten(entry.text, width * 3)
        who = visible(entry.analyst or "unknown", newline=" ")
        annotation = entry.annotation
        if annotation is None:
            what = "project memo" if entry.document is None else "document memo"
            return Content("\n").join([Content.styled(f"{what} · {who}", "dim"), Content(text)])
        document = self.documents.get(annotation.document)
        paragraph = document.paragraph_index(annotation.start) + 1 if document else 0
        tags = " · ".join(self._label(tag) for tag in annotation.tags) or "no code"
        place = f"¶ {paragraph}"
        if (
            document is not None
            and len(self.documents) > 1
            and GROUPINGS[self.grouping] != "document"
        ):
            place = shorten(document.title, 30) + "  " + place
        quote = shorten(annotation.quote, width - 2)
        return Content("\n").join(
            [
                Content.assemble((visible(place), "bold"), "  ", tags, (f"  {who}", "dim")),
                Content.styled(f"“{quote}”", "italic"),
                Content(text),
            ]
        )

    def _label(self, tag: str) -> str:
        code = self.codebook.code(tag)
        return visible(code.label if code else tag, newline=" ")

    def _highlighted_entry(self) -> MemoEntry | None:
        option = self.query_one(MemoList).highlighted_option
        if option is None or not (option.id or "").startswith("memo-"):
            return None
        return self.entries[int(option.id.removeprefix("memo-"))]  # type: ignore[union-attr]

    # -- actions -----------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#memos-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self._highlighted_entry()
        if entry is None:
            return
        if entry.annotation is not None:
            a = entry.annotation
            self.dismiss(Place(a.document, a.start, a.end))
        elif entry.document is None:
            self.action_edit_project()
        else:
            self._edit(entry.document)

    def action_next_grouping(self) -> None:
        self.grouping = (self.grouping + 1) % len(GROUPINGS)
        self.refill()

    def action_edit_project(self) -> None:
        self._edit(PROJECT)

    def action_edit_document(self) -> None:
        entry = self._highlighted_entry()
        if entry is not None and entry.document is not None:
            self._edit(entry.document)
        elif len(self.documents) == 1:
            self._edit(next(iter(self.documents)))
        else:
            self.notify("Highlight a memo of the document whose memo to write.", markup=False)

    def _edit(self, about: str) -> None:
        from tui.widgets.note_editor import NoteEditor

        current = memo(self.store, about)
        if about == PROJECT:
            title = "The project's memo"
        else:
            title = f"Memo on {' '.join(self.documents[about].title.split())}"

        def written(text: str | None) -> None:
            if text is None:
                return
            try:
                set_memo(self.store, about, text, analyst=self.analyst)
            except GlossError as error:
                self.notify(visible(str(error)), severity="error", markup=False)
                return
            self.refill()

        self.app.push_screen(NoteEditor(title, current.text if current else ""), written)

    def action_back(self) -> None:
        self.dismiss(None)

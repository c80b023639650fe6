"""The analysis screen's list of sentences where analysts disagree (with two or more in
scope): each sentence with the codes they split on and who applied them; `enter` reads
it in place (`annotations.disagreements` finds them)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.codebook import Codebook
from annotations.disagreements import Disagreement, disagreements
from annotations.document import Document
from annotations.keyword_context import shorten
from annotations.model import Annotation
from annotations.safe_text import visible
from tui.screens.project_search import Place
from tui.widgets.vi_lists import ViOptionList

# At most this many sentences are listed: enough to settle, never a frozen screen.
LISTED = 500


class SentenceList(ViOptionList):
    BINDINGS = [
        Binding("enter", "select", "Read it", id="disagreements.read"),
    ]


class DisagreementView(Vertical):
    """The disputed sentences of the annotations in scope."""

    class SentenceChosen(Message):
        """A disputed sentence was chosen: read it there."""

        def __init__(self, place: Place) -> None:
            super().__init__()
            self.place = place

    def __init__(self, codebook: Codebook, *, id: str) -> None:
        super().__init__(id=id)
        self.codebook = codebook
        self.found: list[Disagreement] = []

    def compose(self) -> ComposeResult:
        yield Static(Content(""), classes="analysis-title", id="disagreements-title")
        yield SentenceList(id="disagreements-list")

    def show(self, documents: Sequence[Document], annotations: Sequence[Annotation]) -> None:
        """List the sentences where the analysts of `annotations` split on a code."""
        analysts = sorted({a.analyst for a in annotations})
        title = self.query_one("#disagreements-title", Static)
        options = self.query_one(SentenceList)
        highlighted = options.highlighted
        options.clear_options()
        if len(analysts) < 2:
            self.found = []
            title.update(Content("One analyst in scope: there is nobody to disagree with."))
            return
        self.found = disagreements(documents, annotations, analysts, self.codebook)
        by_id = {document.id: document for document in documents}
        names = ", ".join(visible(a, newline=" ") for a in analysts)
        count = len(self.found)
        title.update(
            Content(
                f"{count} sentence{'s' if count != 1 else ''} where {names} split on a code"
                " — enter reads it" + (f" (the first {LISTED} listed)" if count > LISTED else "")
            )
        )
        width = max(30, self.app.size.width - 8)  # the list's padding and scrollbar
        for index, found in enumerate(self.found[:LISTED]):
            document = by_id[found.document]
            paragraph = document.paragraph_index(found.start) + 1
            place = f"¶ {paragraph}"
            if len(documents) > 1:
                place = shorten(document.title, 30) + "  " + place
            splits = " · ".join(
                f"{self._label(split.code)}: {', '.join(split.applied_by)}"
                f" (not {', '.join(split.not_by)})"
                for split in found.codes
            )
            quote = shorten(document.text[found.start : found.end], width)
            options.add_option(
                Option(
                    Content("\n").join(
                        [
                            Content.assemble((visible(place), "bold"), "  ", visible(splits)),
                            Content.styled(f"“{quote}”", "italic"),
                        ]
                    ),
                    id=f"disagreement-{index}",
                )
            )
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    def _label(self, code_id: str) -> str:
        code = self.codebook.code(code_id)
        return visible(code.label if code else code_id, newline=" ")

    @on(OptionList.OptionSelected, "#disagreements-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        found = self.found[int((event.option.id or "0").removeprefix("disagreement-"))]
        self.post_message(self.SentenceChosen(Place(found.document, found.start, found.end)))

"""The reader's actions on the source itself: cite it (`y`), go to a page (`:`), edit
its details (`S`).

A part of `ReaderScreen` (tui/screens/reader.py), which mixes it in and gives it the
document, store, index, cursor and `_move` / `_update_status`. What these actions read
and change belongs to the domain: `annotations.citation`, `Document.structure` and
`Store.set_document_metadata` (docs/architecture.md).
"""

from __future__ import annotations

from annotations import navigation
from annotations.citation import metadata_changes, quotation, source_fields
from annotations.errors import StoreError
from annotations.safe_text import visible
from annotations.span_index import annotation_at

# The page prompt and the details form load when first opened.


class SourceActions:
    """`y`, `:` and `S` of the reader."""

    def action_copy_citation(self) -> None:
        """Copy the annotation under the cursor (else the selection: a sentence, usually)
        as a quotation with its citation, to the terminal's clipboard (OSC 52)."""
        annotation = annotation_at(self._index, self.selection, None)
        start, end = annotation.span if annotation is not None else self.selection
        if end <= start:
            return
        text = quotation(self.document, start, end, self.citation_style)
        self.app.copy_to_clipboard(text)
        shown = visible(" ".join(text.split()))
        if len(shown) > 120:
            shown = shown[:119] + "…"
        self.notify(shown, title="Citation copied", markup=False)

    def action_go_to_page(self) -> None:
        from tui.widgets.page_prompt import PagePrompt

        structure = self.document.structure
        if structure is not None and structure.has_pages:
            first, last = structure.label(0), structure.label(structure.page_count - 1)
            prompt = PagePrompt("page", f"{first} to {last}")
        else:
            prompt = PagePrompt("paragraph", f"1 to {len(self.document.paragraphs)}")
        self.app.push_screen(prompt, self._go_to)

    def _go_to(self, where: str | None) -> None:
        if where is None:
            return
        document = self.document
        structure = document.structure
        if structure is not None and structure.has_pages:
            paragraph = structure.first_paragraph_of_page(where)
        elif where.isdigit() and 1 <= int(where) <= len(document.paragraphs):
            paragraph = int(where) - 1
        else:
            paragraph = None
        if paragraph is None:
            self.notify(f"No page {visible(where)} in this document", markup=False)
            return
        self._move(navigation.paragraph_start(document, paragraph))

    def action_edit_metadata(self) -> None:
        from tui.widgets.metadata_form import MetadataForm

        self.app.push_screen(MetadataForm(source_fields(self.document)), self._metadata_edited)

    def _metadata_edited(self, edited: dict[str, str] | None) -> None:
        if edited is None:
            return
        changes = metadata_changes(self.document, edited)
        if not changes:
            return
        try:
            self.document = self.store.set_document_metadata(self.document.id, **changes)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._update_status()
        self.notify("Source details saved.", markup=False)

"""The reader's search: `/` (while extending it moves the moving end, vim's v/pattern),
`n` and `N`.

A part of `ReaderScreen` (tui/screens/reader.py), which mixes it in and gives it the
document, pane, cursor and `_move`. The search's state (history, matches, the current
one, wrapping) is the domain's `DocumentSearch`, the screen's `search`
(docs/architecture.md); these actions open the prompt and show what it found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations import navigation
from annotations.safe_text import visible

if TYPE_CHECKING:
    from annotations.search import Hit


class SearchActions:
    """`/`, `n` and `N` of the reader."""

    def action_search(self) -> None:
        from tui.widgets.search_prompt import SearchPrompt  # its prompt: loaded when first used

        prompt = SearchPrompt(self._preview_search, self.search.history)
        self.app.push_screen(prompt, self._search_submitted)

    def _preview_search(self, query: str) -> int | None:
        """Mark the matches of a query being typed and show the next one; their count."""
        matches = self.search.find(query)
        self.pane.set_matches(matches or [])
        self.pane.scroll_to_span(*self.search.preview_span(query, self._search_from))
        return None if matches is None else len(matches)

    def _search_submitted(self, query: str | None) -> None:
        hit = None
        if query is not None:
            query, hit = self.search.submit(query, self._search_from)
            if query and self.search.find(query) == []:
                self.notify(f"No match for “{visible(query, newline=' ')}”.", markup=False)
        # Cancelled, empty or nothing found: the search as it was, the cursor unmoved.
        self.pane.set_matches(self.search.matches)
        if hit is None:
            self.pane.scroll_to_span(*self.selection)
        elif self.cursor.extending:  # vim's v/pattern: the moving end goes to the match
            self._move(navigation.extend_to_match(self.document, self.cursor, hit.span))
        else:
            self._go_to_match(hit)

    @property
    def _search_from(self) -> tuple[int, int]:
        """Where a search starts: the selection, or while extending its moving end."""
        if self.cursor.extending:
            return (self.cursor.head, self.cursor.head)
        return self.selection

    def action_match(self, direction: int) -> None:
        self._go_to_match(self.search.step(self.selection, direction))

    def _go_to_match(self, hit: Hit | None) -> None:
        if hit is None:
            self.notify("No search yet: / searches the document.", markup=False)
            return
        self.pane.set_matches(self.search.matches)
        if hit.wrapped == "end":
            self.notify("Search reached the end: continued from the top.", timeout=3)
        elif hit.wrapped == "start":
            self.notify("Search reached the start: continued from the end.", timeout=3)
        self._move(navigation.select(*hit.span))

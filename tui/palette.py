"""The reader's entries in the command palette, made from the key registry (`tui.keys`).

Each reads as a person would say it, with its key in force: "Next annotation  ]",
"Tag Russia  r". Every entry is drawn as plain text (`Content`, never markup) from
`visible()` strings: a codebook label holding `[b]` or an escape sequence shows as
those characters and never reaches the terminal as a command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from annotations.safe_text import visible
from tui import keys

if TYPE_CHECKING:
    from tui.screens.reader import ReaderScreen


def _safe(text: str) -> str:
    return visible(" ".join(text.split()))


class ReaderCommands(Provider):
    """Every reader action and every code, once each."""

    def _entries(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        screen: ReaderScreen = self.screen  # type: ignore[assignment]
        keymap = getattr(self.app, "keymap_in_force", {})
        for action in keys.ACTIONS:
            if action.scope == "textual":
                continue  # the palette itself
            target = screen if action.scope == "reader" else self.app
            shown = keys.show_keys(keys.keys_of(action, keymap))
            # A help line that only says the title again ("Next sentence" / "next
            # sentence") doubles the list's length for nothing.
            says_more = action.help.casefold() != action.description.casefold()
            yield (
                f"{action.description}  {shown}",
                action.help if says_more else "",
                lambda target=target, name=action.action: target.run_action(name),
            )
        for code in screen.codebook.codes:
            key = keys.show_code_keys(code, keymap)
            yield (
                f"Tag {_safe(code.label)}  {key}",
                _safe(code.description) or f"toggle {_safe(code.id)} on the selection",
                lambda code_id=code.id: screen.action_toggle_tag(code_id),
            )

    async def discover(self) -> Hits:
        for text, help_text, command in self._entries():
            yield DiscoveryHit(Content(text), command, text=text, help=_plain(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, _highlight(matcher, text), command, text=text, help=_plain(help_text)
                )


def _plain(text: str) -> Any:
    # The palette reads a help string as markup, and passes content through as it is.
    return Content(text) if text else None


def _highlight(matcher: Any, text: str) -> Content:
    """`text` as plain content with the matched letters styled (Textual's own highlight
    would read `text` as markup)."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content

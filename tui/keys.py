"""Every key of Gloss in one registry: id, keys, what it does, its help group.

The reader's and the app's bindings, the footer, the help screen, the command palette and
the README's key table are all made from `ACTIONS`, so a key cannot be added to one and
forgotten in another (tests/test_keys.py checks the README). A user keymap
(`[keys]` in config.toml, read by `annotations.settings`) moves an action by its id:
`check_keymap` checks it against the registry and the codebook, `keys_of` gives the keys
in force. The codebook's keys are bound as data from the codebook, with
the ids `tag.<code id>`; the reader's own keys are handed to the codebook check as
`reserved_keys`, so a code cannot take one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.codebook import Code, Codebook
from annotations.errors import CodebookError
from annotations.safe_text import visible
from annotations.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from textual.binding import Binding

# How keys are written for people (footer, help, palette, README): the name Textual
# gives a key, as typed.
_SHOWN = {
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "pagedown": "pgdn",
    "pageup": "pgup",
    "escape": "esc",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "greater_than_sign": ">",
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "minus": "-",
    "plus": "+",
    "equals_sign": "=",
    "left_parenthesis": "(",
    "right_parenthesis": ")",
}
# Textual's names for some characters, where they differ from the Unicode name.
_TEXTUAL_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
# And the other way: a character a code may not take because the reader uses its key.
_CHARACTER = {
    **{name: shown for name, shown in _SHOWN.items() if len(shown) == 1 and shown.isascii()},
    "space": " ",
}


@dataclass(frozen=True, slots=True)
class KeyAction:
    """One thing a key does: `id` (what a keymap names), `keys` (Textual's key names,
    comma-separated), `action` (the screen's or app's action), `description` (as a
    person says it: the palette and help), `footer` (the footer's short label, or "" to
    leave it out of the footer), `help` (the help screen's and README's line) and `group`."""

    id: str
    keys: str
    action: str
    description: str
    help: str
    group: str
    footer: str = ""
    scope: str = "reader"  # "reader" (bound on the reader screen), "app", or "textual"
    # A key added after codebooks were written that may already use it: a code keeps
    # such a key (its binding wins) and the action stays in the palette.
    codebook_may_take: bool = False


ACTIONS: tuple[KeyAction, ...] = (
    # -- moving
    KeyAction("move.next_sentence", "j,down", "move('next_sentence')", "Next sentence",
              "next sentence", "Moving"),
    KeyAction("move.previous_sentence", "k,up", "move('previous_sentence')", "Previous sentence",
              "previous sentence", "Moving"),
    KeyAction("move.next_paragraph", "J,right_curly_bracket", "move('next_paragraph')",
              "Next paragraph", "next paragraph", "Moving"),
    KeyAction("move.previous_paragraph", "K,left_curly_bracket", "move('previous_paragraph')",
              "Previous paragraph", "start of this paragraph, else the previous one", "Moving"),
    KeyAction("move.page_down", "space,pagedown", "page(1)", "Page down", "page down", "Moving"),
    KeyAction("move.page_up", "pageup", "page(-1)", "Page up", "page up", "Moving"),
    KeyAction("move.start", "g,home", "move('start')", "Start of the document",
              "first sentence of the document", "Moving"),
    KeyAction("move.end", "G,end", "move('end')", "End of the document",
              "last sentence of the document", "Moving"),
    KeyAction("move.next_annotation", "right_square_bracket", "annotation(1)",
              "Next annotation", "next annotation", "Moving"),
    KeyAction("move.previous_annotation", "left_square_bracket", "annotation(-1)",
              "Previous annotation", "previous annotation", "Moving"),
    KeyAction("move.next_unannotated", "greater_than_sign", "next_unannotated",
              "Next paragraph without annotations", "next paragraph without annotations",
              "Moving"),
    # -- selecting
    KeyAction("select.extend", "v", "extend", "Extend the selection",
              "extend the selection: then j/k by sentence, ( ) by clause, W/B by phrase, "
              "w/b by word, O the other end, / to a match, esc cancels", "Selecting",
              footer="Extend"),
    KeyAction("select.word_forward", "w", "move('word_forward')", "Move the end a word forward",
              "move the selection's moving end a word forward (grows the end, trims the "
              "start)", "Selecting"),
    KeyAction("select.word_back", "b", "move('word_back')", "Move the end a word back",
              "move the selection's moving end a word back (trims the end, grows the start)",
              "Selecting"),
    KeyAction("select.phrase_forward", "W", "move('phrase_forward')",
              "Move the end a phrase forward",
              "move the moving end to the next phrase: a clause boundary or a conjunction "
              "(and, or, but; the conjunction left out)", "Selecting", codebook_may_take=True),
    KeyAction("select.phrase_back", "B", "move('phrase_back')", "Move the end a phrase back",
              "move the moving end back to the previous phrase: a clause boundary or a "
              "conjunction", "Selecting", codebook_may_take=True),
    KeyAction("select.next_clause", "right_parenthesis", "move('next_clause')", "Next clause",
              "next clause (from a sentence: its first); extending, the moving end a clause "
              "forward", "Selecting"),
    KeyAction("select.previous_clause", "left_parenthesis", "move('previous_clause')",
              "Previous clause", "previous clause (from a sentence: its last); extending, "
              "the moving end a clause back", "Selecting"),
    KeyAction("select.switch_end", "O", "move('switch_end')", "Move the other end",
              "switch which end of the selection moves, start or end (vim's visual o)",
              "Selecting"),
    KeyAction("select.paragraph", "p", "move('select_paragraph')", "Select the paragraph",
              "select the whole paragraph", "Selecting"),
    KeyAction("select.cancel", "escape", "cancel", "Cancel",
              "stop extending, else end the search, else clear the filter, else back to the "
              "library", "Selecting"),
    # -- annotating
    KeyAction("annotate.tags", "t", "pick_tags", "Pick tags",
              "tag picker: the whole codebook, filter by typing, space toggles, enter applies",
              "Annotating", footer="Tags"),
    KeyAction("annotate.memo", "m", "memo", "Write a memo",
              "memo and confidence of the annotation under the cursor (ctrl+s saves, esc "
              "cancels)", "Annotating", footer="Memo"),
    KeyAction("annotate.delete", "delete", "delete", "Delete the annotation",
              "remove your annotation under the cursor (u brings it back)", "Annotating",
              footer="Delete"),
    KeyAction("annotate.orphans", "o", "orphans", "Re-attach an orphan",
              "re-attach an orphaned annotation (one a revised text lost) to the selection",
              "Annotating"),
    KeyAction("history.undo", "u", "undo", "Undo",
              "undo: creating, tagging, memos, deleting, re-attaching", "Annotating",
              footer="Undo"),
    KeyAction("history.redo", "ctrl+r", "redo", "Redo", "redo what was undone", "Annotating"),
    # -- finding
    KeyAction("search.open", "slash", "search", "Search the document",
              "search the document, case, accents, vowel marks and full-width forms aside "
              "(cafe finds Café, محمد finds مُحَمَّد); matches are marked as you type, enter "
              "selects the first from the cursor; up/down in the prompt recall earlier "
              "searches, enter on an empty prompt repeats the last", "Finding",
              footer="Search"),
    KeyAction("search.next", "n", "match(1)", "Next match",
              "next match, around the end (the status line shows match k/N)", "Finding"),
    KeyAction("search.previous", "N", "match(-1)", "Previous match",
              "previous match, around the start", "Finding"),
    KeyAction("search.project", "F", "project_search", "Search the project",
              "search every document and memo of the store, as / searches: matches in "
              "context under their documents, ✓ where already coded; enter reads one, "
              "space marks, t codes the marked (else all) as one change, u undoes it",
              "Finding", scope="app", codebook_may_take=True),
    KeyAction("panel.filter", "f", "filter", "Filter the panel",
              "filter the panel by a code query: russia military (both), russia | iran, "
              "!code or -code, (…), @analyst, words of quotes and memos; the status line "
              "shows how it was read (esc clears)", "Finding"),
    # -- screens
    KeyAction("focus.switch", "tab", "switch_focus", "Switch to the panel",
              "between the reading pane and the annotation panel (there: j/k, enter jumps)",
              "Screens", footer="Panel"),
    KeyAction("screen.analysis", "a", "analysis", "Analysis",
              "analysis of this document, the library's marked documents or the whole store "
              "(s), narrowed by a code query (/) and the panel filter, following new "
              "tagging: interests × actors with agreement beside it, co-occurrence, codes "
              "by attribute, where analysts disagree (1-4; enter lists a cell's quotes, "
              "enter on one reads it), every memo (M); esc back",
              "Screens", footer="Analysis"),
    KeyAction("cite.copy", "y", "copy_citation", "Copy a citation",
              "copy the annotation under the cursor (else the selection) as a quotation "
              "with its citation: author, title, publisher, date, page or paragraph "
              "(--citation-style plain, markdown or chicago)", "Screens",
              codebook_may_take=True),
    KeyAction("move.go_to_page", "colon", "go_to_page", "Go to a page",
              "go to a page (by its printed label: iv, 12), or to a paragraph in a "
              "document without pages", "Moving", codebook_may_take=True),
    KeyAction("document.metadata", "S", "edit_metadata", "Source details",
              "the source's details, as citations and exports give them: title, author, "
              "publisher or site, URL, date, language (ctrl+s saves)", "Screens",
              codebook_may_take=True),
    KeyAction("screen.codebook", "C", "codebook", "Codebook",
              "the codebook: add, rename, keys, colour, describe, move, nest, merge, split, "
              "delete codes while reading (each undoable, in force at once)", "Screens",
              codebook_may_take=True),
    KeyAction("panel.narrower", "minus", "panel_width(-4)", "Narrower panel",
              "make the annotation panel narrower (remembered for you)", "Screens",
              codebook_may_take=True),
    KeyAction("panel.wider", "plus,equals_sign", "panel_width(4)", "Wider panel",
              "make the annotation panel wider (remembered for you)", "Screens",
              codebook_may_take=True),
    KeyAction("notes.export", "ctrl+e", "export", "Export notes",
              "export: format, scope (this document, all, the panel's filter), file",
              "Screens", footer="Export"),
    KeyAction("app.palette", "ctrl+p", "command_palette", "Command palette",
              "command palette: every action, by name", "Screens", scope="textual"),
    KeyAction("app.quit", "q", "quit", "Quit",
              "quit (if the disk refused a save: retry, copy or lose it)",
              "Screens", footer="Quit", scope="app"),
    KeyAction("app.help", "question_mark", "help", "Help", "help: every key and the codebook",
              "Screens", footer="Help", scope="app"),
)  # fmt: skip

GROUPS = ("Moving", "Selecting", "Annotating", "Finding", "Screens")
BY_ID = {action.id: action for action in ACTIONS}


def show_key(key: str) -> str:
    """One key as a person writes it: `]`, `↓`, `pgdn`, `ctrl+r`."""
    return _SHOWN.get(key, key)


def show_keys(keys: str) -> str:
    """Comma-separated keys as a person writes them: `j / ↓`."""
    return " / ".join(show_key(key.strip()) for key in keys.split(",") if key.strip())


def keys_of(action: KeyAction, keymap: Mapping[str, str] | None = None) -> str:
    """The keys of `action` in force: the keymap's, else its own."""
    return (keymap or {}).get(action.id, action.keys)


def keys_of_code(code: Code, keymap: Mapping[str, str] | None = None) -> str:
    """The keys of a code in force, comma-separated: the keymap's (`tag.<id>`), else the
    codebook's key and its alternates under other layouts."""
    return (keymap or {}).get(f"tag.{code.id}", ",".join(code.keys))


def show_code_keys(code: Code, keymap: Mapping[str, str] | None = None) -> str:
    """A code's keys in force as a person reads them: `r к ق`, made safe to print."""
    return " ".join(visible(show_key(key)) for key in keys_of_code(code, keymap).split(","))


def bindings(scope: str) -> list[Binding]:
    """The Textual bindings of one scope ("reader" or "app"), each with its id."""
    # Textual loads with the screens that bind keys; the command line's use of this
    # registry (reserved keys, the keymap check) needs none of it.
    from textual.binding import Binding

    return [
        Binding(a.keys, a.action, a.footer or a.description, show=bool(a.footer), id=a.id)
        for a in ACTIONS
        if a.scope == scope
    ]


def codebook_bindings(codebook: Codebook) -> list[Binding]:
    """A binding per code (`tag.<id>`, toggling it, by its key and every alternate), so
    a keymap can move it too."""
    from textual.binding import Binding

    return [
        Binding(
            ",".join(code.keys),
            f"toggle_tag({code.id!r})",
            visible(code.label, newline=" "),
            show=False,
            key_display=visible(code.key),
            id=f"tag.{code.id}",
        )
        for code in codebook.codes
        if code.key  # a code without a key is tagged through the tag picker
    ]


def key_name(key: str) -> str:
    """A key as Textual names it: `]` is `right_square_bracket`, `M` stays `M`."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _TEXTUAL_NAMES.get(name, name)


def reserved_keys(keymap: Mapping[str, str] | None = None) -> frozenset[str]:
    """The keys the reader and the app use (with the keymap in force), as key names and,
    where a key types one, as that character: what a codebook key may not be."""
    reserved = {"enter", "escape", "tab", "up", "down", "left", "right"}
    for action in ACTIONS:
        if action.codebook_may_take:
            continue
        for key in keys_of(action, keymap).split(","):
            key = key_name(key)
            reserved.add(key)
            reserved.add(_CHARACTER.get(key, key))
    return frozenset(reserved)


def check_keymap(
    keymap: Mapping[str, str], codebook: Codebook, source: str = "config.toml"
) -> dict[str, str]:
    """The keymap with Textual's key names, for `App.set_keymap`. `SettingsError`, one
    line naming the id and the key, for an unknown id or a key taken twice (by two
    actions, or by an action and a code)."""
    codes = {f"tag.{code.id}": code for code in codebook.codes}
    normalized: dict[str, str] = {}
    for action_id, keys in keymap.items():
        action = BY_ID.get(action_id)
        if action_id not in codes and (action is None or action.scope == "textual"):
            why = "no such action (? lists them)" if action is None else "cannot be moved"
            raise SettingsError(f'{source}: [keys] "{action_id}" = "{keys}": {why}')
        normalized[action_id] = ",".join(key_name(k) for k in keys.split(",") if k.strip())
    in_force = [(a.id, keys_of(a, normalized)) for a in ACTIONS]
    in_force += [(code_id, keys_of_code(code, normalized)) for code_id, code in codes.items()]
    taken: dict[str, str] = {}
    for action_id, keys in in_force:
        for key in (key_name(k) for k in keys.split(",") if k.strip()):
            other = taken.setdefault(key, action_id)
            if other != action_id and _code_keeps(action_id, other, codes, normalized):
                taken[key] = action_id if action_id in codes else other
            elif other != action_id:
                moved = action_id if action_id in normalized else other
                holder = other if moved == action_id else action_id
                raise SettingsError(
                    f'{source}: [keys] "{moved}" = "{keymap.get(moved, keys)}": '
                    f"{show_key(key)} is already the key of {_named(holder)}"
                )
    return normalized


def _code_keeps(
    first: str, second: str, codes: Mapping[str, Code], moved: Mapping[str, str]
) -> bool:
    """True when one of two holders of a key is a code and the other an action a code may
    take that the keymap left where it was: the code's binding wins, as in the reader."""
    if (first in codes) == (second in codes):
        return False
    action = BY_ID.get(second if first in codes else first)
    return action is not None and action.codebook_may_take and action.id not in moved


def codebook_and_keymap(codebook_path: Path | None) -> tuple[Codebook, dict[str, str]]:
    """The codebook (`--codebook`, else config.toml's, else the default) and the user's
    keymap, each checked against the keys in force. `CodebookError` or `SettingsError` in
    one line."""
    settings = load_settings()
    if codebook_path is not None:
        codebook = Codebook.load(codebook_path, reserved=reserved_keys(settings.keys))
    else:
        codebook = settings_codebook(settings) or Codebook.default()
    return codebook, check_keymap(settings.keys, codebook, settings.source)


def settings_codebook(settings: Settings) -> Codebook | None:
    """The codebook config.toml names (`[codebook] path`), checked against the keys in
    force; None when it names none. The error says the settings named it."""
    if settings.codebook is None:
        return None
    try:
        return Codebook.load(settings.codebook, reserved=reserved_keys(settings.keys))
    except CodebookError as error:
        raise CodebookError(f"{error} (the [codebook] path of {settings.source})") from None


def _named(action_id: str) -> str:
    if action_id.startswith("tag."):
        return f"code {action_id.removeprefix('tag.')}"
    return f"{action_id} ({BY_ID[action_id].description.lower()})"


def help_rows(keymap: Mapping[str, str] | None = None) -> Iterable[tuple[str, str, str]]:
    """(group, keys, what it does) for every action, group by group."""
    for group in GROUPS:
        for action in ACTIONS:
            if action.group == group:
                yield group, show_keys(keys_of(action, keymap)), action.help


def readme_table(codebook: Codebook) -> str:
    """The README's key table (between its `keys` markers), the codebook's keys first
    among the annotating ones."""
    lines = ["| key | does |", "|---|---|"]
    for group in GROUPS:
        if group == "Annotating":
            lines.extend(_codebook_rows(codebook))
        for _, keys, does in help_rows():
            if _ == group:
                shown = ", ".join(f"`{key}`" for key in keys.split(" / "))
                lines.append(f"| {shown} | {does} |")
    return "\n".join(lines)


def _codebook_rows(codebook: Codebook) -> list[str]:
    rows = []
    for group in codebook.groups:
        codes = codebook.codes_in(group.id)
        keys = " ".join(f"`{code.key}`" for code in codes if code.key)
        labels = " / ".join(code.label for code in codes)
        one = "; one at a time" if group.exclusive else ""
        rows.append(f"| {keys} | {group.label}: {labels} (toggle{one}) |")
    return rows


if __name__ == "__main__":  # the README's table: python -m tui.keys
    print(readme_table(Codebook.default()))

"""One registry of keys: every binding the reader has is in the help screen and in the
README's key table, the palette lists each action once as a person says it, and a
codebook label is drawn there as plain text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from annotations import Codebook
from annotations.settings import SettingsError
from tui import keys
from tui.app import GlossApp
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen

SIZE = (120, 40)
README = Path(__file__).resolve().parent.parent / "README.md"


async def reader_bindings(app: GlossApp) -> dict[str, str]:
    """Every binding in force on the reader (its own, the app's, the codebook's): id → keys."""
    assert isinstance(app.screen, ReaderScreen)
    found: dict[str, str] = {}
    for key, active in app.active_bindings.items():
        binding = active.binding
        if binding.id and not binding.id.startswith("panel."):
            found.setdefault(binding.id, key)
    return found


async def test_every_binding_of_the_reader_is_in_the_help_screen(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bound = await reader_bindings(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(static.render()) for static in app.screen.query(Static))
    rows = {line.strip() for line in shown.splitlines()}
    assert len(bound) > 40  # the reader's, the app's and twelve codes'
    for binding_id, key in bound.items():
        if binding_id.startswith("tag."):
            code = Codebook.default().code(binding_id.removeprefix("tag."))
            assert code is not None and any(
                row.startswith(f"{' '.join(code.keys)}   {code.key.upper()}  {code.label}")
                for row in rows
            )
        else:
            action = keys.BY_ID[binding_id]  # KeyError: bound but not in the registry
            assert any(
                row.startswith(keys.show_keys(action.keys)) and action.help in row for row in rows
            ), binding_id
            assert keys.show_key(key) in keys.show_keys(action.keys)


def test_the_readme_key_table_is_the_registrys() -> None:
    text = README.read_text(encoding="utf-8")
    table = re.search(r"<!-- keys:.*?-->\n(.*?)\n<!-- /keys -->", text, re.S)
    assert table is not None, "README.md has lost its key table markers"
    assert table.group(1) == keys.readme_table(Codebook.default()), (
        "README.md's key table is not tui/keys.py's: python -m tui.keys prints it"
    )
    for action in keys.ACTIONS:
        for key in keys.show_keys(action.keys).split(" / "):
            assert f"`{key}`" in table.group(1), action.id


async def palette_prompts(app: GlossApp, pilot, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    for character in query:
        await pilot.press(character if character != " " else "space")
    await pilot.pause(0.3)
    commands = app.screen.query_one(CommandList)
    return [commands.get_option_at_index(i).prompt.plain for i in range(commands.option_count)]


async def test_the_palette_reads_as_a_person_says_it_and_lists_nothing_twice(
    store_path: Path,
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompts = await palette_prompts(app, pilot, "")  # all, as when it opens
    titles = [prompt.split("\n")[0] for prompt in prompts]
    assert "Next annotation  ]" in titles
    assert "End of the document  G / end" in titles
    assert "Tag Russia  r к ق" in titles
    assert len(titles) == len(set(titles)), [t for t in titles if titles.count(t) > 1]
    assert not any("move." in title or "right_square_bracket" in title for title in titles)
    # A help line under an entry says more than its title, or is not there.
    for prompt in prompts:
        title, *help_lines = prompt.split("\n")
        words = title.rsplit("  ", 1)[0]
        assert [line.casefold() for line in help_lines] != [words.casefold()], prompt


HOSTILE = """
name = "Hostile"
[[groups]]
id = "actor"
label = "Actor"
[[codes]]
id = "actor/evil"
label = "Evil[bold red]MARKUP[/]\\u001b]0;pwned\\u0007"
key = "r"
color = "#ff0000"
description = "[link=http://x]click[/link]\\u001b[2J"
"""


async def test_a_codebook_label_reaches_the_palette_as_plain_visible_text(tmp_path: Path) -> None:
    codebook = tmp_path / "hostile.toml"
    codebook.write_text(HOSTILE, encoding="utf-8")
    app = GlossApp(db=tmp_path / "s.json", analyst="ana", codebook=codebook)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompts = await palette_prompts(app, pilot, "evil")
    [entry] = [prompt for prompt in prompts if "Evil" in prompt]
    assert "[bold red]MARKUP[/]" in entry  # shown as typed, not read as markup
    assert "[link=http://x]click[/link]" in entry
    assert "\x1b" not in entry and "\x07" not in entry  # escapes shown as symbols (␛, ␇)
    assert "␛]0;pwned␇" in entry


def test_a_code_may_keep_a_key_an_action_was_given_after_codebooks_used_it() -> None:
    # `y` (copy a citation) came after codebooks that tag with y: the code's binding wins,
    # and such a codebook opens; moving another action onto the code's key is still refused.
    codebook = Codebook.from_toml(
        'name = "x"\n[[groups]]\nid = "a"\n[[codes]]\nid = "a/b"\nkey = "y"\n'
    )
    assert keys.check_keymap({}, codebook) == {}
    assert keys.check_keymap({"cite.copy": "Y"}, codebook) == {"cite.copy": "Y"}
    with pytest.raises(SettingsError, match=r'"annotate.memo" = "y": y is already the key of'):
        keys.check_keymap({"annotate.memo": "y"}, codebook)

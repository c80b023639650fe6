"""Codes under other keyboard layouts: a code's alternate keys, checked, bound and shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import SelectionList, Static

from annotations import Codebook
from annotations.errors import CodebookError
from tui.app import GlossApp
from tui.keys import reserved_keys
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.tag_picker import TagPicker

SIZE = (120, 40)
RESERVED_KEYS = reserved_keys()

TWO_CODES = """\
name = "Layouts"

[[groups]]
id = "actor"
label = "Actor"

[[codes]]
id = "actor/a"
keys = ["r", "к", "ق"]
color = "#112233"

[[codes]]
id = "actor/b"
key = "i"
color = "#445566"
"""

# The Russian (ЙЦУКЕН) and the Persian (standard, ISIRI 9147) characters typed by the
# keys the default codebook uses.
RUSSIAN = {"r": "к", "i": "ш", "x": "ч", "c": "с", "d": "в"}
PERSIAN = {"r": "ق", "i": "ه", "x": "ط", "c": "ز", "d": "ی"}
PERSIAN |= {digit: chr(0x06F0 + int(digit)) for digit in "1234567"}  # ۱ ۲ ... ۷


def test_a_code_lists_alternate_keys_and_each_finds_it() -> None:
    codebook = Codebook.from_toml(TWO_CODES, reserved=RESERVED_KEYS)
    code = codebook.code("actor/a")
    assert code is not None and code.key == "r" and code.keys == ("r", "к", "ق")
    assert codebook.by_key("к") == codebook.by_key("ق") == code
    assert codebook.code("actor/b").keys == ("i",)  # `key = "i"` still reads
    # Written back, the alternates survive.
    assert Codebook.from_toml(codebook.to_toml()).code("actor/a").keys == code.keys


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ('key = "i"', 'key = "i"\nkeys = ["i"]', "give key or keys, not both"),
        ('key = "i"', 'keys = ["i", "к"]', "key 'к' is already used by 'actor/a'"),
        ('key = "i"', 'keys = ["i", "j"]', "key 'j' is one of the reader's keys"),
        ('key = "i"', 'keys = ["i", "/"]', "key '/' is one of the reader's keys"),
        ('key = "i"', 'keys = ["i", "ш", "ш"]', "key 'ш' is listed twice"),
        ('key = "i"', 'keys = ["i", "шш"]', "key must be one printable character"),
        ('key = "i"', "keys = []", "keys must be a list"),
        ('key = "i"', 'keys = "i"', "keys must be a list"),
    ],
)
def test_a_bad_alternate_key_names_its_line_and_why(old: str, new: str, reason: str) -> None:
    text = TWO_CODES.replace(old, new)
    # The second code's `keys` line: the last one in the file.
    line = max(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("keys"))
    with pytest.raises(CodebookError) as caught:
        Codebook.from_toml(text, source="cb.toml", reserved=RESERVED_KEYS)
    message = str(caught.value)
    assert message.startswith(f"cb.toml, line {line}: "), message
    assert reason in message


def test_the_default_codebook_carries_russian_and_persian_keys() -> None:
    codebook = Codebook.default()
    for code in codebook.codes:
        expected = [RUSSIAN.get(code.key), PERSIAN[code.key]]
        assert code.alternate_keys == tuple(key for key in expected if key), code.id
    # Checked as a user's codebook file would be: no key is the reader's or taken twice.
    again = Codebook.from_toml(codebook.to_toml(), reserved=RESERVED_KEYS)
    assert again.codes == codebook.codes


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        (["к", "1"], ("actor/russia", "interest/military")),  # Russian: digits as they are
        (["ق", "۱"], ("actor/russia", "interest/military")),  # Persian
        (["ш", "с"], ("actor/iran", "relation/convergence")),
        (["ه", "ز"], ("actor/iran", "relation/convergence")),
    ],
)
async def test_tagging_under_another_layout(store_path: Path, typed: list[str], tags) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", *typed)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        assert [a.tags for a in screen.annotations] == [tags]
        await pilot.press(typed[0])  # and off again, as with the Latin key
        assert [a.tags for a in screen.annotations] == [tags[1:]]


async def test_help_and_tag_picker_show_the_alternate_keys(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(static.render()) for static in app.screen.query(Static))
        rows = [line.strip() for line in shown.splitlines()]
        # Keys, the code's marker, its label and description.
        assert "r к ق   R  Russia — Russia" in rows
        assert "1 ۱   1  military — forces, air cover, weapons, militias, bases" in rows
        await pilot.press("escape", "j", "j", "t")
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)
        options = app.screen.query_one(SelectionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0].startswith("r к ق  R  Russia")
        assert prompts[3].startswith("1 ۱    1  military")
        # Typing the Persian key in the filter finds its code.
        await pilot.press("ق")
        await pilot.pause()
        assert options.option_count == 1

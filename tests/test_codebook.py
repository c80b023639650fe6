"""Codebooks: the default one, TOML loading, and errors that name the line and the reason."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.codebook import Codebook
from annotations.errors import CodebookError
from tui.keys import reserved_keys

RESERVED_KEYS = reserved_keys()  # what the interface hands the codebook check
DEFAULT_KEYS = {
    "actor/russia": "r",
    "actor/iran": "i",
    "actor/both": "x",
    "interest/military": "1",
    "interest/institutions": "2",
    "interest/society": "3",
    "interest/diplomacy": "4",
    "interest/economy": "5",
    "interest/access": "6",
    "interest/leverage": "7",
    "relation/convergence": "c",
    "relation/divergence": "d",
}

GOOD = """\
name = "Test"

[[groups]]
id = "actor"
label = "Actor"
exclusive = true

[[groups]]
id = "theme"
label = "Theme"

[[codes]]
id = "actor/a"
label = "A"
key = "r"
color = "#ff0000"

[[codes]]
id = "actor/b"
label = "B"
key = "i"
color = "#00f"

[[codes]]
id = "theme/one"
label = "One"
key = "1"
color = "#00ff00"
description = "the first theme"
"""


def test_the_default_codebook_matches_the_design() -> None:
    codebook = Codebook.default()
    assert {code.id: code.key for code in codebook.codes} == DEFAULT_KEYS
    assert [g.id for g in codebook.groups] == ["actor", "interest", "relation"]
    assert codebook.group("actor").exclusive and not codebook.group("interest").exclusive
    assert codebook.by_key("r").label == "Russia"
    assert codebook.code("interest/access").key == "6"
    assert codebook.by_key("j") is None and codebook.code("nope/nope") is None


def test_no_default_key_collides_with_navigation() -> None:
    assert not set(DEFAULT_KEYS.values()) & RESERVED_KEYS
    for key in [*"jkJKgGvpwbtmuq]>[{}/nNa?", "space", "tab", "enter", "escape", "delete"]:
        assert key in RESERVED_KEYS


def test_a_good_file_loads_and_round_trips_through_to_toml(tmp_path: Path) -> None:
    path = tmp_path / "codebook.toml"
    path.write_text(GOOD, encoding="utf-8")
    codebook = Codebook.load(path)
    assert codebook.name == "Test"
    assert codebook.ordered(["theme/one", "zzz/unknown", "actor/a"]) == (
        "actor/a",
        "theme/one",
        "zzz/unknown",
    )
    assert Codebook.from_toml(codebook.to_toml()) == codebook
    assert Codebook.from_toml(Codebook.default().to_toml()) == Codebook.default()


def test_toggle_adds_removes_and_keeps_exclusive_groups_exclusive() -> None:
    codebook = Codebook.from_toml(GOOD)
    tags = codebook.toggle((), "theme/one")
    assert tags == ("theme/one",)
    tags = codebook.toggle(tags, "actor/b")
    assert tags == ("actor/b", "theme/one")
    tags = codebook.toggle(tags, "actor/a")  # replaces actor/b: the group is exclusive
    assert tags == ("actor/a", "theme/one")
    assert codebook.toggle(tags, "actor/a") == ("theme/one",)


def replace_line(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(fragment)


@pytest.mark.parametrize(
    ("old", "new", "fragment", "occurrence", "reason"),
    [
        ('key = "i"', 'key = "r"', 'key = "r"', 2, "key 'r' is already used by 'actor/a'"),
        ('key = "i"', 'key = "j"', 'key = "j"', 1, "key 'j' is one of the reader's keys"),
        ('key = "1"', 'key = "/"', 'key = "/"', 1, "key '/' is one of the reader's keys"),
        ('key = "1"', 'key = "12"', 'key = "12"', 1, "key must be one printable character"),
        ('id = "theme/one"', 'id = "colour/one"', "[[codes]]", 3, "unknown group 'colour'"),
        ('id = "actor/b"', 'id = "actor/a"', "[[codes]]", 2, "'actor/a' is defined twice"),
        ('color = "#00f"', 'color = "blue"', 'color = "blue"', 1, "'blue' is not a #rrggbb"),
        ('color = "#00f"', 'color = "#00gg00"', 'color = "#00gg00"', 1, "is not a #rrggbb"),
        ('id = "theme"', 'id = "actor"', "[[groups]]", 2, "group 'actor' is defined twice"),
        ('id = "actor/b"', 'id = "Actor B"', "[[codes]]", 2, "must be 'group/code'"),
        ("exclusive = true", 'exclusive = "yes"', "exclusive", 1, "exclusive must be true"),
        ('color = "#00f"', 'colour = "#00f"', "colour", 1, "unknown field 'colour'"),
        ('label = "One"', "label = 1", "label = 1", 1, "label must be a string"),
        ('name = "Test"', 'nmae = "Test"', "nmae", 1, "unknown field 'nmae' at the top"),
        ('name = "Test"', "[meta]\nversion = 2", "[meta]", 1, "unknown field 'meta' at the top"),
    ],
)
def test_a_bad_codebook_names_the_line_and_the_reason(
    tmp_path: Path, old: str, new: str, fragment: str, occurrence: int, reason: str
) -> None:
    text = replace_line(GOOD, old, new)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        Codebook.load(path, reserved=RESERVED_KEYS)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line_of(text, fragment, occurrence)}: ")
    assert reason in message
    assert "\n" not in message


def test_a_toml_syntax_error_and_a_duplicate_toml_key_name_their_line() -> None:
    with pytest.raises(CodebookError, match=r"line 5"):
        Codebook.from_toml(GOOD.replace('label = "Actor"', 'label = "Actor'))
    twice = GOOD.replace("exclusive = true", 'exclusive = true\nid = "again"')
    with pytest.raises(CodebookError) as caught:
        Codebook.from_toml(twice, source="cb.toml")
    assert str(caught.value) == (
        f"cb.toml, line {line_of(twice, 'again')}: cannot overwrite a value (a key is given twice)"
    )


@pytest.mark.parametrize(
    "text",
    [
        'name = "x"\n',  # no codes
        'groups = ["actor"]\ncodes = [1]\n',  # arrays of the wrong things
        '[[groups]]\nid = "a"\n[[codes]]\nid = "a/b"\nkey = "z"\n[codes.extra]\nx = 1\n',
        "codes = 3\n",
        "name = 3\n[[codes]]\n",
    ],
)
def test_malformed_structures_are_codebook_errors_not_crashes(text: str) -> None:
    with pytest.raises(CodebookError, match=r"line \d+: "):
        Codebook.from_toml(text)


def test_missing_folder_and_non_utf8_files_are_codebook_errors(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="no such codebook file"):
        Codebook.load(tmp_path / "missing.toml")
    with pytest.raises(CodebookError, match="is a folder"):
        Codebook.load(tmp_path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "Café"\n'.encode("latin-1"))
    with pytest.raises(CodebookError, match="not UTF-8"):
        Codebook.load(latin)


FRAGMENTS = [
    "[[codes]]",
    "[[groups]]",
    "[codes.sub]",
    'name = "x"',
    "name = [1]",
    'id = "a"',
    'id = "a/b"',
    'id = "b/c"',
    "id = 3",
    'key = "z"',
    'key = "j"',
    'key = ["x"]',
    'key = ""',
    'color = "#abcdef"',
    "color = 5",
    "exclusive = true",
    "exclusive = 1",
    "label = {a = 1}",
    "description = 2024-01-01",
    "groups = 1",
    'codes = [{id = "a/q", key = "y"}]',
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_any_arrangement_of_fields_loads_or_raises_a_codebook_error(lines: list[str]) -> None:
    with contextlib.suppress(CodebookError):
        codebook = Codebook.from_toml("\n".join(lines), reserved=RESERVED_KEYS)
        assert codebook.codes
        assert len({code.key for code in codebook.codes}) == len(codebook.codes)
        assert not {code.key for code in codebook.codes} & RESERVED_KEYS


@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=40
    )
)
def test_names_and_labels_of_any_text_round_trip_through_to_toml(label: str) -> None:
    codebook = Codebook.from_toml(GOOD.replace('label = "One"', f"label = {_quote(label)}"))
    assert Codebook.from_toml(codebook.to_toml()).code("theme/one").label == label


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch >= " " and ch != "\x7f" else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


# -- markers: how screens show a code without colour ------------------------------------


def test_every_default_code_has_its_own_marker_from_its_key() -> None:
    codebook = Codebook.default()
    markers = {code.id: codebook.marker(code.id) for code in codebook.codes}
    assert markers == {code_id: key.upper() for code_id, key in DEFAULT_KEYS.items()}


def test_a_codebooks_markers_load_default_apart_and_round_trip() -> None:
    text = GOOD.replace('key = "r"', 'key = "r"\nmarker = "▲"').replace('key = "1"\n', "")
    codebook = Codebook.from_toml(text)
    assert codebook.marker("actor/a") == "▲"
    assert codebook.marker("actor/b") == "I"  # its key, upper case
    assert codebook.marker("theme/one") == "O"  # no key: its label's first letter
    assert codebook.marker("theme/unknown") == "?"
    again = Codebook.from_toml(codebook.to_toml())
    assert [again.marker(c.id) for c in again.codes] == ["▲", "I", "O"]


def test_codes_without_a_free_letter_still_get_markers_apart() -> None:
    codes = "\n".join(
        f'[[codes]]\nid = "actor/a{n}"\nlabel = "A"\ncolor = "#000000"\n' for n in range(40)
    )
    codebook = Codebook.from_toml(f'[[groups]]\nid = "actor"\n{codes}')
    markers = [codebook.marker(code.id) for code in codebook.codes]
    assert len(set(markers)) == len(markers)


@pytest.mark.parametrize(
    ("marker", "reason"),
    [
        ('"RI"', "marker 'RI' must be one character one cell wide"),
        ('"中"', "must be one character one cell wide"),
        ('" "', "must be one character one cell wide"),
        ('"Q"', "marker 'Q' is already used by 'actor/a'"),
    ],
)
def test_a_bad_marker_names_the_line_and_the_reason(marker: str, reason: str) -> None:
    text = GOOD.replace('key = "r"', 'key = "r"\nmarker = "Q"')
    text = text.replace('key = "i"', f'key = "i"\nmarker = {marker}')
    with pytest.raises(CodebookError) as caught:
        Codebook.from_toml(text, source="cb.toml")
    line = line_of(text, f"marker = {marker}", 2 if marker == '"Q"' else 1)
    assert str(caught.value).startswith(f"cb.toml, line {line}: ")
    assert reason in str(caught.value)

"""`gloss codebook show|check|export`: the codebook in force, validation that names the line,
and exports as TOML (read back to the same codebook) and as a REFI-QDA codebook (.qdc)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from annotations import Code, Codebook, Group
from annotations.export import make_scope
from annotations.export.qdpx import project_xml
from tui.cli import main

SCHEMA = etree.XMLSchema(
    etree.parse(str(Path(__file__).parent / "data" / "refi-qda" / "Codebook.xsd"))
)
QDC = "{urn:QDA-XML:codebook:1.0}"
QDE = "{urn:QDA-XML:project:1.0}"

HOSTILE_LABEL = 'Ro"ss\\ia \x1b]0;pwned\x07 [bold]x[/bold] \u202eevil\u202c \x9b2J <b>&amp;'
HOSTILE = Codebook(
    name='Hostile \x1b[31m"name"\nsecond line',
    groups=(Group("who", "Who\ttab", exclusive=True), Group("what", "What")),
    codes=(
        Code("who/a", HOSTILE_LABEL, "z", "#abc", "line one\nline two\r\n\x00 nul"),
        Code("who/b", "Иран", "y", "#00FF00", ""),
        Code("what/c", "ایران", "%", "#123456", "'''not a multi-line string'''"),
    ),
)

BAD_KEY = 'name = "x"\n[[groups]]\nid = "a"\n[[codes]]\nid = "a/b"\nkey = "j"\n'


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE.to_toml(), encoding="utf-8")
    return path


# -- show --------------------------------------------------------------------------------


def test_show_lists_every_group_and_code_of_the_default(capsys) -> None:
    code, out, err = run(capsys, "codebook", "show")
    assert code == 0, err
    assert out.startswith("Russia and Iran in Syria — the default codebook: 3 groups, 12 codes")
    assert "Actor (actor) — exclusive: at most one per annotation" in out
    assert "Interest (interest) — any number" in out
    lines = out.splitlines()
    for each in Codebook.default().codes:
        row = next(line for line in lines if f" {each.id} " in line)
        assert row.split()[0] == each.key
        assert each.label in row and each.color in row
    # With no action, show.
    assert run(capsys, "codebook")[1] == out


def test_show_a_file_or_the_codebook_option(capsys, hostile_file: Path) -> None:
    code, out, err = run(capsys, "codebook", "show", str(hostile_file))
    assert code == 0, err
    assert run(capsys, "codebook", "show", "--codebook", str(hostile_file))[1] == out
    assert run(capsys, "codebook", "--codebook", str(hostile_file))[1] == out
    assert out.startswith(f'Hostile ␛[31m"name" second line — {hostile_file}: 2 groups')
    # Control characters and bidi overrides shown as symbols; markup stays text.
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\x00"):
        assert raw not in out
    assert "␛]0;pwned␇ [bold]x[/bold]" in out
    assert "Иран" in out and "ایران" in out


# -- check -------------------------------------------------------------------------------


def test_check_says_ok(capsys, hostile_file: Path) -> None:
    assert run(capsys, "codebook", "check") == (
        0,
        "ok: the default codebook: 3 groups, 12 codes\n",
        "",
    )
    code, out, _ = run(capsys, "codebook", "check", str(hostile_file))
    assert code == 0
    assert out == f"ok: {hostile_file}: 2 groups, 3 codes\n"


def test_check_holds_a_codebook_to_the_keys_of_the_users_keymap(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The keymap moves the memo from m to M: a code may now take m, and may not take M.
    config = tmp_path / "gloss-config.toml"
    config.write_text('[keys]\n"annotate.memo" = "M"\n', encoding="utf-8")
    monkeypatch.setenv("GLOSS_CONFIG", str(config))
    freed = tmp_path / "freed.toml"
    freed.write_text(BAD_KEY.replace('key = "j"', 'key = "m"'), encoding="utf-8")
    taken = tmp_path / "taken.toml"
    taken.write_text(BAD_KEY.replace('key = "j"', 'key = "M"'), encoding="utf-8")
    assert run(capsys, "codebook", "check", str(freed))[:2] == (
        0,
        f"ok: {freed}: 1 group, 1 code\n",
    )
    code, out, err = run(capsys, "codebook", "check", str(taken))
    assert (code, out) == (2, "")
    assert "'M' is one of the reader's keys" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BAD_KEY, "line 6: code 'a/b': key 'j' is one of the reader's keys"),
        ('name = "x"\n[[codes]]\nid = "a/b"\nkey = "z"\n', "line 2: code 'a/b' names unknown"),
        ('name = "x"\n\n[[groups]\nid = "a"\n', "line 3: "),
        (
            '[[groups]]\nid = "a"\n[[codes]]\nid = "a/b"\nkey = "z"\ncolor = "red"\n',
            "line 6: code 'a/b': color 'red' is not a #rrggbb colour",
        ),
    ],
)
def test_check_names_the_line_and_the_reason(capsys, tmp_path: Path, text, message) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "codebook", "check", str(path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"gloss: {path}, {message}")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["check", "/no/such/codebook.toml"], "/no/such/codebook.toml: no such codebook file"),
        (["show", "."], ".: is a folder, not a codebook file"),
        (["check", "a.toml", "--codebook", "b.toml"], "name one codebook: FILE or --codebook"),
        (["export", "--format", "pdf"], "unknown codebook format 'pdf' (choose from toml, qdc)"),
        (["export", "-o", "/no/such/folder/c.toml"], "cannot write (no folder /no/such/folder)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, arguments, message) -> None:
    code, out, err = run(capsys, "codebook", *arguments)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("gloss: ")
    assert message in err


# -- export ------------------------------------------------------------------------------


def test_toml_export_reads_back_as_the_same_codebook(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "codebook", "export", "--format", "toml")
    assert code == 0, err
    assert Codebook.from_toml(out) == Codebook.default()
    output = tmp_path / "copy.toml"
    code, out, err = run(capsys, "codebook", "export", "-o", str(output))
    assert (code, out) == (0, "")
    assert err == f"wrote the codebook “Russia and Iran in Syria” to {output}\n"
    assert Codebook.load(output) == Codebook.default()


def test_toml_export_of_a_hostile_codebook_round_trips_and_is_safe(
    capsys, hostile_file: Path
) -> None:
    code, out, err = run(capsys, "codebook", "export", str(hostile_file))
    assert code == 0, err
    assert Codebook.from_toml(out) == HOSTILE
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\x00", "\r"):
        assert raw not in out


@settings(max_examples=60)
@given(
    name=st.text(max_size=20),
    label=st.text(max_size=20),
    description=st.text(max_size=40),
    exclusive=st.booleans(),
)
def test_any_text_survives_the_toml_round_trip(name, label, description, exclusive) -> None:
    codebook = Codebook(
        name=name,
        groups=(Group("g", label, exclusive),),
        codes=(Code("g/c", label, "z", "#aabbcc", description),),
    )
    assert Codebook.from_toml(codebook.to_toml()) == codebook


def test_qdc_export_is_a_valid_refi_qda_codebook(capsys, tmp_path: Path) -> None:
    output = tmp_path / "codebook.qdc"
    code, _, err = run(capsys, "codebook", "export", "--format", "qdc", "-o", str(output))
    assert code == 0, err
    tree = etree.parse(str(output))
    SCHEMA.assertValid(tree)
    root = tree.getroot()
    assert root.tag == f"{QDC}CodeBook" and root.get("origin") == "Gloss"
    groups = root.findall(f"{QDC}Codes/{QDC}Code")
    assert [g.get("name") for g in groups] == ["Actor", "Interest", "Relation"]
    assert {g.get("isCodable") for g in groups} == {"false"}
    default = Codebook.default()
    for group, group_id in zip(groups, ["actor", "interest", "relation"], strict=True):
        codes = group.findall(f"{QDC}Code")
        expected = default.codes_in(group_id)
        assert [c.get("name") for c in codes] == [e.label for e in expected]
        assert [c.get("color") for c in codes] == [e.color.upper() for e in expected]
        assert [c.findtext(f"{QDC}Description") for c in codes] == [e.description for e in expected]
        assert {c.get("isCodable") for c in codes} == {"true"}


def test_qdc_codes_have_the_guids_of_a_project_export(capsys) -> None:
    """A QDA tool can match a codebook file to a project Gloss exported: same GUIDs."""
    code, out, _ = run(capsys, "codebook", "export", "-f", "qdc")
    assert code == 0
    codebook_guids = [
        (c.get("name"), c.get("guid")) for c in etree.fromstring(out.encode()).iter(f"{QDC}Code")
    ]
    xml, _ = project_xml(make_scope([], [], Codebook.default()))
    project_guids = [
        (c.get("name"), c.get("guid")) for c in etree.fromstring(xml).iter(f"{QDE}Code")
    ]
    assert codebook_guids == project_guids
    assert len(codebook_guids) == 15  # three groups and twelve codes


def test_qdc_export_of_a_hostile_codebook_is_valid_and_safe(capsys, hostile_file: Path) -> None:
    code, out, err = run(capsys, "codebook", "export", "-f", "qdc", "--codebook", str(hostile_file))
    assert code == 0, err
    root = etree.fromstring(out.encode("utf-8"))
    SCHEMA.assertValid(root)
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\x00"):
        assert raw not in out
    first = root.find(f"{QDC}Codes/{QDC}Code/{QDC}Code")
    assert first.get("name").startswith('Ro"ss\\ia ␛]0;pwned␇ [bold]x[/bold]')
    assert first.get("color") == "#AABBCC"

"""`gloss import PROJECT.qdpx`: a REFI-QDA project from another tool or from Gloss comes in
as documents, annotations, memos, analysts and a codebook file beside the store."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from qualcoder_export import INTERVIEW, NOTES_TEXT, qualcoder_qdpx
from test_export_qdpx_readers import same_span_scope
from test_export_support import bundled_scope, hostile_scope

from annotations import Codebook, Store
from annotations.export import render
from annotations.safe_text import visible
from tui.cli import main

NS = "{urn:QDA-XML:project:1.0}"


def run(capsys, *arguments: str) -> tuple[int, str]:
    code = main(list(arguments))
    return code, capsys.readouterr().err


def stored(store_path: Path):
    with Store(store_path, read_only=True) as store:
        documents = store.documents()
        annotations = [a for d in documents for a in store.annotations(d.id)]
    return documents, annotations


# -- a project written the way QualCoder writes one ----------------------------------------


@pytest.fixture
def qualcoder_file(tmp_path: Path) -> Path:
    path = tmp_path / "study.qdpx"
    path.write_bytes(qualcoder_qdpx())
    return path


def test_a_qualcoder_project_comes_in_whole(capsys, qualcoder_file, tmp_path) -> None:
    store_path = tmp_path / "store" / "gloss.json"
    store_path.parent.mkdir()
    code, err = run(capsys, "import", str(qualcoder_file), "--db", str(store_path))
    assert code == 0, err
    documents, annotations = stored(store_path)
    assert sorted(d.title for d in documents) == ["interview1.txt", "notes & more"]
    texts = {d.title: d.text for d in documents}
    assert texts["interview1.txt"] == INTERVIEW  # the byte-order mark is not text
    assert texts["notes & more"] == NOTES_TEXT
    by_quote = {(a.quote, a.analyst): a for a in annotations}
    money = by_quote[("Money matters to me", "anna")]
    assert money.tags == ("themes/money",)
    assert money.memo == "Anna on money"
    assert by_quote[("Money", "ben")].tags == ("themes/money/savings",)
    assert by_quote[("Family comes first.", "anna")].tags == ("themes/family",)
    assert by_quote[("the café was loud", "ben")].tags == ("codes/misc",)
    # QualCoder's annotation (a Note the source refers to) is a memo-only annotation.
    opening = by_quote[("Interview one", "anna")]
    assert (opening.tags, opening.memo) == ((), "An annotation: the opening line")
    assert len(annotations) == 5
    # Pictures and PDFs are named as skipped; the journal is said to be left out.
    assert "skipped: picture source 'photo.png'" in err
    assert "skipped: PDF source 'report.pdf'" in err
    assert "1 project note not attached to a selection" in err
    assert "analysts: anna, ben" in err


def test_its_codebook_is_written_beside_the_store_with_colours_and_hierarchy(
    capsys, qualcoder_file, tmp_path
) -> None:
    store_path = tmp_path / "gloss.json"
    code, err = run(capsys, "import", str(qualcoder_file), "--db", str(store_path))
    assert code == 0, err
    path = tmp_path / "study-codebook.toml"
    codebook = Codebook.load(path)
    assert [(g.id, g.label) for g in codebook.groups] == [("codes", "Codes"), ("themes", "Themes")]
    assert [(c.id, c.label, c.color, c.description) for c in codebook.codes] == [
        ("codes/misc", "misc", "#aaaaaa", ""),
        ("themes/money", "money", "#f5b041", "Talk of money"),
        ("themes/money/savings", "savings", "#28b463", ""),  # nested as in the project
        ("themes/family", "family", "#5dade2", ""),
    ]
    assert [c.key for c in codebook.codes] == ["1", "2", "3", "4"]
    assert str(path) in err
    # The store records which codebook its imported documents were coded with.
    documents, _ = stored(store_path)
    assert {d.metadata["codebook"] for d in documents} == {str(path)}


def test_a_second_import_keeps_the_first_codebook_file(capsys, qualcoder_file, tmp_path) -> None:
    store_path = tmp_path / "gloss.json"
    (tmp_path / "study-codebook.toml").write_text("# the analyst's own file\n")
    code, _ = run(capsys, "import", str(qualcoder_file), "--db", str(store_path))
    assert code == 0
    assert (tmp_path / "study-codebook.toml").read_text() == "# the analyst's own file\n"
    Codebook.load(tmp_path / "study-codebook-2.toml")


def test_codes_without_a_free_key_get_none(capsys, tmp_path) -> None:
    codes = "".join(
        f'<Code guid="{n:08x}-0000-4000-8000-000000000000" name="c{n}" isCodable="true"/>'
        for n in range(1, 80)
    )
    xml = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="many">'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook></Project>"
    )
    path = tmp_path / "many.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
    code, err = run(capsys, "import", str(path), "--db", str(tmp_path / "gloss.json"))
    assert code == 0, err
    codebook = Codebook.load(tmp_path / "many-codebook.toml")
    keys = [c.key for c in codebook.codes]
    assert len(codebook.codes) == 79
    assert "" in keys and len({k for k in keys if k}) == len([k for k in keys if k])
    assert "without a key" in err


# -- Gloss's own qdpx comes back ---------------------------------------------------------


def qdpx_facts(data: bytes):
    """What a QDA tool reads of a qdpx: each selection's place, analyst, codes, memo and
    notes; the code names; the users."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{NS}Code")}
    notes = {n.get("guid"): n.findtext(f"{NS}PlainTextContent") for n in root.iter(f"{NS}Note")}
    selections = sorted(
        (
            s.get("guid"),
            int(s.get("startPosition")),
            int(s.get("endPosition")),
            users.get(s.get("creatingUser")),
            tuple(codes[r.get("targetGUID")] for r in s.iter(f"{NS}CodeRef")),
            s.findtext(f"{NS}Description"),
            tuple(notes[r.get("targetGUID")] for r in s.findall(f"{NS}NoteRef")),
        )
        for s in root.iterfind(f"{NS}Sources/{NS}TextSource/{NS}PlainTextSelection")
    )
    return selections, sorted(codes.values()), sorted(users.values())


@pytest.mark.parametrize("make", [hostile_scope, bundled_scope, same_span_scope])
def test_gloss_qdpx_round_trips(capsys, tmp_path, make) -> None:
    scope = make()
    first = render("qdpx", scope)
    path = tmp_path / "project.qdpx"
    path.write_bytes(first)
    store_path = tmp_path / "new" / "gloss.json"
    store_path.parent.mkdir()
    codebook_toml = tmp_path / "in-force.toml"
    codebook_toml.write_text(scope.codebook.to_toml())
    code, err = run(
        capsys, "import", str(path), "--db", str(store_path), "--codebook", str(codebook_toml)
    )
    assert code == 0, err
    again = tmp_path / "again.qdpx"
    written = store_path.parent / "project-codebook.toml"
    code, err = run(
        capsys,
        "export",
        "-f",
        "qdpx",
        "--db",
        str(store_path),
        "--codebook",
        str(written),
        "-o",
        str(again),
    )
    assert code == 0, err
    assert qdpx_facts(again.read_bytes()) == qdpx_facts(first)
    # And in the store: the same annotations, ids, codes, memos, analysts and confidence.
    _, annotations = stored(store_path)
    places = {(a.start, a.end, a.analyst) for a in scope.annotations}
    assert len(annotations) == len(places)
    if len(places) == len(scope.annotations):
        got = sorted(
            (a.id, a.start, a.end, a.tags, a.memo, a.analyst, a.confidence) for a in annotations
        )
        want = sorted(
            (a.id, a.start, a.end, a.tags, visible(a.memo), visible(a.analyst), a.confidence)
            for a in scope.annotations
        )
        assert got == want


# -- bad input: one line, exit 2, nothing written -----------------------------------------


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _broken(tmp_path: Path, change) -> Path:
    with zipfile.ZipFile(io.BytesIO(qualcoder_qdpx())) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["project.qde"] = change(members["project.qde"].decode("utf-8"))
    return _zip(tmp_path / "broken.qdpx", members)


BAD_INPUTS = {
    "no project.qde": (
        lambda tmp: _zip(tmp / "x.qdpx", {"sources/a.txt": "text"}),
        "no project.qde in the zip",
    ),
    "not a zip": (
        lambda tmp: (tmp / "x.qdpx").write_text("hello") and tmp / "x.qdpx",
        "not a zip",
    ),
    "not well-formed": (
        lambda tmp: _broken(tmp, lambda xml: xml.replace("</Project>", "")),
        "not well-formed XML",
    ),
    "not valid": (
        lambda tmp: _broken(tmp, lambda xml: xml.replace('name="misc"', 'nom="misc"')),
        "does not validate against the REFI-QDA schema",
    ),
    "past the end": (
        lambda tmp: _broken(tmp, lambda xml: xml.replace('endPosition="30"', 'endPosition="999"')),
        "is past the end of source 'notes & more'",
    ),
    "unknown code": (
        lambda tmp: _broken(
            tmp,
            lambda xml: xml.replace(
                '<CodeRef targetGUID="00000068', '<CodeRef targetGUID="0000ffff'
            ),
        ),
        "coded with an unknown code",
    ),
    "missing source file": (
        lambda tmp: _broken(tmp, lambda xml: xml.replace("0000000d.txt", "00000bad.txt")),
        "is not in the zip",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_nothing_written(capsys, tmp_path, case) -> None:
    make, message = BAD_INPUTS[case]
    path = make(tmp_path)
    store_path = tmp_path / "store" / "gloss.json"
    store_path.parent.mkdir()
    code, err = run(capsys, "import", str(path), "--db", str(store_path))
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert list(store_path.parent.iterdir()) == []


def test_a_zip_bomb_is_refused_without_reading_it_whole(capsys, tmp_path, monkeypatch) -> None:
    import annotations.importing as importing

    monkeypatch.setattr(importing, "MAX_MEMBER_BYTES", 1024 * 1024)
    # A member of 20 MB that packs to under 100 kB, past the (lowered) limit of 1 MB.
    path = _zip(tmp_path / "bomb.qdpx", {"project.qde": b" " * (20 * 1024 * 1024)})
    with zipfile.ZipFile(path) as archive:
        assert archive.infolist()[0].compress_size < 100_000
    store_path = tmp_path / "store" / "gloss.json"
    store_path.parent.mkdir()
    code, err = run(capsys, "import", str(path), "--db", str(store_path))
    assert code == 2
    assert "project.qde" in err and "more than" in err
    assert list(store_path.parent.iterdir()) == []


def test_a_json_export_still_imports(capsys, tmp_path) -> None:
    scope = hostile_scope()
    path = tmp_path / "export.json"
    path.write_bytes(render("json", scope))
    code, err = run(capsys, "import", str(path), "--db", str(tmp_path / "gloss.json"))
    assert code == 0, err
    assert json.loads(path.read_bytes())["gloss"] == 1

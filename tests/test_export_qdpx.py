"""REFI-QDA export: a zip with project.qde valid against Project.xsd and the sources."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from test_export_support import HOSTILE_MEMO, bundled_scope, hostile_scope

from annotations import Codebook, Document
from annotations.export import make_scope, render
from annotations.safe_text import visible

SCHEMA = Path(__file__).parent / "data" / "refi-qda" / "Project.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def open_project(data: bytes) -> tuple[etree._ElementTree, dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        tree = etree.parse(io.BytesIO(archive.read("project.qde")))
        sources = {
            name.removeprefix("sources/"): archive.read(name).decode("utf-8")
            for name in names
            if name.startswith("sources/")
        }
    return tree, sources


@pytest.mark.parametrize("make_scope", [bundled_scope, hostile_scope])
def test_project_is_valid_against_the_refi_qda_schema(schema, make_scope) -> None:
    tree, _ = open_project(render("qdpx", make_scope()))
    schema.assertValid(tree)


def test_the_schema_catches_a_broken_project(schema) -> None:
    tree, _ = open_project(render("qdpx", bundled_scope()))
    selection = tree.find(".//q:PlainTextSelection", NS)
    selection.set("startPosition", "not a number")
    assert not schema.validate(tree)


def test_codebook_codes_are_nested_under_their_groups_with_colours() -> None:
    scope = hostile_scope()
    tree, _ = open_project(render("qdpx", scope))
    groups = tree.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [g.get("name") for g in groups] == ["Actor", "Interest", "Relation", "unknown"]
    assert all(g.get("isCodable") == "false" for g in groups)
    actor = groups[0]
    codes = actor.findall("q:Code", NS)
    colour = {code.label: code.color.upper() for code in Codebook.default().codes}
    assert [(c.get("name"), c.get("color")) for c in codes] == [
        (label, colour[label]) for label in ("Russia", "Iran", "both")
    ]
    assert [c.get("name") for c in groups[3].findall("q:Code", NS)] == ["unknown/custom-tag"]


def test_selections_codings_and_memos_match_the_annotations() -> None:
    scope = hostile_scope()
    tree, sources = open_project(render("qdpx", scope))
    document = scope.documents[0]
    source = tree.find("q:Sources/q:TextSource", NS)
    path = source.get("plainTextPath").removeprefix("internal://")
    assert sources[path] == document.text
    code_names = {c.get("guid"): c.get("name") for c in tree.iter(f"{{{NS['q']}}}Code")}
    users = {u.get("guid"): u.get("name") for u in tree.findall("q:Users/q:User", NS)}
    selections = source.findall("q:PlainTextSelection", NS)
    assert len(selections) == len(scope.annotations)
    for annotation, selection in zip(scope.annotations, selections, strict=True):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert sources[path][start:end] == annotation.quote
        assert selection.get("guid") == annotation.id
        codings = selection.findall("q:Coding", NS)
        names = [code_names[c.find("q:CodeRef", NS).get("targetGUID")] for c in codings]
        codebook = scope.codebook
        assert names == [codebook.code(t).label if codebook.code(t) else t for t in annotation.tags]
        assert users[selection.get("creatingUser")] == visible(annotation.analyst)
        # The memo is the selection's Description: where QualCoder, NVivo and qdapy look.
        assert selection.findtext("q:Description", None, NS) == (
            visible(annotation.memo) if annotation.memo else None
        )
    assert any(visible(HOSTILE_MEMO) == s.findtext("q:Description", "", NS) for s in selections)


def test_the_confidence_is_a_note_of_its_selection_not_its_memo() -> None:
    scope = hostile_scope()
    tree, _ = open_project(render("qdpx", scope))
    notes = {n.get("guid"): n for n in tree.findall("q:Notes/q:Note", NS)}
    selections = tree.findall(".//q:TextSource/q:PlainTextSelection", NS)
    for annotation, selection in zip(scope.annotations, selections, strict=True):
        texts = [
            notes[ref.get("targetGUID")].findtext("q:PlainTextContent", "", NS)
            for ref in selection.findall("q:NoteRef", NS)
        ]
        expected = [f"Confidence: {annotation.confidence}"] if annotation.confidence else []
        assert texts == expected
        assert "Confidence" not in selection.findtext("q:Description", "", NS)


def test_notes_carry_who_changed_them_and_when(schema) -> None:
    # QualCoder reads a Note's modifiedDateTime and modifyingUser, nothing else.
    scope = hostile_scope()
    tree, _ = open_project(render("qdpx", scope))
    users = {u.get("name"): u.get("guid") for u in tree.findall("q:Users/q:User", NS)}
    notes = tree.findall("q:Notes/q:Note", NS)
    assert notes
    with_confidence = [a for a in scope.annotations if a.confidence]
    for annotation, note in zip(with_confidence, notes, strict=True):
        assert note.get("modifiedDateTime") == annotation.modified
        assert note.get("modifyingUser") == users[visible(annotation.analyst)]
        assert note.get("creatingUser") == users[visible(annotation.analyst)]


def test_a_source_names_the_analyst_who_annotated_it_first() -> None:
    scope = hostile_scope()
    tree, _ = open_project(render("qdpx", scope))
    users = {u.get("guid"): u.get("name") for u in tree.findall("q:Users/q:User", NS)}
    source = tree.find("q:Sources/q:TextSource", NS)
    assert users[source.get("creatingUser")] == scope.annotations[0].analyst == "ben"


def test_guids_are_stable_from_one_export_to_the_next() -> None:
    first, _ = open_project(render("qdpx", hostile_scope()))
    second, _ = open_project(render("qdpx", hostile_scope()))
    guids = lambda tree: [e.get("guid") for e in tree.iter() if e.get("guid")]  # noqa: E731
    assert guids(first) == guids(second)
    assert len(set(guids(first))) == len(guids(first))


def test_dates_that_are_not_xsd_datetimes_are_left_out(schema) -> None:
    from annotations.export import make_scope

    scope = hostile_scope()
    odd = [a.evolve(created="yesterday", modified="") for a in scope.annotations]
    tree, _ = open_project(render("qdpx", make_scope(scope.documents, odd, scope.codebook)))
    schema.assertValid(tree)
    selection = tree.find(".//q:PlainTextSelection", NS)
    assert selection.get("creationDateTime") is None


def test_source_names_keep_the_title_s_characters() -> None:
    tree, _ = open_project(render("qdpx", hostile_scope()))
    name = tree.find("q:Sources/q:TextSource", NS).get("name")
    assert name == "<i>Hostile</i> *title* =1+1 \u241b]0;pwned\u2407"
    document = Document.from_text("text", title='A/B: "quoted" <x> | y?')
    scope = make_scope([document], [], Codebook.default())
    tree, _ = open_project(render("qdpx", scope))
    assert tree.find("q:Sources/q:TextSource", NS).get("name") == 'A/B: "quoted" <x> | y?'
    bundled, _ = open_project(render("qdpx", bundled_scope()))
    assert bundled.find("q:Sources/q:TextSource", NS).get("name") == (
        "Russia and Iran: Marriage of Convenience Will Come to An End"
    )


def test_the_sources_folder_is_lower_case() -> None:
    with zipfile.ZipFile(io.BytesIO(render("qdpx", hostile_scope()))) as archive:
        folders = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    assert folders == {"sources"}

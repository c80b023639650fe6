"""REFI-QDA export: a zip with project.qde valid against Project.xsd and the sources."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from test_export_support import HOSTILE_MEMO, bundled_scope, hostile_scope

from annotations.export import render
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
            name.removeprefix("Sources/"): archive.read(name).decode("utf-8")
            for name in names
            if name.startswith("Sources/")
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
    assert [(c.get("name"), c.get("color")) for c in codes] == [
        ("Russia", "#D9534F"),
        ("Iran", "#2E9E5B"),
        ("both", "#8E6BD6"),
    ]
    assert [c.get("name") for c in groups[3].findall("q:Code", NS)] == ["unknown/custom-tag"]


def test_selections_codings_and_notes_match_the_annotations() -> None:
    scope = hostile_scope()
    tree, sources = open_project(render("qdpx", scope))
    document = scope.documents[0]
    source = tree.find("q:Sources/q:TextSource", NS)
    path = source.get("plainTextPath").removeprefix("internal://")
    assert sources[path] == document.text
    code_names = {c.get("guid"): c.get("name") for c in tree.iter(f"{{{NS['q']}}}Code")}
    notes = {n.get("guid"): n for n in tree.findall("q:Notes/q:Note", NS)}
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
        refs = selection.findall("q:NoteRef", NS)
        if annotation.memo:
            note = notes[refs[0].get("targetGUID")]
            assert note.find("q:PlainTextContent", NS).text == visible(annotation.memo)
        else:
            assert refs == []
        assert users[selection.get("creatingUser")] == visible(annotation.analyst)
        if annotation.confidence:
            assert selection.find("q:Description", NS).text == (
                f"Confidence: {annotation.confidence}"
            )
    assert any(
        visible(HOSTILE_MEMO) == n.find("q:PlainTextContent", NS).text for n in notes.values()
    )


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


def test_memos_are_also_where_qualcoder_looks_for_them() -> None:
    # QualCoder reads a memo from a NoteRef on the TextSource to a Note that holds the
    # selection's positions; NVivo and the standard use the NoteRef on the selection.
    scope = hostile_scope()
    tree, _ = open_project(render("qdpx", scope))
    source = tree.find("q:Sources/q:TextSource", NS)
    source_refs = [r.get("targetGUID") for r in source.findall("q:NoteRef", NS)]
    with_memo = [a for a in scope.annotations if a.memo]
    assert len(source_refs) == len(with_memo) > 0
    notes = {n.get("guid"): n for n in tree.findall("q:Notes/q:Note", NS)}
    for annotation, ref in zip(with_memo, source_refs, strict=True):
        place = notes[ref].find("q:PlainTextSelection", NS)
        assert (int(place.get("startPosition")), int(place.get("endPosition"))) == (
            annotation.start,
            annotation.end,
        )


def test_source_names_are_safe_file_names() -> None:
    tree, _ = open_project(render("qdpx", hostile_scope()))
    name = tree.find("q:Sources/q:TextSource", NS).get("name")
    assert not set(name) & set('\\/:*?"<>|')
    bundled, _ = open_project(render("qdpx", bundled_scope()))
    assert bundled.find("q:Sources/q:TextSource", NS).get("name") == (
        "Russia and Iran - Marriage of Convenience Will Come to An End"
    )

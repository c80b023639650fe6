"""Document and project memos in the exports: md and html as sections (escaped like every
memo), qdpx as Notes — valid against Project.xsd and read by QualCoder (its model) and
pyrefiqda; and `gloss export` carrying the memos the store keeps."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from qualcoder_model import import_qdpx
from test_export_support import HOSTILE_MEMO, TIMESTAMP, hostile_scope

from annotations import Document, Store
from annotations.export import render
from annotations.memos import PROJECT, Memo, set_memo
from annotations.safe_text import visible
from tui.cli import main

SCHEMA = Path(__file__).parent / "data" / "refi-qda" / "Project.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}
PROJECT_MEMO = "Russia's interests: institutions. Iran's: people."


def with_memos():
    scope = hostile_scope()
    document = scope.documents[0]
    memos = {
        PROJECT: Memo(PROJECT, PROJECT_MEMO, "lead <i>analyst</i>", TIMESTAMP),
        document.id: Memo(document.id, HOSTILE_MEMO, "ben", TIMESTAMP),
    }
    return replace(scope, memos=memos)


def project_xml(data: bytes) -> etree._ElementTree:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.parse(io.BytesIO(archive.read("project.qde")))


def test_markdown_has_the_project_memo_and_the_documents() -> None:
    text = render("md", with_memos()).decode("utf-8")
    project = text.index("## Project memo")
    assert text.index("> Russia's interests: institutions. Iran's: people.") > project
    assert "> **Memo** · lead \\<i\\>analyst\\</i\\> · 2024-11-25T10:00:00Z" in text
    document = text.index("\n## ", project + 1)
    assert text.index("> **Memo** · ben", document) < text.index("\n### ", document)
    assert "<script>" not in text


def test_html_escapes_the_memos() -> None:
    page = render("html", with_memos()).decode("utf-8")
    assert "<h2>Project memo</h2>" in page
    assert "lead &lt;i&gt;analyst&lt;/i&gt;" in page
    assert "<script" not in page.replace("&lt;script", "")
    assert page.count('class="doc-memo"') == 2


def test_qdpx_notes_are_valid_and_read_by_the_tools(tmp_path: Path) -> None:
    scope = with_memos()
    data = render("qdpx", scope)
    tree = project_xml(data)
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(tree)
    root = tree.getroot()
    assert root.findtext("q:Description", namespaces=NS) == PROJECT_MEMO
    notes = {n.get("guid"): n for n in root.findall("q:Notes/q:Note", NS)}
    (project_ref,) = root.findall("q:NoteRef", NS)
    assert notes[project_ref.get("targetGUID")].findtext("q:PlainTextContent", namespaces=NS) == (
        PROJECT_MEMO
    )
    source = root.find("q:Sources/q:TextSource", NS)
    texts = [
        notes[ref.get("targetGUID")].findtext("q:PlainTextContent", namespaces=NS)
        for ref in source.findall("q:NoteRef", NS)
    ]
    assert visible(HOSTILE_MEMO) in texts
    users = {u.get("name") for u in root.findall("q:Users/q:User", NS)}
    assert {"ben", "lead <i>analyst</i>"} <= users
    # QualCoder imports it without error (its Notes need dates), its project memo the
    # Description; pyrefiqda parses it into its strict models.
    db = import_qdpx(data)
    assert db.execute("select count(*) from source").fetchone() == (1,)
    from pyrefiqda import RefiProject

    path = tmp_path / "memos.qdpx"
    path.write_bytes(data)
    project = RefiProject.load(path, extract_dir=str(tmp_path / "out"))
    assert project.description == PROJECT_MEMO
    contents = {note.plain_text_content for note in project.notes.note}
    assert {PROJECT_MEMO, visible(HOSTILE_MEMO)} <= contents
    # qdapy reads the project as before: every coding, the Notes in the way of none.
    from qdapy.qdpx import read_qdpx

    fragments = read_qdpx(path, warn=False).fragments
    assert len(fragments["code"]) == sum(len(a.tags) for a in scope.annotations)


def test_gloss_export_carries_the_stored_memos(capsys, store_path: Path) -> None:
    with Store(store_path) as store:
        one = store.add_document(Document.from_text("One report.", title="One"))
        two = store.add_document(Document.from_text("Two report.", title="Two"))
        set_memo(store, PROJECT, PROJECT_MEMO, analyst="ana")
        set_memo(store, one.id, "About one.", analyst="ana")
        set_memo(store, two.id, "About two.", analyst="ben")
    assert main(["export", "--format", "md", "--db", str(store_path)]) == 0
    everything = capsys.readouterr().out
    assert "## Project memo" in everything
    assert "> About one." in everything and "> About two." in everything
    assert main(["export", "-f", "md", "--document", "Two", "--db", str(store_path)]) == 0
    one_document = capsys.readouterr().out
    assert "## Project memo" in one_document
    assert "> About two." in one_document and "About one." not in one_document


@pytest.mark.parametrize("name", ["md", "html", "qdpx"])
def test_no_memos_no_memo_sections(name: str) -> None:
    data = render(name, hostile_scope())
    if name == "qdpx":
        assert project_xml(data).getroot().find("q:Description", NS) is None
    else:
        assert b"Project memo" not in data and b'doc-memo"' not in data.replace(b".doc-memo", b"")


def test_qdpx_carries_the_attributes_as_case_variables(tmp_path: Path) -> None:
    scope = with_memos()
    document = scope.documents[0]
    scope = replace(scope, attributes={document.id: {"outlet": "Observer", "region": "Levant"}})
    data = render("qdpx", scope)
    tree = project_xml(data)
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(tree)
    root = tree.getroot()
    names = {v.get("guid"): v.get("name") for v in root.findall("q:Variables/q:Variable", NS)}
    assert {"outlet", "region"} <= set(names.values())
    values = {
        names[value.find("q:VariableRef", NS).get("targetGUID")]: value.findtext(
            "q:TextValue", namespaces=NS
        )
        for value in root.findall("q:Sources/q:TextSource/q:VariableValue", NS)
    }
    assert values["outlet"] == "Observer" and values["region"] == "Levant"
    from pyrefiqda import RefiProject

    path = tmp_path / "cases.qdpx"
    path.write_bytes(data)
    RefiProject.load(path, extract_dir=str(tmp_path / "out"))

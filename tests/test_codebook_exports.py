"""Nested codes and code memos in every export: md and html list the codebook with
descriptions, memos and counts that roll up to parents; qdpx and .qdc nest <Code>
elements and carry the memo in the code's Description, as QualCoder (the model),
pyrefiqda and qdapy read them (qdpxlib keeps codes as a flat guid -> name table: it has
no hierarchy to check); `gloss import` reads hierarchy and memos back;
`gloss stats` counts a parent with its nested codes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from markdown_it import MarkdownIt
from qualcoder_model import import_qdpx

from annotations import Annotation, Codebook, Document, Store
from annotations import codebook_edits as edits
from annotations.codebook_store import record_codebook
from annotations.export import make_scope, render
from annotations.export.qdpx import codebook_xml
from tui.cli import main

TIMESTAMP = "2026-03-01T10:00:00Z"
TEXT = "Moscow flies the jets. Tehran builds militias. Both talk.\n"
MEMO = "Sorties from Hmeimim.\nسوریه: <b>not bold</b> *not em*"
DATA = Path(__file__).parent / "data" / "refi-qda"
QDE = "{urn:QDA-XML:project:1.0}"


def nested_codebook() -> Codebook:
    codebook = Codebook.default()
    codebook = edits.add_code(
        codebook, "interest", "air power", parent="interest/military", memo=MEMO
    ).codebook
    codebook = edits.add_code(codebook, "interest", "jets", parent="interest/military/air-power")
    codebook = edits.describe_code(
        codebook.codebook, "interest/military", memo="Anything armed."
    ).codebook
    return codebook


def nested_scope():
    document = Document.from_text(TEXT, title="Nested")

    def annotation(start: int, end: int, number: int, tags: list[str]) -> Annotation:
        made = Annotation.create(
            document=document.id, text=TEXT, start=start, end=end, tags=tags, analyst="ana"
        )
        return made.evolve(
            id=f"00000000-0000-4000-8000-{number:012d}", created=TIMESTAMP, modified=TIMESTAMP
        )

    annotations = [
        annotation(0, 22, 1, ["actor/russia", "interest/military/air-power/jets"]),
        annotation(23, 46, 2, ["actor/iran", "interest/military"]),
        annotation(47, 57, 3, ["actor/both", "interest/military/air-power"]),
    ]
    return make_scope([document], annotations, nested_codebook(), generated=TIMESTAMP)


def project(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("project.qde"))


# -- qdpx and qdc ----------------------------------------------------------------------


def test_qdpx_nests_codes_and_carries_memos_valid_against_the_schema() -> None:
    data = render("qdpx", nested_scope())
    root = project(data)
    schema = etree.XMLSchema(etree.parse(str(DATA / "Project.xsd")))
    schema.assertValid(root.getroottree())
    military = root.find(f".//{QDE}Code[@name='military']")
    air = military.find(f"{QDE}Code[@name='air power']")
    assert air.find(f"{QDE}Code[@name='jets']") is not None
    assert military.findtext(f"{QDE}Description").endswith("\n\nMemo:\nAnything armed.")
    assert air.findtext(f"{QDE}Description") == "Memo:\n" + MEMO


def test_qdc_nests_codes_and_carries_memos_valid_against_the_schema() -> None:
    root = etree.fromstring(codebook_xml(nested_codebook()))
    etree.XMLSchema(etree.parse(str(DATA / "Codebook.xsd"))).assertValid(root.getroottree())
    ns = "{urn:QDA-XML:codebook:1.0}"
    air = root.find(f".//{ns}Code[@name='military']/{ns}Code[@name='air power']")
    assert air.findtext(f"{ns}Description") == "Memo:\n" + MEMO
    assert air.find(f"{ns}Code[@name='jets']") is not None


def test_qualcoder_reads_the_hierarchy_and_the_memos() -> None:
    db = import_qdpx(render("qdpx", nested_scope()))
    rows = {
        name: (cid, memo, supercid)
        for cid, name, memo, supercid in db.execute(
            "select cid, name, memo, supercid from code_name"
        )
    }
    assert rows["air power"][2] == rows["military"][0]
    assert rows["jets"][2] == rows["air power"][0]
    assert rows["air power"][1] == "Memo:\n" + MEMO
    coded = {
        (pos0, name)
        for pos0, name in db.execute("select pos0, name from code_text join code_name using (cid)")
    }
    assert {(0, "jets"), (23, "military"), (47, "air power")} <= coded


def test_pyrefiqda_reads_the_hierarchy_and_the_memos(tmp_path: Path) -> None:
    from pyrefiqda import RefiProject

    path = tmp_path / "nested.qdpx"
    path.write_bytes(render("qdpx", nested_scope()))
    loaded = RefiProject.load(path, extract_dir=str(tmp_path / "x"))
    paths = {}

    def walk(codes, above):
        for code in codes:
            paths["/".join([*above, code.name])] = code.description
            walk(code.code, [*above, code.name])

    walk(loaded.code_book.codes.code, [])
    assert paths["Interest/military/air power"] == "Memo:\n" + MEMO
    assert "Interest/military/air power/jets" in paths


def test_qdapy_names_each_coding_by_its_path(tmp_path: Path) -> None:
    from qdapy.qdpx import read_qdpx

    path = tmp_path / "nested.qdpx"
    path.write_bytes(render("qdpx", nested_scope()))
    codes = set(read_qdpx(path, warn=False).fragments["code"])
    assert {"Interest/military/air power/jets", "Interest/military/air power"} <= codes


def test_gloss_import_reads_the_hierarchy_and_memos_back(tmp_path: Path, capsys) -> None:
    path = tmp_path / "nested.qdpx"
    path.write_bytes(render("qdpx", nested_scope()))
    store_path = tmp_path / "fresh" / "gloss.json"
    store_path.parent.mkdir()
    assert main(["import", str(path), "--db", str(store_path)]) == 0
    capsys.readouterr()
    written = Codebook.load(store_path.parent / "nested-codebook.toml")
    air = written.code("interest/military/air-power")
    assert (air.label, air.memo, air.description) == ("air power", MEMO, "")
    assert written.code("interest/military/air-power/jets").parent == air.id
    military = written.code("interest/military")
    assert military.memo == "Anything armed."
    assert military.description == Codebook.default().code("interest/military").description
    with Store(store_path, read_only=True) as store:
        tags = sorted(a.tags for a in store.annotations())
    assert ("actor/russia", "interest/military/air-power/jets") in tags


# -- md and html -------------------------------------------------------------------------


def test_markdown_lists_the_codebook_nested_with_memos_escaped() -> None:
    text = render("md", nested_scope()).decode("utf-8")
    section = text[text.index("## Codebook: ") : text.index("## Actor × Interest")]
    rows = {
        cells[1]: cells[2:]
        for line in section.splitlines()[4:]
        if (cells := [c.strip() for c in line.strip("|").split(" | ")])[0] == "Interest"
    }
    assert rows["military"][:2] == ["3", "forces, air cover, weapons, militias, bases"]
    assert rows["military › air power"][0] == "2"
    assert rows["military › air power › jets"][0] == "1"
    rendered = MarkdownIt("commonmark").enable("table").render(section)
    assert "<b>" not in rendered and "&lt;b&gt;not bold&lt;/b&gt;" in rendered
    assert "*not em*" in rendered and "سوریه" in rendered
    assert "Sorties from Hmeimim.\u2424" in rendered  # a memo's line break, shown


def test_html_lists_the_codebook_nested_with_memos_escaped() -> None:
    page = render("html", nested_scope()).decode("utf-8")
    section = page[page.index('<section class="codebook">') :]
    root = etree.fromstring(section[: section.index("</section>") + 10])
    military = root.xpath(".//li[strong='military']")[0]
    assert military.xpath("./ul/li/strong/text()") == ["air power"]
    assert military.xpath("./ul/li/ul/li/strong/text()") == ["jets"]
    assert "(3)" in military.xpath("string(.)")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in section


# -- stats ------------------------------------------------------------------------------


@pytest.fixture
def nested_store(store_path: Path) -> Path:
    scope = nested_scope()
    with Store(store_path) as store:
        store.add_document(scope.documents[0])
        record_codebook(store, scope.codebook)
        store.put_many(scope.annotations)
    return store_path


def test_stats_counts_roll_up_to_parents(nested_store: Path, capsys) -> None:
    assert main(["stats", "--db", str(nested_store), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    codes = result["codes"]
    assert codes["interest/military"] == 3
    assert codes["interest/military/air-power"] == 2
    assert codes["interest/military/air-power/jets"] == 1
    assert result["matrix"]["actor/russia"]["interest/military"] == 1
    assert main(["stats", "--db", str(nested_store)]) == 0
    shown = capsys.readouterr().out
    assert "  › air power" in shown and "    › jets" in shown

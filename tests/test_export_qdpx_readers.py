"""The `.qdpx` export as QDA tools read it: QualCoder (a model of its importer, see
qualcoder_model.py), pyrefiqda (parsed strictly into models built from the schema) and
qdapy (its REFI-QDA reader). Each checks content: every coding at its exact text, every
memo, every analyst."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from qualcoder_model import QualCoderImportError, import_qdpx
from test_export_support import HOSTILE_MEMO, TIMESTAMP, bundled_scope, hostile_scope

from annotations import Annotation, Codebook, Document
from annotations.export import make_scope, render
from annotations.safe_text import visible

CODEBOOK = Codebook.from_toml(
    """
name = "two others"
[[groups]]
id = "actor"
label = "Actor"
[[groups]]
id = "interest"
label = "Interest"
[[codes]]
id = "actor/other"
label = "other"
key = "7"
color = "#112233"
[[codes]]
id = "interest/other"
label = "other"
key = "8"
color = "#445566"
"""
)


def _annotation(document: Document, start: int, end: int, number: int, **fields) -> Annotation:
    annotation = Annotation.create(
        document=document.id, text=document.text, start=start, end=end, **fields
    )
    return annotation.evolve(
        id=f"00000000-0000-4000-8000-{number:012d}", created=TIMESTAMP, modified=TIMESTAMP
    )


def same_span_scope():
    """A memo-only annotation, and two annotations of one analyst on one span that both
    have memos (what a `gloss import` merge can make), beside another analyst's."""
    document = Document.from_text("Moscow backs the army. Tehran builds its own.\n")
    annotations = [
        _annotation(document, 0, 22, 1, memo="only a memo", analyst="ana"),
        _annotation(document, 23, 45, 2, tags=["actor/other"], memo="first", analyst="ana"),
        _annotation(document, 23, 45, 3, tags=["interest/other"], memo="second", analyst="ana"),
        _annotation(document, 23, 45, 4, memo="ben's", analyst="ben"),
        _annotation(document, 0, 22, 5, memo="another memo-only", analyst="ana"),
    ]
    return make_scope([document], annotations, CODEBOOK, generated=TIMESTAMP)


def memos_in_qualcoder(db) -> dict[tuple[int, int, str], str]:
    """Every memo QualCoder holds, by (pos0, pos1, owner), from both of its tables."""
    rows = db.execute(
        "select pos0, pos1, owner, memo from annotation"
        " union all select pos0, pos1, owner, memo from code_text"
    )
    found: dict[tuple[int, int, str], str] = {}
    for pos0, pos1, owner, memo in rows:
        found[(pos0, pos1, owner)] = found.get((pos0, pos1, owner), "") + "\n" + (memo or "")
    return found


@pytest.mark.parametrize("make", [same_span_scope, hostile_scope, bundled_scope])
def test_qualcoder_imports_every_memo_without_error(make) -> None:
    scope = make()
    db = import_qdpx(render("qdpx", scope))
    memos = memos_in_qualcoder(db)
    for annotation in scope.annotations:
        if annotation.memo:
            place = (annotation.start, annotation.end, visible(annotation.analyst))
            assert visible(annotation.memo) in memos[place]
    # No memo twice for one place: each annotation row's memo is written once.
    for (memo,) in db.execute("select memo from annotation where memo != ''"):
        for annotation in scope.annotations:
            if annotation.memo:
                assert memo.count(annotation.memo) <= 1


def test_the_model_fails_where_qualcoder_fails() -> None:
    # The model is only worth something if it breaks as QualCoder does: two selections
    # without a coding on one span of one owner.
    with zipfile.ZipFile(io.BytesIO(render("qdpx", same_span_scope()))) as archive:
        xml = archive.read("project.qde").decode("utf-8")
        texts = {n: archive.read(n) for n in archive.namelist() if n != "project.qde"}
    start = xml.index("<PlainTextSelection")
    end = xml.index("</PlainTextSelection>", start) + len("</PlainTextSelection>")
    doubled = xml[:end] + xml[start:end].replace("-000000000001", "-000000000099") + xml[end:]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", doubled)
        for name, data in texts.items():
            archive.writestr(name, data)
    with pytest.raises(QualCoderImportError, match="UNIQUE constraint failed: annotation"):
        import_qdpx(buffer.getvalue())


def test_every_coding_reaches_a_code_of_its_own_name_in_qualcoder() -> None:
    scope = same_span_scope()
    db = import_qdpx(render("qdpx", scope))
    codes = dict(db.execute("select cid, name from code_name"))
    assert sorted(codes.values()) == ["other (Actor)", "other (Interest)"]
    coded = {(pos0, codes.get(cid)) for cid, pos0 in db.execute("select cid, pos0 from code_text")}
    assert coded == {(23, "other (Actor)"), (23, "other (Interest)")}


def test_qualcoder_reads_each_coding_at_its_exact_text() -> None:
    scope = hostile_scope()
    db = import_qdpx(render("qdpx", scope))
    rows = set(db.execute("select pos0, pos1, seltext from code_text"))
    for annotation in scope.annotations:
        if annotation.tags:
            assert (annotation.start, annotation.end, annotation.quote) in rows
    owners = {
        row[0]
        for row in db.execute("select owner from code_text union select owner from annotation")
    }
    assert owners == {visible(a.analyst) for a in scope.annotations}
    ((source_owner,),) = db.execute("select owner from source")
    assert source_owner == "ben"


# -- pyrefiqda: strict models built from the schema ---------------------------------------


def test_pyrefiqda_reads_every_coding_memo_and_analyst(tmp_path: Path) -> None:
    from pyrefiqda import RefiProject

    scope = hostile_scope()
    path = tmp_path / "project.qdpx"
    path.write_bytes(render("qdpx", scope))
    extracted = tmp_path / "extracted"
    project = RefiProject.load(path, extract_dir=str(extracted))
    users = {u.guid: u.name for u in project.users.user}
    codes = {}

    def walk(code_list):
        for code in code_list:
            codes[code.guid] = code.name
            walk(code.code)

    walk(project.code_book.codes.code)
    (source,) = project.sources.text_source
    text = RefiProject.resolve_source_path(source.plain_text_path, extracted).read_text("utf-8")
    assert text == scope.documents[0].text
    found = [
        (
            text[int(s.start_position) : int(s.end_position)],
            [codes[c.code_ref.target_guid] for c in s.coding],
            s.description or "",
            users[s.creating_user],
        )
        for s in source.plain_text_selection
    ]
    codebook = scope.codebook
    expected = [
        (
            a.quote,
            [codebook.code(t).label if codebook.code(t) else t for t in a.tags],
            visible(a.memo),
            visible(a.analyst),
        )
        for a in scope.annotations
    ]
    assert found == expected
    assert visible(HOSTILE_MEMO) in [f[2] for f in found]


# -- qdapy: a REFI-QDA reader for analysis ------------------------------------------------


def test_qdapy_reads_every_coding_memo_and_analyst(tmp_path: Path) -> None:
    from qdapy.qdpx import read_qdpx

    scope = hostile_scope()
    path = tmp_path / "project.qdpx"
    path.write_bytes(render("qdpx", scope))
    project = read_qdpx(path, warn=False)
    fragments = project.fragments
    codebook = scope.codebook
    found = sorted(
        zip(
            fragments["annotationKey"],
            fragments["text"],
            fragments["code"],
            fragments["comment"],
            fragments["codedBy"],
            strict=True,
        )
    )
    expected = []
    for a in scope.annotations:
        for tag in a.tags:
            code = codebook.code(tag)
            group = codebook.group(tag.split("/")[0])
            path_name = f"{group.label if group else tag.split('/')[0]}/"
            path_name += code.label if code else tag
            expected.append((a.id, a.quote, path_name, visible(a.memo).strip(), visible(a.analyst)))
    assert found == sorted(expected)
    uncoded = project.uncoded
    memo_only = [a for a in scope.annotations if not a.tags]
    assert list(uncoded["text"]) == [a.quote for a in memo_only]
    assert list(uncoded["comment"]) == [visible(a.memo).strip() for a in memo_only]


# -- qdpxlib: MAXQDA-style reader, the next best to qualitative-coding ---------------------
# qualitative-coding (`qc import`) cannot be a test extra: 1.7.8 pins rich<14 while Textual
# 8.2.8 needs rich>=14.2, and its REFI-QDA reader stops at a `breakpoint()` it left in.
# qdpxlib reads `sources/<source guid>.txt` (lower case, as qc does) and codings by offset.


def test_qdpxlib_reads_every_coding_at_its_text(tmp_path: Path, monkeypatch) -> None:
    import tempfile

    from qdpxlib.qdpxlib import QDPXFile

    # It unpacks into a temporary folder it never removes: keep that inside tmp_path.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    scope = same_span_scope()  # ASCII text: qdpxlib seeks bytes, which are then code points
    path = tmp_path / "project.qdpx"
    path.write_bytes(render("qdpx", scope))
    project = QDPXFile(str(path), filter_std=None)
    found = {
        (start, end): (text, sorted(codes)) for _, text, _, (start, end), codes in project.codings
    }
    codebook = scope.codebook
    expected: dict[tuple[int, int], tuple[str, list[str]]] = {}
    for a in scope.annotations:
        names = expected.setdefault((a.start, a.end), (a.quote, []))[1]
        for tag in a.tags:
            group = codebook.group(tag.split("/")[0]).label
            names.append(f"{codebook.code(tag).label} ({group})")
    assert found == {place: (quote, sorted(names)) for place, (quote, names) in expected.items()}

"""Large exports are written as they are made, in pieces, and give exactly the bytes the
whole-document way gives.

The json export indents its values one at a time (msgspec for the annotations) instead
of `json.dumps(indent=2)` over the whole export: the bytes must be the same for any
scope, lone surrogates, floats and NaN in metadata, orphans and memos included. The qdpx
export zips `project.qde` into the file a piece at a time: the zip must be the one made
of the whole project at once, and QualCoder must read it.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qualcoder_model import import_qdpx
from test_export_support import scopes

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.export import export_to, file_content, make_scope, render, render_chunks
from annotations.export import json as json_export
from annotations.export.json import escape_unsafe
from annotations.export.qdpx import project_xml
from annotations.memos import Memo
from annotations.memos import exported as exported_memos
from annotations.model import Annotation

# Any character at all, lone surrogates and the ones a terminal acts on included.
any_text = st.text(max_size=40)
metadata_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def export_scopes(draw):
    body = draw(st.text(min_size=1, max_size=200))
    document = Document.from_text(body, title=draw(any_text) or None)
    document = replace(
        document, metadata=draw(st.dictionaries(any_text, metadata_values, max_size=3))
    )
    older = Document.from_text(body + "older", title="older")

    def annotations(on: Document, count: int) -> list[Annotation]:
        made = []
        for _ in range(count):
            start = draw(st.integers(0, len(on.text) - 1))
            made.append(
                Annotation.create(
                    document=on.id,
                    text=on.text,
                    start=start,
                    end=draw(st.integers(start + 1, len(on.text))),
                    tags=draw(st.lists(any_text, max_size=3)),
                    memo=draw(any_text),
                    confidence=draw(st.sampled_from([None, "low", "high"])),
                    analyst=draw(any_text),
                )
            )
        return made

    orphans = annotations(older, draw(st.integers(0, 2)))
    memos = {}
    if draw(st.booleans()):
        memos[document.id] = Memo(
            about=document.id, text=draw(any_text), analyst="ana", modified="2026-12-01T00:00:00Z"
        )
    attributes = draw(st.sampled_from([{}, {document.id: {"outlet": "Le Monde \u2028"}}]))
    return make_scope(
        [document],
        annotations(document, draw(st.integers(0, 7))),
        Codebook.default(),
        orphans=orphans,
        superseded=[older] if orphans else [],
        memos=memos,
        attributes=attributes,
    )


def whole_document_way(scope) -> bytes:
    """The json export as it was made before it came in pieces: `json.dumps(indent=2)`."""
    data = {
        "gloss": 1,
        "documents": [d.to_record() for d in (*scope.documents, *scope.superseded)],
        "annotations": [a.to_record() for a in scope.annotations]
        + [{**a.to_record(), "orphan": True} for a in scope.orphans],
        "codebook": scope.codebook.to_data(),
    }
    if scope.attributes:
        data["attributes"] = scope.attributes
    if scope.memos:
        data["memos"] = exported_memos(scope.memos)
    return (escape_unsafe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n").encode("utf-8")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export_scopes(), st.sampled_from([1, 2, 3, 2000]))
def test_the_json_export_in_pieces_gives_the_bytes_of_the_whole_document_way(
    scope, batch: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_export, "BATCH", batch)
        assert b"".join(render_chunks("json", scope)) == whole_document_way(scope)
        assert render("json", scope) == whole_document_way(scope)


def test_a_large_json_export_is_made_a_batch_of_annotations_at_a_time() -> None:
    document = Document.from_text("Russia keeps the army. Iran keeps the people.\n" * 40)
    annotations = [
        Annotation.create(document=document.id, text=document.text, start=s, end=s + 22, memo="m")
        for s in range(0, 46 * 40, 46)
    ] * 250  # 10,000 records
    scope = make_scope([document], annotations, Codebook.default())
    pieces = list(render_chunks("json", scope))
    whole = b"".join(pieces)
    assert whole == whole_document_way(scope)
    assert len(json.loads(whole)["annotations"]) == 10_000
    # No piece holds more than one batch of annotations' worth of the file.
    assert max(map(len, pieces)) < len(whole) / 4


def whole_project_zip(scope) -> bytes:
    """The qdpx export as it was made before it was zipped in pieces: `project.qde` whole."""
    xml, files = project_xml(scope)
    stamp = scope.generated
    date_time = tuple(
        int(stamp[i : i + n]) for i, n in ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2))
    )
    entries = [("project.qde", xml)] + [
        (f"sources/{name}", text.encode("utf-8", "surrogatepass")) for name, text in files.items()
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scopes())
def test_the_qdpx_export_zipped_in_pieces_is_the_zip_of_the_whole_project(scope) -> None:
    assert render("qdpx", scope) == whole_project_zip(scope)


class RecordingFile(io.BytesIO):
    """A file that remembers how much each write handed it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[int] = []

    def write(self, data) -> int:
        self.writes.append(len(data))
        return super().write(data)


def many_annotations_scope(count: int):
    document = Document.from_text("Russia keeps the army. Iran keeps the people.\n" * 400)
    annotations = [
        Annotation.create(
            document=document.id,
            text=document.text,
            start=number % 18_000,
            end=number % 18_000 + 5 + number % 40,
            tags=("actor/russia",),
            memo=f"memo {number}",
            analyst=("ana", "ben")[number % 2],
        )
        for number in range(count)
    ]
    return make_scope([document], annotations, Codebook.default())


def test_a_large_qdpx_export_is_zipped_into_its_file_as_it_is_made(tmp_path: Path) -> None:
    scope = many_annotations_scope(10_000)
    whole = whole_project_zip(scope)
    written = RecordingFile()
    content = file_content("qdpx", scope)
    assert callable(content)
    content(written)
    assert written.getvalue() == whole
    # The project's XML reached the file in pieces, never as one whole.
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        project_size = archive.getinfo("project.qde").compress_size
    assert max(written.writes) < project_size / 2
    target = export_to("qdpx", scope, tmp_path / "project.qdpx")
    assert target.read_bytes() == whole
    codings = import_qdpx(target.read_bytes()).execute("select count(*) from code_text")
    assert codings.fetchone()[0] == 10_000

"""The checks an import runs before anything reaches the store (annotations/validation.py),
used on their own as an importer of another format would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import Document, Store
from annotations.errors import RecordError
from annotations.export import render, select
from annotations.validation import check_annotation_record, check_export, parse_json

TEXT = "Russia backs the state. Iran builds networks.\n"


@pytest.fixture
def good_export(tmp_path: Path, codebook) -> dict:
    """A real `gloss export --format json` of one document with one annotation."""
    with Store(tmp_path / "source.json") as store:
        document = store.add_document(Document.from_text(TEXT, title="Two interests"))
        store.annotate(document.id, 0, 6, tags=["actor/russia"], memo="first", analyst="ana")
        return json.loads(render("json", select(store, codebook)))


def changed(export: dict, kind: str, field: str, value) -> dict:
    copy = json.loads(json.dumps(export))
    copy[kind][0][field] = value
    return copy


def test_metadata_nested_past_the_limit_is_refused(good_export: dict) -> None:
    nested: list = []
    for _ in range(40):
        nested = [nested]
    with pytest.raises(RecordError, match=r'documents\[0\].*"metadata" is nested more than'):
        check_export(changed(good_export, "documents", "metadata", {"x": nested}))


def test_a_surrogate_pair_escape_is_text(good_export: dict) -> None:
    text = json.dumps(good_export).replace('"memo": "first"', '"memo": "\\ud83d\\ude00"')
    data = parse_json(text.encode("utf-8"))
    check_export(data)
    assert data["annotations"][0]["memo"] == "😀"


def test_gloss_true_is_not_gloss_1(good_export: dict) -> None:
    with pytest.raises(RecordError, match="not a Gloss json export"):
        check_export({**good_export, "gloss": True})


def test_check_annotation_record_is_usable_on_its_own() -> None:
    # What an importer of another format (qdpx, jsonld) calls on the records it builds.
    record = {"id": "a", "document": "d", "start": 2, "end": 1}
    with pytest.raises(RecordError, match=r'^coding 3 \(id a\): "start" \(2\) must be before'):
        check_annotation_record(record, where="coding 3", text_length=10)

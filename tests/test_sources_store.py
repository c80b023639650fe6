"""Sources stored once: the converted text and its structure in the store (schema 5: the
structure beside the text in `texts`), the original's hash, no conversion on reopening, and
a changed original re-converted with its annotations re-anchored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import source_files as made

from annotations import Store
from annotations.library import open_paths
from annotations.storage import encode_snapshot, list_backups, snapshot_info
from annotations.store import SCHEMA_VERSION


def snapshot(path: Path) -> dict:
    return json.loads(path.read_bytes())


def test_the_structure_is_stored_once_beside_the_text(tmp_path: Path, store_path: Path) -> None:
    pdf = made.page_labels_pdf(tmp_path / "labels.pdf")
    with Store(store_path) as store:
        (document,) = open_paths(store, [pdf]).documents
        store.set_document_metadata(document.id, author="A. N. Author")
        store.compact()
    tables = snapshot(store_path)
    assert "structure" not in tables["documents"][document.id]
    assert tables["texts"][document.id]["structure"]["page_labels"] == ["i", "ii", "1", "2"]
    assert tables["documents"][document.id]["metadata"]["original"].startswith("sha256:")
    with Store(store_path) as store:
        again = store.document(document.id)
        assert [again.page_label_at(span.start) for span in again.paragraphs] == [
            "i",
            "ii",
            "1",
            "2",
        ]
        assert again.metadata["author"] == "A. N. Author"


def test_reopening_an_unchanged_source_converts_nothing(
    tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = made.report_pdf(tmp_path / "report.pdf")
    with Store(store_path) as store:
        (first,) = open_paths(store, [pdf]).documents

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr("annotations.document.convert", no_conversion)
    with Store(store_path) as store:
        (again,) = open_paths(store, [pdf]).documents
        assert again.id == first.id
        assert again.structure == first.structure


def test_a_changed_original_is_converted_again_and_its_annotations_follow(
    tmp_path: Path, store_path: Path
) -> None:
    paragraphs = [made.paragraph(n) for n in range(1, 9)]
    pdf = made.text_pdf(tmp_path / "report.pdf", paragraphs, per_page=4)
    with Store(store_path) as store:
        (first,) = open_paths(store, [pdf]).documents
        sentence = first.sentences_in(5)[1]  # paragraph 6: on page 2
        store.annotate(first.id, sentence.start, sentence.end, tags=["actor/iran"])
        assert first.page_label_at(sentence.start) == "2"
    # A new edition: two paragraphs more at the front; it is now the last on page 2.
    made.text_pdf(tmp_path / "report.pdf", [made.paragraph(0), made.paragraph(99), *paragraphs])
    with Store(store_path) as store:
        (opened,) = open_paths(store, [pdf]).opened
        assert opened.previous is not None and opened.previous.id == first.id
        assert opened.moved == 1 and opened.orphaned == 0
        (moved,) = store.annotations(opened.document.id)
        assert moved.quote == first.text[sentence.start : sentence.end]
        assert opened.document.page_label_at(moved.start) == "2"
        assert opened.document.paragraph_index(moved.start) == 7


def test_a_store_of_schema_4_with_structures_in_records_is_migrated(
    tmp_path: Path, store_path: Path
) -> None:
    """Sources converted by Gloss before schema 5 kept their structure in the document
    record: the migration moves it beside the text, and keeps the original as a backup."""
    pdf = made.page_labels_pdf(tmp_path / "labels.pdf")
    with Store(store_path) as store:
        (document,) = open_paths(store, [pdf]).documents
        store.compact()
    tables = snapshot(store_path)
    structure = tables["texts"][document.id].pop("structure")
    tables["documents"][document.id]["structure"] = structure
    tables["meta"]["schema"] = {"schema": 4}
    original = b"".join(encode_snapshot(tables, snapshot_info(tables)))
    store_path.write_bytes(original)
    with Store(store_path) as store:
        assert store.schema_version == SCHEMA_VERSION == 6
        migrated = store.document(document.id)
        assert migrated.structure is not None
        assert migrated.structure.page_labels == ("i", "ii", "1", "2")
        store.compact()
    tables = snapshot(store_path)
    assert "structure" not in tables["documents"][document.id]
    assert tables["texts"][document.id]["structure"] == structure
    (kept,) = [b for b in list_backups(store_path) if "-schema4" in b.name]
    assert kept.read_bytes() == original


def test_the_same_text_from_new_bytes_is_recognised_next_time(
    tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = made.report_pdf(tmp_path / "report.pdf")
    with Store(store_path) as store:
        (first,) = open_paths(store, [pdf]).documents
    made.report_pdf(pdf)  # saved again: new bytes (its creation time), the same text
    pdf.write_bytes(pdf.read_bytes() + b"\n% saved again\n")
    with Store(store_path) as store:
        (again,) = open_paths(store, [pdf]).documents  # converted: the bytes are new
        assert again.id == first.id
        assert again.metadata["original"] != first.metadata["original"]
    monkeypatch.setattr("annotations.document.convert", _no_conversion)
    with Store(store_path) as store:
        (third,) = open_paths(store, [pdf]).documents  # found by the new bytes' hash
        assert third.id == first.id


def test_exporting_a_converted_file_converts_nothing(
    tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from tui.cli import main

    pdf = made.report_pdf(tmp_path / "report.pdf")
    with Store(store_path) as store:
        (document,) = open_paths(store, [pdf]).documents
        sentence = document.sentences_in(1)[0]
        store.annotate(document.id, sentence.start, sentence.end, tags=["actor/iran"])
    monkeypatch.setattr("annotations.document.convert", _no_conversion)
    assert main(["export", "--format", "csv", "--document", str(pdf), "--db", str(store_path)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and ",1,Jane Roe," in out  # page 1, the author


def _no_conversion(*args, **kwargs):
    raise AssertionError("converted again")

"""What an export covers (`select`, `make_scope`) and how it is written (`export_to`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_export_support import hostile_annotations, hostile_document

from annotations import Codebook, Document, Store
from annotations.export import (
    ExportError,
    default_filename,
    export_time,
    export_to,
    make_scope,
    select,
)


def test_make_scope_puts_annotations_in_document_order_and_drops_strangers() -> None:
    document = hostile_document()
    other = Document.from_text("Another text.\n", title="Another")
    annotations = list(reversed(hostile_annotations(document)))
    scope = make_scope([document], annotations, Codebook.default())
    assert [a.start for a in scope.annotations] == sorted(a.start for a in annotations)
    assert scope.annotations_of(document.id) == list(scope.annotations)
    assert scope.annotations_of(other.id) == []
    assert scope.analysts == ("-=cmd|' /C calc'!A0 <b>ana</b>", "ana", "ben")


def test_select_filters_and_names_its_filters(store: Store) -> None:
    document = store.add_document(hostile_document())
    for annotation in hostile_annotations(document):
        store.put(annotation)
    scope = select(store, Codebook.default(), document=document.title, tag="actor/iran")
    assert len(scope.annotations) == 3
    assert scope.filters == "tag actor/iran"
    assert select(store, Codebook.default(), analyst="ben").filters == "analyst ben"
    with pytest.raises(ExportError, match="no document 'missing'"):
        select(store, Codebook.default(), document="missing")


def test_select_refuses_an_empty_store(store: Store) -> None:
    with pytest.raises(ExportError, match="holds no documents"):
        select(store, Codebook.default())


def test_export_to_replaces_the_file_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    target.write_text("old notes")
    scope = make_scope([hostile_document()], [], Codebook.default())
    assert export_to("md", scope, target) == target
    assert target.read_text(encoding="utf-8").startswith("# Annotated notes:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]


def test_default_filename_is_a_safe_slug() -> None:
    assert (
        default_filename("Russia and Iran: Marriage", "md") == "gloss-russia-and-iran-marriage.md"
    )
    assert default_filename("../../etc/passwd\x1b", "csv") == "gloss-etc-passwd.csv"
    assert default_filename("Россия и Иран", "html") == "gloss-россия-и-иран.html"
    assert default_filename("***", "json") == "gloss-notes.json"


def test_source_date_epoch_pins_the_export_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732608000")
    assert export_time() == "2024-11-26T08:00:00Z"
    assert make_scope([], [], Codebook.default()).generated == "2024-11-26T08:00:00Z"

"""The json export of a store writes the store's own records, with no `Annotation` made of
each and turned back into the same record — and it must be the export the annotations give,
byte for byte: filtered by analyst or code, with records of an older Gloss (another order
of fields, one missing) among them, and from the command line.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from test_export_support import HOSTILE_ANALYST, HOSTILE_MEMO, HOSTILE_TEXT

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.export import render, select
from annotations.journal import encode_line
from annotations.model import Annotation
from annotations.storage import journal_path
from annotations.store import Store
from tui.cli import main

CODES = ["actor/russia", "actor/iran", "interest/military", "other/\u202eevil"]


def filled_store(path: Path) -> tuple[Store, Annotation]:
    """A store of three documents and 60 annotations, one saved by an older Gloss: its
    record's fields in another order and without `modified`."""
    documents = [
        Document.from_text(HOSTILE_TEXT * (number + 1), title=f"Report {number}")
        for number in range(3)
    ]
    with Store(path) as store:
        for document in documents:
            store.add_document(document)
        for number, document in zip(range(60), itertools.cycle(documents), strict=False):
            start = (number * 37) % (len(document.text) - 50)
            store.annotate(
                document.id,
                start,
                start + 1 + number % 45,
                tags=CODES[number % 4 : number % 4 + 1 + number % 2],
                memo=HOSTILE_MEMO if number % 3 else "",
                analyst=(HOSTILE_ANALYST, "ana", "ben")[number % 3],
                confidence=(None, "low", "high")[number % 3],
            )
    older = Annotation.create(
        document=documents[1].id, text=documents[1].text, start=5, end=40, tags=["actor/iran"]
    )
    record = dict(reversed(older.to_record().items()))
    del record["modified"]
    with journal_path(path).open("ab") as handle:
        handle.write(encode_line([[f"annotations:{documents[1].id}", older.id, record]]))
    return Store(path, read_only=True), older


@pytest.mark.parametrize(
    ("analyst", "tag"), [(None, None), ("ana", None), (None, "actor/iran"), ("ben", "actor/russia")]
)
def test_the_json_export_from_records_is_the_export_of_the_annotations(
    store_path: Path, analyst: str | None, tag: str | None
) -> None:
    store, older = filled_store(store_path)
    with store:
        codebook = Codebook.default()
        from_records = select(store, codebook, analyst=analyst, tag=tag, records=True)
        from_annotations = select(store, codebook, analyst=analyst, tag=tag)
        exported = render("json", from_records)
        assert exported == render("json", from_annotations)
        # Read as annotations, the records are the annotations themselves, in order.
        assert tuple(from_records.annotations) == from_annotations.annotations
        assert len(from_records.annotations) == len(from_annotations.annotations)
        if analyst is None and tag is None:
            assert older in from_records.annotations
            assert older.modified.encode() in exported  # read as `Annotation` reads it


def test_gloss_export_writes_the_json_the_annotations_give(
    store_path: Path, tmp_path: Path
) -> None:
    store, _ = filled_store(store_path)
    with store:
        expected = render("json", select(store, Codebook.default()))
    target = tmp_path / "export.json"
    assert main(["export", "-f", "json", "--db", str(store_path), "-o", str(target)]) == 0
    assert target.read_bytes() == expected

"""The json export of a store writes the store's own records, with no `Annotation` made of
each and turned back into the same record — and it must be the export the annotations give,
byte for byte: filtered by analyst or code, with records of an older Gloss (another order
of fields, one missing) among them, and from the command line.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest
from test_export_support import HOSTILE_ANALYST, HOSTILE_MEMO, HOSTILE_TEXT

from annotations.annotation_records import CanonicalRecord, canonical_texts
from annotations.codebook import Codebook
from annotations.document import Document
from annotations.export import render, select
from annotations.journal import encode_line
from annotations.model import CONFIDENCE_LEVELS, RECORD_FIELDS, Annotation
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


def test_gloss_import_saves_each_record_as_the_annotation_it_holds(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    first, second = (Document.from_text(HOSTILE_TEXT + str(n), title=f"R{n}") for n in (1, 2))
    with Store(store_path) as store:
        for document in (first, second):
            store.add_document(document)
        kept = store.annotate(first.id, 0, 10, tags=["actor/russia"], memo="old")
        moving = store.annotate(first.id, 20, 30, tags=["actor/iran"])
    newer = kept.evolve(memo="newer", modified="2999-01-01T00:00:00Z")
    moved = replace(moving, document=second.id, modified="2999-01-01T00:00:00Z")
    fresh = [
        Annotation.create(document=second.id, text=second.text, start=n, end=n + 9, memo=f"{n}")
        for n in range(0, 60, 3)
    ]
    aliased = Annotation.create(
        document=first.id, text=first.text, start=40, end=52, tags=["actor/persia"]
    )
    older = dict(reversed(fresh[0].to_record().items()))  # an older Gloss: another order
    codebook = Codebook.default().to_data()
    codebook["aliases"] = {"actor/persia": "actor/iran"}
    data = {
        "gloss": 1,
        "documents": [first.to_record(), second.to_record()],
        "annotations": [newer.to_record(), moved.to_record(), older]
        + [a.to_record() for a in [*fresh[1:], aliased, fresh[1]]],
        "codebook": codebook,
    }
    export = tmp_path / "export.json"
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["import", "--db", str(store_path), str(export)]) == 0
    assert capsys.readouterr().err == (
        "imported 21 new annotations and 0 new documents; 2 updated, 1 unchanged, "
        "2 conflicts (the later change kept)\n"
    )
    resolved = replace(aliased, tags=("actor/iran",))
    with Store(store_path, read_only=True) as store:
        assert store.annotation_records(first.id) == [
            a.to_record() for a in sorted([newer, resolved], key=lambda a: a.start)
        ]
        assert store.annotation_records(second.id) == [
            a.to_record() for a in sorted([moved, *fresh], key=lambda a: (a.start, a.end))
        ]
        assert store.annotations(second.id) == sorted([moved, *fresh], key=lambda a: a.start)


def saved_store(path: Path, memos: list[str]) -> list[Document]:
    """Two documents, their annotations saved and the store closed: its snapshot holds
    every record as the text msgspec wrote of it (a memo it cannot write, `json` did)."""
    documents = [Document.from_text(f"{HOSTILE_TEXT}{n}", title=f"Report {n}") for n in range(2)]
    with Store(path) as store:
        for document in documents:
            store.add_document(document)
        for number, memo in enumerate(memos):
            start = (number * 29) % (len(HOSTILE_TEXT) - 40)
            store.annotate(
                documents[number % 2].id,
                start,
                start + 3 + number % 30,
                tags=CODES[: number % 5],
                memo=memo,
                analyst=(HOSTILE_ANALYST, "ana")[number % 2],
                confidence=(None, "low", "moderate", "high")[number % 4],
            )
    return documents


def test_a_saved_store_exports_the_texts_it_holds_as_the_annotations_would(
    store_path: Path,
) -> None:
    documents = saved_store(store_path, [HOSTILE_MEMO, "", "naïve — ملاحظة"] * 20)
    with Store(store_path, read_only=True) as store:
        texts = store.annotation_texts(documents[0].id)
        assert texts is not None
        from_texts = select(store, Codebook.default(), records=True)
        assert {type(item) for item in from_texts.annotations.items} == {msgspec.Raw}
        # Read (which the json export never needs), the texts are the annotations' records.
        from_annotations = select(store, Codebook.default())
        assert [json.loads(bytes(text)) for text in texts] == [
            a.to_record() for a in store.annotations(documents[0].id)
        ]
        assert render("json", from_texts) == render("json", from_annotations)
        assert tuple(from_texts.annotations) == from_annotations.annotations


def test_a_record_json_wrote_is_exported_beside_the_texts_as_json_writes_it(
    store_path: Path,
) -> None:
    # A lone surrogate, saved since the snapshot: msgspec writes none, so the batch of the
    # export that holds it and the other document's texts is written by `json`.
    documents = saved_store(store_path, ["", "plain", "naïve"] * 4)
    lone = Annotation.create(
        document=documents[0].id, text=documents[0].text, start=3, end=9, memo="lone \ud800"
    )
    with journal_path(store_path).open("ab") as handle:
        handle.write(encode_line([[f"annotations:{documents[0].id}", lone.id, lone.to_record()]]))
    with Store(store_path, read_only=True) as store:
        assert store.annotation_texts(documents[0].id) is None
        assert store.annotation_texts(documents[1].id) is not None
        exported = render("json", select(store, Codebook.default(), records=True))
        assert exported == render("json", select(store, Codebook.default()))
        assert b"lone \\ud800" in exported


def canonical_text(**changes: object) -> bytes:
    record = Annotation.create(
        document="d", text="some text here", start=0, end=4, tags=["actor/iran"]
    ).to_record()
    return msgspec.json.encode({**record, **changes})


@pytest.mark.parametrize(
    "text",
    [
        canonical_text(confidence="certain"),
        canonical_text(extra=1),
        canonical_text(start="0"),
        canonical_text(tags=["actor/iran", 3]),
        canonical_text().replace(b'"memo":""', b'"memo": ""'),
        canonical_text(memo="é").replace("é".encode(), b"\\u00e9"),
        msgspec.json.encode(dict(reversed(msgspec.json.decode(canonical_text()).items()))),
        msgspec.json.encode(
            {k: v for k, v in msgspec.json.decode(canonical_text()).items() if k != "modified"}
        ),
    ],
    ids=[
        "unknown confidence",
        "unknown field",
        "offset a string",
        "tag a number",
        "spaced",
        "escaped",
        "fields reversed",
        "field missing",
    ],
)
def test_only_what_msgspec_writes_of_a_canonical_record_is_copied_as_it_is(text: bytes) -> None:
    assert canonical_texts([msgspec.Raw(canonical_text()), msgspec.Raw(text)]) is None


def test_canonical_texts_come_in_the_order_of_the_annotations() -> None:
    texts = [
        canonical_text(start=start, end=end, id=key)
        for start, end, key in [(5, 9, "b"), (0, 4, "z"), (5, 9, "a"), (5, 7, "c")]
    ]
    ordered = canonical_texts(map(msgspec.Raw, texts))
    assert ordered is not None
    assert [msgspec.json.decode(text)["id"] for text in ordered] == ["z", "c", "a", "b"]


def test_the_canonical_record_is_the_one_the_model_checks() -> None:
    # Kept beside `model.RECORD_FIELDS` and `CONFIDENCE_LEVELS` by hand: this says when not.
    assert CanonicalRecord.__struct_fields__ == RECORD_FIELDS
    for confidence in (*CONFIDENCE_LEVELS, None):
        assert canonical_texts([msgspec.Raw(canonical_text(confidence=confidence))])

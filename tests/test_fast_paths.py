"""The fast paths taken at scale give exactly what the careful paths give.

`validation.parse_export` reads a json export with msgspec where it can, and
`journal.compact_json(floatless=True)` writes with msgspec; both must be
indistinguishable from `parse_json` + `check_export` and from `json.dumps`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.errors import RecordError
from annotations.export import ExportScope, make_scope, render, render_chunks
from annotations.export.json import indented_json
from annotations.journal import compact_json, encode_line, encode_operations
from annotations.library import open_paths
from annotations.model import (
    RECORD_FIELDS,
    Annotation,
    are_canonical_records,
    is_canonical_record,
)
from annotations.output_file import write_file
from annotations.storage import holds_no_floats
from annotations.store import Store
from annotations.validation import check_export, parse_export, parse_json, read_export

TEXT = "Russia keeps the army. Iran keeps the people.\n"


def export_bytes(**changes: object) -> bytes:
    document = Document.from_text("Russia keeps the army. Iran keeps the people.\n", title="T")
    annotation = Annotation.create(
        document=document.id, text=document.text, start=0, end=22, tags=("actor/russia",)
    )
    data = {
        "gloss": 1,
        "documents": [document.to_record()],
        "annotations": [annotation.to_record()],
    }
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def careful(raw: bytes) -> object:
    value = parse_json(raw)
    check_export(value)
    return value


def outcome(read, raw: bytes) -> object:
    try:
        return ("value", read(raw))
    except RecordError as error:
        return ("error", str(error))


GOOD = export_bytes()
VARIANTS = {
    "as Gloss writes it": GOOD,
    "with a BOM": b"\xef\xbb\xbf" + GOOD,
    "a large float": GOOD.replace(b'"gloss": 1', b'"gloss": 1, "exported": 1.5e300'),
    "an integer past 64 bits": GOOD.replace(
        b'"gloss": 1', b'"gloss": 1, "exported": 123456789012345678901234'
    ),
    "1e400": GOOD.replace(b'"gloss": 1', b'"gloss": 1, "exported": 1e400'),
    "NaN": GOOD.replace(b'"gloss": 1', b'"gloss": NaN'),
    "a lone surrogate": GOOD.replace(b'"memo": ""', b'"memo": "\\ud800"'),
    "not UTF-8": GOOD.replace(b'"memo": ""', b'"memo": "\xff"'),
    "start past 64 bits": GOOD.replace(b'"start": 0', b'"start": 18446744073709551616'),
    "end past the text": GOOD.replace(b'"end": 22', b'"end": 2200'),
    "a float offset": GOOD.replace(b'"end": 22', b'"end": 22.0'),
    "a length past 64 bits": GOOD.replace(b'"length": 46', b'"length": 99999999999999999999999'),
    "a number for a title": GOOD.replace(b'"title": "T"', b'"title": 7'),
    "a confidence of its own": GOOD.replace(b'"confidence": null', b'"confidence": "sure"'),
    "fields in another order": GOOD.replace(
        b'"annotations": [{"id": "', b'"annotations": [{"confidence": null, "id": "'
    ).replace(b'"confidence": null}', b"}"),
    "an orphan": GOOD.replace(b'"confidence": null', b'"confidence": null, "orphan": true'),
    "no modified": GOOD.replace(b', "modified": "', b', "x": "'),
    "no annotations": GOOD.replace(b'"annotations": [', b'"notes": ['),
    "a key of its own": GOOD.replace(b'"gloss": 1', b'"gloss": 1, "exported": "today"'),
    "an empty id": GOOD.replace(b'"annotations": [{"id": "', b'"annotations": [{"id": "", "x": "'),
    "start at end": GOOD.replace(b'"start": 0', b'"start": 22'),
    "a negative start": GOOD.replace(b'"start": 0', b'"start": -1'),
    "a number for a tag": GOOD.replace(b'["actor/russia"]', b'["actor/russia", 7]'),
    "true for an offset": GOOD.replace(b'"start": 0', b'"start": true'),
    "cut short": GOOD[:-5],
    "nested deep": b"[" * 100_000 + b"]" * 100_000,
    "empty": b"",
}
READ = [
    "as Gloss writes it",
    "with a BOM",
    "a large float",
    "fields in another order",
    "an orphan",
    "no modified",
    "no annotations",
    "a key of its own",
]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_an_export_reads_as_the_careful_path_reads_it(name: str) -> None:
    raw = VARIANTS[name]
    assert outcome(parse_export, raw) == outcome(careful, raw)


@pytest.mark.parametrize("name", READ)
def test_an_export_said_canonical_holds_only_records_the_store_keeps_as_they_are(
    name: str,
) -> None:
    value, canonical = read_export(VARIANTS[name])
    records = value.get("annotations", [])
    assert canonical == all(is_canonical_record(record) for record in records)
    # Canonical or not, each record is saved as the annotation it holds.
    assert canonical or name in ("an orphan", "no modified")


record_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=60),
    st.sampled_from(["", "low", "sure", "actor/russia", "\u2028"]),
    st.lists(st.sampled_from(["actor/russia", "interest/people"]) | st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["x", *RECORD_FIELDS]), record_values, max_size=4),
    st.lists(st.sampled_from(RECORD_FIELDS), unique=True, max_size=3),
    st.permutations(range(len(RECORD_FIELDS))),
)
def test_any_annotation_record_reads_as_the_careful_path_reads_it(
    changes: dict, dropped: list, order: list
) -> None:
    document = Document.from_text("Russia keeps the army. Iran keeps the people.\n", title="T")
    record = Annotation.create(
        document=document.id, text=document.text, start=0, end=22, tags=("actor/russia",)
    ).to_record()
    record.update(changes)
    for field in dropped:
        record.pop(field, None)
    fields = [RECORD_FIELDS[index] for index in order if RECORD_FIELDS[index] in record]
    record = {**{field: record[field] for field in fields}, **record}
    data = {"gloss": 1, "documents": [document.to_record()], "annotations": [record]}
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    assert outcome(parse_export, raw) == outcome(careful, raw)
    found = outcome(read_export, raw)
    if found[0] == "value" and found[1][1]:
        assert all(is_canonical_record(r) for r in found[1][0]["annotations"])


def test_a_good_export_is_read_and_the_bad_ones_refused() -> None:
    assert len(set(VARIANTS.values())) == len(VARIANTS)  # each variant changed something
    kinds = {name: outcome(parse_export, raw)[0] for name, raw in VARIANTS.items()}
    assert kinds == {name: "value" if name in READ else "error" for name in VARIANTS}


plain_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(plain_json)
def test_writing_without_floats_gives_the_bytes_json_gives(value: object) -> None:
    written = compact_json(value, floatless=True)
    assert written == compact_json(value)
    assert json.loads(written.decode("utf-8", "surrogatepass")) == value


any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(any_json)
def test_the_json_export_is_indented_exactly_as_json_indents(value: object) -> None:
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def jsonld_scope(count: int) -> ExportScope:
    document = Document.from_text("Russia keeps the army. Iran keeps the people.\n" * 50)
    annotations = [
        Annotation.create(
            document=document.id, text=document.text, start=start, end=start + 22, memo="m"
        )
        for start in range(0, 46 * count, 46)
    ]
    return make_scope([document], annotations, Codebook.default())


def test_a_jsonld_export_is_made_an_annotation_at_a_time_as_it_is_written() -> None:
    scope = jsonld_scope(30)
    pieces = list(render_chunks("jsonld", scope))
    assert len(pieces) == 32  # the collection's head, each annotation, its tail
    assert b"".join(pieces) == render("jsonld", scope)
    assert len(json.loads(b"".join(pieces))["first"]["items"]) == 30


def test_an_export_that_fails_half_way_leaves_no_file_behind(tmp_path: Path) -> None:
    pieces = render_chunks("jsonld", jsonld_scope(5))

    def failing():
        yield next(pieces)
        raise RuntimeError("the disk went away")

    target = tmp_path / "out.jsonld"
    with pytest.raises(RuntimeError):
        write_file(target, failing())
    assert list(tmp_path.iterdir()) == []


def test_a_known_file_reopens_as_the_document_the_store_holds(tmp_path: Path) -> None:
    text = "Russia keeps the army.\n\nIran keeps the people.\n"
    first, moved, crlf = tmp_path / "a.txt", tmp_path / "moved.txt", tmp_path / "crlf.txt"
    first.write_text(text, encoding="utf-8")
    with Store(tmp_path / "s.json") as store:
        opened = open_paths(store, [first]).opened[0].document
        store.annotate(opened.id, 0, 22, tags=["actor/russia"], analyst="ana")
    first.rename(moved)
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    with Store(tmp_path / "s.json") as store:
        again = open_paths(store, [moved]).opened[0].document
        assert (again.id, again.text, again.title) == (opened.id, text, opened.title)
        assert again.path == str(moved.resolve())  # the new path is remembered
        assert store.document(opened.id).path == str(moved.resolve())
        assert open_paths(store, [crlf]).opened[0].document.id == opened.id
        assert [a.quote for a in store.annotations(opened.id)] == ["Russia keeps the army."]


tables = st.sampled_from(["annotations:d1", "texts", "documents", "memos", "annotations:d2"])
operations = st.lists(
    st.tuples(tables, st.text(max_size=5), st.none() | st.dictionaries(st.text(), any_json)),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_a_save_is_journalled_as_the_line_json_writes(saved: list) -> None:
    floatless = [
        (table, key, record)
        for table, key, record in saved
        if not holds_no_floats(table) or record is None or _floatless(record)
    ]
    line = encode_operations(floatless, holds_no_floats)
    assert bytes(line) == encode_line([list(operation) for operation in floatless])


def _floatless(value: object) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(map(_floatless, value.values()))
    if isinstance(value, list):
        return all(map(_floatless, value))
    return True


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dictionaries(st.sampled_from(["x", *RECORD_FIELDS]), record_values, max_size=3),
            st.permutations(range(len(RECORD_FIELDS))),
        ),
        max_size=4,
    ),
    st.booleans(),
)
def test_records_are_found_canonical_together_exactly_when_each_is(
    changed: list, as_list: bool
) -> None:
    document = Document.from_text("Russia keeps the army. Iran keeps the people.\n", title="T")
    records: list = []
    for changes, order in changed:
        record = Annotation.create(
            document=document.id, text=document.text, start=0, end=22, tags=("actor/russia",)
        ).to_record()
        record.update(changes)
        fields = [RECORD_FIELDS[index] for index in order if RECORD_FIELDS[index] in record]
        records.append({**{field: record[field] for field in fields}, **record})
    if as_list and records:
        records[-1] = list(records[-1])  # not a record at all
    assert are_canonical_records(records) == all(
        isinstance(record, dict) and is_canonical_record(record) for record in records
    )


def test_a_json_export_loads_no_other_format(tmp_path: Path) -> None:
    # Each format's module (the HTML page's analysis, the zip's citations) loads only
    # when that format is asked for.
    store_path = tmp_path / "gloss.json"
    with Store(store_path) as store:
        document = store.add_document(Document.from_text(TEXT, title="T"))
        store.annotate(document.id, 0, 6, tags=("actor/russia",))
    script = (
        "import sys; from tui.cli import main; "
        f"main(['export', '-f', 'json', '--db', {str(store_path)!r}, '-o', "
        f"{str(tmp_path / 'out.json')!r}]); "
        "print(sorted(m for m in sys.modules if m.startswith('annotations.export')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "['annotations.export', 'annotations.export.json']"
    assert json.loads((tmp_path / "out.json").read_text())["annotations"][0]["end"] == 6

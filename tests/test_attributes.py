"""Document attributes (annotations/attributes.py): saved in the store and there after
reopening, the file's metadata as a fallback, year from the date, and the CSV import —
every fault named by its line, and nothing half-applied."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotations import Document, Store
from annotations.attributes import (
    AttributesError,
    all_attributes,
    documents_where,
    import_csv,
    set_attributes,
    stored,
    year_of,
)


@pytest.fixture
def two(store: Store) -> tuple[Document, Document]:
    first = replace(
        Document.from_text("First report.", title="Report one", path="/data/one.txt"),
        added="2026-01-01T00:00:00Z",
    )
    second = replace(
        Document.from_text(
            "Second report.",
            title="Report two",
            path="/data/two.html",
            metadata={"publisher": "The Monitor", "date": "2016-06-03", "language": "en"},
        ),
        added="2026-01-01T00:00:01Z",
    )
    return store.add_document(first), store.add_document(second)


def test_set_attributes_are_saved_and_read_back(store_path: Path, two) -> None:
    first, _ = two
    with Store(store_path) as store:
        set_attributes(store, first.id, {"outlet": "Observer", "Region ": "Levant"})
    with Store(store_path) as reopened:
        assert all_attributes(reopened)[first.id] == {"outlet": "Observer", "region": "Levant"}


def test_a_store_without_attributes_has_none(store: Store) -> None:
    document = store.add_document(Document.from_text("Plain."))
    assert stored(store) == {}
    assert all_attributes(store) == {document.id: {}}


def test_the_files_metadata_until_the_analyst_sets_a_value(store: Store, two) -> None:
    _, second = two
    assert all_attributes(store)[second.id] == {
        "outlet": "The Monitor",
        "date": "2016-06-03",
        "language": "en",
        "year": "2016",
    }
    set_attributes(store, second.id, {"outlet": "Monitor weekly", "year": "2015"})
    assert all_attributes(store)[second.id]["outlet"] == "Monitor weekly"
    assert all_attributes(store)[second.id]["year"] == "2015"  # set, not derived
    set_attributes(store, second.id, {"outlet": None, "year": ""})
    assert all_attributes(store)[second.id]["outlet"] == "The Monitor"
    assert all_attributes(store)[second.id]["year"] == "2016"
    assert stored(store) == {}


@pytest.mark.parametrize(
    ("date", "year"),
    [("2015-03-02", "2015"), ("2 March 2015", "2015"), ("03/02/2015", "2015"), ("spring", None)],
)
def test_year_of_a_date(date: str, year: str | None) -> None:
    assert year_of(date) == year


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"": "x"}, "needs a name"),
        ({"a=b": "x"}, "may not hold '='"),
        ({"title": "x"}, "names the document"),
        ({"outlet": "bad\x1b[31m"}, "control character"),
        ({"outlet": "x" * 1001}, "longer than 1000"),
    ],
)
def test_bad_names_and_values_are_refused(store: Store, two, values, message: str) -> None:
    first, _ = two
    with pytest.raises(AttributesError, match=message):
        set_attributes(store, first.id, values)
    assert stored(store) == {}


def test_documents_where_ignores_case(store: Store, two) -> None:
    first, second = two
    set_attributes(store, first.id, {"outlet": "The Monitor"})
    assert documents_where(store, {"outlet": "the monitor"}) == [first, second]
    assert documents_where(store, {"outlet": "the monitor", "year": "2016"}) == [second]


# -- the CSV import ---------------------------------------------------------------------------


def test_import_by_title_file_name_and_id(store: Store, two) -> None:
    first, second = two
    text = (
        "document,outlet,date\n"
        "Report one,Observer,2014-05-01\n"
        f"{second.id[:20]},Monitor,\n"  # an empty cell changes nothing
    )
    result = import_csv(store, text)
    assert (result.documents, result.names, result.values) == (2, ("outlet", "date"), 3)
    values = all_attributes(store)
    assert values[first.id] == {"outlet": "Observer", "date": "2014-05-01", "year": "2014"}
    assert values[second.id]["outlet"] == "Monitor"
    assert values[second.id]["date"] == "2016-06-03"  # still the file's
    import_csv(store, "file;author\ntwo.html;Ana B\n")  # a semicolon and a file name
    assert all_attributes(store)[second.id]["author"] == "Ana B"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("document\nReport one\n", "line 1: expected a header"),
        ("document,outlet\nReport one,Observer\nReport nine,Monitor\n", "line 3: no document"),
        ("document,outlet\nReport one,Observer,extra\n", "line 2: 3 cells where"),
        ("document,outlet,Outlet\nReport one,a,b\n", "named twice"),
        ('document,outlet\nReport one,"never closed\n', "line 2"),
        ("document,outlet\nReport one,\x1b]0;title\x07\n", "line 2: value of 'outlet'"),
        ("document,outlet\n,Observer\n", "line 2: no document named"),
        ("document,outl\x00et\n", "NUL"),
    ],
)
def test_a_bad_file_changes_nothing(store: Store, two, text: str, message: str) -> None:
    first, _ = two
    set_attributes(store, first.id, {"outlet": "Before"})
    before = stored(store)
    with pytest.raises(AttributesError, match=message):
        import_csv(store, text, source="cases.csv")
    assert stored(store) == before


def test_a_name_two_documents_share_is_refused(store: Store) -> None:
    for text in ("One.", "Two."):
        store.add_document(Document.from_text(text, title="Same title"))
    with pytest.raises(AttributesError, match="names 2 documents; give the id"):
        import_csv(store, "title,outlet\nSame title,X\n")


def test_a_revised_file_keeps_its_attributes_and_memo(store: Store, tmp_path: Path) -> None:
    from annotations.library import open_paths
    from annotations.memos import memo, scope_memos, set_memo

    path = tmp_path / "report.txt"
    path.write_text("Iran builds shrines.\n\nRussia holds bases.\n", encoding="utf-8")
    (first,) = open_paths(store, [path]).documents
    set_attributes(store, first.id, {"outlet": "Observer"})
    set_memo(store, first.id, "Read twice.", analyst="ana")
    path.write_text("Iran builds shrines.\n\nRussia holds two bases.\n", encoding="utf-8")
    (second,) = open_paths(store, [path]).documents
    assert second.id != first.id
    assert all_attributes(store)[second.id]["outlet"] == "Observer"
    set_attributes(store, second.id, {"outlet": "Monitor"})  # its own value wins
    assert all_attributes(store)[second.id]["outlet"] == "Monitor"
    assert all_attributes(store)[first.id]["outlet"] == "Observer"
    assert memo(store, second.id) is None  # nothing written about it yet
    assert scope_memos(store, [second.id])[second.id].text == "Read twice."
    from annotations.attributes import document_attributes

    assert document_attributes(store, second.id) == all_attributes(store)[second.id]

"""`gloss search TEXT`: every document's text and every memo, with the folding of `/`;
keyword-in-context lines grouped by document, or json offsets."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotations import Document, Store
from tui.cli import main

FIRST = "The SUPPLY route runs north.\n\nA second supply\nroute, east; a café.\n"
SECOND = "Nothing of it here.\n\nOnly a Route.\n"


@pytest.fixture
def filled(store_path: Path) -> tuple[Path, Document, Document, list[str]]:
    first = replace(Document.from_text(FIRST, title="First"), added="2026-01-01T00:00:00Z")
    second = replace(Document.from_text(SECOND, title="Second"), added="2026-01-01T00:00:01Z")
    with Store(store_path) as store:
        store.add_document(first)
        store.add_document(second)
        whole = store.annotate(first.id, 0, 28, tags=["actor/iran"], analyst="ana")
        part = store.annotate(first.id, 4, 10, tags=["actor/russia"], analyst="ben")
        memo = store.annotate(
            second.id, 0, 7, tags=[], analyst="ben", memo="Is this the supply route?\x1b[2J"
        )
    return store_path, first, second, [whole.id, part.id, memo.id]


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_lists_text_and_memo_matches(capsys, filled) -> None:
    store, first, second, (whole, _, memo) = filled
    code, out, err = run(capsys, "search", "supply  route", "-f", "json", "--db", str(store))
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "matches": [
            # Held whole by the first annotation, not by the one of "SUPPLY" alone.
            {"document": first.id, "start": 4, "end": 16, "in": "text", "annotation": whole},
            # Across a line break, as / finds it; no annotation holds it.
            {"document": first.id, "start": 39, "end": 51, "in": "text", "annotation": None},
            {"document": second.id, "start": 12, "end": 24, "in": "memo", "annotation": memo},
        ]
    }


def test_folding_as_the_reader_does(capsys, filled) -> None:
    store, first, _, _ = filled
    code, out, _ = run(capsys, "search", "CAFE", "-f", "json", "--db", str(store))
    assert code == 0
    assert json.loads(out)["matches"] == [
        {"document": first.id, "start": 61, "end": 65, "in": "text", "annotation": None}
    ]


def test_text_is_keyword_in_context_grouped_by_document(capsys, filled) -> None:
    store, _, _, _ = filled
    code, out, err = run(capsys, "search", "route", "--db", str(store))
    assert (code, err) == (0, "")
    assert out == (
        "4 matches of “route” in 2 of 2 documents\n"
        "\n"
        "First — 2 in the text, 0 in memos\n"
        "  ¶1                                 The SUPPLY route runs north. A second supply …"
        "  [actor/iran]\n"
        "  ¶3              … runs north. A second supply route, east; a café.\n"
        "\n"
        "Second — 1 in the text, 1 in memos\n"
        "  ¶2                 Nothing of it here. Only a Route.\n"
        "  memo ¶1                    Is this the supply route?␛[2J\n"
    )


def test_nothing_found(capsys, filled) -> None:
    store, _, _, _ = filled
    assert run(capsys, "search", "tehran", "--db", str(store)) == (
        0,
        "0 matches of “tehran”\n",
        "",
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["", "--db", "{store}"], "gloss: nothing to search for: the text is empty\n"),
        (
            ["x", "-f", "xml", "--db", "{store}"],
            "gloss: unknown format 'xml' (choose from text, json)\n",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, filled, arguments, message) -> None:
    store, _, _, _ = filled
    arguments = [a.replace("{store}", str(store)) for a in arguments]
    assert run(capsys, "search", *arguments) == (2, "", message)


def test_an_older_version_of_a_revised_file_is_not_searched(capsys, store_path: Path) -> None:
    older = Document.from_text("The supply route, first draft.\n", title="Draft")
    newer = Document.from_text("The supply route, final.\n", title="Draft")
    with Store(store_path) as store:
        store.add_document(replace(older, metadata={"superseded_by": newer.id}))
        store.add_document(newer)
    code, out, _ = run(capsys, "search", "supply route", "-f", "json", "--db", str(store_path))
    assert code == 0
    assert [m["document"] for m in json.loads(out)["matches"]] == [newer.id]


@pytest.mark.parametrize("first", ["bo", "ana"])
def test_a_span_two_analysts_coded_is_always_named_by_the_same_holder(
    capsys, store_path: Path, first: str
) -> None:
    # Whichever analyst saved first, the match names the same annotation (ana's, by name).
    second = "ana" if first == "bo" else "bo"
    with Store(store_path) as store:
        document = store.add_document(Document.from_text("The supply route runs north."))
        held = {}
        for analyst in (first, second):
            made = store.annotate(document.id, 4, 16, tags=["interest/access"], analyst=analyst)
            held[analyst] = made.id
    code, out, _ = run(capsys, "search", "supply", "--format", "json", "--db", str(store_path))
    assert code == 0
    assert [m["annotation"] for m in json.loads(out)["matches"]] == [held["ana"]]

"""`gloss query EXPR`: the quotes a code query matches across the store, as text, json
(the records of the json export) and csv (the rows of the csv export)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotations import Document, Store
from annotations.structure import Structure
from tui.cli import main

REPORT = "Para one on shrines.\n\nPara two on the supply route.\n\nPara three on bases.\n"
# A converted source with pages: its second and third paragraphs are on page "xii".
PAGED = "Page one holds this.\n\nPage two holds this.\n\nAnd this one.\n"


@pytest.fixture
def filled(store_path: Path) -> tuple[Path, Document, Document]:
    report = Document.from_text(REPORT, title="Report")
    paged = Document.from_text(
        PAGED,
        title="Paged book",
        structure=Structure("pdf", pages=(0, 1, 1), page_labels=("xi", "xii")),
    )
    # Added a second apart, so the store lists the report first.
    report = replace(report, added="2026-01-01T00:00:00Z")
    paged = replace(paged, added="2026-01-01T00:00:01Z")
    with Store(store_path) as store:
        store.add_document(report)
        store.add_document(paged)
        one, two, three = report.paragraphs
        store.annotate(
            report.id, one.start, one.end, tags=["actor/iran", "interest/society"], analyst="ben"
        )
        store.annotate(
            report.id,
            two.start,
            two.end,
            tags=["actor/iran", "interest/society", "relation/convergence"],
            analyst="ana",
            memo="Check\x1b[31m the route.",
        )
        store.annotate(report.id, three.start, three.end, tags=["actor/russia"], analyst="ana")
        first, second, _ = paged.paragraphs
        store.annotate(paged.id, second.start, second.end, tags=["actor/iran"], analyst="ana")
        store.annotate(
            paged.id, first.start, first.end, tags=["interest/society", "actor/iran"], analyst="ben"
        )
    return store_path, report, paged


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_lists_the_quotes_with_document_paragraph_page_memo_and_analyst(
    capsys, filled
) -> None:
    store, _, _ = filled
    code, out, err = run(capsys, "query", "iran & society", "--db", str(store))
    assert (code, err) == (0, "")
    assert out == (
        "3 annotations match iran & society in 2 of 2 documents\n"
        "\n"
        "Report\n"
        "  ¶1 · ben · actor/iran, interest/society\n"
        "    “Para one on shrines.”\n"
        "  ¶2 · ana · actor/iran, interest/society, relation/convergence\n"
        "    “Para two on the supply route.”\n"
        "    memo: Check␛[31m the route.\n"
        "\n"
        "Paged book\n"
        "  ¶1, p. xi · ben · interest/society, actor/iran\n"
        "    “Page one holds this.”\n"
    )


def test_not_analyst_and_text(capsys, filled) -> None:
    store, _, _ = filled
    code, out, _ = run(capsys, "query", "iran & society & !convergence & @BEN", "--db", str(store))
    assert code == 0
    assert out.splitlines()[0] == (
        "2 annotations match iran & society & !convergence & @ben in 2 of 2 documents"
    )
    code, out, _ = run(capsys, "query", '"supply route" | route', "--db", str(store))
    assert out.splitlines()[0] == '1 annotation matches "supply route" | route in 1 of 2 documents'
    code, out, _ = run(capsys, "query", "economy", "--db", str(store))
    assert (code, out) == (0, "0 annotations match economy\n")


def test_json_is_the_query_and_the_export_records(capsys, filled) -> None:
    store, report, _ = filled
    code, out, err = run(
        capsys, "query", "russia | convergence", "--format", "json", "--db", str(store)
    )
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["query"] == "russia | convergence"
    with Store(store, read_only=True) as opened:
        expected = [a.to_record() for a in opened.annotations(report.id)][1:]
    assert result["annotations"] == expected
    assert "\x1b" not in out  # the memo's escape is written \u001b


def test_csv_is_the_export_rows(capsys, filled) -> None:
    store, _, _ = filled
    code, out, err = run(capsys, "query", "@ben", "-f", "csv", "--db", str(store))
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert [(row["document title"], row["paragraph"], row["page"]) for row in rows] == [
        ("Report", "1", ""),
        ("Paged book", "1", "xi"),
    ]
    assert {row["analyst"] for row in rows} == {"ben"}


def test_document_and_analyst_narrow(capsys, filled) -> None:
    store, _, _ = filled
    code, out, _ = run(
        capsys, "query", "iran", "--document", "Paged book", "--analyst", "ana", "--db", str(store)
    )
    assert code == 0
    assert out == (
        "1 annotation matches iran in 1 of 1 documents\n\nPaged book\n"
        "  ¶2, p. xii · ana · actor/iran\n    “Page two holds this.”\n"
    )


def test_a_codebook_file_gives_the_names(capsys, filled, tmp_path: Path) -> None:
    store, _, _ = filled
    codebook = tmp_path / "codebook.toml"
    codebook.write_text(
        'name = "mine"\n[[groups]]\nid = "actor"\n[[codes]]\nid = "actor/iran"\n'
        'label = "Tehran"\ncolor = "#123456"\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "query", "tehran", "--codebook", str(codebook), "--db", str(store))
    assert code == 0
    assert out.startswith("4 annotations match tehran in 2 of 2 documents\n")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["iran &"],
            "gloss: bad query at character 7: expected a code, an @analyst or "
            '"text", not the end\n',
        ),
        (["(iran"], "gloss: bad query at character 1: this ( is never closed\n"),
        (["iran", "-f", "xml"], "gloss: unknown format 'xml' (choose from text, json, csv)\n"),
        (
            ["iran", "--document", "nothing-like-it"],
            "gloss: no document 'nothing-like-it' in the store\n",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, filled, arguments, message) -> None:
    store, _, _ = filled
    code, out, err = run(capsys, "query", *arguments, "--db", str(store))
    assert (code, out, err) == (2, "", message)


def test_a_bad_query_is_refused_before_the_store_is_looked_for(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "query", "a | ", "--db", str(tmp_path / "none.json"))
    assert code == 2
    assert err.startswith("gloss: bad query at character 5")


# -- gloss export --query ------------------------------------------------------------------


def test_export_query_keeps_only_the_matches(capsys, filled) -> None:
    store, report, paged = filled
    code, out, err = run(
        capsys, "export", "--query", "iran & !convergence", "-f", "json", "--db", str(store)
    )
    assert (code, err) == (0, "")
    exported = json.loads(out)["annotations"]
    assert [(a["document"], a["analyst"]) for a in exported] == [
        (report.id, "ben"),
        (paged.id, "ben"),
        (paged.id, "ana"),
    ]
    code, out, _ = run(capsys, "export", "--query", "@ana & russia", "-f", "md", "--db", str(store))
    assert code == 0
    assert "query @ana & russia" in out.replace("\\", "")
    assert "Para three on bases." in out
    assert "Para one" not in out and "Page two" not in out


def test_export_query_with_the_other_filters(capsys, filled) -> None:
    store, _, _ = filled
    code, out, _ = run(
        capsys,
        "export",
        *("--query", "society", "--analyst", "ben", "--document", "Report", "-f", "csv"),
        *("--db", str(store)),
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert [row["quote"] for row in rows] == ["Para one on shrines."]


def test_export_a_bad_query_writes_nothing(capsys, filled, tmp_path: Path) -> None:
    store, _, _ = filled
    output = tmp_path / "out.json"
    code, out, err = run(capsys, "export", "--query", "!", "-o", str(output), "--db", str(store))
    assert (code, out) == (2, "")
    assert (
        err
        == 'gloss: bad query at character 2: expected a code, an @analyst or "text", not the end\n'
    )
    assert not output.exists()


def test_an_empty_store_says_there_is_nothing_to_query(capsys, store_path: Path) -> None:
    with Store(store_path):
        pass
    code, out, err = run(capsys, "query", "iran", "--db", str(store_path))
    assert (code, out) == (2, "")
    assert err == f"gloss: {store_path}: the store holds no documents: nothing to query\n"

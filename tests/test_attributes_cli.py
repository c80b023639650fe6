"""`gloss attributes` (list, set, import) and the scope options of `gloss stats` and
`gloss query`: `--by ATTRIBUTE`, `--where NAME=VALUE`, `--document` given several times —
counts checked against the table worked out by hand below."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotations import Document, Store
from annotations.attributes import all_attributes, stored
from tui.cli import main

# (title, file name, annotations' tags, one per sentence)
CORPUS = [
    ("Report one", "one.txt", [("actor/iran", "interest/society"), ("actor/russia",)]),
    ("Report two", "two.txt", [("actor/russia", "interest/military")]),
    ("Report three", "three.txt", [("actor/iran",), ("actor/iran", "interest/society")]),
]
CASES = (
    "file,outlet,date\n"
    "one.txt,Observer,2014-05-01\n"
    "two.txt,Observer,2016-01-09\n"
    "three.txt,Monitor,12 March 2016\n"
)


@pytest.fixture
def corpus(store_path: Path, tmp_path: Path) -> list[Document]:
    documents = []
    with Store(store_path) as store:
        for number, (title, name, tagged) in enumerate(CORPUS):
            text = " ".join(f"Sentence {i} of {title}." for i in range(len(tagged)))
            document = replace(
                Document.from_text(text, title=title, path=str(tmp_path / name)),
                added=f"2026-01-01T00:00:0{number}Z",
            )
            store.add_document(document)
            for sentence, tags in zip(document.sentences, tagged, strict=True):
                store.annotate(document.id, sentence.start, sentence.end, tags=tags, analyst="ana")
            documents.append(document)
    return documents


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, text: str, name: str = "cases.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_then_list(capsys, store_path: Path, tmp_path: Path, corpus) -> None:
    code, out, err = run(
        capsys, "attributes", "import", write(tmp_path, CASES), "--db", str(store_path)
    )
    assert (code, err) == (0, "")
    assert out == "set 6 values of outlet, date on 3 documents\n"
    code, out, _ = run(capsys, "attributes", "--db", str(store_path))
    assert code == 0
    assert "Report three  sha256:" in out
    assert "  outlet  Monitor\n  date    12 March 2016\n  year    2016  (from the date)\n" in out
    code, out, _ = run(capsys, "attributes", "list", "--format", "json", "--db", str(store_path))
    records = json.loads(out)["documents"]
    assert [r["title"] for r in records] == ["Report one", "Report two", "Report three"]
    assert records[0]["attributes"] == {"outlet": "Observer", "date": "2014-05-01", "year": "2014"}
    assert records[0]["set"] == {"outlet": "Observer", "date": "2014-05-01"}


def test_set_and_remove(capsys, store_path: Path, corpus) -> None:
    code, out, err = run(
        capsys,
        "attributes",
        "set",
        "Report two",
        "author=Ana B",
        "outlet=X",
        "--db",
        str(store_path),
    )
    assert (code, err) == (0, "")
    assert out == "Report two: author=Ana B, outlet=X\n"
    run(capsys, "attributes", "set", "Report two", "outlet=", "--db", str(store_path))
    with Store(store_path, read_only=True) as store:
        assert all_attributes(store)[corpus[1].id] == {"author": "Ana B"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["set", "Report two", "outlet"], "expected NAME=VALUE"),
        (["set", "Report nine", "outlet=X"], "no document 'Report nine'"),
        (["set", "Report two", "outlet=a\x1bb"], "control character"),
        (["import", "missing.csv"], "missing.csv: no such file"),
    ],
)
def test_faults_are_one_line_and_exit_2(
    capsys, store_path: Path, tmp_path: Path, corpus, arguments, message
) -> None:
    if arguments[0] == "import":
        arguments = ["import", str(tmp_path / arguments[1])]
    code, out, err = run(capsys, "attributes", *arguments, "--db", str(store_path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("gloss: ")
    assert message in err


@pytest.mark.parametrize(
    "text",
    [
        "file,outlet\none.txt,Observer\nnine.txt,Monitor\n",  # the second row names no document
        "file,outlet\none.txt,Observer\ntwo.txt,Monitor,extra\n",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"file,outlet\none.txt,Caf\xe9\n",  # Latin-1 without --encoding
    ],
)
def test_a_bad_csv_changes_nothing(capsys, store_path: Path, tmp_path: Path, corpus, text) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, _, err = run(capsys, "attributes", "import", str(path), "--db", str(store_path))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    with Store(store_path, read_only=True) as store:
        assert stored(store) == {}


def test_encoding_option(capsys, store_path: Path, tmp_path: Path, corpus) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"file,outlet\none.txt,Caf\xe9\n")
    arguments = [
        "attributes",
        "import",
        str(path),
        "--encoding",
        "latin-1",
        "--db",
        str(store_path),
    ]
    assert run(capsys, *arguments)[0] == 0
    with Store(store_path, read_only=True) as store:
        assert all_attributes(store)[corpus[0].id]["outlet"] == "Café"


def json_stats(capsys, store_path: Path, *arguments: str) -> dict:
    code, out, err = run(capsys, "stats", "--db", str(store_path), "--format", "json", *arguments)
    assert code == 0, err
    return json.loads(out)


def test_stats_by_year_and_outlet(capsys, store_path: Path, tmp_path: Path, corpus) -> None:
    run(capsys, "attributes", "import", write(tmp_path, CASES), "--db", str(store_path))
    by_year = json_stats(capsys, store_path, "--by", "year")["by"]
    assert by_year["by"] == "year"
    assert by_year["rows"] == ["2014", "2016"]
    assert by_year["documents"] == {"2014": 1, "2016": 2}
    # 2014: report one (Iran+society, Russia).
    # 2016: two (Russia+military), three (Iran, Iran+society).
    assert by_year["cells"]["2014"]["actor/iran"] == 1
    assert by_year["cells"]["2014"]["actor/russia"] == 1
    assert by_year["cells"]["2016"]["actor/iran"] == 2
    assert by_year["cells"]["2016"]["actor/russia"] == 1
    assert by_year["cells"]["2016"]["interest/society"] == 1
    assert by_year["cells"]["2016"]["interest/military"] == 1
    by_outlet = json_stats(capsys, store_path, "--by", "Outlet")["by"]
    assert by_outlet["cells"]["Observer"]["interest/society"] == 1
    assert by_outlet["cells"]["Monitor"]["interest/society"] == 1
    code, out, _ = run(capsys, "stats", "--db", str(store_path), "--by", "outlet")
    assert code == 0
    assert "Actor by outlet (annotations carrying each code)" in out
    assert "Monitor (1 doc)" in out and "Observer (2 docs)" in out


def test_stats_by_an_attribute_nobody_has(capsys, store_path: Path, corpus) -> None:
    code, _, err = run(capsys, "stats", "--db", str(store_path), "--by", "region")
    assert code == 2
    assert "no document in the scope has the attribute 'region'" in err


def test_scope_options(capsys, store_path: Path, tmp_path: Path, corpus) -> None:
    run(capsys, "attributes", "import", write(tmp_path, CASES), "--db", str(store_path))
    assert json_stats(capsys, store_path)["annotations"] == 5
    chosen = json_stats(capsys, store_path, "--document", "Report one", "--document", "Report two")
    assert chosen["annotations"] == 3
    assert json_stats(capsys, store_path, "--where", "outlet=observer")["annotations"] == 3
    observer_2016 = json_stats(
        capsys, store_path, "--where", "outlet=Observer", "--where", "year=2016"
    )
    assert observer_2016["codes"]["actor/russia"] == 1
    assert observer_2016["annotations"] == 1
    code, _, err = run(capsys, "stats", "--db", str(store_path), "--where", "outlet=Nobody")
    assert code == 2 and "no document in the scope has outlet=Nobody" in err
    code, out, _ = run(
        capsys, "query", "iran", "--db", str(store_path), "--where", "year=2016", "-f", "json"
    )
    assert [a["quote"] for a in json.loads(out)["annotations"]] == [
        "Sentence 0 of Report three.",
        "Sentence 1 of Report three.",
    ]


def test_export_takes_the_scope_options(capsys, store_path: Path, tmp_path: Path, corpus) -> None:
    run(capsys, "attributes", "import", write(tmp_path, CASES), "--db", str(store_path))
    db = ["--db", str(store_path), "--format", "json"]
    code, out, _ = run(capsys, "export", "--where", "outlet=Observer", *db)
    assert code == 0
    data = json.loads(out)
    assert [d["title"] for d in data["documents"]] == ["Report one", "Report two"]
    assert len(data["annotations"]) == 3
    chosen = ["--document", "Report one", "--document", "Report three", "--tag", "actor/iran"]
    code, out, _ = run(capsys, "export", *chosen, *db)
    assert [a["quote"] for a in json.loads(out)["annotations"]] == [
        "Sentence 0 of Report one.",
        "Sentence 0 of Report three.",
        "Sentence 1 of Report three.",
    ]
    code, out, _ = run(capsys, "export", *chosen, "--db", str(store_path), "--format", "md")
    assert "tag actor/iran" in out


def test_stats_cooccurrence(capsys, store_path: Path, corpus) -> None:
    # One sentence per annotation, none overlapping another: each pair is one annotation.
    data = json_stats(capsys, store_path, "--cooccurrence", "actor,interest")["cooccurrence"]
    assert data["rows"] == ["actor/russia", "actor/iran", "actor/both"]
    assert data["cells"]["actor/iran"]["interest/society"] == 2
    assert data["cells"]["actor/russia"]["interest/military"] == 1
    assert sum(sum(row.values()) for row in data["cells"].values()) == 3
    every = json_stats(capsys, store_path, "--cooccurrence", "all")["cooccurrence"]
    assert every["cells"]["actor/iran"]["actor/iran"] == 3  # the diagonal: Iran's count
    assert every["cells"]["interest/society"]["actor/iran"] == 2
    code, out, _ = run(capsys, "stats", "--db", str(store_path), "--cooccurrence", "actor")
    assert code == 0 and "Co-occurrence: pairs of overlapping annotations" in out
    code, _, err = run(capsys, "stats", "--db", str(store_path), "--cooccurrence", "actors")
    assert code == 2 and "no group 'actors' in the codebook" in err


def test_agree_takes_the_scope_options(capsys, store_path: Path, tmp_path: Path, corpus) -> None:
    run(capsys, "attributes", "import", write(tmp_path, CASES), "--db", str(store_path))
    with Store(store_path) as store:
        for document in corpus:
            first = document.sentences[0]
            store.annotate(document.id, first.start, first.end, tags=["actor/iran"], analyst="ben")
    db = ["--db", str(store_path), "--format", "json"]
    # Observer: reports one and two, three sentences; Monitor: report three, two sentences.
    code, out, _ = run(capsys, "agree", "ana", "ben", "--where", "outlet=Observer", *db)
    assert code == 0 and json.loads(out)["units"] == 3
    code, out, _ = run(
        capsys, "agree", "ana", "ben", "--document", "Report two", "--document", "Report three", *db
    )
    assert json.loads(out)["units"] == 3

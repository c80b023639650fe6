"""`gloss stats`: counts per code, the actor x interest matrix, convergence vs divergence
per interest and where the annotations fall — checked against counts worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import Annotation, Codebook, Document, Store
from annotations.analysis import Positions, positions, relation_matrix
from tui.cli import main

# Ten paragraphs of 18 characters and a newline: paragraph i starts at 19 * i, in the
# i-th tenth of the 190-character text.
TEXT = "".join(f"Para {i:02d} has words.\n" for i in range(10))

# (analyst, paragraph, tags): the figures in the tests below are counted from this table.
ANNOTATIONS = [
    ("ana", 0, ["actor/russia", "interest/military", "relation/convergence"]),
    ("ana", 1, ["actor/russia", "interest/military", "interest/diplomacy"]),
    ("ana", 1, ["actor/iran", "interest/society", "relation/divergence"]),
    ("ben", 5, ["actor/iran", "interest/military", "relation/divergence"]),
    ("ben", 9, ["actor/both", "relation/convergence"]),
    ("ben", 9, ["unknown/x\x1b[31m"]),
]


@pytest.fixture
def document() -> Document:
    return Document.from_text(TEXT, title="Ten paragraphs")


@pytest.fixture
def filled(store_path: Path, document: Document) -> Path:
    assert len(TEXT) == 190
    with Store(store_path) as store:
        store.add_document(document)
        for analyst, paragraph, tags in ANNOTATIONS:
            span = document.paragraphs[paragraph]
            store.annotate(document.id, span.start, span.end, tags=tags, analyst=analyst)
        other = store.add_document(Document.from_text("Another one.\n", title="Other"))
        store.annotate(other.id, 0, 7, tags=["actor/russia"], analyst="cy")
    return store_path


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def json_stats(capsys, store: Path, *arguments: str) -> dict:
    code, out, err = run(capsys, "stats", "--db", str(store), "--format", "json", *arguments)
    assert code == 0, err
    assert err == ""
    return json.loads(out)


def test_json_counts_match_the_hand_count(capsys, filled: Path, document: Document) -> None:
    result = json_stats(capsys, filled, "--document", document.id)
    assert set(result) == {"annotations", "codes", "matrix"}
    assert result["annotations"] == 6
    codes = result["codes"]
    assert list(codes)[:3] == ["actor/russia", "actor/iran", "actor/both"]
    expected = {
        "actor/russia": 2,
        "actor/iran": 2,
        "actor/both": 1,
        "interest/military": 3,
        "interest/institutions": 0,
        "interest/society": 1,
        "interest/diplomacy": 1,
        "interest/economy": 0,
        "interest/access": 0,
        "interest/leverage": 0,
        "relation/convergence": 2,
        "relation/divergence": 2,
        "unknown/x\x1b[31m": 1,
    }
    assert codes == expected
    matrix = result["matrix"]
    assert set(matrix) == {"actor/russia", "actor/iran", "actor/both"}
    nonzero = {
        (row, column): n for row, cells in matrix.items() for column, n in cells.items() if n
    }
    assert nonzero == {
        ("actor/russia", "interest/military"): 2,
        ("actor/russia", "interest/diplomacy"): 1,
        ("actor/iran", "interest/society"): 1,
        ("actor/iran", "interest/military"): 1,
    }
    assert all(len(cells) == 7 for cells in matrix.values())


def test_json_is_ascii_so_an_unknown_tag_cannot_reach_the_terminal(capsys, filled: Path) -> None:
    code, out, _ = run(capsys, "stats", "--db", str(filled), "-f", "json")
    assert code == 0
    assert "\x1b" not in out
    assert "unknown/x\\u001b[31m" in out


def test_every_analyst_and_document_unless_narrowed(capsys, filled: Path, document) -> None:
    everything = json_stats(capsys, filled)
    assert everything["annotations"] == 7
    assert everything["codes"]["actor/russia"] == 3
    ana = json_stats(capsys, filled, "--analyst", "ana")
    assert ana["annotations"] == 3
    assert ana["codes"]["interest/military"] == 2
    assert ana["matrix"]["actor/iran"]["interest/military"] == 0
    ben = json_stats(capsys, filled, "--analyst", "ben", "--document", "Ten paragraphs")
    assert ben["annotations"] == 3
    assert ben["matrix"]["actor/iran"]["interest/military"] == 1
    assert json_stats(capsys, filled, "--analyst", "nobody")["annotations"] == 0


def test_a_document_named_by_its_file(capsys, filled: Path, tmp_path: Path) -> None:
    path = tmp_path / "other.txt"
    path.write_text("Another one.\n", encoding="utf-8")
    assert json_stats(capsys, filled, "--document", str(path))["annotations"] == 1


def section(out: str, heading: str) -> list[str]:
    """The lines under a heading of the text output, up to the next blank line."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1 : end]


def row(lines: list[str], label: str) -> list[str]:
    """The words after `label` on the first line that has it after a space."""
    found = next(line for line in lines if f" {label} " in line)
    return found.split(f" {label} ", 1)[1].split()


def test_text_shows_counts_matrix_relations_and_positions(capsys, filled, document) -> None:
    code, out, err = run(capsys, "stats", "--db", str(filled), "--document", document.id)
    assert code == 0, err
    assert out.startswith("6 annotations in “Ten paragraphs”, by ana, ben")
    counts = section(out, "Annotations per code")
    assert row(counts, "Actor")[:2] == ["Russia", "2"]
    assert row(counts, "Interest")[:2] == ["military", "3"]
    assert row(counts, "military")[0] == "3"
    assert row(counts, "state institutions") == ["0"]
    matrix = section(out, "Actor × Interest")
    assert matrix[0].split() == ["Interest", "Russia", "Iran", "both", "total"]
    assert row(matrix, "military") == ["2", "1", "0", "3"]
    assert row(matrix, "society and religion") == ["0", "1", "0", "1"]
    assert matrix[-1].split() == ["total", "3", "2", "0", "5"]
    relations = section(out, "Convergence vs divergence per interest")
    assert relations[0].split() == ["convergence", "divergence"]
    assert row(relations, "military") == ["1", "1"]
    assert row(relations, "society and religion") == ["0", "1"]
    assert row(relations, "diplomacy") == ["0", "0"]
    spread = section(out, "Where the annotations start")
    assert [row(spread, f"{t * 10}–{t * 10 + 10}%")[0] for t in range(10)] == [
        "1", "2", "0", "0", "0", "1", "0", "0", "0", "2"
    ]  # fmt: skip
    assert "\x1b" not in out
    assert "unknown/x␛[31m" in out


def test_text_uses_the_labels_of_the_codebook_given(capsys, filled, tmp_path: Path) -> None:
    toml = Codebook.default().to_toml().replace('label = "Russia"', 'label = "Rossiya \x07"')
    path = tmp_path / "labels.toml"
    path.write_text(toml.replace("\x07", "\\u0007"), encoding="utf-8")
    code, out, err = run(capsys, "stats", "--db", str(filled), "--codebook", str(path))
    assert code == 0, err
    assert "Rossiya ␇" in out
    assert "\x07" not in out


def test_positions_put_each_annotation_in_its_own_documents_tenth() -> None:
    def at(document: str, start: int) -> Annotation:
        return Annotation(str(start), document, start, start + 1, quote="", prefix="", suffix="")

    lengths = {"a": 100, "b": 7}
    found = positions([at("a", 0), at("a", 9), at("a", 10), at("a", 99), at("b", 6)], lengths)
    # a: 0 and 9 -> tenth 0; 10 -> tenth 1; 99 -> tenth 9. b: 6 * 10 // 7 = 8 -> tenth 8.
    assert found == Positions((2, 1, 0, 0, 0, 0, 0, 0, 1, 1))
    assert found.bounds(9) == (90, 100)
    assert positions([at("unknown", 3)], lengths).counts == (0,) * 10
    assert positions([at("a", 50)], lengths, sections=4).counts == (0, 0, 1, 0)


def test_relation_matrix_needs_a_relation_group() -> None:
    codebook = Codebook.from_toml(
        '[[groups]]\nid = "who"\n[[groups]]\nid = "what"\n'
        '[[codes]]\nid = "who/a"\nkey = "z"\n[[codes]]\nid = "what/b"\nkey = "y"\n'
    )
    assert relation_matrix([], codebook) is None
    assert relation_matrix([], Codebook.default()) is not None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--document", "no-such-thing"], "no document 'no-such-thing'"),
        (["--codebook", "/no/such/codebook.toml"], "no such codebook file"),
        (["--format", "csv"], "unknown format 'csv' (choose from text, json)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, filled: Path, arguments, message) -> None:
    code, out, err = run(capsys, "stats", "--db", str(filled), *arguments)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("gloss: ")
    assert message in err


def test_a_codebook_with_errors_is_named_with_its_line(capsys, filled, tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\n[[groups]]\nid = "a"\n[[codes]]\nid = "a/b"\nkey = "j"\n')
    code, out, err = run(capsys, "stats", "--db", str(filled), "--codebook", str(path))
    assert (code, out) == (2, "")
    assert err.strip() == f"gloss: {path}, line 6: code 'a/b': key 'j' is one of the reader's keys"


def test_a_store_without_documents_is_one_line(capsys, store_path: Path) -> None:
    with Store(store_path):
        pass
    code, out, err = run(capsys, "stats", "--db", str(store_path))
    assert (code, out) == (2, "")
    assert err.strip() == f"gloss: {store_path}: the store holds no documents: nothing to count"
    code, out, err = run(capsys, "stats", "--db", str(store_path.with_name("none.json")))
    assert code == 2 and "no store here yet" in err and err.count("\n") == 1

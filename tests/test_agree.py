"""Agreement between analysts: Cohen's kappa and Krippendorff's alpha against published and
hand-computed values, sentence units, and `gloss agree` from the command line."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations import Annotation, Codebook, Document, Store
from annotations.agreement import (
    _units_overlapping,
    agreement,
    binary_alpha,
    cohen_kappa,
    nominal_alpha,
)
from tui.cli import main

# -- the coefficients --------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example A: binary
# data, two observers, no missing data; published alpha = 0.095.
BINARY_A = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
BINARY_B = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]


def yeses(values: list[int]) -> set[int]:
    return {unit for unit, value in enumerate(values) if value}


def test_kappa_of_the_textbook_two_by_two_table() -> None:
    # 50 units: both yes 20, first only 5, second only 10, both no 15 (the example of
    # Wikipedia's "Cohen's kappa"): p_o = 0.7, p_e = 0.5, kappa = 0.4.
    first = set(range(25))
    second = set(range(20)) | set(range(25, 35))
    assert cohen_kappa(first, second, 50) == pytest.approx(0.4)


def test_kappa_worked_by_hand() -> None:
    # Agree on 6 of 10; the first says yes to 2, the second to 4:
    # p_e = 0.2 * 0.4 + 0.8 * 0.6 = 0.56, kappa = (0.6 - 0.56) / 0.44 = 1/11.
    assert cohen_kappa(yeses(BINARY_A), yeses(BINARY_B), 10) == pytest.approx(1 / 11)
    assert cohen_kappa({1, 2}, {1, 2}, 10) == 1.0
    # Opposite on every unit: p_o = 0, p_e = 0.5, kappa = -1.
    assert cohen_kappa({0, 1}, {2, 3}, 4) == -1.0


def test_kappa_is_undefined_without_variation_and_never_divides_by_zero() -> None:
    assert cohen_kappa(set(), set(), 10) is None
    assert cohen_kappa(set(range(10)), set(range(10)), 10) is None
    assert cohen_kappa(set(), set(), 0) is None
    # Each constant but not the same: chance agreement is nil, so kappa is a plain 0.
    assert cohen_kappa(set(range(10)), set(), 10) == 0.0


def test_alpha_of_krippendorffs_binary_example() -> None:
    assert round(binary_alpha([yeses(BINARY_A), yeses(BINARY_B)], 10), 3) == 0.095
    assert round(nominal_alpha(zip(BINARY_A, BINARY_B, strict=True)), 3) == 0.095


def test_alpha_of_krippendorffs_nominal_example_with_missing_values() -> None:
    # Krippendorff (2011), example C: four observers, twelve units, values 1-5, some
    # missing; published nominal alpha = 0.743.
    n = None
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    assert round(nominal_alpha(zip(*observers, strict=True)), 3) == 0.743


def test_alpha_is_undefined_without_variation() -> None:
    assert binary_alpha([set(), set()], 10) is None
    assert binary_alpha([set(range(5)), set(range(5))], 5) is None
    assert binary_alpha([set(), set()], 0) is None
    assert nominal_alpha([[1, 1], [1, 1]]) is None
    assert nominal_alpha([[1], [2]]) is None  # no unit has two values to pair


@given(
    st.integers(min_value=2, max_value=5).flatmap(
        lambda m: st.lists(
            st.lists(st.integers(0, 1), min_size=m, max_size=m), min_size=1, max_size=30
        )
    )
)
def test_the_yes_no_alpha_is_the_general_nominal_alpha(rows: list[list[int]]) -> None:
    coders = len(rows[0])
    sets = [{u for u, row in enumerate(rows) if row[c]} for c in range(coders)]
    fast = binary_alpha(sets, len(rows))
    general = nominal_alpha(rows)
    if general is None:
        assert fast is None
    else:
        assert fast == pytest.approx(general)
    if coders == 2 and fast is not None:
        # Kappa is undefined only when both say the same thing everywhere, and then so is alpha.
        assert cohen_kappa(sets[0], sets[1], len(rows)) is not None


# -- sentence units ----------------------------------------------------------------------

NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India"]
TEXT = " ".join(f"{name} says one thing." for name in [*NAMES, "Juliet"]) + "\n"


@pytest.fixture
def document() -> Document:
    document = Document.from_text(TEXT, title="Ten sentences")
    assert len(document.sentences) == 10
    return document


def sentence(document: Document, index: int) -> tuple[int, int]:
    span = document.sentences[index]
    return span.start, span.end


def test_an_annotation_covers_the_sentences_it_overlaps(document: Document) -> None:
    starts = [s.start for s in document.sentences]
    ends = [s.end for s in document.sentences]
    zero, two = sentence(document, 0), sentence(document, 2)
    assert list(_units_overlapping(zero[0], two[1], starts, ends)) == [0, 1, 2]
    # One character of a sentence is enough, at either edge.
    assert list(_units_overlapping(two[1] - 1, two[1] + 3, starts, ends)) == [2, 3]
    # The space between two sentences is in neither; touching is not overlapping.
    assert list(_units_overlapping(two[1], two[1] + 1, starts, ends)) == []
    assert list(_units_overlapping(zero[0], zero[1], starts, ends)) == [0]


@pytest.fixture
def filled(store_path: Path, document: Document) -> Path:
    """Russia as in Krippendorff's binary example (ana: units 1 and 8; ben: 0, 1, 2, 5);
    military everywhere for both; cy copies ana; dan annotates another document only."""
    with Store(store_path) as store:
        store.add_document(document)

        def mark(analyst: str, first: int, last: int, tags: list[str], *, part=False) -> None:
            start, end = sentence(document, first)[0], sentence(document, last)[1]
            if part:  # a word inside the sentence, not all of it
                start, end = start + 2, start + 5
            store.annotate(document.id, start, end, tags=tags, analyst=analyst)

        for analyst in ("ana", "cy"):
            mark(analyst, 1, 1, ["actor/russia"])
            mark(analyst, 8, 8, ["actor/russia"], part=True)
        mark("ben", 0, 2, ["actor/russia"])
        mark("ben", 5, 5, ["actor/russia"], part=True)
        for analyst in ("ana", "ben"):
            mark(analyst, 0, 9, ["interest/military"])
        other = store.add_document(Document.from_text("One more. And two.\n", title="Other"))
        store.annotate(other.id, 0, 4, tags=["actor/russia"], analyst="dan")
    return store_path


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def agree_json(capsys, store: Path, *arguments: str) -> dict:
    code, out, err = run(capsys, "agree", "--db", str(store), "-f", "json", *arguments)
    assert code == 0, err
    return json.loads(out)


def test_two_analysts_over_sentence_units(capsys, filled: Path) -> None:
    result = agree_json(capsys, filled, "ana", "ben")
    assert set(result) == {"units", "codes", "alpha"}
    # Only the document they annotated: dan's has two more sentences.
    assert result["units"] == 10
    assert result["codes"]["actor/russia"] == pytest.approx(1 / 11)
    assert round(result["alpha"]["actor/russia"], 3) == 0.095
    # Nobody tagged Iran; both tagged military everywhere: undefined, as null.
    assert result["codes"]["actor/iran"] is None
    assert result["alpha"]["actor/iran"] is None
    assert result["codes"]["interest/military"] is None
    assert result["alpha"]["interest/military"] is None
    assert list(result["codes"]) == [code.id for code in Codebook.default().codes]


def test_three_analysts_get_alpha_only(capsys, filled: Path) -> None:
    result = agree_json(capsys, filled, "ana", "ben", "cy")
    assert result["codes"] == {}
    # Yeses per unit for Russia: 1, 3, 1, 0, 0, 1, 0, 0, 2, 0 (m = 3, n = 30, n1 = 8,
    # n0 = 22); sum of k (m - k) = 2 + 0 + 2 + 2 + 2 = 8;
    # alpha = 1 - 29 * 8 / (2 * 22 * 8) = 15/44.
    assert result["alpha"]["actor/russia"] == pytest.approx(15 / 44)
    # ana and cy agree perfectly.
    assert agree_json(capsys, filled, "ana", "cy")["codes"]["actor/russia"] == 1.0


def test_a_document_narrows_the_units(capsys, filled: Path) -> None:
    result = agree_json(capsys, filled, "ana", "dan", "--document", "Other")
    assert result["units"] == 2
    # ana has nothing here and dan tagged Russia in one of two sentences: kappa 0.
    assert result["codes"]["actor/russia"] == 0.0
    assert agree_json(capsys, filled, "ana", "dan")["units"] == 12


def test_text_shows_counts_coefficients_and_n_a(capsys, filled: Path) -> None:
    code, out, err = run(capsys, "agree", "--db", str(filled), "ana", "ben")
    assert code == 0, err
    assert out.startswith("ana, ben: agreement per code over 10 sentence units in 1 document")
    lines = out.splitlines()
    assert lines[1].split() == ["code", "ana", "ben", "kappa", "alpha"]
    russia = next(line for line in lines if line.strip().startswith("Russia"))
    assert russia.split() == ["Russia", "2", "4", "0.091", "0.095"]
    iran = next(line for line in lines if line.strip().startswith("Iran"))
    assert iran.split() == ["Iran", "0", "0", "n/a", "n/a"]
    three = run(capsys, "agree", "--db", str(filled), "ana", "ben", "cy")[1]
    assert "kappa" not in three.splitlines()[1]


def test_an_analyst_name_is_shown_safely(capsys, store_path: Path, document) -> None:
    hostile = "eve\x1b]0;pwned\x07"
    with Store(store_path) as store:
        store.add_document(document)
        store.annotate(document.id, 0, 5, tags=["actor/russia"], analyst=hostile)
        store.annotate(document.id, 0, 5, tags=["actor/russia"], analyst="ana")
    code, out, err = run(capsys, "agree", "--db", str(store_path), hostile, "ana")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "eve␛]0;pwned␇" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ana", "zed"], "no annotations by 'zed' in the store (analysts: ana, ben, cy, dan)"),
        (["ana"], "name at least two analysts to compare"),
        (["ana", "ben", "ana"], "analyst 'ana' is named twice"),
        (["ana", "ben", "--document", "nothing"], "no document 'nothing'"),
        (["ana", "ben", "--codebook", "/no/such.toml"], "no such codebook file"),
        (["ana", "ben", "-f", "xml"], "unknown format 'xml' (choose from text, json)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, filled: Path, arguments, message) -> None:
    code, out, err = run(capsys, "agree", "--db", str(filled), *arguments)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("gloss: ")
    assert message in err


def test_a_store_without_documents_is_one_line(capsys, store_path: Path) -> None:
    with Store(store_path):
        pass
    code, out, err = run(capsys, "agree", "--db", str(store_path), "ana", "ben")
    assert (code, out) == (2, "")
    assert err.strip() == f"gloss: {store_path}: the store holds no documents: nothing to compare"


def test_agreement_ignores_other_analysts_and_documents(document: Document) -> None:
    rng = random.Random(7)

    def some(analyst: str, doc: str = document.id) -> Annotation:
        start = rng.randrange(len(TEXT) - 10)
        return Annotation(
            id=f"{analyst}{start}",
            document=doc,
            start=start,
            end=start + 5,
            quote="",
            prefix="",
            suffix="",
            tags=("actor/iran",),
            analyst=analyst,
        )

    noise = [some("zed") for _ in range(5)] + [some("ana", "sha256:other") for _ in range(5)]
    result = agreement([document], noise, ["ana", "ben"], Codebook.default())
    iran = next(c for c in result.codes if c.code == "actor/iran")
    assert iran.applied == {"ana": 0, "ben": 0}
    assert result.units == 10
    with pytest.raises(ValueError):
        agreement([document], [], ["ana"], Codebook.default())

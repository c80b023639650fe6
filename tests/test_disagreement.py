"""Where analysts disagree (annotations/disagreements.py): the sentences worked out by hand,
and, as a property, exactly the units behind `agreement`'s figures."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import Annotation, Codebook, Document
from annotations.agreement import agreement, cohen_kappa
from annotations.disagreements import disagreements

CODEBOOK = Codebook.default()
TEXT = "Iran builds shrines. Russia holds bases. Both want Assad. Oil is cheap."
DOCUMENT = Document.from_text(TEXT, title="Four sentences")
SENTENCES = DOCUMENT.sentences


def coded(analyst: str, start: int, end: int, *tags: str, name: str = "") -> Annotation:
    return Annotation(
        id=name or f"{analyst}-{start}-{end}-{'-'.join(tags)}",
        document=DOCUMENT.id,
        start=start,
        end=end,
        quote=TEXT[start:end],
        prefix="",
        suffix="",
        tags=tags,
        analyst=analyst,
    )


def sentence(index: int) -> tuple[int, int]:
    return SENTENCES[index].start, SENTENCES[index].end


def splits(documents, annotations, analysts, codebook=CODEBOOK) -> list[tuple]:
    """Each (sentence, code) the analysts split on: text, code, applied by, not by."""
    return [
        (TEXT[d.start : d.end], split.code, split.applied_by, split.not_by)
        for d in disagreements(documents, annotations, analysts, codebook)
        for split in d.codes
    ]


def test_sentences_worked_out_by_hand() -> None:
    annotations = [
        coded("ana", *sentence(0), "actor/iran", "interest/society"),
        coded("ben", *sentence(0), "actor/iran"),  # agrees on Iran, not on society
        coded("ana", *sentence(1), "actor/russia"),
        # ben's annotation runs over sentences 1 and 2: Russia on both for him.
        coded("ben", SENTENCES[1].start, SENTENCES[2].end, "actor/russia"),
        coded("cy", *sentence(3), "interest/economy"),  # not one of the two compared
    ]
    assert splits([DOCUMENT], annotations, ["ana", "ben"]) == [
        ("Iran builds shrines.", "interest/society", ("ana",), ("ben",)),
        ("Both want Assad.", "actor/russia", ("ben",), ("ana",)),
    ]
    # With cy: every coded (sentence, code) — nobody applied anything all three did.
    assert len(splits([DOCUMENT], annotations, ["ana", "ben", "cy"])) == 5
    assert splits([DOCUMENT], annotations, ["ana", "cy"])[-1] == (
        "Oil is cheap.",
        "interest/economy",
        ("cy",),
        ("ana",),
    )


CODES = ("actor/iran", "actor/russia", "interest/society")


@st.composite
def two_analysts(draw: st.DrawFn) -> list[Annotation]:
    table = []
    for number in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(TEXT) - 1))
        end = draw(st.integers(start + 1, len(TEXT)))
        tags = tuple(draw(st.sets(st.sampled_from(CODES), min_size=1, max_size=2)))
        analyst = draw(st.sampled_from(("ana", "ben")))
        table.append(coded(analyst, start, end, *tags, name=f"n{number}"))
    return table


@settings(max_examples=150, deadline=None)
@given(two_analysts())
def test_the_units_behind_the_agreement_figures(table: list[Annotation]) -> None:
    found = [
        (d.start, split)
        for d in disagreements([DOCUMENT], table, ["ana", "ben"], CODEBOOK)
        for split in d.codes
    ]
    figures = {c.code: c for c in agreement([DOCUMENT], table, ["ana", "ben"], CODEBOOK).codes}
    units = len(SENTENCES)
    for code in CODES:
        split = [(start, s) for start, s in found if s.code == code]
        applied = figures[code].applied
        # With `both` units coded by the two: disagreements = ana's + ben's - 2 * both.
        ana = {start for start, s in split if s.applied_by == ("ana",)}
        ben = {start for start, s in split if s.applied_by == ("ben",)}
        both = applied["ana"] - len(ana)
        assert both == applied["ben"] - len(ben) >= 0
        # Rebuilt from the places, kappa is the figure gloss agree gives.
        first = set(range(both)) | {("a", s) for s in ana}
        second = set(range(both)) | {("b", s) for s in ben}
        assert cohen_kappa(first, second, units) == figures[code].kappa

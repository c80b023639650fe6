"""Annotation records: what the store writes comes back the same; malformed ones are refused."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.model import CONTEXT_LENGTH, RECORD_FIELDS, Annotation

TEXT = "Moscow and Tehran are about to approach a crossroad in their Syria policies."


def make(**changes) -> Annotation:
    annotation = Annotation.create(
        document="sha256:abc", text=TEXT, start=11, end=17, tags=("actor/iran",), analyst="ana"
    )
    return annotation.evolve(**changes) if changes else annotation


def test_create_takes_quote_and_context_from_the_text() -> None:
    annotation = make()
    assert annotation.quote == "Tehran"
    assert annotation.prefix == TEXT[:11]
    assert annotation.suffix == TEXT[17 : 17 + CONTEXT_LENGTH]


@given(
    memo=st.text(max_size=50),
    confidence=st.sampled_from([None, "low", "moderate", "high"]),
    tags=st.lists(st.sampled_from(["actor/russia", "interest/military", "x/y"]), unique=True),
)
def test_records_round_trip(memo: str, confidence: str | None, tags: list[str]) -> None:
    annotation = make(memo=memo, confidence=confidence, tags=tuple(tags))
    assert Annotation.from_record(annotation.to_record()) == annotation


@pytest.mark.parametrize(
    "change",
    [
        {"start": "eleven"},
        {"tags": "actor/iran"},
        {"tags": [1, 2]},
        {"confidence": "certain"},
    ],
)
def test_malformed_records_are_refused(change: dict) -> None:
    record = {**make().to_record(), **change}
    with pytest.raises(ValueError):
        Annotation.from_record(record)


def test_a_record_missing_a_field_is_refused() -> None:
    record = make().to_record()
    del record["document"]
    with pytest.raises(ValueError):
        Annotation.from_record(record)


def test_a_record_of_another_shape_is_converted() -> None:
    # Imported from elsewhere: numbers as strings, no quote context, a missing memo.
    record = {**make().to_record(), "start": "11", "end": 17.0, "memo": None}
    del record["prefix"]
    annotation = Annotation.from_record(record)
    assert (annotation.start, annotation.end, annotation.memo, annotation.prefix) == (
        11,
        17,
        "",
        "",
    )


def test_evolve_sets_modified_and_checks_confidence() -> None:
    annotation = make()
    with pytest.raises(ValueError):
        annotation.evolve(confidence="sure")
    assert annotation.evolve(memo="x").memo == "x"


def test_records_have_exactly_the_fields_of_an_annotation() -> None:
    # from_record's fast path and to_record name each field: a new one must be added there too.
    assert tuple(field.name for field in dataclasses.fields(Annotation)) == RECORD_FIELDS
    annotation = Annotation.create(
        document="sha256:00", text="Moscow and Tehran.", start=0, end=6, tags=["actor/russia"]
    )
    assert tuple(annotation.to_record()) == RECORD_FIELDS

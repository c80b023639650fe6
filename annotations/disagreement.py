"""Where analysts disagree: the sentences some of them coded with a code and others not —
the units behind the figures of `annotations.agreement` (kappa, alpha), listed so that an
analyst can open each place and settle it.

A sentence is a unit and an analyst applies a code to it when one of their annotations
carrying the code shares a code point with it, exactly as `agreement` counts; a unit is a
disagreement on a code when at least one of the analysts applied it and at least one did
not.

    agreement(documents, annotations, analysts, codebook)      # the figures, per code
    disagreements(documents, annotations, analysts, codebook)  # the places
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.model import Annotation


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One sentence (`start`–`end` in `document`) on which the analysts split over
    `code`: `applied_by` applied it, `not_by` did not. `annotations` are the applying
    analysts' annotations with the code that overlap the sentence."""

    document: str
    start: int
    end: int
    code: str
    applied_by: tuple[str, ...]
    not_by: tuple[str, ...]
    annotations: tuple[Annotation, ...]


def analysts_of(annotations: Iterable[Annotation]) -> tuple[str, ...]:
    """Every analyst with an annotation among these, sorted: who there is to compare."""
    return tuple(sorted({a.analyst for a in annotations}))


def disagreements(
    documents: Iterable[Document],
    annotations: Iterable[Annotation],
    analysts: Sequence[str],
    codebook: Codebook,
    codes: Iterable[str] | None = None,
) -> list[Disagreement]:
    """The sentences of `documents` where `analysts` (two or more) split over a code:
    in document order (the documents' order, then by sentence), then codebook order.
    `codes` narrows to some codes; by default every code any of them used."""
    analysts = tuple(dict.fromkeys(analysts))
    if len(analysts) < 2:
        raise ValueError("disagreement needs at least two analysts")
    documents = list(documents)
    bounds = {
        d.id: ([s.start for s in d.sentences], [s.end for s in d.sentences]) for d in documents
    }
    who = set(analysts)
    wanted = set(codes) if codes is not None else None
    # (document, sentence index, code) -> analyst -> their annotations there
    applied: dict[tuple[str, int, str], dict[str, list[Annotation]]] = {}
    for annotation in annotations:
        if annotation.analyst not in who or annotation.document not in bounds:
            continue
        starts, ends = bounds[annotation.document]
        first = bisect.bisect_right(ends, annotation.start)
        last = bisect.bisect_left(starts, annotation.end)
        for tag in set(annotation.tags):
            if wanted is not None and tag not in wanted:
                continue
            for unit in range(first, last):
                by_analyst = applied.setdefault((annotation.document, unit, tag), {})
                by_analyst.setdefault(annotation.analyst, []).append(annotation)
    order = {code.id: index for index, code in enumerate(codebook.codes)}
    position = {d.id: index for index, d in enumerate(documents)}
    found = []
    for (document_id, unit, code), by_analyst in applied.items():
        if len(by_analyst) == len(analysts):
            continue
        starts, ends = bounds[document_id]
        found.append(
            Disagreement(
                document=document_id,
                start=starts[unit],
                end=ends[unit],
                code=code,
                applied_by=tuple(a for a in analysts if a in by_analyst),
                not_by=tuple(a for a in analysts if a not in by_analyst),
                annotations=tuple(
                    sorted(
                        {id(a): a for group in by_analyst.values() for a in group}.values(),
                        key=lambda a: (a.start, a.end, a.analyst, a.id),
                    )
                ),
            )
        )
    found.sort(key=lambda d: (position[d.document], d.start, order.get(d.code, len(order)), d.code))
    return found

"""Where analysts disagree: the sentences one applied a code to and another did not.

The units and the rule for applying a code are `annotations.agreement`'s: each sentence
of each document is a unit, and an analyst applies a code to it when one of their
annotations carrying the code shares at least one code point with it. A sentence is a
disagreement for a code when some of the analysts applied the code and some did not;
those are the sentences to open and settle, and what lowers kappa and alpha.

    for sentence in disagreements(documents, annotations, ["ana", "ben"], codebook):
        sentence.document, sentence.start, sentence.end, sentence.codes
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.model import Annotation


@dataclass(frozen=True, slots=True)
class Split:
    """One code of a disputed sentence: who applied it, and who did not."""

    code: str
    applied_by: tuple[str, ...]
    not_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A sentence (`start`–`end` of `document`) the analysts coded differently, with each
    code they split on, in codebook order."""

    document: str
    start: int
    end: int
    codes: tuple[Split, ...]


def disagreements(
    documents: Iterable[Document],
    annotations: Iterable[Annotation],
    analysts: Sequence[str],
    codebook: Codebook,
) -> list[Disagreement]:
    """The sentences of `documents` where `analysts` (two or more) split on a code, in
    document order; annotations of other analysts or documents are ignored."""
    analysts = tuple(dict.fromkeys(analysts))
    documents = list(documents)
    by_id = {document.id: document for document in documents}
    who = set(analysts)
    # applied[(document, sentence index)][code] = the analysts applying it there.
    applied: dict[tuple[str, int], dict[str, set[str]]] = {}
    bounds: dict[str, tuple[list[int], list[int]]] = {}
    for annotation in annotations:
        document = by_id.get(annotation.document)
        if document is None or annotation.analyst not in who or not annotation.tags:
            continue
        if document.id not in bounds:
            sentences = document.sentences
            bounds[document.id] = ([s.start for s in sentences], [s.end for s in sentences])
        starts, ends = bounds[document.id]
        first = bisect.bisect_right(ends, annotation.start)
        last = bisect.bisect_left(starts, annotation.end)
        for unit in range(first, last):
            codes = applied.setdefault((document.id, unit), {})
            for tag in annotation.tags:
                codes.setdefault(tag, set()).add(annotation.analyst)
    order = {code.id: index for index, code in enumerate(codebook.codes)}
    position = {document.id: index for index, document in enumerate(documents)}
    found = []
    for (document_id, unit), codes in sorted(
        applied.items(), key=lambda item: (position[item[0][0]], item[0][1])
    ):
        splits = tuple(
            Split(
                code,
                tuple(a for a in analysts if a in by),
                tuple(a for a in analysts if a not in by),
            )
            for code, by in sorted(codes.items(), key=lambda c: (order.get(c[0], len(order)), c[0]))
            if len(by) < len(analysts)
        )
        if splits:
            sentence = by_id[document_id].sentences[unit]
            found.append(Disagreement(document_id, sentence.start, sentence.end, splits))
    return found

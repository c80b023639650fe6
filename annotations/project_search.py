"""Search across the project: every document's text and every memo, found as the reader's
`/` finds text in one document (annotations/search.py: case, accents, width aside).

A match in a document's text says which annotation, if any, already holds it whole — the
one reaching furthest past it — so that a list of matches can show what is coded. A match
in a memo is an offset into that memo, and names its annotation.

    matches = search_project(Search.compile("supply route"), documents, annotations_of)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from annotations.document import Document
from annotations.model import Annotation
from annotations.search import Search
from annotations.span_index import SpanIndex


@dataclass(frozen=True, slots=True)
class Match:
    """One match: in `document`'s text (`where` "text"; `annotation` the id of one that
    holds it, else None) or in the memo of annotation `annotation` (`where` "memo"), with
    `start` and `end` code-point offsets into that text or memo."""

    document: str
    start: int
    end: int
    where: Literal["text", "memo"]
    annotation: str | None

    def to_record(self) -> dict[str, object]:
        """The match as `gloss search --format json` writes it."""
        return {
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "in": self.where,
            "annotation": self.annotation,
        }


def search_project(
    search: Search,
    documents: Iterable[Document],
    annotations_of: Callable[[str], Sequence[Annotation]],
) -> list[Match]:
    """Every match of `search` in each document's text, then in the memos of its
    annotations (`annotations_of(document id)`, in document order), document by document."""
    matches: list[Match] = []
    for document in documents:
        annotations = annotations_of(document.id)
        matches += _in_text(search, document, annotations)
        for annotation in annotations:
            if annotation.memo:
                matches += [
                    Match(document.id, start, end, "memo", annotation.id)
                    for start, end in search.find_all(annotation.memo)
                ]
    return matches


def _in_text(search: Search, document: Document, annotations: Sequence[Annotation]) -> list[Match]:
    found = search.find_all(document.text)
    if not found:
        return []
    index = SpanIndex(annotations) if annotations else None
    matches = []
    for start, end in found:
        holder = _holder(index, start, end) if index is not None else None
        matches.append(Match(document.id, start, end, "text", holder))
    return matches


def _holder(index: SpanIndex[Annotation], start: int, end: int) -> str | None:
    """The id of the annotation holding all of `[start, end)` that reaches furthest past
    it (the earliest of those, by start), or None. Analysts who coded the same span are
    told apart by name, then id: the same store always names the same holder."""
    holding = [a for a in index.holding(start) if a.end >= end]
    if not holding:
        return None
    return min(holding, key=lambda a: (-a.end, a.start, a.analyst, a.id)).id

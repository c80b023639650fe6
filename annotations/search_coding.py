"""Coding from search: give every match of a search (or the chosen ones) a code, as one
change that one undo takes back.

    matches = search_project(search, documents, store.annotations)      # project_search
    targets = coding_targets(matches, documents, store.annotations, "interest/access",
                             unit="sentence", analyst="ana")
    change = code_targets(store, targets, "interest/access", analyst="ana", codebook=codebook)
    undo_coding(store, change)                       # the store as it was, record for record

What is coded, per match (`unit`): the match itself, its sentence, or its clause (the
clause of its sentence holding the match's start; annotations/text_units.clause_spans).
Matches in memos are not places in a text and are left out. Two matches whose units are
the same span are one target.

As the reader's keys do, coding acts on the analyst's own annotations: the analyst's
annotation of exactly that span gets the code; with none, a new annotation is made. Unlike
a key, it never replaces another code of an exclusive group: a key acts on the one place
the analyst is looking at, a search on places they have not read again, so an annotation
already carrying, say, Iran is left as it is and counted in `CodingChange.conflicting`.
A target is *already coded* when an annotation of the analyst holding the whole span
carries the code: it is left as it is and counted. `coded_by` names every analyst whose
annotation holding the span carries the code, so a screen can show what others coded.

The change is one durable write. Undo puts back every annotation as it was before (and
removes those made) in one write too — except an annotation changed since by someone
else (another running copy), which is kept as they left it and counted in
`UndoResult.kept`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.errors import StoreError
from annotations.model import Annotation
from annotations.project_search import Match
from annotations.span_index import SpanIndex
from annotations.store import Store
from annotations.text_units import clause_spans

Unit = Literal["match", "sentence", "clause"]
UNITS: tuple[Unit, ...] = ("match", "sentence", "clause")


@dataclass(frozen=True, slots=True)
class Target:
    """One place to code: the match (`match_start`–`match_end`) and the span that gets
    the code (`start`–`end`), in `document`. `own` is the analyst's annotation of exactly
    the span, if any; `coded_by` the analysts whose annotations holding the span carry the
    code; `already_coded` whether the analyst is one of them."""

    document: str
    match_start: int
    match_end: int
    start: int
    end: int
    own: Annotation | None
    coded_by: tuple[str, ...]
    already_coded: bool


def unit_span(document: Document, start: int, end: int, unit: Unit) -> tuple[int, int]:
    """The span `unit` makes of the match `[start, end)` in `document`."""
    if unit == "match":
        return (start, end)
    sentence = document.sentence_at(start)
    if unit == "sentence":
        # A match running past its sentence (a phrase across a full stop) keeps all of it.
        return (min(sentence.start, start), max(sentence.end, end))
    if unit != "clause":
        raise ValueError(f"unknown unit {unit!r} (choose from {', '.join(UNITS)})")
    for clause_start, clause_end in clause_spans(document.text, sentence.start, sentence.end):
        if clause_start <= start < clause_end:
            return (clause_start, max(clause_end, end))
    return (start, end)  # the match starts in white space between clauses


def coding_targets(
    matches: Iterable[Match],
    documents: Iterable[Document],
    annotations_of: Callable[[str], Sequence[Annotation]],
    code: str,
    *,
    unit: Unit = "match",
    analyst: str,
) -> list[Target]:
    """The places coding `matches` with `code` would touch, in the matches' order, one per
    span (see the module docstring). Matches in memos and in documents not given are
    left out."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r} (choose from {', '.join(UNITS)})")
    by_id = {d.id: d for d in documents}
    indexes: dict[str, SpanIndex[Annotation]] = {}
    seen: set[tuple[str, int, int]] = set()
    targets: list[Target] = []
    for match in matches:
        document = by_id.get(match.document)
        if match.where != "text" or document is None:
            continue
        start, end = unit_span(document, match.start, match.end, unit)
        if (document.id, start, end) in seen:
            continue
        seen.add((document.id, start, end))
        index = indexes.get(document.id)
        if index is None:
            index = indexes[document.id] = SpanIndex(annotations_of(document.id))
        holding = [a for a in index.overlapping(start, end) if a.start <= start and a.end >= end]
        coded_by = tuple(sorted({a.analyst for a in holding if code in a.tags}))
        own = next(
            (a for a in holding if a.analyst == analyst and (a.start, a.end) == (start, end)),
            None,
        )
        targets.append(
            Target(
                document=document.id,
                match_start=match.start,
                match_end=match.end,
                start=start,
                end=end,
                own=own,
                coded_by=coded_by,
                already_coded=analyst in coded_by,
            )
        )
    return targets


@dataclass(frozen=True)
class CodingChange:
    """What `code_targets` did: `before` the analyst's annotations as they were (those it
    gave the code), `after` every annotation it wrote (those and the new ones), `made`
    the ids of the new ones, `already` how many targets were coded already, `conflicting`
    how many were left alone because they carry another code of the code's exclusive
    group."""

    code: str
    before: tuple[Annotation, ...]
    after: tuple[Annotation, ...]
    made: tuple[str, ...]
    already: int
    conflicting: int = 0

    @property
    def coded(self) -> int:
        """How many places got the code."""
        return len(self.after)

    @property
    def description(self) -> str:
        """The change in words, for an undo list: "code 12 matches interest/access"."""
        return f"code {self.coded} match{'es' if self.coded != 1 else ''} {self.code}"


def code_targets(
    store: Store,
    targets: Iterable[Target],
    code: str,
    *,
    analyst: str,
    codebook: Codebook,
) -> CodingChange:
    """Give every target not already coded the code, in one durable write (all or
    nothing), and return the change for `undo_coding`. The store is read afresh first,
    so that what another copy saved meanwhile is built on, not overwritten."""
    store.refresh()
    before: list[Annotation] = []
    after: list[Annotation] = []
    made: list[str] = []
    already = conflicting = 0
    for target in targets:
        current = _own_annotation(store, target, analyst)
        if target.already_coded or (current is not None and code in current.tags):
            already += 1
            continue
        if current is not None and _has_exclusive_rival(codebook, code, current.tags):
            conflicting += 1
            continue
        if current is not None:
            before.append(current)
            after.append(current.evolve(tags=codebook.toggle(current.tags, code)))
            continue
        document = store.document(target.document)
        try:
            annotation = Annotation.create(
                document=document.id,
                text=document.text,
                start=target.start,
                end=target.end,
                tags=(code,),
                analyst=analyst,
            )
        except ValueError as error:
            raise StoreError(str(error)) from None
        after.append(annotation)
        made.append(annotation.id)
    if after:
        store.put_many(after)
    return CodingChange(code, tuple(before), tuple(after), tuple(made), already, conflicting)


def _has_exclusive_rival(codebook: Codebook, code: str, tags: Sequence[str]) -> bool:
    """True when `tags` hold another code of `code`'s group and only one of that group may
    be on an annotation (the rule `Codebook.toggle` replaces by)."""
    group = codebook.group(code.split("/", 1)[0])
    if group is None or not group.exclusive:
        return False
    return any(tag != code and tag.startswith(group.id + "/") for tag in tags)


def _own_annotation(store: Store, target: Target, analyst: str) -> Annotation | None:
    """The analyst's annotation of exactly the target's span, as saved now."""
    if target.own is not None:
        try:
            current = store.annotation(target.own.id)
        except StoreError:
            current = None
        if current is not None and (current.start, current.end) == (target.start, target.end):
            return current
    for annotation in store.annotations(target.document, analyst=analyst):
        if (annotation.start, annotation.end) == (target.start, target.end):
            return annotation
    return None


@dataclass(frozen=True)
class UndoResult:
    """What `undo_coding` (or `redo_coding`) did: `restored` annotations put back (or
    removed), `kept` those left as another copy changed them since."""

    restored: int
    kept: int


def undo_coding(store: Store, change: CodingChange) -> UndoResult:
    """Take the change back in one durable write: the annotations it changed as they were,
    the ones it made removed — each only if it is still as the change left it."""
    store.refresh()
    unchanged = {a.id for a in change.after if _is_current(store, a)}
    restore = [a for a in change.before if a.id in unchanged]
    remove = [annotation_id for annotation_id in change.made if annotation_id in unchanged]
    if restore or remove:
        store.put_many(restore, removing=remove)
    return UndoResult(len(restore) + len(remove), len(change.after) - len(unchanged))


def redo_coding(store: Store, change: CodingChange) -> UndoResult:
    """Make an undone change again: each annotation as the change wrote it, where it is
    still as the undo left it."""
    store.refresh()
    before = {a.id: a for a in change.before}
    redo = [
        a
        for a in change.after
        if (a.id in before and _is_current(store, before[a.id]))
        or (a.id not in before and _absent(store, a.id))
    ]
    if redo:
        store.put_many(redo)
    return UndoResult(len(redo), len(change.after) - len(redo))


def _is_current(store: Store, annotation: Annotation) -> bool:
    try:
        return store.annotation(annotation.id) == annotation
    except StoreError:
        return False


def _absent(store: Store, annotation_id: str) -> bool:
    try:
        store.annotation(annotation_id)
    except StoreError:
        return True
    return False

"""Editing one document's annotations as one analyst, with undo and redo.

`Editor(store, document, analyst)` makes every change the reader offers — toggle a tag,
set the tags, write a memo and confidence, delete, re-attach an orphan — as a
read-modify-write through the store: it first takes in what other running copies saved,
then changes the annotation as it is now, so their saves are not overwritten with this
copy's older view. Each change is returned as a `Change` and kept for undo.

Two rules live here and nowhere else:

- an annotation left with neither tags nor memo is removed;
- undo (and redo) restores only what this copy changed: a field another copy changed
  since is kept as that copy left it (a memo written in another terminal after this copy
  tagged the annotation survives `u`). When nobody else touched the annotation, undo
  puts back the very record there was before, timestamps and all.

Codebook changes (`codebook_edits.py`: add, rename, nest, merge, split, delete, ...) go
through `edit_codebook` into the same history, so `u` takes back a merge as it takes back
a tag (codebook_store.py saves and reverts them).

The store owns what is saved; the editor owns the history (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from annotations import codebook_store
from annotations.codebook import Codebook
from annotations.codebook_store import CodebookChange
from annotations.document import Document
from annotations.errors import StoreError
from annotations.library import reattach
from annotations.model import Annotation
from annotations.span_index import SpanIndex, exact_annotation
from annotations.store import Store, StoreSaveError

if TYPE_CHECKING:
    from annotations.codebook_edits import CodebookEdit

_Step = TypeVar("_Step", "Change", CodebookChange)

# The parts of an annotation a change can touch, each restored as one by undo.
_PARTS: tuple[tuple[str, ...], ...] = (
    ("tags",),
    ("memo",),
    ("confidence",),
    ("document", "start", "end", "quote", "prefix", "suffix"),
)
_ABSENT: dict[str, Any] = {"tags": (), "memo": "", "confidence": None}


@dataclass(frozen=True, slots=True)
class Change:
    """One change: the annotation before and after (None: absent), what it was, and —
    when the disk refused the write and the store keeps it for a retry — why."""

    before: Annotation | None
    after: Annotation | None
    description: str
    not_saved: str | None = None

    @property
    def annotation(self) -> Annotation | None:
        """The annotation as the change left it, else as it was (a deletion)."""
        return self.after or self.before


class Editor:
    """Changes to `document`'s annotations by `analyst`, saved in `store`, undoable."""

    def __init__(self, store: Store, document: Document, analyst: str) -> None:
        self.store = store
        self.document = document
        self.analyst = analyst
        self._undo: list[Change | CodebookChange] = []
        self._redo: list[Change | CodebookChange] = []

    # -- what there is -----------------------------------------------------------------

    def annotations(self) -> list[Annotation]:
        """The document's annotations as the store has them, in document order."""
        return self.store.annotations(self.document.id)

    def own_annotation(self, span: tuple[int, int]) -> Annotation | None:
        """The analyst's annotation of exactly `span`, as saved now."""
        return exact_annotation(SpanIndex(self.annotations()), span, self.analyst)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # -- changes -----------------------------------------------------------------------

    def toggle_tag(self, span: tuple[int, int], code_id: str, codebook: Codebook) -> Change | None:
        """Toggle a code on the analyst's annotation of `span` (made if there is none);
        None when nothing changed."""
        if span[1] <= span[0]:
            return None
        self.store.refresh()
        current = self.own_annotation(span)
        tags = codebook.toggle(current.tags if current else (), code_id)
        return self._set_tags(span, current, tags, f"toggle {code_id}")

    def set_tags(self, span: tuple[int, int], tags: tuple[str, ...]) -> Change | None:
        """Give the analyst's annotation of `span` exactly these tags."""
        if span[1] <= span[0]:
            return None
        self.store.refresh()
        return self._set_tags(span, self.own_annotation(span), tuple(tags), "tags")

    def _set_tags(
        self,
        span: tuple[int, int],
        current: Annotation | None,
        tags: tuple[str, ...],
        what: str,
    ) -> Change | None:
        if current is None:
            return self._record(None, self._new(span, tags=tags), what) if tags else None
        if tags == current.tags:
            return None
        return self._record(current, _kept(current.evolve(tags=tags)), what)

    def write_memo(
        self,
        annotation_id: str | None,
        span: tuple[int, int],
        memo: str,
        confidence: str | None,
    ) -> Change | None:
        """Set the memo and confidence of an annotation (by id), or of a new one on `span`
        when there is none (or it is gone); None when nothing changed."""
        self.store.refresh()
        current = self._saved(annotation_id) if annotation_id else None
        if current is None:
            if (not memo and confidence is None) or span[1] <= span[0]:
                return None
            return self._record(None, self._new(span, memo=memo, confidence=confidence), "memo")
        if (memo, confidence) == (current.memo, current.confidence):
            return None
        after = _kept(current.evolve(memo=memo, confidence=confidence))
        return self._record(current, after, "memo")

    def delete(self, annotation_id: str) -> Change | None:
        """Remove an annotation; None if it is already gone."""
        self.store.refresh()
        current = self._saved(annotation_id)
        return self._record(current, None, "delete") if current else None

    def reattach(self, orphan_id: str, span: tuple[int, int]) -> Change:
        """Attach an orphan (an annotation of an older version) to `span` of this document."""
        self.store.refresh()
        before = self.store.annotation(orphan_id)
        try:
            placed = reattach(self.store, orphan_id, self.document.id, *span)
        except StoreSaveError as error:
            placed = self.store.annotation(orphan_id)
            return self._remember(Change(before, placed, "re-attach", str(error)))
        return self._remember(Change(before, placed, "re-attach"))

    def edit_codebook(
        self, operation: Callable[..., CodebookEdit], *args: Any, **kwargs: Any
    ) -> CodebookChange:
        """Change the store's codebook: `operation` (a function of `codebook_edits`) is
        called with the codebook as the store holds it now, then `*args, **kwargs`; the
        codebook and the annotations it retags are saved as one undoable change.
        `CodebookError`: refused, nothing changed. The change's `codebook` is the one now
        in force."""
        self.store.refresh()
        current = codebook_store.stored_codebook(self.store) or Codebook.default()
        edit = operation(current, *args, **kwargs)
        return self._remember(codebook_store.apply_edit(self.store, current, edit))

    # -- history -----------------------------------------------------------------------

    def undo(self) -> Change | CodebookChange | None:
        """Take back the last change, as far as it is still this copy's; the change as
        applied now (None: nothing to undo). `StoreError`: not undone, still undoable.
        A codebook change taken back is a `CodebookChange` whose `codebook` is the one in
        force again."""
        if not self._undo:
            return None
        change = self._undo[-1]
        if isinstance(change, CodebookChange):
            applied: Change | CodebookChange = codebook_store.revert(self.store, change)
        else:
            applied = self._restore(change.after, change.before, change.description)
        self._redo.append(self._undo.pop())
        return applied

    def redo(self) -> Change | CodebookChange | None:
        """Make the last undone change again; the change as applied (None: nothing)."""
        if not self._redo:
            return None
        change = self._redo[-1]
        if isinstance(change, CodebookChange):
            applied: Change | CodebookChange = codebook_store.revert(
                self.store, change, forward=True
            )
        else:
            applied = self._restore(change.before, change.after, change.description)
        self._undo.append(self._redo.pop())
        return applied

    def _restore(self, ours: Annotation | None, target: Annotation | None, what: str) -> Change:
        """Turn the annotation from `ours` (as this copy left it) to `target`, keeping
        whatever another copy changed since."""
        self.store.refresh()
        annotation_id = (ours or target).id  # type: ignore[union-attr]
        current = self._saved(annotation_id)
        wanted = _merge(current, ours, target)
        return self._write(current, wanted, what)

    # -- saving ------------------------------------------------------------------------

    def _saved(self, annotation_id: str) -> Annotation | None:
        try:
            return self.store.annotation(annotation_id)
        except StoreError:
            return None

    def _new(self, span: tuple[int, int], **fields: Any) -> Annotation:
        start, end = span
        return Annotation.create(
            document=self.document.id,
            text=self.document.text,
            start=start,
            end=end,
            analyst=self.analyst,
            **fields,
        )

    def _record(self, before: Annotation | None, after: Annotation | None, what: str) -> Change:
        return self._remember(self._write(before, after, what))

    def _remember(self, change: _Step) -> _Step:
        self._undo.append(change)
        self._redo.clear()
        return change

    def _write(self, current: Annotation | None, wanted: Annotation | None, what: str) -> Change:
        """Save `wanted` in place of `current`. A write the disk refused is kept by the
        store and retried: the change stands, marked not saved. `StoreError` otherwise."""
        try:
            if wanted is None:
                if current is not None:
                    self.store.delete(current.id)
            elif wanted != current:
                self.store.put(wanted)
        except StoreSaveError as error:
            return Change(current, wanted, what, str(error))
        return Change(current, wanted, what)


def _kept(annotation: Annotation) -> Annotation | None:
    """The annotation, or None when it holds neither tags nor memo (so it is removed)."""
    return annotation if annotation.tags or annotation.memo else None


def _merge(
    current: Annotation | None, ours: Annotation | None, target: Annotation | None
) -> Annotation | None:
    """What undoing (or redoing) `ours → target` leaves, given the annotation is `current`
    now: each part another copy changed since stays as it is now. An absent annotation
    counts as one with no tags, memo or confidence."""
    if current == ours:
        return target  # nobody else touched it: exactly the record there was
    if current is None:
        return None  # deleted elsewhere since: that copy's word is the later one
    changes: dict[str, Any] = {}
    for part in _PARTS:
        if any(name not in _ABSENT for name in part) and (ours is None or target is None):
            continue  # where it lies: only ever moved by a re-attach, between two records
        if all(_value(current, name) == _value(ours, name) for name in part):
            changes.update((name, _value(target, name)) for name in part)
    if replace(current, **changes) == current:
        return current
    return _kept(current.evolve(**changes))


def _value(annotation: Annotation | None, name: str) -> Any:
    return getattr(annotation, name) if annotation is not None else _ABSENT[name]

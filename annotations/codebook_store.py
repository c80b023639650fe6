"""The codebook a store holds: the one in force for its annotations.

A store records its codebook (table `codebook`, one record), so that its annotations
always name codes that exist and a project handed to a colleague carries its codebook.
A store written before this (no `codebook` table) takes the codebook it is opened with —
the `--codebook` file, config.toml's, or the default — and records it.

A codebook change (`codebook_edits.py`) is applied here with the annotations it retags,
in one durable write, and taken back the same way: `apply_edit` and `revert`, which
`Editor.edit_codebook` / `Editor.undo` call, so a codebook change sits in the same
history as annotation changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.codebook import Codebook
from annotations.document import utc_now
from annotations.errors import CodebookError, StoreError
from annotations.model import Annotation
from annotations.store import Store, StoreSaveError

if TYPE_CHECKING:  # the edits load with the first one made, not with the store
    from annotations.codebook_edits import CodebookEdit

CODEBOOK_TABLE = "codebook"
IN_FORCE = "in-force"


@dataclass(frozen=True, slots=True)
class CodebookChange:
    """One codebook change as saved: the codebook before and after, and each annotation
    it retagged as it was before and after. `not_saved`: why the disk refused the write
    (the store keeps it and retries), as for an annotation change."""

    description: str
    before: Codebook
    after: Codebook
    retagged: tuple[tuple[Annotation, Annotation], ...] = ()
    not_saved: str | None = None
    code_id: str = ""  # the code the change made, moved or kept
    file_not_updated: str | None = None  # why the codebook's TOML file was not written

    @property
    def annotation(self) -> Annotation | None:
        """None: a codebook change is not about one annotation (the reader's history
        moves the cursor only for those)."""
        return None

    @property
    def codebook(self) -> Codebook:
        """The codebook in force once the change is made."""
        return self.after


# -- what the store holds ------------------------------------------------------------


def stored_codebook(store: Store) -> Codebook | None:
    """The codebook the store records, or None (a store from before codebooks were kept)."""
    record = store.side_records(CODEBOOK_TABLE).get(IN_FORCE)
    if record is None:
        return None
    try:
        return Codebook.from_data(record.get("codebook"), source=f"the codebook of {store.path}")
    except CodebookError as error:
        raise StoreError(f"{error}; run 'gloss doctor --db {store.path}'") from None


def codebook_file(store: Store) -> Path | None:
    """The TOML file the recorded codebook was read from (None: the default, an import)."""
    record = store.side_records(CODEBOOK_TABLE).get(IN_FORCE)
    file = record.get("file") if record else None
    return Path(file) if isinstance(file, str) and file else None


def record_codebook(
    store: Store,
    codebook: Codebook,
    *,
    file: Path | None = None,
    annotations: Iterable[Annotation] = (),
) -> None:
    """Record `codebook` as the store's (read from `file`, if given), saving
    `annotations` in the same write."""
    record = {
        "codebook": codebook.to_data(),
        "file": str(file) if file is not None else (str(codebook_file(store) or "") or None),
        "recorded": utc_now(),
    }
    store.put_side_records(CODEBOOK_TABLE, {IN_FORCE: record}, annotations=annotations)


def codebook_in_force(
    store: Store, given: Codebook, *, file: Path | None = None, chosen: bool = False
) -> Codebook:
    """The codebook to work with on this store.

    The store's own, if it records one — unless `chosen` (the user named a codebook file
    on the command line) and it differs: then `given` replaces it, provided every code
    the store's annotations carry is in it (or is an alias in it); else `CodebookError`.
    A store that records none records `given`. A store opened read-only records
    nothing: the chosen codebook, else the store's, else `given`.
    """
    stored = stored_codebook(store)
    if stored is not None and (not chosen or stored.to_data() == given.to_data()):
        return stored
    if store.read_only:
        return given if chosen or stored is None else stored  # nothing can be recorded
    if stored is not None:
        missing = codes_missing(store, given)
        if missing:
            code, count = next(iter(missing.items()))
            raise CodebookError(
                f"{file or 'the codebook'} has no code {code!r}, which {count} annotation(s) "
                f"in {store.path} carry; add it (or an alias for it) to use this codebook"
            )
    if not store.read_only:
        record_codebook(store, given, file=file)
    return given


def codes_missing(store: Store, codebook: Codebook) -> dict[str, int]:
    """Tags the store's annotations carry that `codebook` has no code (nor alias) for,
    with how many annotations carry each."""
    missing: dict[str, int] = {}
    for annotation in store.annotations():
        for tag in annotation.tags:
            if codebook.code(codebook.resolve(tag)) is None:
                missing[tag] = missing.get(tag, 0) + 1
    return missing


def usage(store: Store) -> dict[str, int]:
    """How many annotations carry each tag (every document, every analyst)."""
    counts: dict[str, int] = {}
    for annotation in store.annotations():
        for tag in annotation.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return counts


def tagged(store: Store, code_id: str) -> list[Annotation]:
    """Every annotation carrying `code_id` (every document, every analyst), in document
    order: what a split asks the analyst to reassign."""
    return store.annotations(tag=code_id)


# -- changing it -----------------------------------------------------------------------


def apply_edit(store: Store, before: Codebook, edit: CodebookEdit) -> CodebookChange:
    """Record `edit.codebook` and retag the annotations as the edit asks, in one write.

    Retagging for a move, nest or merge keeps each annotation's `modified` (the analyst's
    coding did not change, only the code's name); a split's reassignment is an analyst's
    decision and counts as an edit. `CodebookError`: refused, nothing saved.
    """
    from annotations.codebook_edits import retagged

    pairs: list[tuple[Annotation, Annotation]] = []
    for annotation in store.annotations():
        after = annotation
        if edit.retag and any(tag in edit.retag for tag in annotation.tags):
            after = replace(after, tags=retagged(after.tags, edit.retag))
        if annotation.id in edit.reassign:
            old, new = edit.reassign[annotation.id]
            after = after.evolve(tags=retagged(after.tags, {old: new}))
        if after is not annotation:
            after = replace(after, tags=edit.codebook.ordered(after.tags))
            pairs.append((annotation, after))
    _check_exclusive(edit, pairs)
    retagged_by_id = {b.id: a for b, a in pairs}
    for code_id in sorted(edit.unused):
        count = sum(
            code_id in retagged_by_id.get(a.id, a).tags for a in store.annotations(tag=code_id)
        )
        if count:
            raise CodebookError(
                f"{code_id} is on {count} annotation(s): merge it into another code instead"
            )
    change = CodebookChange(
        edit.description, before, edit.codebook, tuple(pairs), code_id=edit.code_id
    )
    return _saved(store, change, edit.codebook, [after for _, after in pairs])


def _check_exclusive(edit: CodebookEdit, pairs: list[tuple[Annotation, Annotation]]) -> None:
    """Refuse a change that would give an annotation two codes of an exclusive group it
    did not have two of before (a code moved or merged into the actors)."""
    codebook = edit.codebook
    for before, after in pairs:
        for group in codebook.groups:
            if not group.exclusive:
                continue
            prefix = group.id + "/"
            # A code and the codes nested under it count as one choice.
            tops = {tag.split("/", 2)[1] for tag in after.tags if tag.startswith(prefix)}
            had = {tag.split("/", 2)[1] for tag in before.tags if tag.startswith(prefix)}
            if len(tops) > 1 and len(tops) > len(had):
                count = sum(
                    len({t.split("/", 2)[1] for t in a.tags if t.startswith(prefix)}) > 1
                    for _, a in pairs
                )
                raise CodebookError(
                    f"{edit.description} would give {count} annotation(s) two codes of "
                    f"the exclusive group {group.id!r}"
                )


def revert(store: Store, change: CodebookChange, *, forward: bool = False) -> CodebookChange:
    """Take a codebook change back (or, `forward`, make it again): the codebook as it
    was and each retagged annotation as it was — unless another copy changed that
    annotation's tags since, which then stay as that copy left them.

    `StoreError` when the codebook itself was changed elsewhere since: not taken back.
    """
    store.refresh()
    ours, target = (change.before, change.after) if forward else (change.after, change.before)
    current = stored_codebook(store)
    if current is not None and current.to_data() != ours.to_data():
        raise StoreError("the codebook was changed in another window since: not undone")
    restored: list[Annotation] = []
    for before, after in change.retagged:
        mine, wanted = (before, after) if forward else (after, before)
        try:
            now = store.annotation(mine.id)
        except StoreError:
            continue  # deleted elsewhere since: that copy's word is the later one
        if now == mine:
            restored.append(wanted)
        elif now.tags == mine.tags:
            restored.append(replace(now, tags=wanted.tags))
    step = CodebookChange(change.description, ours, target, change.retagged, code_id=change.code_id)
    return _saved(store, step, target, restored)


def _saved(
    store: Store, change: CodebookChange, codebook: Codebook, annotations: list[Annotation]
) -> CodebookChange:
    try:
        record_codebook(store, codebook, annotations=annotations)
    except StoreSaveError as error:
        change = replace(change, not_saved=str(error))
    return _written_back(store, change)


def _written_back(store: Store, change: CodebookChange) -> CodebookChange:
    """The change made in the TOML file the codebook came from too (comments and layout
    kept), so the file an analyst edits by hand says what the store says."""
    file = codebook_file(store)
    if file is None:
        return change
    # Loaded here: tomlkit (which keeps the file's comments) is needed only to write.
    from annotations.codebook_file import write_back

    try:
        write_back(file, change.before, change.after)
    except CodebookError as error:
        return replace(change, file_not_updated=str(error))
    return change

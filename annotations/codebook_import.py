"""The codebook side of `gloss import FILE.json`: a project's file carries its codebook
(`"codebook"`, as `Codebook.to_data` writes it), and its annotations may name codes by
ids they had before a move, nest or merge.

    data, side = codebook_import(store, data)      # CodebookError first, nothing written
    store.import_records(data, side={**side, ...})   # then one write, all or nothing

- Each incoming tag is read as the code it is now: through the store's aliases, then the
  file's (an id the store still has as a code stays as it is). The record keeps its
  `modified`: renaming a code is not an edit of the annotation, so where both sides
  really changed an annotation the later change still wins, and where neither did the
  two records compare equal instead of counting as a conflict.
- A store that records no codebook takes the file's. A store that does keeps its own and
  adds the codes (with their groups and the codes they are nested under) that incoming
  annotations carry and it lacks, from the file's codebook; a key one of its own codes
  already has is left off the added code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from annotations.codebook import Codebook
from annotations.codebook_store import CODEBOOK_TABLE, IN_FORCE, stored_codebook
from annotations.document import utc_now
from annotations.errors import CodebookError
from annotations.store import Store


def codebook_import(
    store: Store, data: Mapping[str, Any]
) -> tuple[Mapping[str, Any], dict[str, dict[str, dict[str, Any] | None]]]:
    """`data` with its annotations' tags read as the codes they are now, and the side
    records that make the store's codebook cover them. `CodebookError` when the file's
    codebook is not a valid one."""
    incoming = None
    if data.get("codebook") is not None:
        incoming = Codebook.from_data(data["codebook"], source="the file's codebook")
    stored = stored_codebook(store)
    resolve = _resolver(stored, incoming)
    records = []
    changed = False
    # Each distinct list of tags resolved once (100,000 annotations carry a few hundred):
    # the codes it becomes, or None when it stays as it is.
    resolved_tags: dict[tuple[str, ...], list[str] | None] = {}
    annotations = data.get("annotations", [])
    distinct = _distinct_tag_lists(annotations)
    if distinct is not None:
        resolved_tags = {tags: _resolved(list(tags), resolve) for tags in distinct}
        if all(now is None for now in resolved_tags.values()):
            # No record changes: the common case, found without a walk in Python.
            return data, _side(store, stored, incoming, annotations)
    for record in annotations:
        tags = record.get("tags") if isinstance(record, dict | Mapping) else None
        if isinstance(tags, list):
            try:
                now = resolved_tags[tuple(tags)]
            except KeyError:
                now = _resolved(tags, resolve)
                resolved_tags[tuple(tags)] = now
            except TypeError:  # a tag that is not even hashable: not a tag
                now = None
            if now is not None:
                record, changed = {**record, "tags": list(now)}, True
        records.append(record)
    resolved = {**data, "annotations": records} if changed else data
    return resolved, _side(store, stored, incoming, records)


def _distinct_tag_lists(annotations: Any) -> set[tuple[Any, ...]] | None:
    """The distinct tag lists of `annotations` when each is a record whose tags are a list
    of hashable values (what a checked file holds); else None."""
    try:
        tag_lists = list(map(itemgetter("tags"), annotations))
        if set(map(type, tag_lists)) <= {list}:
            return set(map(tuple, tag_lists))
    except (TypeError, KeyError):
        pass  # a record that is not an object, or a tag that is not even hashable
    return None


def _side(
    store: Store, stored: Codebook | None, incoming: Codebook | None, records: list[Any]
) -> dict[str, dict[str, dict[str, Any] | None]]:
    """The side records that make the store's codebook cover `records`."""
    codebook = _covering(stored, incoming, records)
    side: dict[str, dict[str, dict[str, Any] | None]] = {}
    if codebook is not None:
        record = {"codebook": codebook.to_data(), "file": None, "recorded": utc_now()}
        if stored is not None:
            previous = store.side_records(CODEBOOK_TABLE).get(IN_FORCE) or {}
            record["file"] = previous.get("file")
        side[CODEBOOK_TABLE] = {IN_FORCE: record}
    return side


def _resolved(tags: list[Any], resolve: Callable[[str], str]) -> list[str] | None:
    """The codes `tags` are now, each once; None when that is `tags` itself (or when a
    tag is not a string: the record's check says what is wrong)."""
    if not all(isinstance(tag, str) for tag in tags):
        return None
    now = list(dict.fromkeys(resolve(tag) for tag in tags))
    return None if now == tags else now


def _resolver(stored: Codebook | None, incoming: Codebook | None):
    def resolve(tag: str) -> str:
        if stored is not None:
            tag = stored.resolve(tag)
            if stored.code(tag) is not None:
                return tag
        if incoming is not None:
            tag = incoming.resolve(tag)
            if stored is not None:
                tag = stored.resolve(tag)
        return tag

    return resolve


def _covering(
    stored: Codebook | None, incoming: Codebook | None, records: list[Any]
) -> Codebook | None:
    """The codebook to record, or None to leave the store's as it is."""
    if stored is None:
        return incoming
    if incoming is None:
        return None
    carried = {
        tag
        for record in records
        if isinstance(record, Mapping) and isinstance(record.get("tags"), list)
        for tag in record["tags"]
        if isinstance(tag, str)
    }
    wanted: list[str] = []
    for tag in sorted(carried):
        if stored.code(tag) is None and incoming.code(tag) is not None:
            for code_id in [*reversed(incoming.ancestors(tag)), tag]:
                if stored.code(code_id) is None and code_id not in wanted:
                    wanted.append(code_id)
    if not wanted:
        return None
    data = stored.to_data()
    groups = {group["id"] for group in data["groups"]}
    taken = {key for code in stored.codes for key in code.keys}
    for code_id in sorted(wanted, key=lambda c: (c.count("/"), c)):
        code = incoming.code(code_id)
        assert code is not None
        if code.group not in groups:
            group = incoming.group(code.group)
            assert group is not None
            data["groups"].append(
                {"id": group.id, "label": group.label, "exclusive": group.exclusive}
            )
            groups.add(group.id)
        added = next(c for c in incoming.to_data()["codes"] if c["id"] == code_id)
        keys = [key for key in added.pop("keys", []) if key not in taken]
        taken.update(keys)
        if keys:
            added["keys"] = keys
        data["codes"].append(added)
    try:
        return Codebook.from_data(data, source="the codebook with the file's codes added")
    except CodebookError as error:
        raise CodebookError(f"the file's codes do not fit the store's codebook: {error}") from None

"""Writing a codebook change back into the TOML file it came from, keeping the file's
comments, order and layout (tomlkit).

Only what the change changed is written: `write_back(path, before, after)` compares the
codebook before and after a change and touches just the fields, tables and aliases that
differ. A field the analyst edited by hand since, a comment, a code the file has that
the change knows nothing of — all stay as they are. The result is read back as a
codebook before it replaces the file, so a write-back never leaves a file Gloss cannot
read; it replaces the file whole (a new file renamed over it), never half-written.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Table

from annotations.codebook import Code, Codebook, Group
from annotations.errors import CodebookError


def write_back(path: Path, before: Codebook, after: Codebook) -> None:
    """Make the codebook file at `path` say what `after` says where `before` differs.

    `CodebookError` (the file is left as it was) when it cannot be read, parsed or
    written, or when the result would not be a valid codebook.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CodebookError(f"{path}: cannot be read to write the change back ({error})") from None
    try:
        document = tomlkit.parse(text.removeprefix("\ufeff"))
        _update(document, before, after)
        updated = tomlkit.dumps(document)
        # The file ends as it ended (tables moved to or from its end bring blank lines).
        updated = updated.rstrip("\n") + "\n" * (len(text) - len(text.rstrip("\n")))
    except TOMLKitError as error:
        raise CodebookError(f"{path}: cannot write the change back ({error})") from None
    Codebook.from_toml(updated, source=str(path))  # never write what Gloss cannot read
    _replace(path, updated)


def _update(document: Any, before: Codebook, after: Codebook) -> None:
    if after.name != before.name:
        document["name"] = after.name
    _update_groups(document, before, after)
    _update_codes(document, before, after)
    _update_aliases(document, before, after)


def _update_groups(document: Any, before: Codebook, after: Codebook) -> None:
    tables = _array(document, "groups")
    known = {g.id for g in before.groups}
    for table in tables:
        group_id = table.get("id")
        old, new = before.group(group_id), after.group(group_id)
        if old is None or new is None:
            continue
        _set_changed(table, _group_fields(old), _group_fields(new))
    for group in after.groups:
        if group.id not in known:
            tables.append(_table(_group_fields(group)))


def _update_codes(document: Any, before: Codebook, after: Codebook) -> None:
    tables = _array(document, "codes")
    before_ids = {c.id for c in before.codes}
    # Where each code of `before` went: its id now (moved, nested, merged) or gone.
    became = {c.id: after.resolve(c.id) for c in before.codes}
    file_ids = [table.get("id") for table in tables]
    # A merged code's table goes; the table of the code it was merged into stays.
    owner: dict[str, str] = {}
    for old_id in file_ids:
        if old_id in before_ids and became[old_id] == old_id:
            owner[old_id] = old_id
    for old_id in file_ids:
        if old_id in before_ids:
            owner.setdefault(became[old_id], old_id)
    kept: list[Table] = []
    moved: dict[str, Table] = {}
    for table, old_id in zip(list(tables), file_ids, strict=True):
        if old_id not in before_ids:
            kept.append(table)  # a code the change knows nothing of: the file's own
            continue
        new_id = became[old_id]
        new, old = after.code(new_id), before.code(old_id)
        if new is None or owner.get(new_id) != old_id or old is None:
            continue  # deleted, or merged into another code
        _set_changed(table, _code_fields(old), _code_fields(new), keys_style=table)
        if new_id != old_id:
            moved[new_id] = table
        else:
            kept.append(table)
    # Codes whose id changed, and new codes, go after the code before them; a code of
    # `before` that the file had no table for stays out of it.
    images = set(became.values())
    order = [c.id for c in after.codes]
    placed: list[Table] = []
    for code in after.codes:
        if code.id in moved:
            placed.append(_place(kept, moved[code.id], order))
        elif code.id not in images:
            placed.append(_place(kept, _table(_code_fields(code)), order))
    while len(tables):
        del tables[0]
    # A placed table, and the one before it, end with a blank line (one that was at the
    # end of the file did not) unless it is the last.
    spaced = {id(t) for t in placed}
    spaced |= {id(kept[i - 1]) for i, t in enumerate(kept) if id(t) in spaced and i}
    for index, table in enumerate(kept):
        if id(table) in spaced and index < len(kept) - 1:
            _end_with_blank_line(table)
        tables.append(table)


def _end_with_blank_line(table: Table) -> None:
    """A table that ends on a field gets a blank line after it; one that ends on a blank
    line or a comment (the next table's heading) is left as it is."""
    body = table.value.body
    if body and body[-1][0] is not None:
        table.add(tomlkit.nl())


def _update_aliases(document: Any, before: Codebook, after: Codebook) -> None:
    old, new = dict(before.aliases), dict(after.aliases)
    if old == new:
        return
    if "aliases" not in document:
        codes = document.get("codes")
        if isinstance(codes, AoT) and len(codes):
            _end_with_blank_line(codes[-1])
        document["aliases"] = tomlkit.table()
    table = document["aliases"]
    for alias in old.keys() - new.keys():
        table.pop(alias, None)
    for alias, target in new.items():
        if old.get(alias) != target:
            table[alias] = target
    if not new:
        del document["aliases"]  # its last alias taken back (an undo)


def _place(tables: list[Table], table: Table, order: list[str]) -> Table:
    """Put `table` after the table of the nearest code before it in `order`."""
    position = order.index(table["id"])
    index_of = {t.get("id"): i for i, t in enumerate(tables)}
    for earlier in reversed(order[:position]):
        if earlier in index_of:
            tables.insert(index_of[earlier] + 1, table)
            return table
    tables.insert(0, table)
    return table


def _set_changed(
    table: Table,
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    keys_style: Table | None = None,
) -> None:
    """Write the fields whose value the change changed (a field edited by hand meanwhile
    is kept when the change did not touch it)."""
    for name, value in new.items():
        if name == "keys":
            continue
        if old.get(name) != value:
            if value == "" and name in ("memo", "marker"):
                table.pop(name, None)
            else:
                _set(table, name, value)
    if keys_style is not None and old.get("keys") != new.get("keys"):
        keys = new.get("keys", [])
        had = "keys" if "keys" in table else "key" if "key" in table else None
        name, value = ("keys", keys) if len(keys) > 1 else ("key", keys[0] if keys else None)
        if had is not None and had != name:
            table.pop(had)
        if value is None:
            table.pop(name, None)
        elif had == name:
            table[name] = value  # in its place, as the line was
        else:
            _set(table, name, value)


def _set(table: Table, name: str, value: Any) -> None:
    """Set a field; a new one goes after the table's last field, not after the comments
    and blank lines that end it (they belong before the next table)."""
    if name in table:
        table[name] = value
        return
    body = table.value.body
    places = [place for place, (key, _) in enumerate(body) if key is not None]
    if not places or places[-1] == len(body) - 1:
        table[name] = value  # nothing trails the last field
        return
    # tomlkit's public `add` appends after those trailing lines; this is its own insert
    # (`_insert_at`: tomlkit 0.15.3 removed `_insert_after`, which this called before).
    table.value._insert_at(places[-1] + 1, name, tomlkit.item(value))


def _group_fields(group: Group) -> dict[str, Any]:
    return {"id": group.id, "label": group.label, "exclusive": group.exclusive}


def _code_fields(code: Code) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": code.id, "label": code.label, "keys": list(code.keys)}
    fields.update(color=code.color, marker=code.marker)
    fields.update(description=code.description, memo=code.memo)
    return fields


def _table(fields: dict[str, Any]) -> Table:
    table = tomlkit.table()
    for name, value in fields.items():
        if name == "keys":
            if len(value) > 1:
                table["keys"] = value
            elif value:
                table["key"] = value[0]
        elif name not in ("memo", "marker") or value:
            table[name] = value
    return table


def _array(document: Any, name: str) -> AoT:
    if name not in document:
        document[name] = tomlkit.aot()
    array = document[name]
    if not isinstance(array, AoT):
        raise CodebookError(f"{name} is not an array of tables ([[{name}]])")
    return array


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise CodebookError(f"{path}: cannot write the change back ({error.strerror})") from None

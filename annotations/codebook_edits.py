"""Changes to a codebook while coding: add, rename, re-key, re-colour, describe, move,
nest, merge, split and delete codes, and add groups.

Each operation is a pure function of the codebook as it is now and returns a
`CodebookEdit`: the codebook after, and what the change asks of the annotations —
`retag` (an old tag and the tags that take its place on every annotation that carries
it), `reassign` (per annotation, for a split) and `unused` (codes that must be on no
annotation, for a delete). Applying an edit to a store, with undo, is
`Editor.edit_codebook` (editing.py), which calls these functions on the codebook the
store holds at that moment.

Ids: a code's id is where it sits (`group/code`, `group/parent/code`), so renaming a code
changes only its label and its id stays. Moving, nesting and merging change ids; the old
id is then kept as an alias of the new one, so a colleague's export, a keymap or a
query that still names it is read as the code it became — and annotations are retagged
without counting as edited (their `modified` stays), so a later merge of two analysts'
stores does not take the retagging for newer work.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from annotations.codebook import _COLOUR, _GROUP_ID, Code, Codebook, Group
from annotations.errors import CodebookError
from annotations.safe_text import is_safe

# Okabe–Ito's palette, for a new code that is given no colour: the first one its group
# does not use yet.
NEW_CODE_COLOURS = (
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
    "#000000",
)


@dataclass(frozen=True, slots=True)
class CodebookEdit:
    """One change of the codebook and what it asks of the annotations.

    `retag`: old tag -> the tags replacing it on every annotation carrying it (empty:
    removed). `reassign`: annotation id -> (tag taken off, tags put on), for a split.
    `unused`: codes no annotation may carry, else the edit is refused (a delete).
    """

    description: str
    codebook: Codebook
    retag: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    reassign: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    unused: frozenset[str] = frozenset()
    code_id: str = ""  # the code the edit made, moved or kept (what a screen selects next)


# -- groups and codes -----------------------------------------------------------------


def add_group(
    codebook: Codebook, group_id: str, label: str = "", *, exclusive: bool = False
) -> CodebookEdit:
    """A new, empty group at the end of the codebook."""
    if not _GROUP_ID.match(group_id):
        raise CodebookError(f"group id {group_id!r} must be lower-case letters, digits, - or _")
    if codebook.group(group_id) is not None:
        raise CodebookError(f"there is a group {group_id!r} already")
    group = Group(group_id, _text(label or group_id, "label"), exclusive)
    return CodebookEdit(f"add group {group_id}", _with(codebook, groups=(*codebook.groups, group)))


def add_code(
    codebook: Codebook,
    group: str,
    label: str,
    *,
    keys: Sequence[str] = (),
    color: str | None = None,
    description: str = "",
    memo: str = "",
    parent: str | None = None,
    code_id: str | None = None,
    reserved: Collection[str] = (),
) -> CodebookEdit:
    """A new code in `group` (nested under `parent`, a code of that group, if given).

    Its id is `code_id`, else made from the label (`ground forces` -> `group/ground-forces`,
    with a number added if that is taken). No colour: the first of `NEW_CODE_COLOURS` the
    group does not use. `reserved`: keys the reader keeps for itself.
    """
    if codebook.group(group) is None:
        raise CodebookError(f"there is no group {group!r}")
    head = group
    if parent is not None:
        parent_code = _code(codebook, parent)
        if parent_code.group != group:
            raise CodebookError(f"{parent} is not a code of group {group!r}")
        head = parent
    label = _text(label, "label")
    if not label:
        raise CodebookError("a code needs a label")
    new_id = _id_under(codebook, head, code_id or label)
    if code_id is not None and new_id != f"{head}/{code_id}":
        raise CodebookError(f"there is a code {head}/{code_id} already")
    code = Code(
        new_id,
        label,
        "",
        _colour(color) if color else _free_colour(codebook, group),
        _text(description, "description", lines=True),
        memo=_text(memo, "memo", lines=True),
    )
    code = _keyed(codebook, code, keys, reserved)
    codes = _insert_after_family(codebook.codes, code, head)
    return CodebookEdit(f"add code {new_id}", _with(codebook, codes=codes), code_id=new_id)


def rename_code(codebook: Codebook, code_id: str, label: str) -> CodebookEdit:
    """Give a code a new label; its id (what annotations carry) stays as it is."""
    code = _code(codebook, code_id)
    label = _text(label, "label")
    if not label:
        raise CodebookError("a code needs a label")
    return CodebookEdit(
        f"rename {code_id} to {label}", _replaced(codebook, replace(code, label=label))
    )


def set_keys(
    codebook: Codebook, code_id: str, keys: Sequence[str], *, reserved: Collection[str] = ()
) -> CodebookEdit:
    """Give a code these keys (its key, then the same key under other layouts); none:
    the code is tagged through the tag picker only."""
    code = _code(codebook, code_id)
    others = _with(codebook, codes=tuple(c for c in codebook.codes if c.id != code_id))
    keyed = _keyed(others, replace(code, key="", alternate_keys=()), keys, reserved)
    shown = ", ".join(keys) if keys else "no key"
    return CodebookEdit(f"key of {code_id}: {shown}", _replaced(codebook, keyed))


def set_color(codebook: Codebook, code_id: str, color: str) -> CodebookEdit:
    """Give a code a colour (`#rrggbb` or `#rgb`)."""
    code = _code(codebook, code_id)
    return CodebookEdit(
        f"colour of {code_id}: {color}", _replaced(codebook, replace(code, color=_colour(color)))
    )


def set_marker(codebook: Codebook, code_id: str, marker: str) -> CodebookEdit:
    """Give a code the one-cell sign screens show for it without colour ("" for the one
    Gloss picks); one no other code shows."""
    code = _code(codebook, code_id)
    if marker:
        other = next((c for c in codebook.codes if c.marker == marker and c.id != code_id), None)
        if other is not None:
            raise CodebookError(f"marker {marker!r} is already used by {other.id!r}")
    # The codebook's own check says what a marker may be (one character, one cell wide).
    changed = _replaced(codebook, replace(code, marker=_text(marker, "marker")))
    return CodebookEdit(f"marker of {code_id}: {marker or 'automatic'}", changed, code_id=code_id)


def describe_code(
    codebook: Codebook, code_id: str, *, description: str | None = None, memo: str | None = None
) -> CodebookEdit:
    """Set a code's description (what it covers) and/or its memo (the analysts' note)."""
    code = _code(codebook, code_id)
    if description is not None:
        code = replace(code, description=_text(description, "description", lines=True))
    if memo is not None:
        code = replace(code, memo=_text(memo, "memo", lines=True))
    return CodebookEdit(f"memo of {code_id}", _replaced(codebook, code))


def move_code(codebook: Codebook, code_id: str, group: str) -> CodebookEdit:
    """Move a code (with the codes nested under it) to the top level of another group."""
    _code(codebook, code_id)
    if codebook.group(group) is None:
        raise CodebookError(f"there is no group {group!r}")
    return _relocated(codebook, code_id, group, f"move {code_id} to {group}")


def nest_code(codebook: Codebook, code_id: str, parent: str | None) -> CodebookEdit:
    """Nest a code (with its own nested codes) under `parent`, a code of the same or
    another group; `parent` None brings it back to the top of its group."""
    code = _code(codebook, code_id)
    if parent is None:
        return _relocated(codebook, code_id, code.group, f"un-nest {code_id}")
    _code(codebook, parent)
    if parent == code_id or parent.startswith(code_id + "/"):
        raise CodebookError(f"{code_id} cannot be nested under itself or a code inside it")
    return _relocated(codebook, code_id, parent, f"nest {code_id} under {parent}")


def merge_codes(codebook: Codebook, source: str, target: str) -> CodebookEdit:
    """Merge `source` into `target`: every annotation with `source` carries `target`
    instead, `source` is gone (its id an alias of `target`), and codes nested under it
    are nested under `target`. `source`'s memo is added to `target`'s."""
    merged = _code(codebook, source)
    into = _code(codebook, target)
    if source == target:
        raise CodebookError("a code cannot be merged into itself")
    if target.startswith(source + "/"):
        raise CodebookError(f"{source} cannot be merged into a code nested under it")
    # Codes nested under the merged one first move under the target (ids and aliases).
    moved = codebook
    retag: dict[str, tuple[str, ...]] = {}
    for child in codebook.children(source):
        step = _relocated(moved, child.id, target, "")
        moved = step.codebook
        retag.update(step.retag)
    memo = "\n\n".join(m for m in (into.memo, merged.memo) if m)
    codes = tuple(
        replace(code, memo=memo) if code.id == target else code
        for code in moved.codes
        if code.id != source
    )
    aliases = _aliases_to(moved.aliases, {source: target})
    retag[source] = (target,)
    return CodebookEdit(
        f"merge {source} into {target}",
        _with(moved, codes=codes, aliases=aliases),
        retag,
        code_id=target,
    )


def split_code(
    codebook: Codebook,
    code_id: str,
    labels: Sequence[str],
    assignment: Mapping[str, Sequence[str]] | None = None,
    *,
    keep: bool = True,
) -> CodebookEdit:
    """Split a code: add a sibling code for each label (ids as `add_code` makes them),
    and give each annotation in `assignment` (annotation id -> code ids, among the
    original and the new ones) those codes instead of the original. Call it without an
    assignment to see the new ids first (`edit.codebook`). `keep` False removes the
    original code, which then must be left on no annotation."""
    original = _code(codebook, code_id)
    if not labels:
        raise CodebookError("a split needs at least one new code")
    split = codebook
    new_ids: list[str] = []
    for label in labels:
        step = add_code(split, original.group, label, parent=original.parent)
        split = step.codebook
        new_ids.append(step.code_id)
    allowed = {*new_ids, *([code_id] if keep else [])}
    reassign: dict[str, tuple[str, tuple[str, ...]]] = {}
    for annotation_id, chosen in (assignment or {}).items():
        wrong = [tag for tag in chosen if tag not in allowed]
        if wrong:
            raise CodebookError(f"{wrong[0]} is not one of the codes {code_id} is split into")
        reassign[annotation_id] = (code_id, tuple(chosen))
    unused: frozenset[str] = frozenset()
    if not keep:
        split = _with(split, codes=tuple(c for c in split.codes if c.id != code_id))
        unused = frozenset({code_id})
    return CodebookEdit(
        f"split {code_id} into {', '.join(new_ids)}",
        split,
        reassign=reassign,
        unused=unused,
        code_id=new_ids[0],
    )


def delete_code(codebook: Codebook, code_id: str) -> CodebookEdit:
    """Remove a code no annotation carries (one in use is merged instead); refused while
    codes are nested under it."""
    _code(codebook, code_id)
    if codebook.children(code_id):
        raise CodebookError(f"{code_id} has codes nested under it: move or merge them first")
    codes = tuple(c for c in codebook.codes if c.id != code_id)
    # Old ids that led to it lead nowhere now.
    gone = {code_id}
    aliases = tuple(pair for pair in codebook.aliases if codebook.resolve(pair[0]) not in gone)
    return CodebookEdit(
        f"delete {code_id}",
        _with(codebook, codes=codes, aliases=aliases),
        unused=frozenset(gone),
    )


def retagged(tags: Sequence[str], retag: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """`tags` with each tag `retag` names replaced (duplicates dropped, order kept)."""
    out: list[str] = []
    for tag in tags:
        for new in retag.get(tag, (tag,)):
            if new not in out:
                out.append(new)
    return tuple(out)


# -- helpers ----------------------------------------------------------------------------


def _with(codebook: Codebook, **fields: object) -> Codebook:
    # A fresh Codebook (look-ups are cached per object), validated as a file would be.
    candidate = replace(codebook, **fields)  # type: ignore[arg-type]
    return Codebook.from_data(candidate.to_data(), source="the codebook")


def _code(codebook: Codebook, code_id: str) -> Code:
    code = codebook.code(code_id)
    if code is None:
        raise CodebookError(f"there is no code {code_id!r}")
    return code


def _replaced(codebook: Codebook, code: Code) -> Codebook:
    return _with(codebook, codes=tuple(code if c.id == code.id else c for c in codebook.codes))


def _relocated(codebook: Codebook, code_id: str, head: str, description: str) -> CodebookEdit:
    """The code and its nested codes moved under `head` (a group id or a code id)."""
    name = code_id.rpartition("/")[2]
    new_id = f"{head}/{name}"
    if new_id == code_id:
        raise CodebookError(f"{code_id} is there already")
    if codebook.code(new_id) is not None:
        raise CodebookError(f"there is a code {new_id} already: merge into it instead")
    renames = {code_id: new_id}
    renames.update({c.id: new_id + c.id[len(code_id) :] for c in codebook.descendants(code_id)})
    family = [replace(c, id=renames[c.id]) for c in codebook.codes if c.id in renames]
    rest = tuple(c for c in codebook.codes if c.id not in renames)
    codes = rest
    for code in family:
        codes = _insert_after_family(codes, code, code.id.rpartition("/")[0])
    aliases = _aliases_to(codebook.aliases, renames)
    retag = {old: (new,) for old, new in renames.items()}
    return CodebookEdit(
        description, _with(codebook, codes=codes, aliases=aliases), retag, code_id=new_id
    )


def _aliases_to(
    aliases: tuple[tuple[str, str], ...], renames: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """The aliases with `renames` (old id -> new id) added, earlier aliases pointing at
    the new ids, and none from an id that is a code again."""
    updated = {old: renames.get(new, new) for old, new in aliases}
    updated.update(renames)
    return tuple((old, new) for old, new in updated.items() if old not in renames.values())


def _insert_after_family(codes: tuple[Code, ...], code: Code, head: str) -> tuple[Code, ...]:
    """`codes` with `code` placed after the last code of `head` (a group or a code) and
    the codes nested under them, so that a family stays together in codebook order."""
    last = -1
    group = head.split("/", 1)[0]
    for index, other in enumerate(codes):
        if other.group == group and (
            "/" not in head or other.id == head or other.id.startswith(head + "/")
        ):
            last = index
    if last < 0:
        return (*codes, code)
    return (*codes[: last + 1], code, *codes[last + 1 :])


def _id_under(codebook: Codebook, head: str, wanted: str) -> str:
    """A free id under `head` made from `wanted` (a label or a chosen id part)."""
    folded = unicodedata.normalize("NFKD", wanted.casefold())
    base = re.sub(r"[^a-z0-9_-]+", "-", folded.encode("ascii", "ignore").decode()).strip("-_")
    base = base or "code"
    taken = {c.id for c in codebook.codes} | {old for old, _ in codebook.aliases}
    candidate, number = f"{head}/{base}", 2
    while candidate in taken:
        candidate, number = f"{head}/{base}-{number}", number + 1
    return candidate


def _free_colour(codebook: Codebook, group: str) -> str:
    used = {c.color.lower() for c in codebook.codes_in(group)}
    return next((c for c in NEW_CODE_COLOURS if c not in used), NEW_CODE_COLOURS[0])


def _colour(color: str) -> str:
    if not isinstance(color, str) or not _COLOUR.match(color):
        raise CodebookError(f"colour {color!r} is not a #rrggbb colour")
    return color


def _text(value: str, what: str, *, lines: bool = False) -> str:
    """A label, description or memo as typed: no control characters (a memo may hold
    line breaks and tabs); the codebook is shown on terminals."""
    if not isinstance(value, str):
        raise CodebookError(f"a {what} must be text")
    allowed = "\n\t" if lines else ""
    if any(ch not in allowed and (ch < " " or not is_safe(ch)) for ch in value):
        raise CodebookError(f"the {what} holds a control character")
    return value if lines else value.strip()


def _keyed(codebook: Codebook, code: Code, keys: Sequence[str], reserved: Collection[str]) -> Code:
    """`code` with `keys`, checked against the reader's keys and the other codes'."""
    seen: list[str] = []
    for key in keys:
        if not isinstance(key, str) or len(key) != 1 or not key.isprintable() or key.isspace():
            raise CodebookError(f"key {key!r} must be one printable character")
        if key in seen:
            raise CodebookError(f"key {key!r} is listed twice")
        if key in reserved:
            raise CodebookError(f"key {key!r} is one of the reader's keys")
        other = codebook.by_key(key)
        if other is not None and other.id != code.id:
            raise CodebookError(f"key {key!r} is already used by {other.id!r}")
        seen.append(key)
    return replace(code, key=seen[0] if seen else "", alternate_keys=tuple(seen[1:]))

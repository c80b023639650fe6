"""Codebooks: the groups and codes an analyst tags with, loaded from TOML and validated.

A codebook file has a `name`, `[[groups]]` (id, label, exclusive) and `[[codes]]` (id,
label, key, color, description); a code without a key is tagged through the tag picker.
A code may give `keys = ["r", "к", "ق"]` instead of `key`: the first is its key, the
others the same key under other keyboard layouts (Russian, Persian), so an analyst
tags without switching layouts.
A code id is `group/code`, or `group/code/subcode/...` for a code nested under another
(its parent is the id without its last part, and must be a code too). A code may carry a
`memo` beside its `description`: the definition analysts write as they code. An
`[aliases]` table maps ids a code had before (a move, a nest, a merge) to its id now, so
a file or a colleague's export that still names the old id is read as the new one.
A code's `marker` (one character, one cell wide) is how screens show it without colour —
in the reader's gutter, beside its chips; a code without one gets a marker from its key or
label (`Codebook.marker`).
Every error names the line it is on and why it is wrong, because an analyst edits these
files by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.errors import CodebookError
from annotations.safe_text import is_safe
from annotations.text_units import cell_width

if TYPE_CHECKING:
    import tomllib

# The files that ship with Gloss (the default codebook).
DATA_FOLDER = Path(__file__).with_name("data")

_CODE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)+$")
_GROUP_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True, slots=True)
class Group:
    """A set of codes; in an exclusive group an annotation carries at most one of them."""

    id: str
    label: str
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class Code:
    """One tag an annotation can carry; `key` is "" for a code without a key, and
    `alternate_keys` the same key under other keyboard layouts. `description` says what
    the code covers; `memo` is the analysts' running note on it."""

    id: str
    label: str
    key: str
    color: str
    description: str = ""
    alternate_keys: tuple[str, ...] = ()
    memo: str = ""
    marker: str = ""  # as the codebook gives it; `Codebook.marker` fills in a default

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key that toggles this code: its key first, then the alternates."""
        return (self.key, *self.alternate_keys) if self.key else ()

    @property
    def group(self) -> str:
        """The id of the group this code belongs to (before the slash)."""
        return self.id.split("/", 1)[0]

    @property
    def parent(self) -> str | None:
        """The id of the code this one is nested under, or None for a code of the group."""
        head, _, _ = self.id.rpartition("/")
        return head if "/" in head else None

    @property
    def name(self) -> str:
        """The last part of the id (`air-power` of `interest/military/air-power`)."""
        return self.id.rpartition("/")[2]

    @property
    def depth(self) -> int:
        """0 for a code of its group, 1 for one nested under it, and so on."""
        return self.id.count("/") - 1


@dataclass(frozen=True)
class Codebook:
    """A named, ordered set of groups and codes, and the ids codes had before (`aliases`:
    pairs of old id and id now)."""

    name: str
    groups: tuple[Group, ...]
    codes: tuple[Code, ...]
    aliases: tuple[tuple[str, str], ...] = ()

    @classmethod
    def default(cls) -> Codebook:
        """The codebook that ships with Gloss (docs/architecture.md, Codebook)."""
        # Beside this module, not through `importlib.resources`, which loads zipfile (3 ms
        # of every launch) to find a file that is never in a zip.
        resource = DATA_FOLDER / "codebook.toml"
        return cls.from_toml(resource.read_text(encoding="utf-8"), source="default codebook")

    @classmethod
    def load(cls, path: str | Path, *, reserved: Collection[str] = ()) -> Codebook:
        """Read and validate a codebook file; `CodebookError` names the line and reason.
        `reserved`: keys a code may not take (the reader's own, as the interface says)."""
        path = Path(path)
        if path.exists() and not path.is_dir() and not path.is_file():
            # A FIFO would wait for a writer for ever, /dev/zero never end.
            raise CodebookError(f"{path}: is not a regular file")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CodebookError(f"{path}: no such codebook file") from None
        except IsADirectoryError:
            raise CodebookError(f"{path}: is a folder, not a codebook file") from None
        except UnicodeDecodeError:
            raise CodebookError(f"{path}: not UTF-8 text") from None
        except OSError as error:
            raise CodebookError(f"{path}: cannot be read ({error.strerror})") from None
        return cls.from_toml(text, source=str(path), reserved=reserved)

    @classmethod
    def from_toml(
        cls, text: str, *, source: str = "codebook", reserved: Collection[str] = ()
    ) -> Codebook:
        """Parse and validate codebook TOML; no code may take a key in `reserved`."""
        # Loaded here, not with this module: a store's own codebook is read from its
        # record, and a start on such a store reads no TOML at all.
        import tomllib

        # A byte order mark (some Windows editors write one) is not part of the TOML.
        text = text.removeprefix("\ufeff")
        try:
            data = tomllib.loads(text)
            return _validate(data, _LineFinder(text), source, frozenset(reserved))
        except tomllib.TOMLDecodeError as error:
            raise CodebookError(_toml_error_message(source, error)) from None
        except RecursionError:
            # tomllib (and a repr of what it read) recurse once per level of nesting.
            raise CodebookError(f"{source}: arrays or tables nested too deeply") from None

    @classmethod
    def from_data(cls, data: Any, *, source: str = "codebook") -> Codebook:
        """A codebook from `to_data()`'s shape (as the store keeps it), validated as a
        file would be; `CodebookError` says what is wrong."""
        if not isinstance(data, dict):
            raise CodebookError(f"{source}: not a codebook record")
        return _validate(data, _LineFinder(""), source, frozenset())

    def to_data(self) -> dict[str, Any]:
        """The codebook as plain data (what the TOML file holds), for the store."""
        data: dict[str, Any] = {
            "name": self.name,
            "groups": [
                {"id": g.id, "label": g.label, "exclusive": g.exclusive} for g in self.groups
            ],
            "codes": [_code_data(code) for code in self.codes],
        }
        if self.aliases:
            data["aliases"] = dict(self.aliases)
        return data

    # -- look-ups ----------------------------------------------------------------------

    def code(self, code_id: str) -> Code | None:
        """The code with this id (`group/code`), or None."""
        return self._by_id.get(code_id)

    def by_key(self, key: str) -> Code | None:
        """The code toggled by this key, or None."""
        return self._by_key.get(key)

    def group(self, group_id: str) -> Group | None:
        """The group with this id, or None."""
        return next((g for g in self.groups if g.id == group_id), None)

    def codes_in(self, group_id: str) -> list[Code]:
        """The codes of one group, in codebook order."""
        return [code for code in self.codes if code.group == group_id]

    def children(self, code_id: str) -> list[Code]:
        """The codes nested directly under `code_id`, in codebook order."""
        return [code for code in self.codes if code.parent == code_id]

    def descendants(self, code_id: str) -> list[Code]:
        """Every code nested under `code_id`, at any depth, in codebook order."""
        return [code for code in self.codes if code.id.startswith(code_id + "/")]

    def ancestors(self, code_id: str) -> list[str]:
        """The ids `code_id` is nested under, nearest first (none for a group's code)."""
        found = []
        head = code_id.rpartition("/")[0]
        while "/" in head:
            found.append(head)
            head = head.rpartition("/")[0]
        return found

    def resolve(self, tag: str) -> str:
        """The id a tag names now: an old id (moved, nested, merged) as its alias says."""
        seen = {tag}
        while tag in self._aliases and self._aliases[tag] not in seen:
            tag = self._aliases[tag]
            seen.add(tag)
        return tag

    def color(self, code_id: str, default: str = "#888888") -> str:
        """The colour of a code (`default` for a code the codebook does not know)."""
        code = self._by_id.get(code_id)
        return code.color if code else default

    def marker(self, code_id: str) -> str:
        """The one-cell sign screens show for a code beside or instead of its colour: the
        codebook's `marker`, else the first of its key, its label's and its id's letters
        that no other code shows, else a digit; "?" for a code the codebook does not know."""
        return self._markers.get(code_id, "?")

    @cached_property
    def _markers(self) -> dict[str, str]:
        return default_markers(self.codes)

    def toggle(self, tags: tuple[str, ...] | list[str], code_id: str) -> tuple[str, ...]:
        """The tags after toggling `code_id`: off if present, else on (replacing the other
        code of an exclusive group), kept in codebook order."""
        current = list(tags)
        if code_id in current:
            current.remove(code_id)
        else:
            group = self.group(code_id.split("/", 1)[0])
            if group is not None and group.exclusive:
                current = [tag for tag in current if not tag.startswith(group.id + "/")]
            current.append(code_id)
        return self.ordered(current)

    def ordered(self, tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Tags in codebook order; tags the codebook does not know come last, sorted."""
        order = {code.id: index for index, code in enumerate(self.codes)}
        return tuple(sorted(set(tags), key=lambda tag: (order.get(tag, len(order)), tag)))

    @cached_property
    def _by_id(self) -> dict[str, Code]:
        return {code.id: code for code in self.codes}

    @cached_property
    def _aliases(self) -> dict[str, str]:
        return dict(self.aliases)

    @cached_property
    def _by_key(self) -> dict[str, Code]:
        return {key: code for code in self.codes for key in code.keys}

    def to_toml(self) -> str:
        """The codebook as TOML that `from_toml` reads back."""
        lines = [f"name = {_toml_string(self.name)}", ""]
        for group in self.groups:
            lines += [
                "[[groups]]",
                f"id = {_toml_string(group.id)}",
                f"label = {_toml_string(group.label)}",
                f"exclusive = {'true' if group.exclusive else 'false'}",
                "",
            ]
        for code in self.codes:
            lines += [
                "[[codes]]",
                f"id = {_toml_string(code.id)}",
                f"label = {_toml_string(code.label)}",
                *_toml_keys(code),
                f"color = {_toml_string(code.color)}",
                *([f"marker = {_toml_string(code.marker)}"] if code.marker else []),
                f"description = {_toml_string(code.description)}",
                *([f"memo = {_toml_string(code.memo)}"] if code.memo else []),
                "",
            ]
        if self.aliases:
            lines.append("[aliases]")
            lines += [f"{_toml_string(old)} = {_toml_string(new)}" for old, new in self.aliases]
            lines.append("")
        return "\n".join(lines)


def _code_data(code: Code) -> dict[str, Any]:
    data: dict[str, Any] = {"id": code.id, "label": code.label}
    if code.keys:
        data["keys"] = list(code.keys)
    data.update(color=code.color, description=code.description)
    if code.memo:
        data["memo"] = code.memo
    if code.marker:
        data["marker"] = code.marker
    return data


# Markers for codes whose key and names are all taken; past these (a codebook of more than
# about 130 codes) a code shows "*" and its colour and label tell it apart.
_SPARE_MARKERS = (
    "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+#%&=~^ΓΔΘΛΞΠΣΦΨΩαβγδεζηθλμξπσφψω"
)


def default_markers(codes: Collection[Code]) -> dict[str, str]:
    """Every code's marker: its own where it has one, else the first free candidate of
    its key (upper case), its label's letters, its id's and then spare signs, so that no
    two codes show the same marker."""
    taken = {code.marker for code in codes if code.marker}
    markers: dict[str, str] = {}
    for code in codes:
        if code.marker:
            markers[code.id] = code.marker
            continue
        name = code.id.rsplit("/", 1)[-1]
        candidates = (
            code.key.upper(),
            *code.label.upper(),
            *name.upper(),
            *_SPARE_MARKERS,
        )
        marker = next((c for c in candidates if _is_marker(c) and c not in taken), "*")
        taken.add(marker)
        markers[code.id] = marker
    return markers


def _is_marker(text: str) -> bool:
    """One visible character, one terminal cell wide."""
    return len(text) == 1 and text.isprintable() and not text.isspace() and cell_width(text) == 1


def with_ancestors(tags: Iterable[str]) -> set[str]:
    """The tags and every code they are nested under (`interest/military/air-power` also
    counts as `interest/military`): how counts and matrices roll up to parents."""
    rolled = set(tags)
    for tag in [t for t in rolled if t.count("/") > 1]:
        head = tag.rpartition("/")[0]
        while "/" in head:
            rolled.add(head)
            head = head.rpartition("/")[0]
    return rolled


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


def _toml_error_message(source: str, error: tomllib.TOMLDecodeError) -> str:
    """`source, line N: reason` from tomllib's "Reason (at line N, column M)"."""
    message = str(error)
    position = _TOML_POSITION.search(message)
    if position is None:
        return f"{source}: {message}"
    reason = message[: position.start()]
    reason = reason[:1].lower() + reason[1:]
    if reason.startswith("cannot overwrite a value"):
        reason += " (a key is given twice)"
    where = f"line {position.group(1)}" if position.group(1) else "at the end"
    return f"{source}, {where}: {reason}"


def _toml_keys(code: Code) -> list[str]:
    """The `key` line of a code, `keys = [...]` when it has alternates, none without."""
    if code.alternate_keys:
        return [f"keys = [{', '.join(_toml_string(key) for key in code.keys)}]"]
    return [f"key = {_toml_string(code.key)}"] if code.key else []


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    # Controls (C0, DEL, C1) and invisible reordering characters as \uXXXX escapes: TOML
    # reads them back as they were, and the file is safe to print on a terminal.
    escaped = "".join(f"\\u{ord(ch):04x}" if ch < " " or not is_safe(ch) else ch for ch in escaped)
    return f'"{escaped}"'


class _LineFinder:
    """Finds the line of the n-th `[[codes]]` / `[[groups]]` table and of keys inside it."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # The line of every `[[header]]`, found in one pass: looking each table up from the
        # top made checking a codebook of 5,000 codes take half a minute.
        self._tables: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines, start=1):
            if line.lstrip().startswith("[["):
                header = line.strip().replace(" ", "")
                if header.endswith("]]"):
                    self._tables.setdefault(header[2:-2], []).append(number)

    def table_line(self, header: str, index: int) -> int:
        lines = self._tables.get(header, [])
        return lines[index] if index < len(lines) else 1

    def top_level_line(self, key: str) -> int:
        """The line of a key outside any table, or of a table `[key]` / `[[key]]`."""
        assignment = re.compile(rf"^\s*{re.escape(key)}\s*=")
        in_table = False
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                if stripped.strip("[] ") == key:
                    return number
                in_table = True
            elif not in_table and assignment.match(line):
                return number
        return 1

    def field_line(self, header: str, index: int, field: str) -> int:
        start = self.table_line(header, index)
        pattern = re.compile(rf"^\s*{re.escape(field)}\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if line.strip().startswith("["):
                break
            if pattern.match(line):
                return number
        return start


_TOP_LEVEL_FIELDS = ("name", "groups", "codes", "aliases")
_GROUP_FIELDS = ("id", "label", "exclusive")
_CODE_FIELDS = ("id", "label", "key", "keys", "color", "marker", "description", "memo")


def _check_fields(
    raw: object,
    known: tuple[str, ...],
    kind: str,
    fail: Callable[[int, str], CodebookError],
    line: int,
    field_line: Callable[[str], int],
) -> None:
    """A group or code must be a table with only the fields we know (a typo is an error)."""
    if not isinstance(raw, dict):
        raise fail(line, f"each {kind} must be a table ([[{kind}s]]), not {raw!r}")
    unknown = [name for name in raw if name not in known]
    if unknown:
        raise fail(
            field_line(unknown[0]),
            f"unknown field {unknown[0]!r} in a {kind} (expected {', '.join(known)})",
        )


def _text_field(
    raw: dict[str, Any],
    name: str,
    default: str,
    fail: Callable[[int, str], CodebookError],
    field_line: Callable[[str], int],
) -> str:
    value = raw.get(name, default)
    if not isinstance(value, str):
        raise fail(field_line(name), f"{name} must be a string in quotes, not {value!r}")
    return value


def _code_keys(
    raw: dict[str, Any],
    code_id: str,
    field_line: Callable[[str], int],
    fail: Callable[[int, str], CodebookError],
) -> list[tuple[str, int]]:
    """A code's keys (`key = "r"`, or `keys = ["r", "к"]`) with the line each is on."""
    if "key" in raw and "keys" in raw:
        raise fail(field_line("keys"), f"code {code_id!r}: give key or keys, not both")
    field = "keys" if "keys" in raw else "key"
    line = field_line(field)
    if field == "keys":
        keys = raw["keys"]
        if not isinstance(keys, list) or not keys:
            raise fail(line, f'code {code_id!r}: keys must be a list such as ["r", "к"]')
    else:
        keys = [raw["key"]] if raw.get("key", "") != "" else []
    for key in keys:
        if not isinstance(key, str) or len(key) != 1 or not key.isprintable() or key.isspace():
            raise fail(line, f"code {code_id!r}: key must be one printable character")
    seen = set()
    for key in keys:
        if key in seen:
            raise fail(line, f"code {code_id!r}: key {key!r} is listed twice")
        seen.add(key)
    return [(key, line) for key in keys]


def _validate(
    data: dict[str, Any], where: _LineFinder, source: str, reserved: frozenset[str]
) -> Codebook:
    def fail(line: int, reason: str) -> CodebookError:
        if not where.lines:  # data, not a file (`from_data`): there is no line to name
            return CodebookError(f"{source}: {reason}")
        return CodebookError(f"{source}, line {line}: {reason}")

    unknown = [key for key in data if key not in _TOP_LEVEL_FIELDS]
    if unknown:
        # A typo ("nmae") would otherwise be dropped without a word.
        raise fail(
            where.top_level_line(unknown[0]),
            f"unknown field {unknown[0]!r} at the top (expected {', '.join(_TOP_LEVEL_FIELDS)})",
        )
    name = data.get("name", "Codebook")
    if not isinstance(name, str):
        raise fail(1, "name must be a string")
    raw_groups = data.get("groups", [])
    raw_codes = data.get("codes", [])
    if not isinstance(raw_groups, list) or not isinstance(raw_codes, list):
        raise fail(1, "groups and codes must be arrays of tables ([[groups]], [[codes]])")
    if not raw_codes:
        raise fail(1, "the codebook has no codes")

    groups: list[Group] = []
    group_ids: set[str] = set()
    for index, raw in enumerate(raw_groups):
        line = where.table_line("groups", index)
        _check_fields(
            raw, _GROUP_FIELDS, "group", fail, line, partial(where.field_line, "groups", index)
        )
        group_id = raw.get("id")
        if not isinstance(group_id, str) or not _GROUP_ID.match(group_id):
            raise fail(line, f"group id {group_id!r} must be lower-case letters, digits, - or _")
        if group_id in group_ids:
            raise fail(line, f"group {group_id!r} is defined twice")
        exclusive = raw.get("exclusive", False)
        if not isinstance(exclusive, bool):
            raise fail(
                where.field_line("groups", index, "exclusive"), "exclusive must be true or false"
            )
        label = _text_field(
            raw, "label", group_id, fail, partial(where.field_line, "groups", index)
        )
        groups.append(Group(group_id, label, exclusive))
        group_ids.add(group_id)

    codes: list[Code] = []
    code_ids: set[str] = set()
    code_by_key: dict[str, str] = {}
    code_by_marker: dict[str, str] = {}
    for index, raw in enumerate(raw_codes):
        line = where.table_line("codes", index)
        _check_fields(
            raw, _CODE_FIELDS, "code", fail, line, partial(where.field_line, "codes", index)
        )
        code_id = raw.get("id")
        if not isinstance(code_id, str) or not _CODE_ID.match(code_id):
            raise fail(
                line, f"code id {code_id!r} must be 'group/code' (or 'group/code/sub'), lower case"
            )
        if code_id in code_ids:
            raise fail(line, f"code {code_id!r} is defined twice")
        group_id = code_id.split("/", 1)[0]
        if group_id not in group_ids:
            raise fail(line, f"code {code_id!r} names unknown group {group_id!r}")
        # A code may have no key (an imported codebook with more codes than free keys):
        # it is then tagged through the tag picker only.
        code_keys = _code_keys(raw, code_id, partial(where.field_line, "codes", index), fail)
        for key, key_line in code_keys:
            if key in reserved:
                raise fail(key_line, f"code {code_id!r}: key {key!r} is one of the reader's keys")
            clash = code_by_key.get(key)
            if clash is not None:
                raise fail(key_line, f"code {code_id!r}: key {key!r} is already used by {clash!r}")
            code_by_key[key] = code_id
        color = raw.get("color", "#888888")
        if not isinstance(color, str) or not _COLOUR.match(color):
            raise fail(
                where.field_line("codes", index, "color"),
                f"code {code_id!r}: color {color!r} is not a #rrggbb colour",
            )
        field_line = partial(where.field_line, "codes", index)
        label = _text_field(raw, "label", code_id.rpartition("/")[2], fail, field_line)
        description = _text_field(raw, "description", "", fail, field_line)
        memo = _text_field(raw, "memo", "", fail, field_line)
        marker = _text_field(raw, "marker", "", fail, field_line)
        if marker:
            if not _is_marker(marker):
                raise fail(
                    field_line("marker"),
                    f"code {code_id!r}: marker {marker!r} must be one character one cell wide",
                )
            clash = code_by_marker.setdefault(marker, code_id)
            if clash != code_id:
                raise fail(
                    field_line("marker"),
                    f"code {code_id!r}: marker {marker!r} is already used by {clash!r}",
                )
        keys = [key for key, _ in code_keys]
        first_key = keys[0] if keys else ""
        codes.append(
            Code(code_id, label, first_key, color, description, tuple(keys[1:]), memo, marker)
        )
        code_ids.add(code_id)
    for index, code in enumerate(codes):
        if code.parent is not None and code.parent not in code_ids:
            raise fail(
                where.table_line("codes", index),
                f"code {code.id!r} is nested under {code.parent!r}, which is not a code",
            )
    aliases = _aliases(data.get("aliases", {}), code_ids, where, fail)
    return Codebook(name=name, groups=tuple(groups), codes=tuple(codes), aliases=aliases)


def _aliases(
    raw: Any, code_ids: set[str], where: _LineFinder, fail: Callable[[int, str], CodebookError]
) -> tuple[tuple[str, str], ...]:
    """`[aliases]`: old id = id now; an old id is no code now, and each leads to one."""
    line = where.top_level_line("aliases")
    if not isinstance(raw, dict):
        raise fail(line, 'aliases must be a table such as [aliases] "actor/rf" = "actor/russia"')
    pairs = []
    for old, new in raw.items():
        if not isinstance(new, str) or not _CODE_ID.match(old) or not _CODE_ID.match(new):
            raise fail(line, f"alias {old!r} = {new!r} must map a code id to a code id")
        if old in code_ids:
            raise fail(line, f"alias {old!r} is a code of the codebook, not an old id")
        pairs.append((old, new))
    targets = dict(pairs)
    for old, _ in pairs:
        seen, tag = {old}, old
        while tag in targets:
            tag = targets[tag]
            if tag in seen:
                raise fail(line, f"aliases go round in a circle from {old!r}")
            seen.add(tag)
        if tag not in code_ids:
            raise fail(line, f"alias {old!r} leads to {tag!r}, which is not a code")
    return tuple(pairs)

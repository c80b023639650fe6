"""Checking, repairing and restoring a store (what `gloss doctor` runs).

Nothing here changes the store's own files except `restore`, which first moves them
aside (they stay a loadable pair under a new name). `repair` writes what it can read
into a new file beside the store and never over it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.document import Document
from annotations.errors import GlossError, StoreError
from annotations.journal import (
    Header,
    Operation,
    decode_line,
    is_whole_line,
    iter_lines,
    parse_header,
    parse_operations,
)
from annotations.model import Annotation
from annotations.storage import (
    ANNOTATIONS_PREFIX,
    DOCUMENTS_TABLE,
    META_TABLE,
    SCHEMA_VERSION,
    TEXTS_TABLE,
    SnapshotInfo,
    Tables,
    check_layout,
    checksum_problem,
    document_record,
    encode_snapshot,
    fsync_directory,
    journal_path,
    list_backups,
    load_json,
    lock_path,
    migrate,
    new_generation,
    read_document,
    read_record,
    read_regular_file,
    read_snapshot,
    replace_file,
    schema_of,
    snapshot_info,
    text_record,
    utc_stamp,
    write_temporary,
)
from annotations.text_files import missing_text_files, share_text_files, text_folder

Progress = Callable[[int, int], None]
BYTE_ORDER_MARK = b"\xef\xbb\xbf"


@dataclass
class Diagnosis:
    """What `check` found: plain lines, and whether any of them is a problem."""

    lines: list[str] = field(default_factory=list)
    problems: int = 0

    def ok(self, line: str) -> None:
        self.lines.append(f"ok       {line}")

    def note(self, line: str) -> None:
        self.lines.append(f"note     {line}")

    def problem(self, line: str) -> None:
        self.problems += 1
        self.lines.append(f"PROBLEM  {line}")

    @property
    def healthy(self) -> bool:
        return self.problems == 0


@dataclass(frozen=True)
class Repair:
    """What `repair` wrote and what it had to leave out."""

    path: Path
    documents: int
    annotations: int
    notes: list[str]


# -- check -------------------------------------------------------------------------------


def check(path: Path, progress: Progress | None = None) -> Diagnosis:
    """Look at every file of the store at `path` and say what is wrong, in plain lines."""
    diagnosis = Diagnosis()
    step = _stepper(progress, 4)
    tables: Tables | None = None
    if not path.exists():
        diagnosis.problem(f"{path}: no store file here")
    else:
        try:
            tables = read_snapshot(path)
        except StoreError as error:
            diagnosis.problem(str(error).split("; it was left")[0])
        else:
            if tables is None:
                diagnosis.problem(f"{path}: the file is empty")
            else:
                schema = schema_of(tables)
                diagnosis.ok(f"{path}: a Gloss store, schema {schema}")
                if schema is not None and schema < SCHEMA_VERSION:
                    diagnosis.note(
                        f"an older layout (schema {schema}): migrated to schema "
                        f"{SCHEMA_VERSION} when Gloss next opens it"
                    )
    step()
    _check_journal(path, tables, diagnosis)
    step()
    if tables is not None:
        merged = dict(tables)
        with contextlib.suppress(GlossError, OSError, ValueError):
            merged = _with_journal(path, tables, [])[0]
        _check_records(merged, diagnosis, path)
    step()
    backups = list_backups(path)
    if backups:
        diagnosis.note(
            f"{len(backups)} backup(s) — restore one with 'gloss doctor --restore NAME':"
        )
        for backup in reversed(backups):
            size = backup.stat().st_size
            diagnosis.lines.append(f"           {backup.name}  ({size:,} bytes)")
    else:
        diagnosis.note("no backups yet (one is kept each time the journal is compacted)")
    step()
    if not diagnosis.healthy:
        diagnosis.lines.append(
            "To recover what can be read into a new file beside the store: gloss doctor --repair"
        )
    return diagnosis


def _check_journal(path: Path, tables: Tables | None, diagnosis: Diagnosis) -> None:
    journal = journal_path(path)
    if not journal.exists():
        if tables is not None and schema_of(tables) != 1:
            diagnosis.note(f"{journal}: no journal (made at the next save)")
        return
    try:
        raw = read_regular_file(journal, "journal") or b""
    except StoreError as error:
        diagnosis.problem(str(error))
        return
    newline = raw.find(b"\n")
    try:
        header = parse_header(raw[:newline] if newline >= 0 else raw)
    except ValueError as error:
        diagnosis.problem(f"{journal}: not a readable Gloss journal ({error})")
        return
    if tables is not None:
        info = snapshot_info(tables)
        if header.generation == info.generation:
            pass
        elif header.generation == info.parent:
            diagnosis.note(f"{journal}: left over from an interrupted compaction (harmless)")
        elif schema_of(tables) == 1:
            diagnosis.problem(
                f"{path}: its header says first-release layout, which kept no journal, but "
                f"{journal.name} is beside it: the header is damaged"
            )
        else:
            diagnosis.problem(f"{journal}: {_other_generation(header.generation, info)}")
    entries = damaged = 0
    end = newline + 1
    for line_end, line in iter_lines(raw[end:], end):
        try:
            parse_operations(decode_line(line))
            entries += 1
        except ValueError as error:
            damaged += 1
            diagnosis.problem(
                f"{journal}: damaged entry at byte {line_end - len(line) - 1} ({error})"
            )
        end = line_end
    diagnosis.ok(f"{journal}: {entries} save(s) since the last compaction")
    if len(raw) > end and is_whole_line(raw[end:]):
        diagnosis.problem(
            f"{journal}: the save at byte {end} lacks its newline (damage); --repair applies it"
        )
    elif len(raw) > end:
        diagnosis.note(
            f"{journal}: an unfinished last save ({len(raw) - end} bytes, a crash mid-write; "
            "it was never acknowledged and is cut at the next save)"
        )


def _check_records(tables: Tables, diagnosis: Diagnosis, path: Path) -> None:
    documents = bad_documents = annotations = bad_annotations = orphans = 0
    known: set[str] = set()
    texts = tables.get(TEXTS_TABLE, {})
    for key, record in tables.get(DOCUMENTS_TABLE, {}).items():
        try:
            document = read_document(key, record, texts, path)
        except (GlossError, ValueError, KeyError, TypeError, AttributeError) as error:
            bad_documents += 1
            diagnosis.problem(f"document {key}: unreadable ({error})")
            continue
        documents += 1
        known.add(document.id)
    for name, table in tables.items():
        if not name.startswith(ANNOTATIONS_PREFIX):
            continue
        owner = name[len(ANNOTATIONS_PREFIX) :]
        if owner not in known and table:
            orphans += len(table)
        for key in table:
            try:
                Annotation.from_record(read_record(table, key))
                annotations += 1
            except (ValueError, KeyError, TypeError, AttributeError):
                bad_annotations += 1
    diagnosis.ok(f"{documents:,} document(s), {annotations:,} annotation(s)")
    if bad_annotations:
        diagnosis.problem(f"{bad_annotations:,} annotation record(s) cannot be read")
    if orphans:
        diagnosis.problem(f"{orphans:,} annotation(s) belong to no stored document")


# -- repair ------------------------------------------------------------------------------


def repair(path: Path, progress: Progress | None = None) -> Repair:
    """Write everything that can be read from the store at `path` into a new file beside it.

    The store's own files are not changed. Raises `StoreError` when nothing is readable.
    """
    notes: list[str] = []
    step = _stepper(progress, 3)
    tables = _salvage_snapshot(path, notes)
    step()
    tables, applied = _with_journal(path, tables, notes, tolerant=True)
    if applied:
        notes.append(f"{applied} journal save(s) applied")
    step()
    tables, documents, annotations = _keep_readable(migrate(tables), notes, path)
    if not documents and not annotations:
        raise StoreError(f"{path}: nothing could be recovered from it")
    target = path.with_name(f"{path.stem}.recovered-{utc_stamp()}{path.suffix or '.json'}")
    info = SnapshotInfo(new_generation(), None, 0)
    try:
        replace_file(target, encode_snapshot(tables, info))
    except OSError as error:
        raise StoreError(
            f"{target}: cannot write the recovered store ({_reason(error)}); {path} was not changed"
        ) from None
    step()
    return Repair(target, documents, annotations, notes)


def _salvage_snapshot(path: Path, notes: list[str]) -> Tables:
    raw = read_regular_file(path)
    if raw is None:
        notes.append(f"{path}: missing; recovering from the journal only")
        return {}
    if raw.startswith(BYTE_ORDER_MARK):
        raw = raw[len(BYTE_ORDER_MARK) :]
        notes.append(f"{path}: a byte-order mark before the snapshot (an editor's); read past it")
    try:
        tables = load_json(raw)
        check_layout(path, tables)
        problem = checksum_problem(raw, tables)
        if problem:
            notes.append(f"{path}: {problem}; its records were read as they are — check them")
        return tables
    except StoreError as error:
        if not _is_tables(tables):
            raise StoreError(f"{path}: {str(error).split(': ', 1)[1]}") from None
        return _without_header(path, tables, notes)
    except (UnicodeDecodeError, json.JSONDecodeError):
        pass
    tables, complete = salvage_tables(raw.decode("utf-8", errors="replace"))
    count = sum(len(t) for t in tables.values())
    notes.append(
        f"{path}: damaged; read {count:,} record(s) in {len(tables)} table(s) "
        + ("before the damage" if not complete else "around the damage")
    )
    if tables and schema_of(tables) is None and META_TABLE not in tables:
        tables[META_TABLE] = {"schema": {"schema": 1}}
    return tables


def _is_tables(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(table, dict) and all(isinstance(r, dict) for r in table.values())
        for table in data.values()
    )


def _without_header(path: Path, tables: Tables, notes: list[str]) -> Tables:
    """Tables whose `meta` is damaged, with a plain header of the layout their records
    have (a `texts` table: the current one). The journal's saves are then applied from its
    start: whole records, in order, they end where the store ended."""
    count = sum(len(t) for name, t in tables.items() if name != META_TABLE)
    notes.append(f"{path}: damaged header; read its {count:,} record(s) as they are")
    tables = dict(tables)
    schema = SCHEMA_VERSION if TEXTS_TABLE in tables else 2
    tables[META_TABLE] = {"schema": {"schema": schema}}
    return tables


def salvage_tables(text: str) -> tuple[Tables, bool]:
    """Read a TinyDB JSON file record by record up to the first damage.

    Returns the tables read and whether the whole file was read.
    """
    decoder = json.JSONDecoder()
    tables: Tables = {}
    position = _skip(text, 0)
    try:
        if text[position] != "{":
            return tables, False
        position += 1
        while True:
            position = _skip(text, position)
            if text[position] == "}":
                return tables, True
            if text[position] == ",":
                position = _skip(text, position + 1)
            name, position = decoder.raw_decode(text, position)
            position = _expect(text, position, ":")
            position = _expect(text, position, "{")
            table = tables.setdefault(str(name), {})
            while True:
                position = _skip(text, position)
                if text[position] == "}":
                    position += 1
                    break
                if text[position] == ",":
                    position = _skip(text, position + 1)
                key, position = decoder.raw_decode(text, position)
                position = _expect(text, position, ":")
                record, position = decoder.raw_decode(text, _skip(text, position))
                if isinstance(record, dict):
                    table[str(key)] = record
    except (ValueError, IndexError):
        return tables, False


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _expect(text: str, position: int, character: str) -> int:
    position = _skip(text, position)
    if text[position] != character:
        raise ValueError(f"expected {character!r}")
    return position + 1


def _with_journal(
    path: Path, tables: Tables, notes: list[str], *, tolerant: bool = False
) -> tuple[Tables, int]:
    """`tables` with the journal's saves applied (skipping damaged lines when tolerant)."""
    journal = journal_path(path)
    try:
        raw = read_regular_file(journal, "journal")
    except StoreError as error:
        notes.append(f"{error}; its saves were not applied")
        return tables, 0
    if raw is None:
        return tables, 0
    newline = raw.find(b"\n")
    decode = _decode_tolerantly if tolerant else decode_line
    info = snapshot_info(tables)
    start = newline + 1
    try:
        header = parse_header(raw[:newline] if newline >= 0 else raw)
    except ValueError:
        if not tolerant or newline < 0:
            notes.append(f"{journal}: unreadable header; its saves were not applied")
            return tables, 0
        # Each save is whole records in order: applied to the snapshot, they end where
        # the store ended, whatever generation the damaged header named.
        notes.append(f"{journal}: damaged header; its checksum-valid saves applied all the same")
    else:
        if info.generation is not None and header.generation != info.generation:
            if header.generation == info.parent:
                start = max(start, info.journal_offset)
            else:
                notes.append(f"{journal}: {_other_generation(header.generation, info)}")
                return tables, 0
    tables = {name: dict(table) for name, table in tables.items()}
    applied = 0
    for line_end, line in iter_lines(raw[start:], start):
        try:
            operations = parse_operations(decode(line))
        except ValueError:
            if not tolerant:
                raise
            notes.append(f"{journal}: skipped a damaged save at byte {line_end - len(line) - 1}")
            continue
        _apply(tables, operations)
        applied += 1
    tail = raw[raw.rfind(b"\n") + 1 :]
    if tolerant and is_whole_line(tail):
        for line in (tail, tail[:-1]):
            with contextlib.suppress(ValueError):
                _apply(tables, parse_operations(_decode_tolerantly(line)))
                applied += 1
                notes.append(f"{journal}: its last save had lost its newline; applied")
                break
    return tables, applied


def _apply(tables: Tables, operations: list[Operation]) -> None:
    for name, key, record in operations:
        table = tables.setdefault(name, {})
        if record is None:
            table.pop(key, None)
        else:
            table[key] = record


def _decode_tolerantly(line: bytes) -> Any:
    """A journal line as `decode_line` reads it, or as it was before an editor or a copy
    turned its line ending into CRLF."""
    try:
        return decode_line(line)
    except ValueError:
        if line.endswith(b"\r"):
            return decode_line(line[:-1])
        raise


def _other_generation(journal_generation: str, info: SnapshotInfo) -> str:
    return (
        f"its header names generation {journal_generation}, the snapshot is "
        f"{info.generation}: a journal of another copy of the store, or a damaged one; "
        "its saves were not applied"
    )


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno == errno.EROFS:
        return "the folder is read-only"
    return error.strerror or str(error)


def _keep_readable(tables: Tables, notes: list[str], path: Path) -> tuple[Tables, int, int]:
    """The readable records of `tables` (current schema): documents whose text is there
    (in the record, or in a text file beside the store at `path`) and matches their id,
    annotations that parse. Every other table (`meta`, `opened`, any a later Gloss adds)
    is carried over as it is. Texts are written into the records: the recovered store is
    a file of its own, with no text files beside it."""
    kept: Tables = dict(tables)
    kept[DOCUMENTS_TABLE], kept[TEXTS_TABLE] = {}, {}
    texts = tables.get(TEXTS_TABLE, {})
    dropped = 0
    for key, record in tables.get(DOCUMENTS_TABLE, {}).items():
        try:
            document = read_document(key, record, texts, path)
        except (GlossError, ValueError, KeyError, TypeError, AttributeError):
            dropped += 1
            continue
        # The record as it was (with any field a later Gloss added), unless misfiled.
        same = key == document.id
        kept[DOCUMENTS_TABLE][document.id] = (
            {name: value for name, value in record.items() if name != "text"}
            if same
            else document_record(document)
        )
        kept[TEXTS_TABLE][document.id] = text_record(document)
    rebuilt = 0
    for key, record in texts.items():
        # A text whose document record was lost: the document again, titled by its
        # first line (as a newly opened file would be), rather than its annotations lost.
        if key in kept[DOCUMENTS_TABLE] or not isinstance(record.get("text"), str):
            continue
        document = Document.from_text(record["text"])
        if document.id == key:
            kept[DOCUMENTS_TABLE][key] = document_record(document)
            kept[TEXTS_TABLE][key] = text_record(document)
            rebuilt += 1
    if rebuilt:
        notes.append(f"{rebuilt:,} document(s) rebuilt from their text (titled by its first line)")
    annotations = 0
    for name, table in tables.items():
        if not name.startswith(ANNOTATIONS_PREFIX):
            continue
        readable: dict[str, Any] = {}
        for key, record in table.items():
            try:
                Annotation.from_record(record)
            except (ValueError, KeyError, TypeError, AttributeError):
                dropped += 1
                continue
            readable[key] = record
        kept[name] = readable
        annotations += len(readable)
    if dropped:
        notes.append(f"left out {dropped:,} unreadable record(s)")
    return kept, len(kept[DOCUMENTS_TABLE]), annotations


# -- restore -----------------------------------------------------------------------------


def find_backup(path: Path, name: str) -> Path:
    """A backup by file name (or unique part of one), or a path to any snapshot file."""
    candidate = Path(name).expanduser()
    if candidate.is_file() and (os.sep in name or not list_backups(path)):
        return candidate
    matches = [b for b in list_backups(path) if name in b.name]
    if len(matches) == 1:
        return matches[0]
    if candidate.is_file():
        return candidate
    if not matches:
        raise StoreError(f"no backup {name!r} of {path} (run 'gloss doctor' to list them)")
    raise StoreError(f"{name!r} matches {len(matches)} backups of {path}; give more of the name")


def restore(path: Path, backup: Path) -> Path | None:
    """Make `backup` the store at `path`. The current files are first kept aside, as a
    pair that still opens as a store; returns where they went (None if there were none).

    A backup with a journal beside it (the original of a schema 2 store, kept when it
    was migrated) is restored with that journal's saves. Running copies of Gloss notice
    at their next refresh or save and reload.
    """
    tables = read_snapshot(backup)
    if tables is None:
        raise StoreError(f"{backup}: empty; nothing to restore")
    tables = migrate(_with_journal(backup, tables, [], tolerant=True)[0])
    try:
        # A store file from elsewhere brings its large texts (`text_files`) along.
        share_text_files(backup, path)
    except OSError as error:
        raise StoreError(
            f"{path}: cannot restore here ({_reason(error)}); nothing was changed"
        ) from None
    missing = missing_text_files(path, tables.get(TEXTS_TABLE, {}))
    if missing:
        raise StoreError(
            f"{backup}: the text file {missing[0]} it names is not in "
            f"{text_folder(path)}; nothing was changed"
        )
    try:
        descriptor = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        try:
            descriptor = os.open(lock_path(path), os.O_RDONLY)
        except OSError as error:
            raise StoreError(
                f"{path}: cannot restore here ({_reason(error)}); nothing was changed"
            ) from None
    written: list[Path] = []
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        # The new snapshot continues the current journal from its end (as a compaction
        # does), so a crash between the two renames reads as an interrupted compaction:
        # the restored tables, nothing of the old journal applied.
        parent, offset = _journal_generation_and_size(journal_path(path))
        generation = new_generation()
        info = SnapshotInfo(generation, parent, offset if parent else 0)
        # The new pair is written first: a full or read-only disk fails before anything
        # of the store was touched.
        written.append(write_temporary(path, encode_snapshot(tables, info)))
        written.append(write_temporary(journal_path(path), [Header(generation).encode()]))
        aside: Path | None = None
        if path.exists():
            # Kept by a second name (a link, else a copy), never moved away: a crash
            # midway leaves the store in place.
            aside = path.with_name(f"{path.stem}.replaced-{utc_stamp()}{path.suffix or '.json'}")
            _keep_as(path, aside)
            if journal_path(path).exists():
                _keep_as(journal_path(path), journal_path(aside))
            share_text_files(path, aside)
        os.replace(written[0], path)
        os.replace(written[1], journal_path(path))
        fsync_directory(path.parent)
        return aside
    except OSError as error:
        raise StoreError(
            f"{path}: could not restore {backup.name} ({_reason(error)}); the store was "
            "left as it was"
        ) from None
    finally:
        for temporary in written:
            with contextlib.suppress(OSError):
                temporary.unlink()
        os.close(descriptor)


def _journal_generation_and_size(journal: Path) -> tuple[str | None, int]:
    try:
        raw = read_regular_file(journal, "journal")
    except StoreError:
        return None, 0
    if not raw or b"\n" not in raw:
        return None, 0
    try:
        return parse_header(raw[: raw.index(b"\n")]).generation, len(raw)
    except ValueError:
        return None, 0


def _keep_as(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        os.replace(write_temporary(target, [source.read_bytes()]), target)


def _stepper(progress: Progress | None, total: int) -> Callable[[], None]:
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    return step


__all__ = ["Diagnosis", "Repair", "check", "find_backup", "repair", "restore", "salvage_tables"]

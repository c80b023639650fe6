"""The store's files on disk: the snapshot, its layout and schema, backups, and the TinyDB
storage that turns each TinyDB write into journal operations.

A snapshot is a plain TinyDB JSON file (tables -> key -> record). Its `meta` table holds
`schema` ({"schema": 5}) and `snapshot` (this file's generation, the generation it was
compacted from, the offset in that generation's journal where it stops, and a checksum).
The file is only ever replaced whole, atomically; its backups are copies.

Schemas: 1, the first release (one file rewritten on every save); 2 adds the snapshot
record that ties the file to its journal; 3 keeps each document's text in a `texts`
table of its own (document id -> {"text": ...}), written once when the document is added,
so that the document record — metadata only — can change without journalling the text;
4 writes the `meta` table last, its snapshot record holding `covers` (how many bytes
precede the table) and `checksum` (CRC-32 of those bytes and of the `meta` table without
the checksum, as `canonical_json` writes it), so that a changed byte anywhere is found;
5 keeps a converted source's structure (page of each paragraph, page labels, headings:
`annotations.structure`) beside its text in `texts`, written once with it, where
documents converted before it held it in their record; 6 keeps a large text (a million
characters or more) in a file of its own beside the store, `PATH.texts/<hex>.txt`, its
`texts` record naming it (`{"file": "<hex>.txt"}`; see `annotations.text_files`): a
schema 5 store needs no change but its version, and an older Gloss must refuse a store
whose texts it would not find.

Reading: a snapshot's annotation records are kept as their JSON text (`msgspec.Raw`) and
read the first time they are asked for (`load_lazily`, `read_record`), their offsets read
beside them, so that opening a large store and drawing the first screen reads only the
records on it. msgspec writes such a record back as it is; `json` (`compact_json`'s
fallback) as its value.

Adding a schema step (what 4 did): raise `SCHEMA_VERSION`; in `migrate`, turn tables of
the previous schema into the new layout (in memory; the journal's saves of the old layout
are applied before it); teach `header_problem` the new meta fields if any. Opening then
reads an older store through `migrate`, and the first writer rewrites it (`Store`'s
`_migrate_with_journal`), keeping the original snapshot and journal as a backup pair
labelled `-schemaN` that is never rotated away.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from tinydb.storages import Storage

from annotations.document import Document
from annotations.errors import DocumentError, StoreError
from annotations.journal import Operation, compact_json, decode_raw, paused_gc

SCHEMA_VERSION = 6
CHECKSUM_SCHEMA = 4  # the first schema whose snapshot holds a checksum
FIRST_SCHEMA = 1
DOCUMENTS_TABLE = "documents"
TEXTS_TABLE = "texts"
META_TABLE = "meta"
ANNOTATIONS_PREFIX = "annotations:"
BACKUPS_KEPT = 5

Tables = dict[str, dict[str, Any]]


# -- paths -----------------------------------------------------------------------------


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def backup_folder(path: Path) -> Path:
    return path.with_name(path.name + ".backups")


def new_generation() -> str:
    return uuid.uuid4().hex[:16]


def utc_stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def doctor_hint(path: Path) -> str:
    return f"it was left untouched — run 'gloss doctor --db {path}' to check it"


# -- reading ---------------------------------------------------------------------------


def read_regular_file(path: Path, what: str = "store file") -> bytes | None:
    """The bytes of `path`; None when there is none. `StoreError` for anything that is not
    a regular file — a FIFO would wait for a writer for ever, /dev/zero never ends — and
    for a file that cannot be read."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a {what}") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise StoreError(f"{path}: is a folder, not a {what}")
        if not stat.S_ISREG(status.st_mode):
            raise StoreError(f"{path}: not a regular file, so not a {what}; it was left alone")
        chunks = []
        while chunk := os.read(descriptor, max(status.st_size, 1 << 16)):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
    finally:
        os.close(descriptor)


def read_snapshot(path: Path) -> Tables | None:
    """Read and check a snapshot; None when there is no file (or an empty one).

    Raises `StoreError` naming the file — and leaves it untouched — when it is damaged,
    foreign, written by a newer Gloss, or empty while backups of it are kept (then an
    empty file is damage, not a new store, and the newest backup is offered).
    """
    raw = read_regular_file(path)
    if raw is None:
        return None
    if not raw.strip():
        backups = list_backups(path)
        if backups:
            raise StoreError(
                f"{path}: the store file is empty, but {len(backups)} backup(s) of it are "
                f"kept — restore the newest with 'gloss doctor --db {path} --restore "
                f"{backups[-1].name}'"
            )
        return None
    data: Any = load_lazily(raw)
    if data is None:
        try:
            data = load_json(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StoreError(
                f"{path}: damaged or not a Gloss store ({describe_json_error(error)}); "
                + doctor_hint(path)
            ) from None
    check_layout(path, data)
    problem = checksum_problem(raw, data)
    if problem:
        raise StoreError(f"{path}: damaged ({problem}); " + doctor_hint(path))
    return data


def load_json(raw: bytes) -> Any:
    """Parse a store file, with the garbage collector paused (it would otherwise scan the
    growing heap again and again: a third of the time).

    msgspec's parser reads a store 2-2.5x faster than `json` (a 5 MB book with 10,000
    annotations: 22 ms, not 55) and gives the same values, big integers included. What
    it refuses but `json` reads (NaN, a lone surrogate escape) goes through `json`, which
    also reports what is wrong with a damaged file. Nesting too deep for either is a
    `JSONDecodeError` too, never a RecursionError.
    """
    # The tables live as long as the store: kept out of the collector's generations, or
    # its next collections walk every record again (10,000 annotations: 30-80 ms before
    # the reader's first frame). Parsed JSON holds no reference cycles.
    with paused_gc(keep=True):
        try:
            value = msgspec.json.decode(raw)
        except (msgspec.DecodeError, RecursionError):
            # Decoded first: `json.loads(bytes)` decodes with 'surrogatepass', which is slow.
            text = raw.decode("utf-8")
            try:
                value = json.loads(text)
            except RecursionError:
                raise json.JSONDecodeError("nested too deeply", text, 0) from None
        return value


class _Span(msgspec.Struct, gc=False):
    """The offsets of an annotation record, read without the rest of it: whatever they
    hold (a damaged record says what is wrong with it when it is read)."""

    start: Any = None
    end: Any = None


class SnapshotTables(dict[str, dict[str, Any]]):
    """The tables of a snapshot as `load_lazily` reads them: each annotation record kept
    as its JSON text (`msgspec.Raw`) until it is first read (`read_record`,
    `read_records`), and `spans`, table name -> key -> the offsets of each record so
    kept. A snapshot's records are never changed, only replaced, so the offsets of the
    `msgspec.Raw` at a key of a table are those of that very record for as long as these
    tables live (whatever writes and copies of the table came in between)."""

    __slots__ = ("spans",)

    def __init__(self) -> None:
        super().__init__()
        self.spans: dict[str, dict[str, _Span]] = {}


_RECORDS_AS_JSON = msgspec.json.Decoder(dict[str, dict[str, msgspec.Raw]])
_SPANS = msgspec.json.Decoder(dict[str, dict[str, _Span]])
_PLAIN = msgspec.json.Decoder()


def load_lazily(raw: bytes) -> SnapshotTables | None:
    """The tables of a snapshot of schema 4 on, each annotation record left as its JSON
    text until it is read; None for any other file, or one msgspec refuses, or one with a
    record that is not an object: `load_json` reads it whole and `check_layout` says what
    is wrong, as ever.

    Opening a store (and drawing the first screen) so reads only the records it shows:
    10,000 annotations (6 MB) are parsed into 140,000 objects in 25-35 ms; skimmed twice
    (each record's text, its offsets) they take 15 ms, a quarter fewer instructions, and
    make 20,000 objects the collector never walks. Only schema 4 on, whose checksum
    (checked after) vouches for every byte: each record then reads later as it would
    have now (a skim checks no UTF-8 inside strings).
    """
    with paused_gc(keep=True):
        try:
            tables = _RECORDS_AS_JSON.decode(raw)
            meta = {
                key: _PLAIN.decode(record) for key, record in tables.get(META_TABLE, {}).items()
            }
            schema = schema_of({META_TABLE: meta})
            if schema is None or not CHECKSUM_SCHEMA <= schema <= SCHEMA_VERSION:
                return None
            # The offsets of every record; and a record that is not an object is refused.
            spans = _SPANS.decode(raw)
            loaded = SnapshotTables()
            for name, table in tables.items():
                if name.startswith(ANNOTATIONS_PREFIX):
                    loaded[name] = table
                    loaded.spans[name] = spans[name]
                elif name == META_TABLE:
                    loaded[name] = meta
                else:
                    loaded[name] = {key: _PLAIN.decode(record) for key, record in table.items()}
        except (msgspec.DecodeError, RecursionError):
            return None
        return loaded


class UnreadableRecord(ValueError):
    """A record kept as its JSON text that does not read (`read_record`)."""

    def __init__(self, key: str, error: ValueError) -> None:
        super().__init__(f"{key}: {error}")
        self.key = key
        self.error = error


def read_record(table: dict[str, Any], key: str) -> Any:
    """The record at `key` of a table (None if there is none), read from its JSON text
    if it is still kept so, and kept read. `UnreadableRecord` if it does not read."""
    record = table.get(key)
    if type(record) is msgspec.Raw:
        try:
            record = table[key] = decode_raw(record)
        except ValueError as error:
            raise UnreadableRecord(key, error) from None
    return record


def read_records(table: dict[str, Any]) -> dict[str, Any]:
    """`table`, each of its records read (`read_record`): it is changed in place, a
    record replaced by its value, which a reader of it meanwhile sees as the same."""
    if msgspec.Raw in set(map(type, table.values())):
        # What is read lives as long as the tables: out of the collector's way.
        with paused_gc(keep=True):
            for key, record in table.items():
                if type(record) is msgspec.Raw:
                    read_record(table, key)
    return table


def record_spans(tables: Tables, name: str) -> dict[str, _Span] | None:
    """The offsets of the records of table `name` as `load_lazily` read them, by key:
    those of a record still kept as its JSON text are its own (see `SnapshotTables`).
    None when `tables` are not as it read them (a migration's copy)."""
    if isinstance(tables, SnapshotTables):
        return tables.spans.get(name, {})
    return None


def describe_json_error(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"invalid JSON at byte {error.pos}: {error.msg}"
    return "not UTF-8 text"


def check_layout(path: Path, data: Any) -> None:
    """A Gloss store: a dict of tables (dicts of dicts) whose `meta` table is exactly one
    this Gloss understands. Anything else is refused — never read as an older layout and
    migrated over, which would throw away the journal beside it."""
    # Records `load_lazily` keeps as their JSON text: each an object, it checked.
    lazy = data.spans if isinstance(data, SnapshotTables) else {}
    if not isinstance(data, dict) or not all(
        isinstance(table, dict)
        and (name in lazy or all(isinstance(r, dict) for r in table.values()))
        for name, table in data.items()
    ):
        raise StoreError(
            f"{path}: not a Gloss store (not a TinyDB file of tables); " + doctor_hint(path)
        )
    if not data:
        return
    meta = data.get(META_TABLE)
    schema = schema_of(data)
    if schema is None:
        if meta is None:
            raise StoreError(
                f"{path}: not a Gloss store (no schema version in its meta table); "
                + doctor_hint(path)
            )
        raise StoreError(f"{path}: damaged header (its schema record); " + doctor_hint(path))
    if schema > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer Gloss (store schema {schema}, this one reads up to "
            f"{SCHEMA_VERSION}); it was left untouched — upgrade Gloss to open it"
        )
    if schema < FIRST_SCHEMA:
        raise StoreError(f"{path}: unknown store schema {schema}; " + doctor_hint(path))
    problem = header_problem(data[META_TABLE], schema)
    if problem:
        raise StoreError(f"{path}: damaged header ({problem}); " + doctor_hint(path))


def _is_int(value: Any) -> bool:
    return type(value) is int  # not bool, not float


def header_problem(meta: dict[str, Any], schema: int) -> str | None:
    """What is wrong with a `meta` table of a known schema, or None if it is exactly right.

    Schema 1 has only the schema record; every later one has the snapshot record too, of
    the fields and types `encode_snapshot` writes.
    """
    expected = {"schema"} if schema == FIRST_SCHEMA else {"schema", "snapshot"}
    if meta.keys() != expected:
        unknown = sorted(meta.keys() - expected) or sorted(expected - meta.keys())
        return f"{'unexpected' if meta.keys() - expected else 'missing'} record {unknown[0]!r}"
    record = meta["schema"]
    if not record.keys() <= {"schema", "migrated_from"} or not all(
        _is_int(value) for value in record.values()
    ):
        return "its schema record"
    if schema == FIRST_SCHEMA:
        return None
    snapshot = meta["snapshot"]
    fields = {"generation", "parent", "journal_offset", "written"}
    if schema >= CHECKSUM_SCHEMA:
        fields |= {"covers", "checksum"}
    if snapshot.keys() != fields:
        return "the fields of its snapshot record"
    if schema >= CHECKSUM_SCHEMA and (
        not _is_int(snapshot["covers"])
        or snapshot["covers"] < 1
        or not isinstance(snapshot["checksum"], str)
        or not re.fullmatch(r"[0-9a-f]{8}", snapshot["checksum"])
    ):
        return "its checksum"
    if not isinstance(snapshot["generation"], str) or not snapshot["generation"]:
        return "its generation"
    if snapshot["parent"] is not None and not isinstance(snapshot["parent"], str):
        return "its parent generation"
    if not _is_int(snapshot["journal_offset"]) or snapshot["journal_offset"] < 0:
        return "its journal offset"
    if not isinstance(snapshot["written"], str):
        return "its time of writing"
    return None


def canonical_json(value: Any) -> bytes:
    """One spelling of a value, whatever the order or escapes it was read with."""
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")


def _meta_checksum(meta: dict[str, Any], crc: int) -> str:
    snapshot = {k: v for k, v in meta["snapshot"].items() if k != "checksum"}
    return f"{zlib.crc32(canonical_json({**meta, 'snapshot': snapshot}), crc):08x}"


def checksum_problem(raw: bytes, data: Tables) -> str | None:
    """What is wrong with the checksum of a checked snapshot's bytes (schema 4 on), if
    anything: any byte changed since it was written — a record, an offset, a name."""
    schema = schema_of(data)
    if schema is None or schema < CHECKSUM_SCHEMA:
        return None
    meta = data[META_TABLE]
    covers = meta["snapshot"]["covers"]
    if covers > len(raw):
        return "shorter than it was written"
    if _meta_checksum(meta, zlib.crc32(memoryview(raw)[:covers])) != meta["snapshot"]["checksum"]:
        return "its checksum does not match: a byte changed since it was written"
    return None


def schema_of(data: Tables) -> int | None:
    record = data.get(META_TABLE, {}).get("schema")
    if not isinstance(record, dict) or not _is_int(record.get("schema")):
        return None
    return int(record["schema"])


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    generation: str | None
    parent: str | None
    journal_offset: int


def snapshot_info(data: Tables) -> SnapshotInfo:
    """The snapshot record of a checked snapshot (`check_layout`); a schema 1 file has none."""
    record = data.get(META_TABLE, {}).get("snapshot") or {}
    offset = record.get("journal_offset")
    generation, parent = record.get("generation"), record.get("parent")
    return SnapshotInfo(
        generation=generation if isinstance(generation, str) else None,
        parent=parent if isinstance(parent, str) else None,
        journal_offset=offset if _is_int(offset) and offset >= 0 else 0,
    )


def empty_tables() -> Tables:
    return {
        META_TABLE: {"schema": {"schema": SCHEMA_VERSION}},
        DOCUMENTS_TABLE: {},
        TEXTS_TABLE: {},
    }


def migrate(data: Tables) -> Tables:
    """Bring a snapshot of any released schema to the current one (in memory).

    Schema 1 (the first release: one TinyDB file rewritten on every save) has no snapshot
    record; schema 2 adds it; schema 3 moves each document's text out of its record into
    the `texts` table; schema 5 moves a converted source's structure there too; schema 6
    changes no record (its text files are only ever new). The tables given are not
    changed; the result shares their records.
    """
    if not data:
        return empty_tables()
    schema = schema_of(data)
    if schema is None or schema >= SCHEMA_VERSION:
        return data
    data = dict(data)
    meta = dict(data.get(META_TABLE, {}))
    meta["schema"] = {"schema": SCHEMA_VERSION, "migrated_from": schema}
    if schema == FIRST_SCHEMA:
        meta.pop("snapshot", None)
    data[META_TABLE] = meta
    documents, texts = split_texts(data.get(DOCUMENTS_TABLE, {}))
    texts = {**data.get(TEXTS_TABLE, {}), **texts}
    data[DOCUMENTS_TABLE], data[TEXTS_TABLE] = split_structures(documents, texts)
    return data


def split_texts(documents: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Document records of schema 1 or 2 (text inside) as records without their text, and
    the `texts` table that holds it."""
    records: dict[str, Any] = {}
    texts: dict[str, Any] = {}
    for key, record in documents.items():
        if isinstance(record, dict) and "text" in record:
            texts[key] = {"text": record["text"]}
            record = {name: value for name, value in record.items() if name != "text"}
        records[key] = record
    return records, texts


def split_structures(
    documents: dict[str, Any], texts: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Document records of schema 4 or before that hold a `structure` (sources converted
    before schema 5), as records without it and `texts` records holding it."""
    if not any(isinstance(r, dict) and "structure" in r for r in documents.values()):
        return documents, texts
    records, texts = dict(documents), dict(texts)
    for key, record in documents.items():
        if isinstance(record, dict) and "structure" in record:
            records[key] = {name: value for name, value in record.items() if name != "structure"}
            if isinstance(texts.get(key), dict):
                texts[key] = {**texts[key], "structure": record["structure"]}
    return records, texts


# -- documents as records --------------------------------------------------------------


def document_record(document: Document) -> dict[str, Any]:
    """The record of the `documents` table: `Document.to_record()` without the text and
    the structure (in `texts`: written once, not again with each metadata change)."""
    record = document.to_record()
    del record["text"]
    record.pop("structure", None)
    return record


def text_record(document: Document) -> dict[str, Any]:
    """The record of the `texts` table, written once when the document is added: the text
    and, for a converted source, its structure."""
    if document.structure is None:
        return {"text": document.text}
    return {"text": document.text, "structure": document.structure.to_record()}


def read_document(
    key: str, record: dict[str, Any], texts: dict[str, Any], store: Path | None = None
) -> Document:
    """The document of a `documents` record, its text from `texts` (or, as an older Gloss
    wrote it, from the record itself), or from the text file beside the `store` file that
    its `texts` record names. Raises `DocumentError` when the text is missing or does not
    match the id, `KeyError`, `TypeError` or `ValueError` on a damaged record."""
    if "text" in record:
        return Document.from_record(record)
    text = texts.get(key)
    if isinstance(text, dict) and "file" in text and "text" not in text:
        if store is None:
            raise DocumentError(f"document {key}: its text is in a file beside the store")
        # Imported here: text_files builds on this module's file helpers.
        from annotations.text_files import read_text_file

        text = {**text, "text": read_text_file(store, key, text)}
        del text["file"]
    if not isinstance(text, dict) or not isinstance(text.get("text"), str):
        raise DocumentError(f"document {key}: its text is missing")
    if "structure" in text:
        return Document.from_record(
            {**record, "text": text["text"], "structure": text["structure"]}
        )
    return Document.from_record({**record, "text": text["text"]})


# -- writing ---------------------------------------------------------------------------


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX needs the folder itself synced)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def encode_json(value: Any, *, floatless: bool = False) -> bytes:
    """Compact JSON as UTF-8. A lone surrogate (which UTF-8 cannot hold) is written as a
    `\\ud800` escape, as `json` reads it back: kept exactly, never a failed save.
    `floatless`: see `journal.compact_json`."""
    return compact_json(value, floatless=floatless)


def holds_no_floats(table: str) -> bool:
    """Whether every record of `table` is float-free, so `encode_json(floatless=True)`
    may write it: an annotation's record is strings, whole numbers, a list of strings
    and null (`Annotation.to_record`); a text's is a string and a structure of whole
    numbers and strings (`text_record`). (msgspec writes a large text straight into the
    bytes of the line, with no JSON string of it in between.)"""
    return table == TEXTS_TABLE or table.startswith(ANNOTATIONS_PREFIX)


def encode_snapshot(data: Tables, info: SnapshotInfo) -> Iterator[bytes]:
    """The bytes of a snapshot of `data` as generation `info`, one table at a time (so a
    background writer lets others run). The `meta` table comes last: its snapshot record
    holds the checksum of every byte before it and of itself (see the module's notes)."""
    crc = length = 0
    separator = b"{"
    for name, table in data.items():
        if name == META_TABLE:
            continue
        body = encode_json(table, floatless=holds_no_floats(name))
        chunk = separator + encode_json(name) + b":" + body
        crc, length, separator = zlib.crc32(chunk, crc), length + len(chunk), b","
        yield chunk
    crc, length = zlib.crc32(separator, crc), length + len(separator)
    meta = dict(data.get(META_TABLE, {}))
    meta["snapshot"] = {
        "generation": info.generation,
        "parent": info.parent,
        "journal_offset": info.journal_offset,
        "written": utc_stamp(),
        "covers": length,
    }
    meta["snapshot"]["checksum"] = _meta_checksum(meta, crc)
    yield separator + encode_json(META_TABLE) + b":" + encode_json(meta) + b"}"


def write_temporary(path: Path, chunks: Iterable[bytes]) -> Path:
    """Write `chunks` to a synced temporary file beside `path`; return its path."""
    # The process id in the name tells a later open whether its writer is still alive.
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}-", suffix=TEMPORARY_SUFFIX, dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return Path(temporary)


def replace_file(path: Path, chunks: Iterable[bytes]) -> None:
    """Replace `path` atomically: a crash leaves either the old or the new file."""
    temporary = write_temporary(path, chunks)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(path.parent)


TEMPORARY_SUFFIX = ".tmp"
_WRITER_PID = re.compile(r"\.(\d+)-[A-Za-z0-9_]+\.tmp$")


def remove_stale_temporaries(
    path: Path, older_than: float = 600.0, *, stem: str | None = None
) -> None:
    """Temporary files beside the store left by a compaction, migration or repair that was
    killed before its rename: those whose writer is gone (its process id is in the name),
    and those of an older Gloss (no id) that are old enough not to be in use. `stem`:
    those whose name starts so (all: ""), not only those named after `path`."""
    now = time.time()
    stem = path.name.split(".")[0] if stem is None else stem
    for candidate in path.parent.glob(f".{stem}*{TEMPORARY_SUFFIX}"):
        match = _WRITER_PID.search(candidate.name)
        with contextlib.suppress(OSError):
            if match is not None:
                if _process_alive(int(match.group(1))):
                    continue
            elif now - candidate.lstat().st_mtime <= older_than:
                continue
            if stat.S_ISREG(candidate.lstat().st_mode):
                candidate.unlink()


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, another user's
        return True
    return True


# -- backups ---------------------------------------------------------------------------


def file_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of the file at `path`, a megabyte at a time (no whole copy held)."""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def list_backups(path: Path) -> list[Path]:
    """The backups of the store at `path`, oldest first."""
    folder = backup_folder(path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.json") if p.is_file())


def add_backup(path: Path, source: Path, label: str = "") -> Path | None:
    """Keep `source` (a complete snapshot, never changed in place) as a backup of `path`.

    A copy, never a hard link: damage to the live file in place (a disk, an editor) must
    not reach its backup. Keeps the newest `BACKUPS_KEPT`, and the original of a schema
    migration for good. Best effort: a backup that cannot be made never fails a save.
    """
    folder = backup_folder(path)
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now % 1 * 1e6):06d}Z"
    name = f"{path.stem}-{stamp}{label}.json"  # sorts oldest first
    target = folder / name
    try:
        folder.mkdir(exist_ok=True)
        copy = write_temporary(target, file_chunks(source))
        os.replace(copy, target)
    except OSError:
        return None
    # The original of a migration (label "-schemaN") is kept out of the rotation.
    rotating = [b for b in list_backups(path) if "-schema" not in b.name]
    for old in rotating[:-BACKUPS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


# -- the TinyDB storage ----------------------------------------------------------------


class JournalStorage(Storage):
    """A TinyDB storage that holds the tables in memory and reports each write as operations.

    TinyDB hands `write()` the whole database with a *new* dict for the table it changed;
    comparing tables by identity finds that table, and comparing its records by identity
    finds the records that changed. This holds because the store never lets TinyDB update
    a record in place (`Table.update` mutates the stored dict): it replaces records whole.
    `sink` receives the operations and makes them durable (or raises).
    """

    def __init__(self, data: Tables, sink: Callable[[list[Operation]], None]) -> None:
        self._data = data
        self._known: dict[str, dict[str, Any]] = dict(data)
        self._sink = sink
        self._clock = 0
        # table name -> a number that changes whenever the table does (for caches)
        self.versions: dict[str, int] = {}

    def _touch(self, name: str) -> None:
        self._clock += 1
        self.versions[name] = self._clock

    @property
    def tables(self) -> Tables:
        return self._data

    def read(self) -> Tables:
        return self._data

    def write(self, data: Tables) -> None:
        operations: list[Operation] = []
        for name, table in data.items():
            old = self._known.get(name)
            if old is table:
                continue
            old = old or {}
            operations.extend((name, key, None) for key in old.keys() - table.keys())
            # A record still kept as its JSON text is one the snapshot holds: never a
            # change, though another thread may have read it into the old table meanwhile.
            operations.extend(
                (name, key, record)
                for key, record in table.items()
                if old.get(key) is not record and type(record) is not msgspec.Raw
            )
            self._known[name] = table
            self._touch(name)
        for name in self._known.keys() - data.keys():
            operations.extend((name, key, None) for key in self._known.pop(name))
            self._touch(name)
        self._data = data
        if operations:
            self._sink(operations)

    def put(self, operations: list[Operation]) -> None:
        """Insert or replace the records of `operations` (none a removal), as one write:
        what TinyDB's writes of them report, without TinyDB rebuilding each table's dict
        twice and this comparing every record of it (an import of 100,000 records). The
        records are kept as they are: never change them after."""
        tables: dict[str, dict[str, Any]] = {}
        for name, key, record in operations:
            table = tables.get(name)
            if table is None:  # a new table, as TinyDB's writes make
                table = tables[name] = dict(self._data.get(name, {}))
            table[key] = record
        for name, table in tables.items():
            self._data[name] = self._known[name] = table
            self._touch(name)
        self._sink(operations)

    def apply(self, operations: Iterable[Operation], *, in_place: bool = False) -> None:
        """Apply operations saved elsewhere (the journal, another process) to the tables.

        Each table touched is copied once and the copy changed (unless `in_place`, for
        tables nobody else sees yet), so a thread that is reading a table — the app reads
        in workers — never sees it change under it.
        """
        copied: set[str] = set()
        for name, key, record in operations:
            table = self._data.get(name)
            if table is None:
                if record is None:
                    continue
                table = {}
                copied.add(name)
                self._data[name] = self._known[name] = table
            elif name not in copied:
                if not in_place:
                    table = dict(table)
                copied.add(name)
                self._data[name] = self._known[name] = table
            if record is None:
                table.pop(key, None)
            else:
                table[key] = record
        for name in copied:
            self._touch(name)

    def replace_all(self, data: Tables) -> None:
        self._data = data
        self._known = dict(data)
        self._clock += 1
        self.versions = dict.fromkeys(data, self._clock)

    def close(self) -> None:
        pass

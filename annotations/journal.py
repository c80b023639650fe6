"""The store's journal: an append-only file of checksummed changes beside the snapshot.

Each line is `<crc32 as 8 hex digits> <json>\\n`. The first line is the header, a JSON
object naming the snapshot generation the journal continues (and, after a compaction,
the generation and offset it was cut from). Every later line is one save: a JSON list
of operations `[table, key, record]`, where a `null` record removes the key. A save is
one `write()` followed by `fdatasync()`, so a crash can leave at most an unfinished last
line — it has no newline yet, and readers ignore it. A complete line whose checksum
does not match is real damage and is reported, never skipped silently.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import itertools
import json
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import msgspec

from annotations.errors import StoreError

JOURNAL_FORMAT = 1

# One operation: (table name, record key, record or None for a removal).
Operation = tuple[str, str, dict[str, Any] | None]


@contextlib.contextmanager
def paused_gc(*, keep: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while many objects are made at once.

    `keep`: what was made lives on (a store's tables, a loaded document, its annotations),
    so before collecting resumes everything alive is moved out of the collector's
    generations (`gc.freeze`); else its next collections walk all of it again, the first
    few at once. Objects frozen are still freed when their last reference goes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if enabled:
            gc.enable()


class JournalDamage(StoreError):
    """A complete journal line is unreadable: the file was damaged after it was written."""


def compact_json(value: Any, *, floatless: bool = False) -> bytes:
    """Compact JSON as UTF-8 (`json.dumps(value, ensure_ascii=False, separators=(",", ":"))`).
    A lone surrogate, which UTF-8 cannot hold, is written as an escape (kept exactly).

    `floatless` says `value` holds no float (strings, whole numbers, lists, objects, true,
    false, null: an annotation's records): then msgspec writes it, in C, the same bytes
    eight times faster (50 MB: 0.04 s, not 0.3). A float would be written in other
    digits and NaN as null, so everything else goes through `json`.
    """
    if floatless:
        try:
            return msgspec.json.encode(value)
        except (UnicodeEncodeError, TypeError, OverflowError):
            pass  # a surrogate, or not plain JSON after all: `json` says what it does
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_value_of_raw)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":"), default=_value_of_raw).encode("ascii")


def decode_raw(raw: msgspec.Raw) -> Any:
    """The value of a record kept as its JSON text (`storage.read_snapshot` keeps an
    annotation's so until it is read), as the whole file's parse would have given it:
    msgspec's, or — what msgspec refuses but `json` reads: a number past a float's range
    — `json`'s. `ValueError` when neither reads it."""
    try:
        return _DECODER.decode(raw)
    except msgspec.DecodeError:
        pass
    try:
        return json.loads(bytes(raw).decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _value_of_raw(value: Any) -> Any:
    """`json`'s `default`: a record kept as its JSON (msgspec writes one as it is) written
    as its value."""
    if isinstance(value, msgspec.Raw):
        return decode_raw(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode_line(payload: Any) -> bytes:
    """One journal line: checksum, space, compact JSON, newline (JSON never holds a raw one)."""
    return line_of(compact_json(payload))


def encode_operations(operations: list[Operation], floatless: Callable[[str], bool]) -> bytearray:
    """The journal line of a save: its operations as one JSON list, each run of
    operations on tables that `floatless(table)` says hold no float written by msgspec
    (see `compact_json`) straight into the line: an import of 100,000 annotations (a
    60 MB line) in 0.06 s, the line never copied whole."""
    line = bytearray(b"00000000 ")  # the checksum's place
    runs: Iterable[tuple[bool, list[Operation]]]
    if all(map(floatless, set(map(itemgetter(0), operations)))):
        runs = [(True, operations)] if operations else []  # one run, found in C
    else:
        runs = (
            (plain, list(run))
            for plain, run in itertools.groupby(operations, key=lambda op: floatless(op[0]))
        )
    for plain, items in runs:
        # Each run is written as a list over the line's last byte: its "[" (the first run
        # is written where that would stand) or the "]" of the run before, then a ",".
        joint = len(line) - 1 if len(line) > 9 else len(line)
        if plain:
            try:
                _ENCODER.encode_into(items, line, joint)
            except (UnicodeEncodeError, TypeError, OverflowError):
                plain = False  # a surrogate, or not plain JSON after all
        if not plain:
            del line[joint:]
            line += compact_json(items)  # `json` writes it
        if joint > 9:
            line[joint] = ord(",")
    if len(line) == 9:
        line += b"[]"
    line[:8] = b"%08x" % zlib.crc32(memoryview(line)[9:])
    line += b"\n"
    return line


def line_size_at_least(operations: list[Operation]) -> int:
    """A lower bound of the bytes `encode_operations` writes for `operations`, found in C
    (100,000 operations: a few milliseconds, where encoding them takes 0.2 s): each is at
    least `["<table>","<key>",` and `]`, and a record at least five bytes a field
    (`"":0,`), whatever the values; a character is at least one byte."""
    names = sum(map(len, map(itemgetter(0), operations)))
    keys = sum(map(len, map(itemgetter(1), operations)))
    fields = sum(map(len, filter(None, map(itemgetter(2), operations))))
    return names + keys + 8 * len(operations) + 5 * fields


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder()


def line_of(body: bytes) -> bytes:
    """A journal line holding the compact JSON `body`."""
    return b"".join((b"%08x " % zlib.crc32(body), body, b"\n"))  # one copy of a large body


def decode_line(line: bytes) -> Any:
    """The payload of one complete line (without its newline); `ValueError` if damaged."""
    if len(line) < 10 or line[8:9] != b" ":
        raise ValueError("no checksum")
    body = line[9:]
    try:
        expected = int(line[:8], 16)
    except ValueError:
        raise ValueError("no checksum") from None
    if zlib.crc32(body) != expected:
        raise ValueError("checksum mismatch")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


@dataclass(frozen=True, slots=True)
class Header:
    """What the journal continues: snapshot `generation`, cut from `parent` at `parent_offset`."""

    generation: str
    parent: str | None = None
    parent_offset: int = 0

    def encode(self) -> bytes:
        return encode_line(
            {
                "gloss-journal": JOURNAL_FORMAT,
                "generation": self.generation,
                "parent": self.parent,
                "parent_offset": self.parent_offset,
            }
        )


def parse_header(line: bytes) -> Header:
    """The header of a journal; `ValueError` unless it is exactly what `Header.encode` writes."""
    payload = decode_line(line)
    if not isinstance(payload, dict) or payload.get("gloss-journal") != JOURNAL_FORMAT:
        raise ValueError("not a Gloss journal header")
    generation, parent = payload.get("generation"), payload.get("parent")
    offset = payload.get("parent_offset")
    if (
        payload.keys() != {"gloss-journal", "generation", "parent", "parent_offset"}
        or not isinstance(generation, str)
        or not generation
        or not (parent is None or isinstance(parent, str))
        or type(offset) is not int
        or offset < 0
    ):
        raise ValueError("a damaged header")
    return Header(generation=generation, parent=parent, parent_offset=offset)


def iter_lines(data: bytes, base: int) -> Iterator[tuple[int, bytes]]:
    """(offset just past the line, line without newline) for each complete line in `data`,
    which starts at file offset `base`. An unfinished last line is not yielded."""
    position = 0
    while True:
        newline = data.find(b"\n", position)
        if newline < 0:
            return
        yield base + newline + 1, data[position:newline]
        position = newline + 1


def parse_operations(payload: Any) -> list[Operation]:
    if not isinstance(payload, list):
        raise ValueError("an entry is not a list of operations")
    operations: list[Operation] = []
    for item in payload:
        if (
            not isinstance(item, list)
            or len(item) != 3
            or not isinstance(item[0], str)
            or not isinstance(item[1], str)
            or not (item[2] is None or isinstance(item[2], dict))
        ):
            raise ValueError("malformed operation")
        operations.append((item[0], item[1], item[2]))
    return operations


def is_whole_line(tail: bytes) -> bool:
    """Whether an unfinished last line is in fact a whole save, its newline lost or
    changed into another byte."""
    for line in (tail, tail[:-1]):
        try:
            parse_operations(decode_line(line))
        except ValueError:
            continue
        return True
    return False


class JournalFile:
    """An open journal: its descriptor, identity, header and how far it has been read."""

    def __init__(self, path: Path, descriptor: int, header: Header, header_end: int) -> None:
        self.path = path
        self.descriptor = descriptor
        self.header = header
        self.header_end = header_end
        status = os.fstat(descriptor)
        self.identity = (status.st_dev, status.st_ino)
        # `end`: just past the last complete line applied; `seen_size`, `seen_mtime`: the
        # size and change time we last saw.
        self.end = header_end
        self.seen_size = header_end
        self.seen_mtime = status.st_mtime_ns
        # Why a journal meant for writing could only be opened for reading (an errno).
        self.unwritable: int | None = None

    @classmethod
    def open(cls, path: Path, *, writable: bool) -> JournalFile | None:
        """Open an existing journal; None when there is none. `StoreError` when damaged."""
        # O_NONBLOCK: a FIFO would otherwise wait for a writer (it is refused below).
        flags = (os.O_RDWR | os.O_APPEND) if writable else os.O_RDONLY
        try:
            descriptor = os.open(path, flags | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise StoreError(f"{path}: is a folder, not a journal") from None
        except OSError as error:
            if writable and error.errno in (errno.EACCES, errno.EROFS):  # read it at least
                journal = cls.open(path, writable=False)
                if journal is not None:
                    journal.unwritable = error.errno
                return journal
            raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            os.close(descriptor)
            kind = "is a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise StoreError(f"{path}: {kind}, so not a journal; it was left alone")
        try:
            first = os.pread(descriptor, 4096, 0)
            newline = first.find(b"\n")
            if newline < 0 and len(first) == 4096:
                first = os.pread(descriptor, 1 << 20, 0)
                newline = first.find(b"\n")
            if newline < 0:
                raise ValueError("no header line")
            header = parse_header(first[:newline])
        except (ValueError, KeyError, TypeError, OSError) as error:
            os.close(descriptor)
            raise StoreError(
                f"{path}: damaged or not a Gloss journal ({error}); it was left untouched — "
                f"run 'gloss doctor --db {path.with_suffix('')}' to check the store"
            ) from None
        return cls(path, descriptor, header, newline + 1)

    def size(self) -> int:
        return os.fstat(self.descriptor).st_size

    def unchanged(self, status: os.stat_result) -> bool:
        """Whether `status` (of this file) shows nothing new since it was last read.

        The size alone tells only when everything seen was complete lines: past an
        unfinished last line, another writer may have cut it and appended a line exactly
        as long (then the change time tells; a writer re-reads under the lock anyway).
        """
        if status.st_size != self.seen_size:
            return False
        return self.seen_size == self.end or status.st_mtime_ns == self.seen_mtime

    def read_from(self, offset: int, *, locked: bool = False) -> tuple[list[list[Operation]], int]:
        """The entries from `offset` to the last complete line, and the offset past it.

        Raises `JournalDamage` on a complete line that does not check out, and — when
        `locked` (no writer can be mid-line) — on a last line whose checksum holds but
        whose newline is missing: a save was acknowledged only once its newline was
        synced, so that is damage (a flipped bit), not a crash mid-write, and reading on
        as if it were unfinished would lose an acknowledged save.
        """
        status = os.fstat(self.descriptor)
        size = status.st_size
        self.seen_size, self.seen_mtime = size, status.st_mtime_ns
        if size <= offset:
            return [], offset
        data = os.pread(self.descriptor, size - offset, offset)
        entries: list[list[Operation]] = []
        end = offset
        with paused_gc():
            for line_end, line in iter_lines(data, offset):
                try:
                    entries.append(parse_operations(decode_line(line)))
                except ValueError as error:
                    raise JournalDamage(
                        f"{self.path}: damaged entry at byte {end} ({error}); it was left "
                        "untouched — run 'gloss doctor' on the store to recover what it holds"
                    ) from None
                end = line_end
            if locked and end < offset + len(data) and is_whole_line(data[end - offset :]):
                raise JournalDamage(
                    f"{self.path}: the save at byte {end} lacks its newline (damage); it "
                    "was left untouched — run 'gloss doctor' on the store to recover it"
                )
        return entries, end

    def read_bytes(self, start: int, end: int) -> bytes:
        return os.pread(self.descriptor, end - start, start) if end > start else b""

    def append(self, line: bytes) -> None:
        """Write one line at the end and make it durable; `OSError` when the disk refuses.

        On failure the file is cut back to where the line began, so nothing half-written
        stays behind (if even that fails, readers still ignore an unfinished last line).
        """
        start = self.end
        if self.unwritable is not None:
            raise OSError(self.unwritable, os.strerror(self.unwritable))
        if self.size() != start:  # an unfinished tail that could not be cut, or unread lines
            raise OSError(errno.EAGAIN, "the journal holds bytes not read yet")
        try:
            view = memoryview(line)
            while view:
                written = os.write(self.descriptor, view)
                view = view[written:]
            os.fdatasync(self.descriptor)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(self.descriptor, start)
            raise
        self.end = start + len(line)
        self.seen_size = self.end

    def cut_unfinished_tail(self) -> None:
        """Remove bytes after the last complete line (a writer that died mid-save).

        Only called while holding the exclusive lock, when no live writer can be mid-line,
        and after reading up to `end`. Bytes that hold a newline are never cut: they are
        another writer's complete line that was not read yet.
        """
        size = self.size()
        if size > self.end and b"\n" not in self.read_bytes(self.end, size):
            os.ftruncate(self.descriptor, self.end)
            self.seen_size = self.end

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.descriptor)

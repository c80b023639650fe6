"""The store's tables in memory and on disk: durability and the files' life.

`JournaledTables` holds the tables (a `JournalStorage`, which TinyDB writes through) and
everything that keeps them and the files in step: saves appended to the journal and
synced (or kept pending and retried, in pieces if the whole backlog does not fit), saves
batched into one entry, the lock that serialises writers across processes, catching up
with what other processes appended, following another copy's compaction, migrating an
older layout, and compacting the journal into a new snapshot (in a thread).

Every change applied to the tables — this copy's own writes, other processes' saves, a
reload after a compaction or a restore — is reported through one callback, `on_change`,
with a `Change`: the operations applied, or None when the tables were replaced whole.
`Store` keeps its indexes up to date from that callback alone.

File layout, crash safety and the two-writer protocol are described in `store.py`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotations.errors import GlossError, StoreError
from annotations.journal import (
    Header,
    JournalDamage,
    JournalFile,
    Operation,
    encode_line,
    encode_operations,
    line_size_at_least,
)
from annotations.storage import (
    FIRST_SCHEMA,
    META_TABLE,
    SCHEMA_VERSION,
    JournalStorage,
    SnapshotInfo,
    Tables,
    add_backup,
    empty_tables,
    encode_snapshot,
    fsync_directory,
    holds_no_floats,
    journal_path,
    lock_path,
    migrate,
    new_generation,
    read_snapshot,
    remove_stale_temporaries,
    replace_file,
    schema_of,
    snapshot_info,
    write_temporary,
)

__all__ = ["JOURNAL_LIMIT", "Change", "JournaledTables", "StoreSaveError"]

JOURNAL_LIMIT = 8 * 1024 * 1024
SAVE_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the folder is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "an input/output error",
}


# The line a writer appends before it replaces the store file with one holding a save the
# journal lacks (`_save_as_snapshot`): a copy that reads it reloads from the files, so none
# goes on from tables without that save, even if the writer dies between its two renames.
# Applied, it changes nothing (a removal of a key the meta table never holds): a reader
# that loads the files reads past it.
RELOAD_MARK: Operation = (META_TABLE, "reload", None)


class StoreSaveError(StoreError):
    """A change could not be written; it is kept in memory and `retry()` writes it."""


@dataclass(frozen=True, slots=True)
class Change:
    """What was applied to the tables: `operations` in order, or None when the tables
    were replaced whole (opened, reloaded); `ours` when this copy made them."""

    operations: Sequence[Operation] | None
    ours: bool


@dataclass(slots=True)
class _Loaded:
    tables: Tables
    generation: str | None
    journal: JournalFile | None
    needs_setup: bool


class JournaledTables:
    """The tables of the store at `path`, durable the moment a write returns.

    Opening reads the snapshot and its journal (creating, migrating or finishing an
    interrupted compaction for a writer) and reports the tables through `on_change`.
    Write through `storage` (TinyDB does) inside `changing()`; `batched()` makes several
    writes one journal entry. A damaged file raises `StoreError` and stays as it was.
    """

    def __init__(
        self,
        path: Path,
        on_change: Callable[[Change], None],
        *,
        read_only: bool = False,
        journal_limit: int = JOURNAL_LIMIT,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.read_only_reason: str | None = "opened read-only" if read_only else None
        self.journal_limit = journal_limit
        self._on_change = on_change
        self._journal_path = journal_path(path)
        self._lock_path = lock_path(path)
        self._mutex = threading.RLock()
        self._lock_descriptor: int | None = None
        self._locked = False
        self._journal: JournalFile | None = None
        self._generation: str | None = None
        self._needs_setup = False
        # Saves not written yet, one entry per save (each stays all or nothing).
        self._pending: list[list[Operation]] = []
        self._batch: list[Operation] | None = None
        self._compactor: threading.Thread | None = None
        self._closed = False
        self.storage = JournalStorage(empty_tables(), self._commit)
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"{self.path.parent}: cannot create folder ({error.strerror})"
                ) from None

    def open(self) -> None:
        """Read the files (creating, migrating or finishing a compaction for a writer)
        and report the tables through `on_change`; `StoreError` when they cannot be."""
        self._open_lock_file()
        try:
            self._open()
        except BaseException:
            self._release_files()
            raise

    def _open(self) -> None:
        with self._flock(fcntl.LOCK_SH):
            loaded = self._load()
        self._adopt(loaded)
        if not self.read_only:
            remove_stale_temporaries(self.path)  # of compactions and repairs killed midway
        if loaded.needs_setup and not self.read_only:
            existed = self.path.exists()
            with self.changing():
                pass
            if self._needs_setup and not existed:
                raise StoreError(
                    f"{self.path}: cannot create the store here "
                    f"({self._lock_problem or 'the folder is not writable'})"
                )

    @property
    def tables(self) -> Tables:
        return self.storage.tables

    @property
    def closed(self) -> bool:
        return self._closed

    # -- lifecycle ---------------------------------------------------------------------

    def close(self, *, compact: Callable[[], bool] | None = None) -> None:
        """Release the files. Everything is already saved; a large journal is compacted
        (`compact` says whether to, instead of `should_compact_on_close`).

        Changes still pending get one more try (one line per save, as many as the disk
        takes, if the whole backlog does not fit). Any left then are lost with the process:
        each was reported by the `StoreSaveError` of its save, and `pending` still counts
        them, so a caller can check before closing.
        """
        if self._closed:
            return
        self.wait_for_compaction()
        if not self.read_only:
            if self._pending:
                self.retry()
            if not self._pending and (compact or self.should_compact_on_close)():
                with contextlib.suppress(GlossError, OSError):
                    self.compact()
        self._closed = True
        self._release_files()

    def _release_files(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self._lock_descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_descriptor)
            self._lock_descriptor = None

    @property
    def pending(self) -> int:
        """How many changes are kept in memory because they could not be written yet."""
        return sum(len(entry) for entry in self._pending)

    # -- other copies, failures, compaction ----------------------------------------------

    def refresh(self) -> bool:
        """Take in what other processes saved since we last looked; True if anything did.

        Cheap when nothing changed: one `stat()` of the journal. Raises `StoreError` only
        if the files were damaged or replaced by something that is not this store.
        """
        if self._closed:
            return False
        with self._mutex:
            return self._catch_up()

    def retry(self) -> bool:
        """Try again to write the changes kept in memory; True when none is left pending."""
        if not self._pending:
            return True
        with contextlib.suppress(StoreSaveError), self.changing():
            if self._locked:
                self._append([])
        return not self._pending

    def compact(self, *, background: bool = False) -> None:
        """Fold the journal into a new snapshot (and keep the old one as a backup).

        With `background`, the snapshot is written in a thread; saves go on meanwhile.
        """
        if self.read_only:
            return
        if background:
            if self._compactor is None or not self._compactor.is_alive():
                self._compactor = threading.Thread(
                    target=self._compact_quietly, name="gloss-store-compactor", daemon=True
                )
                self._compactor.start()
            return
        self.wait_for_compaction()
        try:
            self._compact()
        except OSError as error:
            reason = SAVE_FAILURES.get(error.errno or 0, error.strerror or str(error))
            raise StoreSaveError(
                f"{self.path}: could not compact the journal — {reason}; nothing was lost, "
                "the journal goes on"
            ) from None

    # -- reading -----------------------------------------------------------------------

    def _load(self) -> _Loaded:
        """Read the snapshot and the journal that continues it."""
        for attempt in range(3):
            try:
                return self._load_once()
            except _Moved as moved:
                if attempt == 2:
                    # Read three times without a lock and still not a pair: not a writer
                    # mid-compaction but a journal of another store.
                    raise StoreError(str(moved)) from None
        raise AssertionError("unreachable")

    def _load_once(self) -> _Loaded:
        tables = read_snapshot(self.path)
        journal = JournalFile.open(self._journal_path, writable=not self.read_only)
        if tables is None:
            if journal is not None:
                journal.close()
                raise StoreError(
                    f"{self._journal_path}: a journal without its store file {self.path}; "
                    f"it was left untouched — run 'gloss doctor --db {self.path}'"
                )
            return _Loaded(empty_tables(), None, None, needs_setup=True)
        schema = schema_of(tables)
        if schema == FIRST_SCHEMA:
            if journal is not None:
                # The first release kept no journal: a header that reads as schema 1 beside
                # one is damage, and migrating it would throw the journal's saves away.
                journal.close()
                raise StoreError(
                    f"{self.path}: its header says first-release layout, but a journal is "
                    f"beside it (the header is damaged); both were left untouched — run "
                    f"'gloss doctor --db {self.path}'"
                )
            return _Loaded(migrate(tables), None, None, needs_setup=True)
        info = snapshot_info(tables)
        if journal is None:
            return _Loaded(migrate(tables), info.generation, None, needs_setup=True)
        header = journal.header
        if header.generation == info.generation:
            start, needs_setup = journal.header_end, False
        elif header.generation == info.parent and info.parent is not None:
            # A crash between the compaction's two renames: this journal's tail from
            # where the snapshot stops still counts.
            start, needs_setup = info.journal_offset, True
        else:
            journal.close()
            message = (
                f"{self._journal_path}: does not belong to {self.path} (generation "
                f"{header.generation}, the store is {info.generation}); both were left "
                f"untouched — run 'gloss doctor --db {self.path}'"
            )
            if self._lock_descriptor is None:
                raise _Moved(message)  # perhaps a compaction between our two reads
            raise StoreError(message)
        try:
            entries, end = journal.read_from(start, locked=True)
        except JournalDamage:
            journal.close()
            raise
        storage = JournalStorage(tables, _refuse)
        for operations in entries:
            storage.apply(operations, in_place=True)
        journal.end = end
        if schema != SCHEMA_VERSION:
            # An older layout, with its journal's saves (written in that layout) applied:
            # migrated in memory here, on disk by the first writer (`_set_up_files`).
            tables, needs_setup = migrate(tables), True
        return _Loaded(tables, info.generation, journal, needs_setup)

    def _adopt(self, loaded: _Loaded) -> None:
        """Make `loaded` the tables (and put pending changes back on top); say so."""
        if self._journal is not None and self._journal is not loaded.journal:
            self._journal.close()
        self._journal = loaded.journal
        self._generation = loaded.generation
        self._needs_setup = loaded.needs_setup
        self.storage.replace_all(loaded.tables)
        if self._pending:
            self.storage.apply(operation for entry in self._pending for operation in entry)
        self._on_change(Change(None, ours=False))

    def _take_in(self, entries: list[list[Operation]]) -> bool:
        if not entries:
            return False
        # Ours (pending) go after theirs: the journal will end with ours.
        operations = [operation for entry in entries + self._pending for operation in entry]
        self.storage.apply(operations)
        self._on_change(Change(operations, ours=False))
        return True

    def _catch_up(self, *, exact: bool = False) -> bool:
        """Apply what other processes appended; follow a compaction or reload if needed.

        `exact` (under the exclusive lock, before writing): read whatever lies past the
        last complete line, whatever its size and time say.
        """
        try:
            status = os.stat(self._journal_path)
        except FileNotFoundError:
            status = None
        except OSError:
            return False
        journal = self._journal
        if journal is not None and status is not None:
            if (status.st_dev, status.st_ino) == journal.identity:
                if journal.unchanged(status) and not (exact and journal.seen_size > journal.end):
                    return False
                entries, journal.end = journal.read_from(journal.end, locked=self._locked)
                if not _marks_reload(entries):
                    return self._take_in(entries)
            else:
                followed = self._follow_compaction(journal)
                if followed is not None:
                    return followed
        elif journal is None and status is None:
            return False
        if self._locked:
            loaded = self._load()
        else:
            with self._flock(fcntl.LOCK_SH):
                loaded = self._load()
        self._adopt(loaded)
        return True

    def _follow_compaction(self, journal: JournalFile) -> bool | None:
        """Another copy compacted: finish reading the old journal through our open
        descriptor, then continue in the new one where it repeats what we have read;
        whether anything changed, or None when that cannot be done (reload instead)."""
        entries, old_end = journal.read_from(journal.end)
        if _marks_reload(entries):
            return None
        changed = self._take_in(entries)
        successor = JournalFile.open(self._journal_path, writable=not self.read_only)
        if successor is None:
            return None
        header = successor.header
        if header.parent != self._generation or old_end < header.parent_offset:
            successor.close()
            return None
        copied = successor.header_end + (old_end - header.parent_offset)
        entries, successor.end = successor.read_from(copied)
        journal.close()
        self._journal = successor
        self._generation = header.generation
        return self._take_in(entries) or changed

    # -- writing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def changing(self) -> Iterator[None]:
        """Hold the write lock around one change, after taking in others' saves."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is {self.read_only_reason}")
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        with self._mutex:
            if self._locked:
                yield
                return
            self._locked = self._acquire()
            try:
                if self._locked:
                    self._prepare_for_writing()
                yield
            finally:
                if self._locked:
                    self._release()
                self._locked = False

    def _prepare_for_writing(self) -> None:
        # Twice at most: catching up may reload files that need setting up (another
        # copy's snapshot renamed beside the old journal, read as an interrupted compaction).
        for _ in range(2):
            if self._needs_setup:
                try:
                    self._set_up_files()
                except OSError:
                    self._locked = False
                    self._release()
                    return
            self._catch_up(exact=True)
            if not self._needs_setup:
                break
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.cut_unfinished_tail()

    @contextlib.contextmanager
    def batched(self) -> Iterator[None]:
        """Collect the writes inside into one journal entry (one fsync, all or nothing)."""
        if self._batch is not None:
            yield
            return
        self._batch = []
        try:
            yield
        finally:
            operations, self._batch = self._batch, None
            if operations:
                self._append(operations)

    def _commit(self, operations: list[Operation]) -> None:
        """Called by the storage for every TinyDB write: said, then made durable."""
        self._on_change(Change(operations, ours=True))
        if self._batch is not None:
            self._batch.extend(operations)
        else:
            self._append(operations)

    def _append(self, operations: list[Operation]) -> None:
        todo = self._pending + ([operations] if operations else [])
        if not todo:
            return
        self._pending = todo
        try:
            if not self._locked or self._journal is None or self._needs_setup:
                raise OSError(self._lock_errno, self._lock_problem or "cannot take the lock")
            self._write_entries(todo)
        except OSError as error:
            reason = SAVE_FAILURES.get(error.errno or 0, error.strerror or str(error))
            raise StoreSaveError(
                f"{self.path}: not saved — {reason} ({self.pending} change(s) not written yet)"
            ) from None
        if self._journal.end > self.journal_limit:
            self.compact(background=True)

    def _write_entries(self, entries: list[list[Operation]]) -> None:
        """Append `entries` to the journal: as one line, or — when the disk refuses it, as
        a full disk with a little space back does a large backlog — one line per save, as
        many as fit. What could not be written stays pending (`OSError`)."""
        assert self._journal is not None
        self._pending = entries
        operations = [op for entry in entries for op in entry]
        if self._outgrows_the_journal(operations):
            try:
                self._save_as_snapshot()
            except OSError:
                pass  # the line may still fit where the snapshot did not: try it
            else:
                self._pending = []
                return
        try:
            self._journal.append(encode_operations(operations, holds_no_floats))
        except OSError:
            if len(entries) == 1:
                raise
            for written, entry in enumerate(entries):
                try:
                    self._journal.append(encode_line(entry))
                except OSError:
                    self._pending = entries[written:]
                    raise
        self._pending = []

    def _outgrows_the_journal(self, operations: list[Operation]) -> bool:
        """Whether a save is written as a new snapshot rather than a journal line: its
        line would pass the journal limit on its own, certainly (`line_size_at_least`),
        so a compaction — writing every table — would follow at once, and the save is
        larger than the snapshot, so writing the tables now (the lock held) costs at most
        about twice the line. An import of 100,000 annotations into a new store: one
        60 MB file written and synced, not two, and its records encoded once."""
        least = line_size_at_least(operations)
        if least <= self.journal_limit:
            return False
        try:
            return least > os.stat(self.path).st_size
        except OSError:
            return False

    def _save_as_snapshot(self) -> None:
        """Under the exclusive lock, caught up: write the tables — the save being made
        among them — as a new snapshot with an empty journal, in place of a journal line.

        The reload mark goes into the old journal first (see `RELOAD_MARK`). The snapshot
        names the old journal as its parent, cut past the mark: a crash between the two
        renames reads as an interrupted compaction. The new journal names no parent, so a
        copy that follows it reloads. `OSError` (nothing replaced, or only the snapshot:
        either way the save's journal line may still be appended, and is read once).
        """
        journal = self._journal
        assert journal is not None
        journal.append(encode_line([list(RELOAD_MARK)]))
        generation = new_generation()
        info = SnapshotInfo(generation, self._generation, journal.end)
        snapshot = write_temporary(self.path, encode_snapshot(self.storage.tables, info))
        try:
            successor = write_temporary(self._journal_path, [Header(generation).encode()])
            opened = self._put_in_place(snapshot, successor)
        finally:
            with contextlib.suppress(OSError):
                snapshot.unlink()  # (gone, when renamed)
        journal.close()
        self._journal = opened
        self._generation = generation

    def _put_in_place(self, snapshot: Path, successor: Path) -> JournalFile:
        """Rename a new snapshot and its journal (synced temporaries) over the store's, the
        snapshot first and kept as a backup; the new journal, opened. Under the lock."""
        try:
            add_backup(self.path, snapshot)
            os.replace(snapshot, self.path)
            os.replace(successor, self._journal_path)
        finally:
            with contextlib.suppress(OSError):
                successor.unlink()  # (gone, when renamed)
        fsync_directory(self.path.parent)
        opened = JournalFile.open(self._journal_path, writable=True)
        if opened is None:
            raise StoreError(f"{self._journal_path}: vanished as the store's files were replaced")
        return opened

    def _set_up_files(self) -> None:
        """Under the exclusive lock: create, migrate, or finish an interrupted compaction."""
        tables = read_snapshot(self.path)
        if tables is None:
            self._write_snapshot_and_journal(empty_tables())
        elif schema_of(tables) == FIRST_SCHEMA:
            if self._journal_path.exists():
                raise StoreError(f"{self.path}: a first-release header beside a journal")
            add_backup(self.path, self.path, label=f"-schema{schema_of(tables)}")
            self._write_snapshot_and_journal(migrate(tables))
        elif schema_of(tables) != SCHEMA_VERSION:
            self._migrate_with_journal(schema_of(tables) or 0)
        else:
            info = snapshot_info(tables)
            journal = JournalFile.open(self._journal_path, writable=True)
            if journal is None:
                replace_file(self._journal_path, [Header(info.generation or "").encode()])
            elif journal.header.generation != info.generation:
                _, end = journal.read_from(info.journal_offset)
                tail = journal.read_bytes(info.journal_offset, end)
                journal.close()
                header = Header(info.generation or "", info.parent, info.journal_offset)
                replace_file(self._journal_path, [header.encode(), tail])
            else:
                journal.close()
        remove_stale_temporaries(self.path)
        self._adopt(self._load_once())

    def _write_snapshot_and_journal(self, tables: Tables, info: SnapshotInfo | None = None) -> None:
        info = info or SnapshotInfo(new_generation(), None, 0)
        replace_file(self.path, encode_snapshot(tables, info))
        replace_file(self._journal_path, [Header(info.generation or "").encode()])

    def _migrate_with_journal(self, schema: int) -> None:
        """Under the exclusive lock: write a store of a layout that has a journal (schema 2)
        in the current one, its journal's saves folded in. The original snapshot and
        journal are kept as a backup pair (`Store(backup)` opens it).

        The new snapshot names the old journal as its parent, cut at its end: a crash
        between the two renames then reads as an interrupted compaction. The new journal
        names no parent, so a running older Gloss reloads — and is told to upgrade —
        rather than read saves in a layout it does not know.
        """
        loaded = self._load_once()  # the snapshot, its journal's saves applied, migrated
        parent, cut = None, 0
        if loaded.journal is not None:
            parent, cut = loaded.journal.header.generation, loaded.journal.end
            loaded.journal.close()
        backup = add_backup(self.path, self.path, label=f"-schema{schema}")
        if backup is not None and self._journal_path.exists():
            with contextlib.suppress(OSError):
                shutil.copyfile(self._journal_path, journal_path(backup))
        info = SnapshotInfo(new_generation(), parent, cut)
        self._write_snapshot_and_journal(loaded.tables, info)

    # -- the lock ----------------------------------------------------------------------

    _lock_problem: str | None = None
    _lock_errno: int = errno.EACCES

    def _open_lock_file(self) -> None:
        flags = os.O_RDONLY if self.read_only else os.O_RDWR | os.O_CREAT
        try:
            self._lock_descriptor = os.open(self._lock_path, flags, 0o644)
            self._lock_problem = None
        except OSError as error:
            try:
                self._lock_descriptor = os.open(self._lock_path, os.O_RDONLY)
                self._lock_problem = None
            except OSError:
                self._lock_descriptor = None
                self._lock_errno = error.errno or errno.EACCES
                self._lock_problem = SAVE_FAILURES.get(
                    error.errno or 0, error.strerror or str(error)
                )

    def _acquire(self) -> bool:
        if self._lock_descriptor is None:
            self._open_lock_file()
        if self._lock_descriptor is None:
            return False
        try:
            fcntl.flock(self._lock_descriptor, fcntl.LOCK_EX)
        except OSError:
            return False
        return True

    def _release(self) -> None:
        if self._lock_descriptor is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_descriptor, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _flock(self, operation: int) -> Iterator[None]:
        held = False
        if self._lock_descriptor is not None:
            try:
                fcntl.flock(self._lock_descriptor, operation)
                held = True
            except OSError:
                held = False
        try:
            yield
        finally:
            if held:
                self._release()

    # -- compaction --------------------------------------------------------------------

    def should_compact_on_close(self) -> bool:
        """Whether closing should compact: the journal holds saves, and the snapshot is
        small or the journal large next to it."""
        journal = self._journal
        if journal is None or journal.end <= journal.header_end:
            return False
        try:
            snapshot_size = self.path.stat().st_size
        except OSError:
            return False
        written = journal.end - journal.header_end
        return snapshot_size < 4 * 1024 * 1024 or written * 8 > snapshot_size

    def wait_for_compaction(self) -> None:
        """Return once a background compaction (if any) is done."""
        if self._compactor is not None:
            self._compactor.join()
            self._compactor = None

    def _compact_quietly(self) -> None:
        with contextlib.suppress(GlossError, OSError):
            self._compact()

    def _compact(self) -> None:
        # 1. A consistent copy of the tables and where in the journal it stands.
        with self._mutex:
            if self._pending or self._journal is None or self._needs_setup or self._closed:
                return
            tables = {name: dict(table) for name, table in self.storage.tables.items()}
            journal, parent, cut = self._journal, self._generation, self._journal.end
        # 2. The new snapshot, written without holding any lock.
        generation = new_generation()
        info = SnapshotInfo(generation, parent, cut)
        snapshot = write_temporary(self.path, encode_snapshot(tables, info))
        try:
            # 3. Under the lock: carry over what was appended meanwhile, rename both files.
            with self._mutex:
                if self._closed or not self._acquire():
                    return
                self._locked = True
                try:
                    self._catch_up(exact=True)
                    if self._journal is not journal or self._generation != parent:
                        return  # another copy compacted first
                    journal.cut_unfinished_tail()
                    end = journal.end
                    tail = journal.read_bytes(cut, end)
                    header = Header(generation, parent, cut)
                    successor = write_temporary(self._journal_path, [header.encode(), tail])
                    opened = self._put_in_place(snapshot, successor)
                    opened.end = opened.header_end + (end - cut)
                    opened.seen_size = opened.end
                    journal.close()
                    self._journal = opened
                    self._generation = generation
                    remove_stale_temporaries(self.path)  # from compactions killed midway
                finally:
                    self._locked = False
                    self._release()
        finally:
            with contextlib.suppress(OSError):
                snapshot.unlink()


def _marks_reload(entries: list[list[Operation]]) -> bool:
    return any(len(entry) == 1 and entry[0] == RELOAD_MARK for entry in entries)


class _Moved(Exception):
    """The files changed while we read them without a lock: read again."""


def _refuse(operations: list[Operation]) -> None:
    raise StoreError("internal: loading must not write")

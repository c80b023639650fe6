"""Writing an export (or a codebook) to the file a user named, whatever that name is.

A regular file is replaced whole through a temporary file beside it, never left half
written. The name may be something else: a symlink is written through, to its target
(the link stays a link); a FIFO is written into, as `> fifo` would; a device node is
refused (renaming over `/dev/sda` as root would replace the node), and so are the
files of the store being exported (writing the export over its snapshot or journal
would destroy it).
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from annotations.errors import ExportError
from annotations.storage import backup_folder, journal_path, lock_path


def store_files(store: Path) -> tuple[Path, ...]:
    """The files a store at `store` keeps: itself, its journal, lock and backup folder."""
    return (store, journal_path(store), lock_path(store), backup_folder(store))


def target_of(path: Path) -> Path:
    """The file writing `path` reaches: the last target of a chain of symlinks."""
    return Path(os.path.realpath(path))


def check_output(path: Path, protected: Iterable[Path] = ()) -> None:
    """`ExportError` when `path` must not or cannot be written: a folder, in no folder, a
    device or socket, or one of the `protected` files (or inside a protected folder)."""
    target = target_of(path)
    if target.is_dir():
        raise ExportError(f"{path}: is a folder; name a file to write")
    if not target.parent.is_dir():
        raise ExportError(f"{path}: cannot write (no folder {target.parent})")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise ExportError(f"{path}: cannot write ({error.strerror})") from None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode)):
        raise ExportError(f"{path}: is a device, not a file; name a file (or write to stdout)")
    for kept in protected:
        kept_target = target_of(kept)
        if (
            target == kept_target
            or kept_target in target.parents
            or (mode is not None and kept.exists() and os.path.samefile(target, kept_target))
        ):
            raise ExportError(
                f"{path}: is one of the store's own files ({kept.name}); name another file"
            )


# A function that writes a file's content into the (seekable) file it is given.
Writer = Callable[[BinaryIO], None]


def write_file(
    path: Path, data: bytes | Iterable[bytes] | Writer, protected: Iterable[Path] = ()
) -> None:
    """Write `data` to `path` (see the module's docstring); `ExportError` if it fails.
    `data` may come in pieces (`export.render_chunks`), each written as it comes, or be a
    `Writer` that writes into the file as it goes (a zip, which seeks back over its
    entries' headers: `export.file_content`)."""
    if isinstance(data, bytes):
        data = (data,)
    protected = tuple(protected)
    check_output(path, protected)
    target = target_of(path)
    if target.exists() and stat.S_ISFIFO(os.stat(target).st_mode):
        _write_into(path, target, data)
        return
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        # os.open with 0o666 lets the umask decide the permissions, as for any new file.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            _write(handle, data)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ExportError(f"{path}: cannot write ({error.strerror})") from None
    except BaseException:
        # A piece that failed to be made (or ctrl+c) leaves no temporary behind either.
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write(handle: BinaryIO, data: Iterable[bytes] | Writer) -> None:
    if callable(data):
        data(handle)
        return
    for piece in data:
        handle.write(piece)


def _write_into(path: Path, fifo: Path, data: Iterable[bytes] | Writer) -> None:
    """Write into a FIFO: it waits for a reader, as a shell's `> fifo` does."""
    if callable(data):  # it seeks: made whole first
        buffer = io.BytesIO()
        data(buffer)
        data = (buffer.getvalue(),)
    try:
        with open(fifo, "wb") as handle:
            _write(handle, data)
    except BrokenPipeError:
        raise ExportError(f"{path}: the reader of the FIFO went away") from None
    except OSError as error:
        raise ExportError(f"{path}: cannot write ({error.strerror})") from None

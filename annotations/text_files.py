"""Large document texts in files of their own beside the store (`PATH.texts/`).

A text of `LARGE_TEXT` characters or more is not written into the journal and the
snapshot as a JSON string: its `texts` record is `{"file": "<hex>.txt"}` (schema 6), and
the file `PATH.texts/<hex>.txt` holds the text's UTF-8 bytes, where `<hex>` is the
document id's digest — the SHA-256 of those very bytes. So a 200 MB book is written once,
as it is, never escaped into a journal line and again into each compacted snapshot, and
reading the store never parses it out of JSON (which held the snapshot's bytes, an
unescaped copy and the text at once: 800 MB).

Durability: the file is written beside its final name, synced, renamed and its folder
synced before the journal line that names it is appended, so a save that returned names
a file that is on disk; a crash in between leaves only an unnamed file. Files are named by
their content and never changed or removed, so every snapshot, backup and journal that
names one reads the same text; reading checks the text against its id. A restore links
them beside the store it keeps aside, and takes in those of a store file from elsewhere
(`share_text_files`); a repaired store holds its texts in its own file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from annotations.document import utf8_pieces
from annotations.errors import DocumentError, StoreError
from annotations.storage import (
    file_chunks,
    fsync_directory,
    read_regular_file,
    remove_stale_temporaries,
    write_temporary,
)

# Texts at least this long (in characters) are kept in a file of their own.
LARGE_TEXT = 1 << 20
_FILE_NAME = re.compile(r"[0-9a-f]{64}\.txt")


def text_folder(store: Path) -> Path:
    """The folder of the store at `store`'s text files."""
    return store.with_name(store.name + ".texts")


def file_name(document_id: str) -> str:
    """The file a document's text is kept in: its id's digest."""
    return document_id.removeprefix("sha256:") + ".txt"


def is_file_record(record: object) -> bool:
    """Whether a `texts` record names a text file (rather than holding the text)."""
    return isinstance(record, dict) and "file" in record


def write_text_file(store: Path, document_id: str, text: str) -> dict[str, str]:
    """Write `text` durably as the file of document `document_id`; its `texts` record.

    `StoreError` when the disk refuses (nothing is saved then; the file is left out).
    """
    folder = text_folder(store)
    name = file_name(document_id)
    try:
        if not folder.is_dir():
            folder.mkdir(exist_ok=True)
            fsync_directory(folder.parent)
        temporary = write_temporary(folder / name, utf8_pieces(text))
        try:
            os.replace(temporary, folder / name)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        fsync_directory(folder)
        remove_stale_temporaries(folder / name, stem="")  # of writers killed midway
    except OSError as error:
        raise StoreError(
            f"{folder / name}: not saved — {error.strerror or error} (the document was not added)"
        ) from None
    return {"file": name}


def read_text_file(store: Path, key: str, record: dict[str, object]) -> str:
    """The text a `texts` record of document `key` names (not yet checked against the id:
    `Document.from_record` does). `DocumentError` when the file is missing or unreadable."""
    name = record.get("file")
    if not isinstance(name, str) or name != file_name(key) or not _FILE_NAME.fullmatch(name):
        raise DocumentError(f"document {key}: its text file is named wrongly ({name!r})")
    path = text_folder(store) / name
    try:
        data = read_regular_file(path, "text file")
    except StoreError as error:
        raise DocumentError(str(error)) from None
    if data is None:
        raise DocumentError(f"document {key}: its text file {path} is missing")
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        raise DocumentError(f"{path}: damaged (not UTF-8)") from None


def missing_text_files(store: Path, texts: dict[str, object]) -> list[str]:
    """The text files that `texts` records name and that are not beside `store`."""
    folder = text_folder(store)
    names = [str(record["file"]) for record in texts.values() if is_file_record(record)]
    return [name for name in names if not (folder / name).is_file()]


def share_text_files(source: Path, target: Path) -> None:
    """Give the store file `target` the text files of the store file `source` it lacks
    (hard links: the files never change; copies where links cannot be made), synced.
    `OSError` when the disk refuses."""
    folder = text_folder(source)
    if not folder.is_dir():
        return
    names = [p.name for p in folder.iterdir() if _FILE_NAME.fullmatch(p.name)]
    wanted = text_folder(target)
    missing = [name for name in names if not (wanted / name).is_file()]
    if not missing:
        return
    if not wanted.is_dir():
        wanted.mkdir(exist_ok=True)
        fsync_directory(wanted.parent)
    for name in missing:
        try:
            os.link(folder / name, wanted / name)
        except OSError:
            copy = write_temporary(wanted / name, file_chunks(folder / name))
            os.replace(copy, wanted / name)
    fsync_directory(wanted)

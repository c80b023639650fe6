"""Stored documents whose large text is read when first needed, not when the store opens.

A text of a million characters or more lives in a file beside the store (`text_files`).
Reading it, decoding it and hashing it against the document's id took 25-45 ms for a
5 MB book (seconds for a 200 MB one) every time the store opened, before the reader's
first frame, and most opens need one text at most (often not even that: a book opened
from its own file brings the very same text, found by the same hash). So the store
indexes such a document with its text still unread: `LazyTextDocument.text` reads the
file on first use and checks it against the id, as opening did. A file that is missing
or named wrongly is still refused when the store opens (a `stat`, no reading); a text
that does not match its id is refused when it is first read, with the same one line
(`StoreError`, naming the store and `gloss doctor`) — never shown or exported.

`check_texts` checks every text against its id (the reader does it after its first
frame, so that damage is still found at every launch), `read_texts` reads those a
screen is about to show (where a damaged one can still be said in one line), and
`supply_text` gives a document the text its id names when it is at hand already (the
file just opened: its bytes hash to the id).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotations.document import Document, document_id, normalise_newlines, utc_now
from annotations.errors import DocumentError, StoreError
from annotations.storage import doctor_hint, file_chunks, read_document
from annotations.structure import Structure
from annotations.text_files import file_name, is_file_record, read_text_file, text_folder

# One text is read at a time: two threads asking for the same one read it once.
_READING = threading.Lock()
# Set on a document whose text was read from its file and checked (or its file checked).
_CHECKED = "_text_checked"


def damaged_record(store: Path, error: Exception) -> StoreError:
    """The error a damaged document record of the store at `store` is reported with."""
    return StoreError(f"{store}: damaged record ({error}); " + doctor_hint(store))


class _TextWhenFirstRead:
    """`LazyTextDocument.text`: read from its file on first use, then kept.

    A non-data descriptor: once read (or given by `Document.__init__`, as
    `dataclasses.replace` does), the text is the instance's own attribute and this is
    never asked again."""

    def __get__(self, document: LazyTextDocument | None, owner: type) -> Any:
        if document is None:
            return self
        with _READING:
            text = document.__dict__.get("text")
            if text is None:
                text = document.__dict__["_read_text"]()
                document.__dict__["text"] = text
                document.__dict__[_CHECKED] = True
        return text


class LazyTextDocument(Document):
    """A stored document whose text is in a file beside the store, read (and checked
    against the id) when first asked for. Otherwise a `Document` like any other."""

    text = _TextWhenFirstRead()  # type: ignore[assignment]

    def __bool__(self) -> bool:
        # `if document:` would ask `len()`, which reads the text; a text kept in a file
        # is a million characters or more, never empty.
        return True


def stored_document(
    key: str, record: dict[str, Any], texts: dict[str, Any], store: Path
) -> Document:
    """The document of a `documents` record, as `storage.read_document` reads it, except
    that a text in a file beside the store is not read yet (see the module's notes).

    Raises what `read_document` raises for a damaged record; for a text file, only what
    needs no reading: a file named wrongly or missing."""
    text = texts.get(key)
    if (
        "text" in record
        or not is_file_record(text)
        or "text" in text
        or record.get("id") not in (None, key)
        or not record.get("title")
    ):
        return read_document(key, record, texts, store)
    name = file_name(key)
    if text["file"] != name:
        read_text_file(store, key, text)  # says how it is named wrongly
    if not (text_folder(store) / name).is_file():
        raise DocumentError(f"document {key}: its text file {text_folder(store) / name} is missing")
    structure = text.get("structure")
    document = LazyTextDocument.__new__(LazyTextDocument)
    fields = {
        "id": key,
        "title": record["title"],
        "path": record.get("path"),
        "metadata": dict(record.get("metadata") or {}),
        "added": record.get("added") or utc_now(),
        "structure": Structure.from_record(structure) if structure else None,
        "_read_text": _text_reader(store, key, text),
    }
    for field_name, value in fields.items():
        object.__setattr__(document, field_name, value)
    return document


def _text_reader(store: Path, key: str, record: dict[str, Any]) -> Callable[[], str]:
    def read() -> str:
        try:
            text = read_text_file(store, key, record)
            if "\r" in text:
                text = normalise_newlines(text)
            if document_id(text) != key:
                raise DocumentError(f"document {key}: its text does not match its id")
        except DocumentError as error:
            raise damaged_record(store, error) from None
        return text

    return read


def text_is_read(document: Document) -> bool:
    """Whether `document` holds its text (every document but a `LazyTextDocument` not
    yet read does)."""
    return "text" in document.__dict__ or not isinstance(document, LazyTextDocument)


def supply_text(document: Document, text: str) -> Document:
    """`document` holding `text`, which must be the text its id names (read from a file
    whose bytes hash to it): its own file is then not read for it."""
    if text_is_read(document):
        return document
    return replace(document, text=text)


def revised(document: Document, **changes: Any) -> Document:
    """`dataclasses.replace(document, **changes)`, except that a text not read yet stays
    unread (a new path or title is no reason to read a book)."""
    if text_is_read(document) or "text" in changes:
        return replace(document, **changes)
    copy = LazyTextDocument.__new__(LazyTextDocument)
    for name, value in document.__dict__.items():
        if not name.startswith("_") or name == "_read_text":
            object.__setattr__(copy, name, changes.get(name, value))
    return copy


def read_texts(documents: Iterable[Document]) -> None:
    """Read (and check) now the texts of `documents` not read yet: where a damaged one
    is best reported (before a screen shows it). `StoreError` for the first damaged."""
    for document in documents:
        if not text_is_read(document):
            document.text  # noqa: B018 — reading it is the point


def check_texts(documents: Iterable[Document], store: Path) -> None:
    """Check every text of `documents` in a file beside the store at `store` against its
    id: each file is hashed a megabyte at a time, and a text not read yet stays unread
    (reading it would keep every stored book in memory for the session). `StoreError`
    (one line) for the first that is damaged or missing."""
    for document in documents:
        if not isinstance(document, LazyTextDocument) or document.__dict__.get(_CHECKED):
            continue
        digest = hashlib.sha256()
        path = text_folder(store) / file_name(document.id)
        try:
            for chunk in file_chunks(path):
                digest.update(chunk)
        except OSError as error:
            problem = DocumentError(f"document {document.id}: its text file {path}: {error}")
            raise damaged_record(store, problem) from None
        if "sha256:" + digest.hexdigest() != document.id:
            problem = DocumentError(f"document {document.id}: its text does not match its id")
            raise damaged_record(store, problem)
        document.__dict__[_CHECKED] = True

"""Document attributes (case variables): outlet, author, date, language and any the
analyst defines, one value each per document.

They are stored in the store's `attributes` table (document id -> {name: value}); a store
without the table has no attributes set. Where the analyst has set none, the standard
ones fall back to what the file said of itself (`Document.metadata`: author, date,
language, and the publisher or source as the outlet), so a converted web page or EPUB
has them from the start. A value set by the analyst always wins; removing it brings the
file's value back.

`year` is a derived attribute unless the analyst defines one: the first four-digit year in
the `date` attribute (2015-03-02, 2 March 2015, 03/02/2015 all give 2015).

Names are lower case, without surrounding white space; values are one line of text.
`import_csv` sets many at once from a spreadsheet: all the rows or, on any fault, none.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from annotations.document import Document
from annotations.errors import GlossError

TABLE = "attributes"
STANDARD = ("outlet", "author", "date", "language")
YEAR = "year"
# Columns of an import that name the document rather than set an attribute.
DOCUMENT_COLUMNS = ("document", "id", "title", "file")
MAX_NAME = 64
MAX_VALUE = 1000
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# What a document's own metadata gives each standard attribute, in order of preference.
_FROM_METADATA: dict[str, tuple[str, ...]] = {
    "outlet": ("publisher", "source"),
    "author": ("author",),
    "date": ("date",),
    "language": ("language",),
}


class AttributesError(GlossError):
    """Bad attribute input: a name, a value or a CSV file that cannot be used."""


class AttributeStore(Protocol):
    """What attributes are read from and written to: `annotations.Store`."""

    def documents(self) -> list[Document]: ...

    def document(self, document_id: str) -> Document: ...

    def find_document(self, reference: str) -> Document | None: ...

    def side_records(self, table: str) -> dict[str, dict[str, object]]: ...

    def put_side_records(
        self, table: str, records: Mapping[str, Mapping[str, object] | None]
    ) -> None: ...


def check_name(name: str) -> str:
    """The attribute name as stored (lower case, trimmed); `AttributesError` when empty,
    too long, or holding a control character or `=`."""
    cleaned = " ".join(name.split()).casefold()
    if not cleaned:
        raise AttributesError("an attribute needs a name")
    if len(cleaned) > MAX_NAME:
        raise AttributesError(f"attribute name longer than {MAX_NAME} characters: {cleaned[:20]}…")
    if "=" in cleaned or any(not ch.isprintable() for ch in cleaned):
        raise AttributesError(f"attribute name {cleaned!r} may not hold '=' or control characters")
    if cleaned in DOCUMENT_COLUMNS:
        raise AttributesError(f"{cleaned!r} names the document; it cannot be an attribute")
    return cleaned


def check_value(name: str, value: str) -> str:
    """The value as stored: white space runs made one space, trimmed; `AttributesError`
    when too long or holding a control character."""
    cleaned = " ".join(value.split())
    if len(cleaned) > MAX_VALUE:
        raise AttributesError(f"value of {name!r} longer than {MAX_VALUE} characters")
    if any(not ch.isprintable() for ch in cleaned):
        raise AttributesError(f"value of {name!r} holds a control character")
    return cleaned


def stored(store: AttributeStore) -> dict[str, dict[str, str]]:
    """Every attribute the analyst set: document id -> {name: value}."""
    return {
        key: {str(name): str(value) for name, value in record.items()}
        for key, record in store.side_records(TABLE).items()
    }


def from_metadata(document: Document) -> dict[str, str]:
    """The standard attributes a document's own metadata gives it."""
    found: dict[str, str] = {}
    for name, fields in _FROM_METADATA.items():
        for field_name in fields:
            value = document.metadata.get(field_name)
            if isinstance(value, str) and value.strip():
                found[name] = " ".join(value.split())
                break
    return found


def year_of(date: str) -> str | None:
    """The first four-digit year in a date, or None."""
    match = _YEAR.search(date)
    return match.group(1) if match else None


def attributes_of(document: Document, set_here: Mapping[str, str] | None = None) -> dict[str, str]:
    """A document's attributes: the file's, overlaid by those the analyst set
    (`set_here`), with `year` derived from `date` unless set. Sorted by name, standard
    ones first."""
    values = {**from_metadata(document), **(set_here or {})}
    if YEAR not in values and values.get("date"):
        year = year_of(values["date"])
        if year is not None:
            values[YEAR] = year
    return dict(sorted(values.items(), key=lambda item: _name_order(item[0])))


def all_attributes(store: AttributeStore) -> dict[str, dict[str, str]]:
    """Every document's attributes (`attributes_of`), by document id, in store order. A
    revised file's new version has those set on the versions it supersedes, its own
    values over theirs."""
    set_here = stored(store)
    documents = store.documents()
    by_id = {d.id: d for d in documents}
    return {d.id: attributes_of(d, inherited(d, by_id, set_here)) for d in documents}


def document_attributes(store: AttributeStore, document_id: str) -> dict[str, str]:
    """One document's attributes, as `all_attributes` gives them (older versions' values
    included); `StoreError` for an unknown document."""
    document = store.document(document_id)
    by_id = {d.id: d for d in store.documents()}
    return attributes_of(document, inherited(document, by_id, stored(store)))


def inherited(
    document: Document, by_id: Mapping[str, Document], set_here: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """The attributes set on `document` and on the older versions it supersedes (the
    newest version's value of a name winning)."""
    chain = [document]
    seen = {document.id}
    older_id = document.metadata.get("supersedes")
    while isinstance(older_id, str) and older_id in by_id and older_id not in seen:
        seen.add(older_id)
        chain.append(by_id[older_id])
        older_id = by_id[older_id].metadata.get("supersedes")
    values: dict[str, str] = {}
    for version in reversed(chain):
        values.update(set_here.get(version.id, {}))
    return values


def attribute_names(attributes: Iterable[Mapping[str, str]]) -> list[str]:
    """Every attribute name in use, standard ones first, then the rest sorted."""
    names = {name for values in attributes for name in values}
    return sorted(names, key=_name_order)


def _name_order(name: str) -> tuple[int, str]:
    order = (*STANDARD, YEAR)
    return (order.index(name), "") if name in order else (len(order), name)


def set_attributes(
    store: AttributeStore, document_id: str, values: Mapping[str, str | None]
) -> dict[str, str]:
    """Set (or, with None or "", remove) attributes of one document, in one save, and
    return the attributes the analyst has set on it now."""
    store.document(document_id)
    current = stored(store).get(document_id, {})
    updated = _merged(current, values)
    store.put_side_records(TABLE, {document_id: updated or None})
    return updated


def _merged(current: Mapping[str, str], values: Mapping[str, str | None]) -> dict[str, str]:
    updated = dict(current)
    for raw_name, raw_value in values.items():
        name = check_name(raw_name)
        value = check_value(name, raw_value or "")
        if value:
            updated[name] = value
        else:
            updated.pop(name, None)
    return updated


# -- importing a spreadsheet ---------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What `import_csv` did: how many documents got attributes, and which names."""

    documents: int
    names: tuple[str, ...]
    values: int


def import_csv(store: AttributeStore, text: str, *, source: str = "CSV") -> ImportResult:
    """Set attributes from CSV text: a header row, one row per document.

    The first column (or the one headed `document`, `id`, `title` or `file`) names the
    document by id, id prefix, title, path or file name; every other column is an
    attribute, its header the name. An empty cell leaves that attribute as it was.
    Every row is checked before anything is saved: a fault (no header, an unknown or
    ambiguous document, a row of the wrong width, a bad name) raises `AttributesError`
    naming the line, and nothing is changed. Then all of it is one save.
    """
    header, body = _read_rows(text, source)
    names = [_header_name(cell) for cell in header]
    key_column = next((i for i, name in enumerate(names) if name in DOCUMENT_COLUMNS), 0)
    attribute_columns = [i for i in range(len(header)) if i != key_column]
    if not attribute_columns:
        raise AttributesError(f"{source}: line 1: no attribute columns beside the document's")
    checked_names: dict[int, str] = {}
    for column in attribute_columns:
        try:
            checked_names[column] = check_name(header[column])
        except AttributesError as error:
            raise AttributesError(f"{source}: line 1, column {column + 1}: {error}") from None
    if len(set(checked_names.values())) != len(checked_names):
        raise AttributesError(f"{source}: line 1: an attribute column is named twice")
    documents = store.documents()
    current = stored(store)
    changes: dict[str, dict[str, str]] = {}
    values = 0
    for line, row in body:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise AttributesError(
                f"{source}: line {line}: {len(row)} cells where the header has {len(header)}"
            )
        document = _find(store, documents, row[key_column].strip(), source, line)
        update: dict[str, str | None] = {}
        for column in attribute_columns:
            if row[column].strip():
                update[checked_names[column]] = row[column]
        try:
            base = changes.get(document.id, current.get(document.id, {}))
            changes[document.id] = _merged(base, update)
        except AttributesError as error:
            raise AttributesError(f"{source}: line {line}: {error}") from None
        values += len(update)
    if changes:
        store.put_side_records(TABLE, {key: record or None for key, record in changes.items()})
    return ImportResult(len(changes), tuple(checked_names.values()), values)


def _header_name(cell: str) -> str:
    return " ".join(cell.split()).casefold()


def _read_rows(text: str, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's cells, and (line number, cells) for each row after it."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise AttributesError(f"{source}: not a CSV file (it holds NUL characters)")
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise AttributesError(f"{source}: line {reader.line_num}: {error}") from None
    rows = [(line, cells) for line, cells in rows if cells]
    if not rows:
        raise AttributesError(f"{source}: empty: expected a header row and a row per document")
    header = rows[0][1]
    if len(header) < 2:
        raise AttributesError(
            f"{source}: line {rows[0][0]}: expected a header of the document column and at "
            "least one attribute"
        )
    return header, rows[1:]


def _delimiter(header: str) -> str:
    """Comma, semicolon (a spreadsheet set to a decimal comma) or tab: whichever the
    header line holds most of, outside quotes; a comma when it holds none."""
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {ch: outside.count(ch) for ch in (",", ";", "\t")}
    best = max(counts, key=lambda ch: counts[ch])
    return best if counts[best] else ","


def _find(
    store: AttributeStore, documents: list[Document], reference: str, source: str, line: int
) -> Document:
    """A document by id, path, title or file name — refused when that names several
    documents (versions of one revised file aside) — else by id prefix."""
    if not reference:
        raise AttributesError(f"{source}: line {line}: no document named in the first column")
    current = [d for d in documents if not d.metadata.get("superseded_by")]
    for matches in (
        [d for d in documents if d.id == reference],
        [d for d in current if d.path and (d.path == reference or _file_name(d.path) == reference)],
        [d for d in current if d.title == reference],
        [d for d in current if d.title.casefold() == reference.casefold()],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise AttributesError(
                f"{source}: line {line}: {reference!r} names {len(matches)} documents; "
                "give the id instead"
            )
    found = store.find_document(reference)  # a path as typed, an id prefix
    if found is not None:
        return found
    raise AttributesError(f"{source}: line {line}: no document {reference!r} in the store")


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def documents_where(store: AttributeStore, conditions: Mapping[str, str]) -> list[Document]:
    """The documents whose attributes have every value in `conditions` (case, and runs of
    white space, aside), in store order."""
    wanted = {check_name(name): _folded(value) for name, value in conditions.items()}
    values = all_attributes(store)
    return [
        document
        for document in store.documents()
        if all(_folded(values[document.id].get(name, "")) == v for name, v in wanted.items())
    ]


def _folded(value: str) -> str:
    return " ".join(value.split()).casefold()


# -- the json export and import -----------------------------------------------------------


def exported(store: AttributeStore, document_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The attributes the analyst set on these documents (not the file's, not `year`
    derived): what a json export carries, by document id."""
    set_here = stored(store)
    return {key: dict(set_here[key]) for key in document_ids if key in set_here}


def merged_import(
    store: AttributeStore, incoming: object, documents: Iterable[str]
) -> dict[str, dict[str, str]]:
    """The `attributes` table's records after importing `incoming` (a json export's
    `attributes`: document id -> {name: value}) over what the store has: each imported
    value replaces the stored one of that name. `documents` are the ids the import knows
    (in the file or the store). `AttributesError` names the first bad entry; nothing is
    written here."""
    if not isinstance(incoming, Mapping):
        raise AttributesError('"attributes" must map document ids to {name: value}')
    known = set(documents)
    current = stored(store)
    merged: dict[str, dict[str, str]] = {}
    for document_id, values in incoming.items():
        if document_id not in known:
            raise AttributesError(f"attributes of unknown document {document_id}")
        if not isinstance(values, Mapping) or not all(
            isinstance(name, str) and isinstance(value, str) for name, value in values.items()
        ):
            raise AttributesError(f"attributes of {document_id} must be {{name: text}}")
        base = merged.get(document_id, current.get(document_id, {}))
        merged[document_id] = _merged(base, dict(values))
    return merged

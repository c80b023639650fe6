"""Memos beyond annotations: one per document and one for the whole project, and the
list of every memo of a scope (annotation memos included) for a memo view.

Document and project memos are stored in the store's `memos` table, keyed by document id
or `PROJECT`; a store without the table has none. Writing an empty memo removes it. Each
keeps who wrote it last and when. Exports carry them: md and html as a section, qdpx as
`<Notes>` (see annotations/export/qdpx.py).

    set_memo(store, PROJECT, "Russia: institutions; Iran: people.", analyst="ana")
    memo(store, document.id)          # Memo | None
    memo_entries(annotations, by="code", codebook=codebook)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from annotations.codebook import Codebook
from annotations.document import Document, utc_now
from annotations.errors import GlossError
from annotations.model import Annotation

TABLE = "memos"
# The key of the project's memo; document ids all start "sha256:", so none can clash.
PROJECT = "project"
MAX_MEMO = 1_000_000


class MemoError(GlossError):
    """A memo that cannot be saved: about an unknown document, or too long."""


@dataclass(frozen=True, slots=True)
class Memo:
    """A memo `about` a document (its id) or the project (`PROJECT`)."""

    about: str
    text: str
    analyst: str
    modified: str

    def to_record(self) -> dict[str, str]:
        return {"text": self.text, "analyst": self.analyst, "modified": self.modified}

    @classmethod
    def from_record(cls, about: str, record: Mapping[str, object]) -> Memo:
        return cls(
            about=about,
            text=str(record.get("text", "")),
            analyst=str(record.get("analyst", "")),
            modified=str(record.get("modified", "")),
        )


class MemoStore(Protocol):
    """What memos are read from and written to: `annotations.Store`."""

    def document(self, document_id: str) -> Document: ...

    def side_records(self, table: str) -> dict[str, dict[str, object]]: ...

    def put_side_records(
        self, table: str, records: Mapping[str, Mapping[str, object] | None]
    ) -> None: ...


def memos(store: MemoStore) -> dict[str, Memo]:
    """Every document and project memo, by what it is about."""
    return {
        about: Memo.from_record(about, record)
        for about, record in store.side_records(TABLE).items()
        if record.get("text")
    }


def memo(store: MemoStore, about: str) -> Memo | None:
    """The memo about a document (its id) or the project (`PROJECT`), if there is one."""
    return memos(store).get(about)


def set_memo(store: MemoStore, about: str, text: str, *, analyst: str) -> Memo | None:
    """Write (or, with blank text, remove) the memo about a document or the project, in
    one save; the memo as saved, or None when removed. `MemoError` for an unknown
    document or a memo longer than `MAX_MEMO` characters."""
    if about != PROJECT:
        try:
            store.document(about)
        except GlossError:
            raise MemoError(f"no document {about} to write a memo about") from None
    if len(text) > MAX_MEMO:
        raise MemoError(f"a memo may hold at most {MAX_MEMO:,} characters")
    if not text.strip():
        store.put_side_records(TABLE, {about: None})
        return None
    written = Memo(about=about, text=text, analyst=analyst, modified=utc_now())
    store.put_side_records(TABLE, {about: written.to_record()})
    return written


def scope_memos(store: MemoStore, document_ids: Iterable[str]) -> dict[str, Memo]:
    """The project memo and those of these documents: what an export of them carries. A
    revised file's new version without a memo of its own has the one written about the
    newest older version that has one."""
    every = memos(store)
    found = {PROJECT: every[PROJECT]} if PROJECT in every else {}
    for document_id in document_ids:
        version, seen = document_id, {document_id}
        while version not in every:
            try:
                older = store.document(version).metadata.get("supersedes")
            except GlossError:
                break
            if not isinstance(older, str) or older in seen:
                break
            version = older
            seen.add(older)
        if version in every:
            found[document_id] = replace(every[version], about=document_id)
    return found


# -- every memo of a scope, for a memo view -----------------------------------------------


@dataclass(frozen=True, slots=True)
class MemoEntry:
    """One memo in a list: a project or document memo (`annotation` None), or an
    annotation's memo with the annotation (its quote, tags, analyst, place)."""

    heading: str
    text: str
    analyst: str
    document: str | None
    annotation: Annotation | None


def memo_entries(
    annotations: Iterable[Annotation],
    *,
    by: Literal["document", "code", "analyst"] = "document",
    codebook: Codebook | None = None,
    documents: Iterable[Document] = (),
    stored: Mapping[str, Memo] | None = None,
) -> list[MemoEntry]:
    """Every memo of the scope as a list under headings: the project memo first, then
    grouped `by` document (each document's own memo first; headings are titles from
    `documents`, whose memos are those in `stored`), by code (the document memos first,
    then codebook order, other tags, "no code"; an annotation with two codes is listed
    under each) or by analyst (sorted). Within a heading, in document order."""
    stored = stored or {}
    titles = {d.id: d.title for d in documents}
    entries: list[MemoEntry] = []
    project = stored.get(PROJECT)
    if project is not None:
        entries.append(MemoEntry("Project", project.text, project.analyst, None, None))
    with_memo = [a for a in annotations if a.memo.strip()]
    if by == "document":
        order = list(titles) + sorted({a.document for a in with_memo} - set(titles))
        for document_id in order:
            heading = titles.get(document_id, document_id)
            own = stored.get(document_id)
            if own is not None:
                entries.append(MemoEntry(heading, own.text, own.analyst, document_id, None))
            entries += [
                MemoEntry(heading, a.memo, a.analyst, a.document, a)
                for a in with_memo
                if a.document == document_id
            ]
    elif by == "code":
        entries += _document_memos(stored, titles)
        labels = {c.id: c.label for c in codebook.codes} if codebook else {}
        used = {tag for a in with_memo for tag in a.tags}
        for code in [*labels, *sorted(used - set(labels))]:
            heading = labels.get(code, code)
            entries += [
                MemoEntry(heading, a.memo, a.analyst, a.document, a)
                for a in with_memo
                if code in a.tags
            ]
        entries += [
            MemoEntry("no code", a.memo, a.analyst, a.document, a) for a in with_memo if not a.tags
        ]
    else:
        own = _document_memos(stored, titles)
        for analyst in sorted({a.analyst for a in with_memo} | {m.analyst for m in own}):
            heading = analyst or "unknown"
            entries += [replace(m, heading=heading) for m in own if m.analyst == analyst]
            entries += [
                MemoEntry(heading, a.memo, a.analyst, a.document, a)
                for a in with_memo
                if a.analyst == analyst
            ]
    return entries


def _document_memos(stored: Mapping[str, Memo], titles: Mapping[str, str]) -> list[MemoEntry]:
    """The memos of the documents in `titles`, in their order, headed by their titles."""
    return [
        MemoEntry(title, stored[document_id].text, stored[document_id].analyst, document_id, None)
        for document_id, title in titles.items()
        if document_id in stored
    ]


# -- the json export and import -----------------------------------------------------------


def exported(memos_by_key: Mapping[str, Memo]) -> list[dict[str, str]]:
    """Memos as a json export carries them: `[{"about", "text", "analyst", "modified"}]`."""
    return [{"about": m.about, **m.to_record()} for m in memos_by_key.values()]


def merged_import(
    store: MemoStore, incoming: object, documents: Iterable[str]
) -> dict[str, dict[str, str]]:
    """The `memos` records to write for a json export's `memos`: each one new to the
    store, or later (`modified`) than the store's. `documents` are the ids the import
    knows. `MemoError` names the first bad entry; nothing is written here."""
    if not isinstance(incoming, list):
        raise MemoError('"memos" must be a list of {"about", "text", "analyst", "modified"}')
    known = set(documents) | {PROJECT}
    current = memos(store)
    chosen: dict[str, Memo] = {}
    for index, record in enumerate(incoming):
        fields = ("about", "text", "analyst", "modified")
        if not isinstance(record, Mapping) or not all(
            isinstance(record.get(name), str) for name in fields
        ):
            raise MemoError(f"memos[{index}]: expected text fields {', '.join(fields)}")
        if record["about"] not in known:
            raise MemoError(f"memos[{index}]: a memo about unknown document {record['about']}")
        if len(record["text"]) > MAX_MEMO:
            raise MemoError(f"memos[{index}]: longer than {MAX_MEMO:,} characters")
        incoming_memo = Memo.from_record(record["about"], record)
        rival = chosen.get(incoming_memo.about) or current.get(incoming_memo.about)
        if incoming_memo.text.strip() and (
            rival is None or incoming_memo.modified > rival.modified
        ):
            chosen[incoming_memo.about] = incoming_memo
    return {about: m.to_record() for about, m in chosen.items()}

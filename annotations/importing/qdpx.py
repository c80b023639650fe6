"""Read a REFI-QDA project (`.qdpx`: `project.qde` and `sources/`) from QualCoder, NVivo,
ATLAS.ti, MAXQDA or Gloss into Gloss records and a Gloss codebook.

- `project.qde` must validate against the REFI-QDA `Project.xsd` (QDA-XML 1.0);
- each `TextSource` becomes a document with its name as title; its text is the
  `sources/` file its `plainTextPath` names (UTF-8, a byte-order mark dropped) or its
  `PlainTextContent`. PDF, picture, audio and video sources are skipped, by name;
- each `PlainTextSelection` becomes an annotation (its guid the id): its `Coding`s the
  tags, its `Description` and the Notes it refers to the memo, its `creatingUser` the
  analyst. A Note "Confidence: high" (Gloss's own) is the confidence. A Note that a
  TextSource refers to and that holds a selection (QualCoder's annotations) is the memo of
  the selection of that span and user, or a memo-only annotation where there is none;
- positions count code points of the source text (see README, "Positions in qdpx"); a
  text with CR LF line ends is read with them counted, then normalised as Gloss stores it.

The codebook (`codebook_from`): REFI-QDA codes nest to any depth, Gloss has groups of
codes. A top-level code with codes inside is a group (and, when it is codable, a code of
that group too); the codes below it are codes of that group, nested as they are nested
there (`economy/oil/prices`); a top-level codable code without children goes into the
group "Codes". A code's `Description` is its description and, after a `Memo:` line, its
memo (as Gloss exports them). A code that matches one of the codebook in force (same
group label, label and parent; "other (Interest)" as Gloss's export disambiguates it)
keeps that code's id and key; the others get a free key, or none when the free keys run
out.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from annotations.codebook import Code, Codebook, Group
from annotations.document import Document, utc_now
from annotations.errors import CodebookError
from annotations.export.qdpx import split_description
from annotations.importing import BoundedZip, ImportFailure, ImportPlan
from annotations.model import CONFIDENCE_LEVELS, Annotation
from annotations.safe_text import visible

NS = "{urn:QDA-XML:project:1.0}"
CONFIDENCE_NOTE = re.compile(r"^Confidence: (" + "|".join(CONFIDENCE_LEVELS) + r")$")
SKIPPED_SOURCES = {
    "PDFSource": "PDF source",
    "PictureSource": "picture source",
    "AudioSource": "audio source",
    "VideoSource": "video source",
}
# Keys handed out to codes, in this order, leaving out those the reader uses (`reserved`).
KEY_CANDIDATES = "1234567890cdhilrsxyzCDEHILRSXYZABFMOPQTUVWabefgjkmnopqtuvwGJKN"
PALETTE = ["#d9534f", "#2e9e5b", "#8e6bd6", "#2c7fb8", "#d68910", "#16a085", "#c0392b", "#7f8c8d"]
FALLBACK_GROUP = ("codes", "Codes")
_CODE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*$")


@dataclass
class QdpxImport:
    """A project read: the records to merge, the codebook its codes make (None when it
    has no codes), and what was left out."""

    plan: ImportPlan
    codebook: Codebook | None
    project_name: str


def read_qdpx(
    source: Path | bytes,
    *,
    label: str,
    codebook_in_force: Codebook,
    reserved: Collection[str] = (),
) -> QdpxImport:
    """The project in `source` (a `.qdpx` file, or its bytes), or `ImportFailure` saying
    what is wrong with it; `label` names the file in messages, `reserved` the keys no code
    may take (the reader's own)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except zipfile.BadZipFile:
        raise ImportFailure(
            f"{label}: not a zip (a .qdpx is a zip of project.qde and sources/)"
        ) from None
    except OSError as error:
        raise ImportFailure(f"{label}: cannot be read ({error.strerror})") from None
    with archive:
        files = BoundedZip(archive, label)
        qde = files.find("project.qde") or _single_qde(files)
        if qde is None:
            raise ImportFailure(f"{label}: no project.qde in the zip: not a REFI-QDA project")
        root = _parse(files.read(qde), label)
        return _Reader(files, label, codebook_in_force, frozenset(reserved)).read(root)


def _single_qde(files: BoundedZip) -> zipfile.ZipInfo | None:
    # QualCoder accepts a project file of another name at the top of the zip.
    candidates = [i for n, i in files.names.items() if n.endswith(".qde") and "/" not in n]
    return candidates[0] if len(candidates) == 1 else None


_SCHEMA: etree.XMLSchema | None = None


def _schema() -> etree.XMLSchema:
    global _SCHEMA
    if _SCHEMA is None:
        path = resources.files("annotations") / "data" / "refi-qda" / "Project.xsd"
        _SCHEMA = etree.XMLSchema(etree.parse(io.BytesIO(path.read_bytes())))
    return _SCHEMA


def _parse(xml: bytes, label: str) -> etree._Element:
    # No DTDs, no entities, no network: the file is untrusted.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.parse(io.BytesIO(xml), parser)
    except etree.XMLSyntaxError as error:
        raise ImportFailure(f"{label}: project.qde is not well-formed XML ({error})") from None
    schema = _schema()
    if not schema.validate(tree):
        first = schema.error_log[0]
        raise ImportFailure(
            f"{label}: project.qde does not validate against the REFI-QDA schema "
            f"(line {first.line}: {visible(first.message, newline=' ')})"
        )
    return tree.getroot()


def _guid(value: str | None) -> str:
    return (value or "").strip("{}").lower()


def _one_line(text: str) -> str:
    return " ".join(visible(text, newline=" ").split())


class _Reader:
    def __init__(
        self,
        files: BoundedZip,
        label: str,
        codebook_in_force: Codebook,
        reserved: frozenset[str],
    ) -> None:
        self.reserved = reserved
        self.files = files
        self.label = label
        self.in_force = codebook_in_force
        self.users: dict[str, str] = {}
        self.notes: dict[str, etree._Element] = {}
        self.code_of: dict[str, str] = {}  # code guid -> tag id
        self.skipped: list[str] = []
        self.documents: list[dict[str, Any]] = []
        self.annotations: list[Annotation] = []

    def read(self, root: etree._Element) -> QdpxImport:
        for user in root.iterfind(f"{NS}Users/{NS}User"):
            self.users[_guid(user.get("guid"))] = user.get("name") or user.get("id") or ""
        for note in root.iterfind(f"{NS}Notes/{NS}Note"):
            self.notes[_guid(note.get("guid"))] = note
        codes = root.find(f"{NS}CodeBook/{NS}Codes")
        codebook = None
        if codes is not None:
            codebook = self.codebook_from(codes, root.get("name") or "Imported codebook")
        referenced: set[str] = set()
        sources = root.find(f"{NS}Sources")
        for source in sources if sources is not None else ():
            kind = etree.QName(source).localname
            if kind == "TextSource":
                referenced |= self.text_source(source)
            else:
                name = _one_line(source.get("name") or source.get("guid") or "")
                self.skipped.append(
                    f"{SKIPPED_SOURCES.get(kind, kind)} '{name}' (Gloss does not read it yet)"
                )
        journals = [
            g for g, note in self.notes.items() if g not in referenced and _note_text(note, self)
        ]
        if journals:
            self.skipped.append(
                f"{len(journals)} project note{'s' if len(journals) != 1 else ''} not attached "
                "to a selection (journals; Gloss keeps memos on annotations only)"
            )
        records = {
            "gloss": 1,
            "documents": self.documents,
            "annotations": [a.to_record() for a in self.annotations],
        }
        return QdpxImport(
            ImportPlan(records, self.skipped), codebook, root.get("name") or "project"
        )

    # -- the codebook ---------------------------------------------------------------

    def codebook_from(self, codes: etree._Element, name: str) -> Codebook:
        """The Gloss codebook of a REFI-QDA `Codes` element (see the module's docstring),
        and `self.code_of` filled with each code guid's tag id."""
        groups: list[Group] = []
        group_ids: set[str] = set()

        def new_group(label: str) -> str:
            matched = next((g for g in self.in_force.groups if g.label == label), None)
            group_id = matched.id if matched and matched.id not in group_ids else None
            group_id = group_id or _slug(label, group_ids, "group")
            group_ids.add(group_id)
            groups.append(Group(group_id, label, matched.exclusive if matched else False))
            return group_id

        # group id, group label, label, guid, element, index in `made` of its parent code
        made: list[tuple[str, str, str, str | None, etree._Element, int | None]] = []

        def add_code(
            group_id: str,
            group_label: str,
            element: etree._Element,
            label: str,
            parent: int | None = None,
        ) -> None:
            made.append((group_id, group_label, label, element.get("guid"), element, parent))
            here = len(made) - 1
            for child in element.iterfind(f"{NS}Code"):
                if _is_code(child):
                    name = _one_line(child.get("name") or "") or "unnamed"
                    add_code(group_id, group_label, child, name, here)

        fallback: str | None = None
        for top in codes.iterfind(f"{NS}Code"):
            label = _one_line(top.get("name") or "") or "unnamed"
            children = top.findall(f"{NS}Code")
            codable = top.get("isCodable") in ("true", "1")
            if children:
                group_id = new_group(label)
                if codable:
                    # Codings on the top-level code itself: a code of its group.
                    made.append((group_id, label, label, top.get("guid"), top, None))
                for child in children:
                    if _is_code(child):
                        name = _one_line(child.get("name") or "") or "unnamed"
                        add_code(group_id, label, child, name)
            elif codable:
                if fallback is None:
                    fallback = new_group(FALLBACK_GROUP[1])
                add_code(fallback, FALLBACK_GROUP[1], top, label)
        made_codes: list[Code] = []
        made_ids: list[str] = []
        code_ids: set[str] = set()
        used_keys: set[str] = set()
        pending_keys: list[int] = []
        for index, (group_id, group_label, label, guid, element, parent) in enumerate(made):
            parent_id = made_ids[parent] if parent is not None else None
            match = self._match(group_label, label, parent_id)
            if match is not None and match.id not in code_ids:
                code_id, key, label = match.id, match.key, match.label
                if key in used_keys or key in self.reserved:
                    key = ""
            elif parent is None and _CODE_ID.match(label) and label.startswith(group_id + "/"):
                # A tag the exporting codebook did not know, which Gloss names by its id.
                code_id, key = label, ""
            else:
                head = (parent_id or group_id) + "/"
                taken = {c[len(head) :] for c in code_ids if c.startswith(head)}
                code_id, key = head + _slug(label, taken, "code"), ""
            if not key:
                pending_keys.append(index)
            used_keys.add(key)
            code_ids.add(code_id)
            made_ids.append(code_id)
            colour = _colour(element.get("color"), index)
            description, memo = split_description(
                visible(element.findtext(f"{NS}Description") or "")
            )
            made_codes.append(Code(code_id, label, key, colour, description, memo=memo))
            self.code_of[_guid(guid)] = code_id
        free = iter(k for k in KEY_CANDIDATES if k not in used_keys and k not in self.reserved)
        for index in pending_keys:
            code = made_codes[index]
            made_codes[index] = replace(code, key=next(free, ""))
        if not made_codes:
            return None  # type: ignore[return-value]
        codebook = Codebook(
            name=_one_line(name) or "Imported codebook",
            groups=tuple(groups),
            codes=tuple(made_codes),
        )
        try:
            # What is written must load: the file is checked as Gloss will read it.
            return Codebook.from_toml(
                codebook.to_toml(), source="imported codebook", reserved=self.reserved
            )
        except CodebookError as error:
            raise ImportFailure(
                f"{self.label}: its codes make no valid codebook ({error})"
            ) from None

    def _match(self, group_label: str, label: str, parent: str | None) -> Code | None:
        group = next((g for g in self.in_force.groups if g.label == group_label), None)
        if group is None:
            return None
        for code in self.in_force.codes_in(group.id):
            if code.parent == parent and label in (code.label, f"{code.label} ({group.label})"):
                return code
        return None

    # -- sources ------------------------------------------------------------------

    def text_source(self, source: etree._Element) -> set[str]:
        """Add the document and annotations of one TextSource; the guids of the Notes it
        used."""
        name = _one_line(source.get("name") or "") or "Untitled"
        raw = self.source_text(source, name)
        # Positions count on the text as the file holds it; Gloss stores it with LF line
        # ends, so a CR LF pair (one character less) moves every later position back.
        shifts = [i for i, ch in enumerate(raw) if ch == "\r" and raw[i + 1 : i + 2] == "\n"]
        text = Document.from_text(raw, title=name).text

        def place(position: int) -> int:
            return position - _count_before(shifts, position)

        metadata: dict[str, Any] = {"imported_from": Path(self.label).name}
        creator = self.users.get(_guid(source.get("creatingUser")))
        if creator:
            metadata["added_by"] = creator
        description = source.findtext(f"{NS}Description")
        if description:
            metadata["description"] = description
        document = Document.from_text(text, title=name, metadata=metadata)
        self.documents.append(document.to_record())
        used: set[str] = set()
        by_place: dict[tuple[int, int, str], Annotation] = {}
        for selection in source.iterfind(f"{NS}PlainTextSelection"):
            annotation, notes = self.selection(selection, document, raw, place, name)
            used |= notes
            if annotation is not None:
                self.annotations.append(annotation)
                by_place.setdefault(
                    (annotation.start, annotation.end, annotation.analyst), annotation
                )
        # QualCoder's annotations: a Note the source refers to, holding a selection.
        for ref in source.iterfind(f"{NS}NoteRef"):
            guid = _guid(ref.get("targetGUID"))
            note = self.notes.get(guid)
            if note is None:
                raise ImportFailure(f"{self.label}: source '{name}' refers to no note {guid}")
            used.add(guid)
            inner = note.find(f"{NS}PlainTextSelection")
            memo = _note_text(note, self)
            if inner is None or not memo:
                continue
            start, end = self.span(inner, raw, place, name)
            analyst = self.user_of(note, "modifyingUser", "creatingUser")
            existing = by_place.get((start, end, analyst))
            if existing is not None:
                if memo not in existing.memo:
                    joined = "\n\n".join(m for m in (existing.memo, memo) if m)
                    replaced = existing.evolve(memo=joined)
                    self.annotations[self.annotations.index(existing)] = replaced
                    by_place[(start, end, analyst)] = replaced
                continue
            if start == end:
                continue
            annotation = Annotation.create(
                document=document.id,
                text=text,
                start=start,
                end=end,
                memo=memo,
                analyst=analyst,
            )
            when = note.get("modifiedDateTime") or note.get("creationDateTime") or utc_now()
            annotation = annotation.evolve(
                id=_guid(inner.get("guid")) or annotation.id,
                created=note.get("creationDateTime") or when,
                modified=when,
            )
            self.annotations.append(annotation)
            by_place[(start, end, analyst)] = annotation
        return used

    def source_text(self, source: etree._Element, name: str) -> str:
        inline = source.findtext(f"{NS}PlainTextContent")
        path = source.get("plainTextPath")
        if inline is not None and not path:
            return inline
        if not path:
            raise ImportFailure(f"{self.label}: text source '{name}' has no text")
        if not path.startswith("internal://"):
            raise ImportFailure(
                f"{self.label}: text source '{name}' is outside the project ({_one_line(path)})"
            )
        member = path.removeprefix("internal://").lstrip("/")
        info = self.files.find(f"sources/{member}")
        if info is None:
            raise ImportFailure(
                f"{self.label}: text source '{name}': sources/{_one_line(member)} is not in the zip"
            )
        try:
            return self.files.read(info).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFailure(
                f"{self.label}: sources/{_one_line(member)} is not UTF-8 ({error.reason} "
                f"at byte {error.start})"
            ) from None

    def span(self, selection: etree._Element, raw: str, place, name: str) -> tuple[int, int]:
        start = int(selection.get("startPosition"))
        end = int(selection.get("endPosition"))
        if not 0 <= start <= end <= len(raw):
            raise ImportFailure(
                f"{self.label}: selection {selection.get('guid')} ({start}-{end}) is past the "
                f"end of source '{name}' ({len(raw)} characters)"
            )
        return place(start), place(end)

    def user_of(self, element: etree._Element, *attributes: str) -> str:
        for attribute in attributes:
            guid = _guid(element.get(attribute))
            if guid:
                return self.users.get(guid, guid)
        return "unknown"

    def selection(
        self, selection: etree._Element, document: Document, raw: str, place, name: str
    ) -> tuple[Annotation | None, set[str]]:
        start, end = self.span(selection, raw, place, name)
        tags: list[str] = []
        for ref in selection.iterfind(f"{NS}Coding/{NS}CodeRef"):
            guid = _guid(ref.get("targetGUID"))
            if guid not in self.code_of:
                raise ImportFailure(
                    f"{self.label}: selection {selection.get('guid')} is coded with an unknown "
                    f"code {guid}"
                )
            tags.append(self.code_of[guid])
        memos = [selection.findtext(f"{NS}Description") or ""]
        confidence = None
        used: set[str] = set()
        for ref in selection.iterfind(f"{NS}NoteRef"):
            guid = _guid(ref.get("targetGUID"))
            note = self.notes.get(guid)
            if note is None:
                raise ImportFailure(
                    f"{self.label}: selection {selection.get('guid')} refers to no note {guid}"
                )
            used.add(guid)
            text = _note_text(note, self)
            matched = CONFIDENCE_NOTE.match(text)
            if matched:
                confidence = matched.group(1)
            elif text and not any(text in m for m in memos):
                memos.append(text)
        if start == end:
            self.skipped.append(f"an empty selection {selection.get('guid')} in '{name}'")
            return None, used
        created = selection.get("creationDateTime") or selection.get("modifiedDateTime")
        modified = selection.get("modifiedDateTime") or created or utc_now()
        annotation = Annotation.create(
            document=document.id,
            text=document.text,
            start=start,
            end=end,
            tags=list(dict.fromkeys(tags)),
            memo="\n\n".join(m for m in memos if m),
            confidence=confidence,
            analyst=self.user_of(selection, "creatingUser", "modifyingUser"),
        )
        return annotation.evolve(
            id=_guid(selection.get("guid")), created=created or modified, modified=modified
        ), used


def _note_text(note: etree._Element, reader: _Reader) -> str:
    """A Note's text: its PlainTextContent, else the `sources/` file it names."""
    content = note.findtext(f"{NS}PlainTextContent")
    if content is not None:
        return content
    path = note.get("plainTextPath") or ""
    if path.startswith("internal://"):
        info = reader.files.find("sources/" + path.removeprefix("internal://").lstrip("/"))
        if info is not None:
            return reader.files.read(info).decode("utf-8-sig", errors="replace")
    return ""


def _is_code(element: etree._Element) -> bool:
    """A Code below a group is a Gloss code when it is codable or has codes below it
    (Gloss nests codes under codes, and every Gloss code is codable)."""
    return element.get("isCodable") in ("true", "1") or element.find(f"{NS}Code") is not None


def _count_before(positions: list[int], position: int) -> int:
    import bisect

    return bisect.bisect_left(positions, position)


def _slug(label: str, taken: set[str], fallback: str) -> str:
    """A Gloss id part for `label`: lower-case ASCII letters, digits and -, unique."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")
    base = slug or fallback
    candidate, number = base, 1
    while candidate in taken or not candidate:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


def _colour(value: str | None, index: int) -> str:
    if value and re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
        return value.lower()
    return PALETTE[index % len(PALETTE)]

"""A model of how QualCoder (`ccbogel/QualCoder`, `src/qualcoder/refi.py`, RefiImport)
reads a `.qdpx` into its sqlite project, written for these tests (not its code).

What it keeps of QualCoder, because that is what breaks imports:
- the tables' unique constraints, from QualCoder's `CREATE TABLE`s: `annotation`
  unique (fid, pos0, pos1, owner) — an insert that breaks it is not caught and aborts the
  import; `code_text` unique (cid, fid, pos0, pos1, owner) — caught, the second coding is
  dropped; `code_name` unique (name) — caught, the second code is merged into the first;
  `source` unique (name) — avoided by a numbered prefix;
- the order it reads in: Users, CodeBook, then Sources (each TextSource's selections,
  then its NoteRefs), then Notes;
- a selection with `Coding`s gives one `code_text` row per coding, its `Description` the
  row's memo; a selection without a coding gives an `annotation` row, its Description the
  memo; a `NoteRef` on the TextSource to a Note with `PlainTextContent` and a
  `PlainTextSelection` gives an `annotation` row too (owner from modifyingUser, else
  creatingUser; date from modifiedDateTime). A Note with neither creationDateTime nor
  modifiedDateTime fails (`None.replace`);
- the sources folder is `Sources/` unless a `sources/` folder exists; the text is read as
  UTF-8 with universal newlines and sliced by code points.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
import zipfile
from xml.etree import ElementTree

NS = "{urn:QDA-XML:project:1.0}"

SCHEMA = """
CREATE TABLE source (id integer primary key, name text, fulltext text, mediapath text,
  memo text, owner text, date text, unique(name));
CREATE TABLE annotation (anid integer primary key, fid integer, pos0 integer, pos1 integer,
  memo text, owner text, date text, unique(fid,pos0,pos1,owner));
CREATE TABLE code_cat (catid integer primary key, name text, owner text, date text,
  memo text, supercatid integer, unique(name));
CREATE TABLE code_name (cid integer primary key, name text, memo text, catid integer,
  owner text, date text, color text, supercid integer, unique(name));
CREATE TABLE code_text (ctid integer primary key, cid integer, fid integer, seltext text,
  pos0 integer, pos1 integer, owner text, date text, memo text,
  unique(cid,fid,pos0,pos1,owner));
"""


class QualCoderImportError(Exception):
    """What QualCoder's importer would stop on."""


def import_qdpx(data: bytes) -> sqlite3.Connection:
    """The sqlite project QualCoder's importer would make of `data`; raises
    `QualCoderImportError` (wrapping the sqlite error) where it would crash."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        folder = "sources/" if any(n.startswith("sources/") for n in names) else "Sources/"
        files = {n.removeprefix(folder): archive.read(n) for n in names if n.startswith(folder)}
        root = ElementTree.fromstring(archive.read("project.qde"))
    try:
        _Reader(db, files).read(root)
    except (sqlite3.IntegrityError, AttributeError, KeyError) as error:
        raise QualCoderImportError(f"{type(error).__name__}: {error}") from error
    return db


class _Reader:
    def __init__(self, db: sqlite3.Connection, files: dict[str, bytes]) -> None:
        self.db = db
        self.files = files
        self.users: dict[str, str] = {}
        self.codes: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.note_refs: list[tuple[str, str]] = []  # (note guid, source guid)

    def read(self, root: ElementTree.Element) -> None:
        for child in root:
            if child.tag == f"{NS}Users":
                self.users = {u.get("guid"): u.get("name") for u in child}
            if child.tag == f"{NS}CodeBook":
                for code in child[0]:
                    self.code(code, None, None)
        for child in root:
            if child.tag == f"{NS}Sources":
                for source in child:
                    if source.tag == f"{NS}TextSource":
                        self.text_source(source)
        for child in root:
            if child.tag == f"{NS}Notes":
                for note in child:
                    self.note(note)

    def user(self, element: ElementTree.Element, *attributes: str) -> str:
        for attribute in attributes:
            if element.get(attribute) is not None:
                return self.users.get(element.get(attribute), "default")
        return "default"

    def code(self, element: ElementTree.Element, cat: int | None, parent: int | None) -> None:
        description = element.findtext(f"{NS}Description") or ""
        children = element.findall(f"{NS}Code")
        name = element.get("name")
        if element.get("isCodable") == "false":
            try:
                row = self.db.execute(
                    "insert into code_cat (name, memo, supercatid) values (?,?,?)",
                    (name, description, cat),
                )
                cat_id = row.lastrowid
            except sqlite3.IntegrityError:
                cat_id = self.db.execute(
                    "select catid from code_cat where name=?", (name,)
                ).fetchone()[0]
            for child in children:
                self.code(child, cat_id, None)
            return
        try:
            row = self.db.execute(
                "insert into code_name (name, memo, catid, color, supercid) values (?,?,?,?,?)",
                (name, description, None if parent else cat, element.get("color"), parent),
            )
            cid = row.lastrowid
            self.codes[element.get("guid")] = cid
        except sqlite3.IntegrityError:
            # QualCoder reuses the first code of that name for the children, and the
            # second code's guid maps to nothing: its codings get no code.
            cid = self.db.execute("select cid from code_name where name=?", (name,)).fetchone()[0]
        for child in children:
            self.code(child, None, cid)

    def text_source(self, element: ElementTree.Element) -> None:
        name = element.get("name")
        taken = {row[0] for row in self.db.execute("select name from source")}
        if name in taken:
            name = f"1_{name}"
        path = element.get("plainTextPath").split("internal://")[1]
        text = io.TextIOWrapper(io.BytesIO(self.files[path]), encoding="utf-8").read()
        owner = self.user(element, "creatingUser", "modifyingUser")
        fid = self.db.execute(
            "insert into source (name, fulltext, owner, date) values (?,?,?,?)",
            (name, text, owner, element.get("creationDateTime")),
        ).lastrowid
        self.sources[element.get("guid")] = fid
        for selection in element.findall(f"{NS}PlainTextSelection"):
            self.selection(fid, text, selection)
        for ref in element.findall(f"{NS}NoteRef"):
            self.note_refs.append((ref.get("targetGUID"), element.get("guid")))

    def selection(self, fid: int, text: str, element: ElementTree.Element) -> None:
        pos0, pos1 = int(element.get("startPosition")), int(element.get("endPosition"))
        owner = self.user(element, "creatingUser", "modifyingUser")
        date = element.get("creationDateTime") or element.get("modifiedDateTime")
        memo = element.findtext(f"{NS}Description") or ""
        codings = element.findall(f"{NS}Coding")
        for coding in codings:
            cid = self.codes.get(coding[0].get("targetGUID"))
            # QualCoder catches this one: "Duplicated text coding for code and coder.
            # Only one loaded."
            with contextlib.suppress(sqlite3.IntegrityError):
                self.db.execute(
                    "insert into code_text (cid, fid, seltext, pos0, pos1, owner, memo, date)"
                    " values (?,?,?,?,?,?,?,?)",
                    (cid, fid, text[pos0:pos1], pos0, pos1, owner, memo, date),
                )
        if not codings:
            self.db.execute(
                "insert into annotation (fid, pos0, pos1, memo, owner, date) values (?,?,?,?,?,?)",
                (fid, pos0, pos1, memo, owner, date),
            )

    def note(self, element: ElementTree.Element) -> None:
        date = element.get("creationDateTime") or element.get("modifiedDateTime")
        date.replace("T", " ")  # QualCoder's own line: no date at all fails here
        for note_guid, source_guid in self.note_refs:
            if note_guid != element.get("guid"):
                continue
            memo = element.findtext(f"{NS}PlainTextContent")
            place = element.find(f"{NS}PlainTextSelection")
            if memo is None or place is None:
                return
            self.db.execute(
                "insert into annotation (fid, pos0, pos1, memo, owner, date) values (?,?,?,?,?,?)",
                (
                    self.sources[source_guid],
                    int(place.get("startPosition")),
                    int(place.get("endPosition")),
                    memo,
                    self.user(element, "modifyingUser", "creatingUser"),
                    element.get("modifiedDateTime"),
                ),
            )
            return

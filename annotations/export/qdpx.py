"""REFI-QDA project (`.qdpx`): a zip of `project.qde` and `sources/`, which NVivo,
ATLAS.ti, MAXQDA and QualCoder open.

- the codebook as `Codes`: each group a parent code (not codable) with its codes nested
  under it, each with a GUID and its colour; tags the codebook does not know are added
  under their group so that every coding points at a code. Code names are unique in the
  project ("other (Interest)"): QualCoder merges codes of one name;
- each document a `TextSource` whose text is `sources/<guid>.txt` (UTF-8, exactly the
  normalised text, so positions match), created by the analyst who annotated it first;
- the annotations of one analyst on one span a `PlainTextSelection` (code-point
  positions, end exclusive) with one `Coding` per tag; their memo is the selection's
  `Description`, where QualCoder, NVivo and qdapy read a coding's memo. QDA tools hold one
  selection per span and user (QualCoder's annotation table is unique on source, span and
  owner), so annotations that share all four become one selection, their memos joined;
- a confidence as a `Note` the selection refers to ("Confidence: high");
- analysts as `Users`;
- each document's source details (author, date, ...) and the attributes the analyst set on
  it (outlet, year, ...: case variables) as text `Variables` with a value on its source;
- the project's and each document's memo as a `Note` (see `_memo_note`).

`codebook_xml` writes the codebook alone as a REFI-QDA codebook file (`.qdc`).

GUIDs are stable: the same codebook, document and annotation get the same GUID in every
export, so a project exported twice can be merged in a QDA tool.

The XML is written as text rather than through ElementTree: for 10,000 annotations
ElementTree's serialiser alone took longer than the whole export may (benchmarks/).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from annotations.citation import FIELD_LABELS, SOURCE_FIELDS, citation, source_fields
from annotations.codebook import Code, Codebook
from annotations.export import GLOSS_NAMESPACE, ExportScope, as_uuid, safe_colour
from annotations.memos import PROJECT, Memo
from annotations.model import Annotation
from annotations.safe_text import visible

NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Gloss"
# The key of a document attribute's variable beside the source fields' keys.
ATTRIBUTE = "attribute:"
# A selection's name is its quote, shortened: tools show it in lists.
NAME_LENGTH = 80
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
)
# Characters XML 1.0 cannot hold that `visible` leaves alone.
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\n\t]')
_XSD_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?$")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def guid(*parts: str) -> str:
    """A stable GUID for a thing named by `parts`: `uuid.uuid5(GLOSS_NAMESPACE, ...)`,
    computed directly (the `uuid` module's objects cost more than the hash)."""
    name = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    digest = bytearray(hashlib.sha1(GLOSS_NAMESPACE.bytes + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _xml_safe(text: str) -> str:
    # XML 1.0 cannot hold most control characters at all; show them, one for one.
    text = visible(text)
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


def _text(text: str) -> str:
    """Element content: safe characters, markup escaped."""
    return _xml_safe(text).translate(_TEXT_ESCAPES)


def _attributes(**attributes: str | None) -> str:
    """Attributes whose values are plain already: GUIDs, numbers, checked dates, constants,
    and names that went through `_name` (escaping only those is most of qdpx's speed)."""
    return "".join(f' {name}="{value}"' for name, value in attributes.items() if value is not None)


def _attribute(value: str) -> str:
    """Untrusted text as an attribute value: safe characters, markup escaped."""
    value = _xml_safe(value)
    return value.translate(_ATTRIBUTE_ESCAPES) if _ATTRIBUTE_SPECIAL.search(value) else value


def _datetime(value: str) -> str | None:
    """`value` when it is an xsd:dateTime (imported records may hold anything), else None."""
    return value if _XSD_DATETIME.match(value) else None


def _source_name(title: str) -> str:
    """A document's title as a source name: one line, every character kept (QDA tools show
    it; the XML escapes what it must), controls shown as symbols."""
    return _attribute(" ".join(visible(title, newline=" ").split())) or "document"


def _name(text: str) -> str:
    """Untrusted text as a name attribute: one line, shortened, escaped."""
    text = " ".join(visible(text, newline=" ").split())
    return _attribute(text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1] + "…")


def project_xml(scope: ExportScope) -> tuple[bytes, dict[str, str]]:
    """`project.qde` as UTF-8 XML and the source files: name in `sources/` -> text."""
    files: dict[str, str] = {}
    return b"".join(project_pieces(scope, files)), files


# Lines of `project.qde` made before they are handed on as one piece.
PIECE_LINES = 20_000


def project_pieces(scope: ExportScope, files: dict[str, str]) -> Iterator[bytes]:
    """`project.qde` as UTF-8 XML in pieces of about `PIECE_LINES` lines, each made as the
    one before has been written; `files` gets the source files (name in `sources/` ->
    text) as their sources are made."""
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    # Every Note gets a date: QualCoder's importer fails on a Note that has none.
    generated = _datetime(scope.generated)
    out.append(
        f'<Project xmlns="{NAMESPACE}"'
        + _attributes(
            name=_name(f"Gloss: {scope.title}"),
            origin=ORIGIN,
            creationDateTime=generated,
        )
        + ">"
    )
    writers = {memo.analyst for memo in scope.memos.values()}
    users = {name: guid("user", name) for name in sorted({*scope.analysts, *writers})}
    if users:
        out.append("  <Users>")
        out += [
            f"    <User{_attributes(guid=user, name=_name(name or 'unknown'))}/>"
            for name, user in users.items()
        ]
        out.append("  </Users>")
    code_guids = _codebook(out, scope)
    variables = _variables(out, _case_names(scope))
    notes: list[str] = []
    out.append("  <Sources>")
    for document in scope.documents:
        source_guid = guid("document", document.id)
        files[f"{source_guid}.txt"] = document.text
        annotations = scope.annotations_of(document.id)
        attributes = _attributes(
            guid=source_guid,
            name=_source_name(document.title),
            plainTextPath=f"internal://{source_guid}.txt",
            creatingUser=users.get(creator(document.metadata, annotations)),
            creationDateTime=_datetime(document.added),
        )
        out.append(f"    <TextSource{attributes}>")
        # The citation as the source's description, its details as variables: what QDA
        # tools show of a source and let analysts sort and filter by.
        fields = source_fields(document)
        for name, value in scope.attributes.get(document.id, {}).items():
            fields.setdefault(ATTRIBUTE + name, value)  # a case variable (outlet, year, ...)
        out.append(f"      <Description>{_text(citation(document, 0, 'chicago'))}</Description>")
        for group in selections(annotations):
            _selection(out, notes, group, code_guids, users, generated)
            if len(out) >= PIECE_LINES:
                yield _piece(out)
        memo = scope.memos.get(document.id)
        if memo is not None:
            note_guid = guid("memo", document.id)
            notes += _memo_note(note_guid, f"Memo: {document.title}", memo, users, generated)
            out.append(f'      <NoteRef targetGUID="{note_guid}"/>')
        out += _variable_values(fields, variables)
        out.append("    </TextSource>")
    out.append("  </Sources>")
    project = scope.memos.get(PROJECT)
    if project is not None:
        notes += _memo_note(guid("memo", PROJECT), "Project memo", project, users, generated)
    if notes:
        # Notes come after Sources in the schema's sequence.
        out += ["  <Notes>", *notes, "  </Notes>"]
    if project is not None:
        # The project's Description is where QualCoder reads a project memo; the NoteRef,
        # the schema's "note that applies to the project as a whole", for other tools.
        out.append(f"  <Description>{_text(project.text)}</Description>")
        out.append(f'  <NoteRef targetGUID="{guid("memo", PROJECT)}"/>')
    out.append("</Project>")
    yield _piece(out)


def _piece(lines: list[str]) -> bytes:
    """The lines so far as one piece of UTF-8, each with its newline; `lines` emptied."""
    piece = ("\n".join(lines) + "\n").encode("utf-8")
    lines.clear()
    return piece


def _memo_note(
    note_guid: str, name: str, memo: Memo, users: dict[str, str], generated: str | None
) -> list[str]:
    """A document's or the project's memo as a `Note` (dated: QualCoder needs a date)."""
    user = users.get(memo.analyst)
    when = _datetime(memo.modified) or generated
    attributes = _attributes(
        guid=note_guid,
        name=_name(name),
        creatingUser=user,
        creationDateTime=when,
        modifyingUser=user,
        modifiedDateTime=when,
    )
    return [
        f"    <Note{attributes}>",
        f"      <PlainTextContent>{_text(memo.text)}</PlainTextContent>",
        "    </Note>",
    ]


def _variables(out: list[str], case_names: Sequence[str] = ()) -> dict[str, str]:
    """Declare a text variable per source field, and one per document attribute the
    analyst set (`case_names`, keyed `ATTRIBUTE + name`); their guids by key."""
    variables = {name: guid("variable", name) for name in SOURCE_FIELDS}
    labels = dict(FIELD_LABELS)
    for name in case_names:
        variables[ATTRIBUTE + name] = guid("attribute", name)
        labels[ATTRIBUTE + name] = _name(name)
    out.append("  <Variables>")
    for key, variable in variables.items():
        attributes = _attributes(guid=variable, name=labels[key], typeOfVariable="Text")
        out.append(f"    <Variable{attributes}/>")
    out.append("  </Variables>")
    return variables


def _case_names(scope: ExportScope) -> list[str]:
    """The attributes set on the scope's documents that are not source fields already."""
    names = {name for values in scope.attributes.values() for name in values}
    return sorted(names - set(SOURCE_FIELDS))


def _variable_values(fields: dict[str, str], variables: dict[str, str]) -> list[str]:
    out = []
    for name, variable in variables.items():
        if fields.get(name):
            out += [
                "      <VariableValue>",
                f'        <VariableRef targetGUID="{variable}"/>',
                f"        <TextValue>{_text(fields[name])}</TextValue>",
                "      </VariableValue>",
            ]
    return out


def creator(metadata: dict, annotations: Sequence[Annotation]) -> str | None:
    """Who brought a document in: its `added_by` when recorded, else the analyst of its
    earliest annotation (Gloss does not record who opened a file first)."""
    added_by = metadata.get("added_by")
    if isinstance(added_by, str) and added_by:
        return added_by
    if not annotations:
        return None
    return min(annotations, key=lambda a: (a.created, a.start, a.id)).analyst


def selections(annotations: Sequence[Annotation]) -> list[list[Annotation]]:
    """The annotations grouped by (start, end, analyst), in document order: each group is
    one `PlainTextSelection`."""
    groups: dict[tuple[int, int, str], list[Annotation]] = {}
    for annotation in annotations:
        groups.setdefault((annotation.start, annotation.end, annotation.analyst), []).append(
            annotation
        )
    return list(groups.values())


def joined_memo(group: Sequence[Annotation]) -> str:
    """The memos of one selection's annotations, each once, a blank line between them."""
    return "\n\n".join(dict.fromkeys(a.memo for a in group if a.memo))


def _codebook(out: list[str], scope: ExportScope) -> dict[str, str]:
    known = {code.id for code in scope.codebook.codes}
    unknown = sorted({tag for a in scope.annotations for tag in a.tags} - known)
    out.append("  <CodeBook>")
    code_guids = codes_xml(out, scope.codebook, unknown, indent="    ")
    out.append("  </CodeBook>")
    return code_guids


def code_names(codebook: Codebook, unknown: Sequence[str] = ()) -> dict[str, str]:
    """The name each group and code id has in an export, unique within the project: a
    code label used more than once gets its group's label ("other (Interest)"), and a
    name still taken a number ("other (Interest) 2"). QualCoder keeps one code per name,
    so two codes of one label would become one."""
    group_ids = [group.id for group in codebook.groups]
    group_ids += sorted({tag.split("/", 1)[0] for tag in unknown} - set(group_ids))
    labels: dict[str, str] = {}
    for group_id in group_ids:
        group = codebook.group(group_id)
        labels[group_id] = group.label if group else group_id
    for code in codebook.codes:
        labels[code.id] = code.label
    for tag in unknown:
        labels[tag] = tag
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    names: dict[str, str] = {}
    taken: set[str] = set()
    for item, label in labels.items():
        name = label
        if counts[label] > 1 and "/" in item:
            name = f"{label} ({labels.get(item.split('/', 1)[0], item)})"
        candidate, number = name, 1
        while candidate in taken:
            number += 1
            candidate = f"{name} {number}"
        taken.add(candidate)
        names[item] = candidate
    return names


def codes_xml(
    out: list[str], codebook: Codebook, unknown: Sequence[str] = (), *, indent: str = ""
) -> dict[str, str]:
    """Append the `<Codes>` element of a codebook to `out`, one line each, and return the
    GUID of each code id: each group a code that is not codable, its codes nested in it
    with their colours and descriptions. `unknown` tags (not in the codebook) are added
    under their group, so that every coding of a project points at a code. Names are
    unique (`code_names`). The element is the same in a project (`Project.xsd`) and in a
    codebook file (`Codebook.xsd`)."""
    group_ids = [group.id for group in codebook.groups]
    group_ids += sorted({tag.split("/", 1)[0] for tag in unknown} - set(group_ids))
    names = code_names(codebook, unknown)
    code_guids: dict[str, str] = {}
    out.append(f"{indent}<Codes>")
    for group_id in group_ids:
        out.append(
            f"{indent}  <Code"
            f"{_attributes(guid=guid('group', group_id), name=_name(names[group_id]))}"
            ' isCodable="false">'
        )
        for code in codebook.codes_in(group_id):
            if code.parent is None:
                _code_xml(out, codebook, code, names, code_guids, indent + "    ")
        for tag in unknown:
            if tag.split("/", 1)[0] == group_id:
                code_guids[tag] = guid("code", tag)
                attributes = _attributes(
                    guid=code_guids[tag], name=_name(names[tag]), isCodable="true"
                )
                out.append(f"{indent}    <Code{attributes}/>")
        out.append(f"{indent}  </Code>")
    out.append(f"{indent}</Codes>")
    return code_guids


def _code_xml(
    out: list[str],
    codebook: Codebook,
    code: Code,
    names: dict[str, str],
    code_guids: dict[str, str],
    indent: str,
) -> None:
    """One code's element, the codes nested under it nested inside it."""
    code_guids[code.id] = guid("code", code.id)
    attributes = _attributes(
        guid=code_guids[code.id],
        name=_name(names[code.id]),
        isCodable="true",
        color=safe_colour(code.color).upper(),
    )
    description = code_description(code)
    children = codebook.children(code.id)
    if not description and not children:
        out.append(f"{indent}<Code{attributes}/>")
        return
    out.append(f"{indent}<Code{attributes}>")
    if description:
        out.append(f"{indent}  <Description>{_text(description)}</Description>")
    for child in children:
        _code_xml(out, codebook, child, names, code_guids, indent + "  ")
    out.append(f"{indent}</Code>")


# A code's memo follows its description in a REFI-QDA `Description` (the one text a code
# has there, and what QualCoder and the others show as the code's memo), after this line.
MEMO_HEADING = "Memo:"


def code_description(code: Code) -> str:
    """What a code's `Description` holds: its description, then its memo under a
    `Memo:` line (`split_description` reads them apart again)."""
    if not code.memo:
        return code.description
    return "\n\n".join(part for part in (code.description, f"{MEMO_HEADING}\n{code.memo}") if part)


def split_description(text: str) -> tuple[str, str]:
    """A `Description` as a code's description and memo (see `code_description`)."""
    marker = f"{MEMO_HEADING}\n"
    if text.startswith(marker):
        return "", text[len(marker) :]
    description, found, memo = text.partition(f"\n\n{marker}")
    return (description, memo) if found else (text, "")


def codebook_xml(codebook: Codebook) -> bytes:
    """A REFI-QDA codebook file (`.qdc`, `Codebook.xsd`) as UTF-8 XML: the codes as a
    project export writes them, with the same GUIDs, so that a tool can match the two.

    Keys and exclusive groups are Gloss's own and have no place in the format; the TOML
    export keeps them."""
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    out.append(f'<CodeBook xmlns="{CODEBOOK_NAMESPACE}" origin="{ORIGIN}">')
    codes_xml(out, codebook, indent="  ")
    out.append("</CodeBook>")
    return ("\n".join(out) + "\n").encode("utf-8")


CONFIDENCE_PREFIX = "Confidence: "


def _selection(
    out: list[str],
    notes: list[str],
    group: Sequence[Annotation],
    code_guids: dict[str, str],
    users: dict[str, str],
    generated: str | None,
) -> None:
    first = group[0]
    user = users.get(first.analyst)
    created = min((a.created for a in group if _datetime(a.created)), default=None)
    modified = max((a.modified for a in group if _datetime(a.modified)), default=None)
    attributes = _attributes(
        guid=as_uuid(first.id),
        name=_name(first.quote),
        startPosition=str(first.start),
        endPosition=str(first.end),
        creatingUser=user,
        creationDateTime=created,
        modifyingUser=user,
        modifiedDateTime=modified,
    )
    out.append(f"      <PlainTextSelection{attributes}>")
    memo = joined_memo(group)
    if memo:
        out.append(f"        <Description>{_text(memo)}</Description>")
    tags = dict.fromkeys(tag for a in group for tag in a.tags)
    for tag in tags:
        coding = _attributes(
            guid=guid("coding", first.id, tag),
            creatingUser=user,
            creationDateTime=created,
        )
        out.append(f"        <Coding{coding}>")
        out.append(f'          <CodeRef targetGUID="{code_guids[tag]}"/>')
        out.append("        </Coding>")
    confidence = next((a.confidence for a in group if a.confidence), None)
    if confidence:
        note_guid = guid("confidence", first.id)
        label = f"{CONFIDENCE_PREFIX}{confidence}"
        note = _attributes(
            guid=note_guid,
            name=label,
            creatingUser=user,
            creationDateTime=created or generated,
            modifyingUser=user,
            modifiedDateTime=modified or generated,
        )
        notes += [
            f"    <Note{note}>",
            f"      <PlainTextContent>{label}</PlainTextContent>",
            "    </Note>",
        ]
        out.append(f'        <NoteRef targetGUID="{note_guid}"/>')
    out.append("      </PlainTextSelection>")


def render(scope: ExportScope) -> bytes:
    """The `.qdpx` zip of `scope`."""
    buffer = io.BytesIO()
    write(scope, buffer)
    return buffer.getvalue()


def write(scope: ExportScope, file: BinaryIO) -> None:
    """Zip the `.qdpx` of `scope` into `file` (seekable: each entry's header is written
    again once its size is known) as it is made: `project.qde` a piece at a time, then
    the sources' texts. The bytes are `render`'s."""
    # Entries dated when the export was made, so the same export gives the same bytes.
    stamp = scope.generated
    try:
        date_time = tuple(
            int(stamp[i : i + n]) for i, n in ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2))
        )
    except ValueError:
        date_time = (1980, 1, 1, 0, 0, 0)

    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    files: dict[str, str] = {}
    with zipfile.ZipFile(file, "w") as archive:
        with archive.open(entry("project.qde"), "w") as project:
            for piece in project_pieces(scope, files):
                project.write(piece)
        # `sources/` in lower case, as the standard and NVivo's exports spell it: zip names
        # are case-sensitive, and several readers look for no other.
        for name, text in files.items():
            archive.writestr(entry(f"sources/{name}"), text.encode("utf-8", "surrogatepass"))

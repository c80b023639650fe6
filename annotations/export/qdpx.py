"""REFI-QDA project (`.qdpx`): a zip of `project.qde` and `Sources/`, which NVivo,
ATLAS.ti, MAXQDA and QualCoder open.

- the codebook as `Codes`: each group a parent code (not codable) with its codes nested
  under it, each with a GUID and its colour; tags the codebook does not know are added
  under their group so that every coding points at a code;
- each document a `TextSource` whose text is `Sources/<guid>.txt` (UTF-8, exactly the
  normalised text, so positions match);
- each annotation a `PlainTextSelection` (code-point positions, end exclusive) with one
  `Coding` per tag and its memo as a `Note` it refers to; its confidence is the
  selection's `Description`;
- analysts as `Users`.

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
from collections.abc import Sequence

from annotations.codebook import Codebook
from annotations.export import GLOSS_NAMESPACE, ExportScope, as_uuid, safe_colour
from annotations.model import Annotation
from annotations.safe_text import visible

NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Gloss"
# A selection's name is its quote, shortened: tools show it in lists.
NAME_LENGTH = 80
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
)
# Characters XML 1.0 cannot hold that `visible` leaves alone.
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\n\t]')
_XSD_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?$")
_NOT_IN_FILE_NAMES = re.compile(r'\s*[\\/:*?"<>|]+\s*')
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
    """A document's title as a source name: QDA tools (QualCoder, NVivo) save the source
    as a file of this name, so characters no Windows file name may hold become " - "."""
    return _name(_NOT_IN_FILE_NAMES.sub(" - ", title)).strip(" .-") or "document"


def _name(text: str) -> str:
    """Untrusted text as a name attribute: one line, shortened, escaped."""
    text = " ".join(visible(text, newline=" ").split())
    return _attribute(text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1] + "…")


def project_xml(scope: ExportScope) -> tuple[bytes, dict[str, str]]:
    """`project.qde` as UTF-8 XML and the source files: name in `Sources/` -> text."""
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    out.append(
        f'<Project xmlns="{NAMESPACE}"'
        + _attributes(
            name=_name(f"Gloss: {scope.title}"),
            origin=ORIGIN,
            creationDateTime=_datetime(scope.generated),
        )
        + ">"
    )
    users = {name: guid("user", name) for name in scope.analysts}
    if users:
        out.append("  <Users>")
        out += [
            f"    <User{_attributes(guid=user, name=_name(name or 'unknown'))}/>"
            for name, user in users.items()
        ]
        out.append("  </Users>")
    code_guids = _codebook(out, scope)
    notes: list[str] = []
    files: dict[str, str] = {}
    out.append("  <Sources>")
    for document in scope.documents:
        source_guid = guid("document", document.id)
        files[f"{source_guid}.txt"] = document.text
        attributes = _attributes(
            guid=source_guid,
            name=_source_name(document.title),
            plainTextPath=f"internal://{source_guid}.txt",
            creationDateTime=_datetime(document.added),
        )
        out.append(f"    <TextSource{attributes}>")
        annotations = scope.annotations_of(document.id)
        for annotation in annotations:
            _selection(out, notes, annotation, code_guids, users)
        # QualCoder finds a memo through a NoteRef on the source (after its selections,
        # as the schema orders them); the standard through the one on the selection.
        out += [
            f'      <NoteRef targetGUID="{guid("memo", a.id)}"/>' for a in annotations if a.memo
        ]
        out.append("    </TextSource>")
    out.append("  </Sources>")
    if notes:
        # Notes come after Sources in the schema's sequence.
        out += ["  <Notes>", *notes, "  </Notes>"]
    out.append("</Project>")
    return ("\n".join(out) + "\n").encode("utf-8"), files


def _codebook(out: list[str], scope: ExportScope) -> dict[str, str]:
    known = {code.id for code in scope.codebook.codes}
    unknown = sorted({tag for a in scope.annotations for tag in a.tags} - known)
    out.append("  <CodeBook>")
    code_guids = codes_xml(out, scope.codebook, unknown, indent="    ")
    out.append("  </CodeBook>")
    return code_guids


def codes_xml(
    out: list[str], codebook: Codebook, unknown: Sequence[str] = (), *, indent: str = ""
) -> dict[str, str]:
    """Append the `<Codes>` element of a codebook to `out`, one line each, and return the
    GUID of each code id: each group a code that is not codable, its codes nested in it
    with their colours and descriptions. `unknown` tags (not in the codebook) are added
    under their group, so that every coding of a project points at a code. The element is
    the same in a project (`Project.xsd`) and in a codebook file (`Codebook.xsd`)."""
    group_ids = [group.id for group in codebook.groups]
    group_ids += sorted({tag.split("/", 1)[0] for tag in unknown} - set(group_ids))
    code_guids: dict[str, str] = {}
    out.append(f"{indent}<Codes>")
    for group_id in group_ids:
        group = codebook.group(group_id)
        name = _name(group.label if group else group_id)
        out.append(
            f"{indent}  <Code"
            f'{_attributes(guid=guid("group", group_id), name=name)} isCodable="false">'
        )
        for code in codebook.codes_in(group_id):
            code_guids[code.id] = guid("code", code.id)
            attributes = _attributes(
                guid=code_guids[code.id],
                name=_name(code.label),
                isCodable="true",
                color=safe_colour(code.color).upper(),
            )
            if code.description:
                out.append(f"{indent}    <Code{attributes}>")
                out.append(f"{indent}      <Description>{_text(code.description)}</Description>")
                out.append(f"{indent}    </Code>")
            else:
                out.append(f"{indent}    <Code{attributes}/>")
        for tag in unknown:
            if tag.split("/", 1)[0] == group_id:
                code_guids[tag] = guid("code", tag)
                attributes = _attributes(guid=code_guids[tag], name=_name(tag), isCodable="true")
                out.append(f"{indent}    <Code{attributes}/>")
        out.append(f"{indent}  </Code>")
    out.append(f"{indent}</Codes>")
    return code_guids


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


def _selection(
    out: list[str],
    notes: list[str],
    annotation: Annotation,
    code_guids: dict[str, str],
    users: dict[str, str],
) -> None:
    user = users.get(annotation.analyst)
    attributes = _attributes(
        guid=as_uuid(annotation.id),
        name=_name(annotation.quote),
        startPosition=str(annotation.start),
        endPosition=str(annotation.end),
        creatingUser=user,
        creationDateTime=_datetime(annotation.created),
        modifyingUser=user,
        modifiedDateTime=_datetime(annotation.modified),
    )
    out.append(f"      <PlainTextSelection{attributes}>")
    if annotation.confidence:
        out.append(f"        <Description>Confidence: {_text(annotation.confidence)}</Description>")
    for tag in annotation.tags:
        coding = _attributes(
            guid=guid("coding", annotation.id, tag),
            creatingUser=user,
            creationDateTime=_datetime(annotation.created),
        )
        out.append(f"        <Coding{coding}>")
        out.append(f'          <CodeRef targetGUID="{code_guids[tag]}"/>')
        out.append("        </Coding>")
    if annotation.memo:
        note_guid = guid("memo", annotation.id)
        note = _attributes(
            guid=note_guid,
            name=_name(f"Memo: {annotation.memo}"),
            creatingUser=user,
            creationDateTime=_datetime(annotation.modified),
        )
        # The selection again inside the note: how QualCoder places a memo in the text.
        place = _attributes(
            guid=guid("memo-selection", annotation.id),
            startPosition=str(annotation.start),
            endPosition=str(annotation.end),
        )
        notes += [
            f"    <Note{note}>",
            f"      <PlainTextContent>{_text(annotation.memo)}</PlainTextContent>",
            f"      <PlainTextSelection{place}/>",
            "    </Note>",
        ]
        out.append(f'        <NoteRef targetGUID="{note_guid}"/>')
    out.append("      </PlainTextSelection>")


def render(scope: ExportScope) -> bytes:
    """The `.qdpx` zip of `scope`."""
    xml, files = project_xml(scope)
    buffer = io.BytesIO()
    # Entries dated when the export was made, so the same export gives the same bytes.
    stamp = scope.generated
    try:
        date_time = tuple(
            int(stamp[i : i + n]) for i, n in ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2))
        )
    except ValueError:
        date_time = (1980, 1, 1, 0, 0, 0)
    entries = [("project.qde", xml)]
    entries += [
        (f"Sources/{name}", text.encode("utf-8", "surrogatepass")) for name, text in files.items()
    ]
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()

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

GUIDs are stable: the same codebook, document and annotation get the same GUID in every
export, so a project exported twice can be merged in a QDA tool.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from xml.etree import ElementTree as ET

from annotations.codebook import Codebook
from annotations.export import GLOSS_NAMESPACE, ExportScope, as_uuid, safe_colour
from annotations.model import Annotation
from annotations.safe_text import visible

NAMESPACE = "urn:QDA-XML:project:1.0"
ORIGIN = "Gloss"
# A selection's name is its quote, shortened: tools show it in lists.
NAME_LENGTH = 80


def guid(*parts: str) -> str:
    """A stable GUID for a thing named by `parts` (a code id, an analyst, a document)."""
    return str(uuid.uuid5(GLOSS_NAMESPACE, "\x1f".join(parts)))


def _xml_text(text: str) -> str:
    # XML 1.0 cannot hold most control characters at all; show them, one for one.
    return visible(text).replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")


def _name(text: str) -> str:
    text = " ".join(visible(text, newline=" ").split())
    return text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1] + "…"


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attributes)


def project(scope: ExportScope) -> tuple[ET.Element, dict[str, str]]:
    """The `Project` element and the source files: name in `Sources/` -> text."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(
        f"{{{NAMESPACE}}}Project",
        {
            "name": _name(f"Gloss: {scope.title}"),
            "origin": ORIGIN,
            "creationDateTime": scope.generated,
        },
    )
    users = {name: guid("user", name) for name in scope.analysts}
    if users:
        users_element = _element(root, "Users")
        for name, user_guid in users.items():
            _element(users_element, "User", guid=user_guid, name=_name(name or "unknown"))
    code_guids = _codebook(root, scope)
    sources_element = _element(root, "Sources")
    notes_element = ET.Element(f"{{{NAMESPACE}}}Notes")
    files: dict[str, str] = {}
    for document in scope.documents:
        source_guid = guid("document", document.id)
        files[f"{source_guid}.txt"] = document.text
        source = _element(
            sources_element,
            "TextSource",
            guid=source_guid,
            name=_name(document.title),
            plainTextPath=f"internal://{source_guid}.txt",
        )
        if document.added:
            source.set("creationDateTime", document.added)
        for annotation in scope.annotations_of(document.id):
            _selection(source, notes_element, annotation, code_guids, users)
    if len(notes_element):
        # Notes come after Sources in the schema's sequence.
        root.append(notes_element)
    return root, files


def _codebook(root: ET.Element, scope: ExportScope) -> dict[str, str]:
    codebook: Codebook = scope.codebook
    known = {code.id for code in codebook.codes}
    unknown = sorted({tag for a in scope.annotations for tag in a.tags} - known)
    group_ids = [group.id for group in codebook.groups]
    group_ids += sorted({tag.split("/", 1)[0] for tag in unknown} - set(group_ids))
    code_guids: dict[str, str] = {}
    codes_element = _element(_element(root, "CodeBook"), "Codes")
    for group_id in group_ids:
        group = codebook.group(group_id)
        parent = _element(
            codes_element,
            "Code",
            guid=guid("group", group_id),
            name=_name(group.label if group else group_id),
            isCodable="false",
        )
        for code in codebook.codes_in(group_id):
            code_guids[code.id] = guid("code", code.id)
            element = _element(
                parent,
                "Code",
                guid=code_guids[code.id],
                name=_name(code.label),
                isCodable="true",
                color=safe_colour(code.color).upper(),
            )
            if code.description:
                _element(element, "Description").text = _xml_text(code.description)
        for tag in unknown:
            if tag.split("/", 1)[0] == group_id:
                code_guids[tag] = guid("code", tag)
                _element(parent, "Code", guid=code_guids[tag], name=_name(tag), isCodable="true")
    return code_guids


def _selection(
    source: ET.Element,
    notes: ET.Element,
    annotation: Annotation,
    code_guids: dict[str, str],
    users: dict[str, str],
) -> None:
    selection_guid = as_uuid(annotation.id)
    user = users.get(annotation.analyst)
    attributes = {
        "guid": selection_guid,
        "name": _name(annotation.quote),
        "startPosition": str(annotation.start),
        "endPosition": str(annotation.end),
    }
    if user:
        attributes["creatingUser"] = user
        attributes["modifyingUser"] = user
    if annotation.created:
        attributes["creationDateTime"] = annotation.created
    if annotation.modified:
        attributes["modifiedDateTime"] = annotation.modified
    selection = _element(source, "PlainTextSelection", **attributes)
    if annotation.confidence:
        _element(selection, "Description").text = f"Confidence: {annotation.confidence}"
    for tag in annotation.tags:
        coding = _element(selection, "Coding", guid=guid("coding", annotation.id, tag))
        if user:
            coding.set("creatingUser", user)
        if annotation.created:
            coding.set("creationDateTime", annotation.created)
        _element(coding, "CodeRef", targetGUID=code_guids[tag])
    if annotation.memo:
        note_guid = guid("memo", annotation.id)
        note_attributes = {"guid": note_guid, "name": _name(f"Memo: {annotation.memo}")}
        if user:
            note_attributes["creatingUser"] = user
        if annotation.modified:
            note_attributes["creationDateTime"] = annotation.modified
        note = _element(notes, "Note", **note_attributes)
        _element(note, "PlainTextContent").text = _xml_text(annotation.memo)
        _element(selection, "NoteRef", targetGUID=note_guid)


def project_xml(scope: ExportScope) -> tuple[bytes, dict[str, str]]:
    """`project.qde` as UTF-8 XML and the source files."""
    root, files = project(scope)
    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data, files


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

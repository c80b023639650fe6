"""A `.qdpx` written the way QualCoder's exporter writes one (`ccbogel/QualCoder`,
`src/qualcoder/refi.py`, RefiExport.project_xml; written for these tests, not its code):

- `<Project>` declares the xsd and xsi namespaces, then: Users, CodeBook (codes without
  a category first, then each category — `isCodable="false"` — with its codes, a code's
  sub-codes nested in it as codable codes), Sources, Notes, the project Description;
- each TextSource: `plainTextPath` into `sources/` (lower case), `creatingUser`,
  `creationDateTime`, `guid`, `name`; its memo as Description; a PlainTextSelection per
  coding (`name` the coded text, Description the coding memo before the Coding); a NoteRef
  to its annotation Note after the selections;
- an annotation Note holds `creatingUser`, `creationDateTime`, PlainTextContent and a
  PlainTextSelection with the positions; a journal Note has `name` and a plainTextPath;
- the text files are written UTF-8 *with* a byte-order mark (`utf-8-sig`);
- a picture and a PDF source beside the texts.
"""

from __future__ import annotations

import html
import io
import zipfile

ANNA = "5c94bc9e-db8c-4f1d-9cd6-e900c7440860"
BEN = "df241da2-bca0-4ad9-83c1-b89c98d83567"
INTERVIEW = "Interview one.\nMoney matters to me, said Anna.\nFamily comes first.\n"
NOTES_TEXT = "Field notes: the café was loud.\n"


def _guid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def selection(n, text, start, end, user, code, memo=""):
    xml = (
        f'<PlainTextSelection guid="{_guid(n)}" startPosition="{start}" endPosition="{end}" '
        f'name="{html.escape(text[start:end])}" creatingUser="{user}" '
        'creationDateTime="2024-03-01T10:00:00Z">\n'
    )
    if memo:
        xml += f"<Description>{html.escape(memo)}</Description>\n"
    xml += f'<Coding guid="{_guid(n + 500)}" creatingUser="{user}" >\n'
    xml += f'<CodeRef targetGUID="{code}" />\n</Coding>\n</PlainTextSelection>\n'
    return xml


def qualcoder_qdpx() -> bytes:
    """The project: two text sources, a picture and a PDF; codes money (in the category
    Themes, with the sub-code savings), family (in Themes) and a top-level code misc;
    codings by Anna and Ben, a coding memo, an annotation Note and a journal."""
    codes = {"money": _guid(101), "savings": _guid(102), "family": _guid(103), "misc": _guid(104)}
    xml = '<?xml version="1.0" encoding="utf-8"?>\n'
    xml += (
        '<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Study.qda" '
        f'origin="QualCoder 3.8" creatingUserGUID="{_guid(1)}" '
        'creationDateTime="2024-03-01T09:00:00Z" xmlns="urn:QDA-XML:project:1.0">\n'
    )
    xml += f'<Users>\n<User guid="{ANNA}" name="anna" />\n<User guid="{BEN}" name="ben" />\n'
    xml += "</Users>\n"
    xml += "<CodeBook>\n<Codes>\n"
    xml += f'<Code guid="{codes["misc"]}" name="misc" isCodable="true" color="#AAAAAA" />\n'
    xml += f'<Code guid="{_guid(100)}" name="Themes" isCodable="false">\n'
    xml += "<Description>What people care about</Description>\n"
    xml += f'<Code guid="{codes["money"]}" name="money" isCodable="true" color="#F5B041">\n'
    xml += "<Description>Talk of money</Description>\n"
    xml += f'<Code guid="{codes["savings"]}" name="savings" isCodable="true" color="#28B463" />\n'
    xml += "</Code>\n"
    xml += f'<Code guid="{codes["family"]}" name="family" isCodable="true" color="#5DADE2" />\n'
    xml += "</Code>\n</Codes>\n</CodeBook>\n"
    xml += "<Sources>\n"
    xml += (
        f'<TextSource plainTextPath="internal://{_guid(11)}.txt" creatingUser="{ANNA}" '
        f'creationDateTime="2024-03-01T09:30:00Z" guid="{_guid(10)}" name="interview1.txt">\n'
    )
    xml += "<Description>First interview</Description>\n"
    money = INTERVIEW.index("Money matters to me")
    xml += selection(20, INTERVIEW, money, money + 19, ANNA, codes["money"], "Anna on money")
    xml += selection(21, INTERVIEW, money, money + 5, BEN, codes["savings"])
    family = INTERVIEW.index("Family comes first.")
    xml += selection(22, INTERVIEW, family, family + 19, ANNA, codes["family"])
    xml += f'<NoteRef targetGUID="{_guid(30)}" />\n'
    xml += "</TextSource>\n"
    xml += (
        f'<TextSource plainTextPath="internal://{_guid(13)}.txt" creatingUser="{BEN}" '
        f'creationDateTime="2024-03-01T09:40:00Z" guid="{_guid(12)}" name="notes &amp; more">\n'
    )
    xml += selection(23, NOTES_TEXT, 13, 30, BEN, codes["misc"])
    xml += "</TextSource>\n"
    xml += (
        f'<PictureSource creatingUser="{ANNA}" creationDateTime="2024-03-01T09:50:00Z" '
        f'path="internal://{_guid(14)}.png" guid="{_guid(15)}" name="photo.png" >\n'
        "</PictureSource>\n"
    )
    xml += (
        f'<PDFSource path="internal://{_guid(16)}.pdf" creatingUser="{ANNA}" '
        f'creationDateTime="2024-03-01T09:55:00Z" guid="{_guid(17)}" name="report.pdf">\n'
        f'<Representation guid="{_guid(18)}" plainTextPath="internal://{_guid(19)}.txt" '
        f'creatingUser="{ANNA}" name="report.pdf">\n</Representation></PDFSource>\n'
    )
    xml += "</Sources>\n<Notes>\n"
    xml += (
        f'<Note guid="{_guid(31)}" creatingUser="{ANNA}" '
        'creationDateTime="2024-03-02T08:00:00Z" name="Journal" '
        f' plainTextPath="internal://{_guid(31)}.txt" >\n<Description />\n</Note>\n'
    )
    title = INTERVIEW.index("Interview one")
    xml += (
        f'<Note guid="{_guid(30)}" creatingUser="{ANNA}" '
        'creationDateTime="2024-03-02T09:00:00Z" >\n'
        "<PlainTextContent>An annotation: the opening line</PlainTextContent>\n"
        f'<PlainTextSelection guid="{_guid(32)}" startPosition="{title}" '
        f'endPosition="{title + 13}" />\n</Note>\n'
    )
    xml += "</Notes>\n<Description>A small study</Description>\n</Project>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        archive.writestr(f"sources/{_guid(11)}.txt", INTERVIEW.encode("utf-8-sig"))
        archive.writestr(f"sources/{_guid(13)}.txt", NOTES_TEXT.encode("utf-8-sig"))
        archive.writestr(f"sources/{_guid(14)}.png", b"\x89PNG\r\n\x1a\n")
        archive.writestr(f"sources/{_guid(16)}.pdf", b"%PDF-1.4\n")
        archive.writestr(f"sources/{_guid(19)}.txt", "report text".encode("utf-8-sig"))
        archive.writestr(f"sources/{_guid(31)}.txt", "Journal entry".encode("utf-8-sig"))
    return buffer.getvalue()

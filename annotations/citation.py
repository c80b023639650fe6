"""Citing a document: its source metadata, where in it a passage is (page or paragraph),
and a quotation with its citation in one of three styles.

The metadata an analyst cites by — title, author, publisher or site, URL, date, language —
is read from the file when it is converted (`annotations.sources`), shown in the library
and editable there and in the reader; every export carries it.
"""

from __future__ import annotations

from typing import Any

from annotations.document import Document

# The fields of a document's source, in the order a form and an export show them.
SOURCE_FIELDS = ("title", "author", "publisher", "url", "date", "language")
FIELD_LABELS = {
    "title": "Title",
    "author": "Author",
    "publisher": "Publisher or site",
    "url": "URL",
    "date": "Date",
    "language": "Language",
}
CITATION_STYLES = ("plain", "markdown", "chicago")
DEFAULT_STYLE = "plain"


def source_fields(document: Document) -> dict[str, str]:
    """The document's source metadata, every field of `SOURCE_FIELDS` present ("" when
    unknown). The bundled article and older stores name the site `source`."""
    metadata: dict[str, Any] = document.metadata
    fields = {name: _one_line(metadata.get(name)) for name in SOURCE_FIELDS}
    fields["title"] = _one_line(document.title)
    if not fields["publisher"]:
        fields["publisher"] = _one_line(metadata.get("source"))
    return fields


def metadata_changes(document: Document, edited: dict[str, str]) -> dict[str, str | None]:
    """What a metadata form changed, as fields for `Store.set_document_metadata`: a field
    emptied becomes None (unknown), one left as it was is not included."""
    current = source_fields(document)
    changes: dict[str, str | None] = {}
    for name in SOURCE_FIELDS:
        value = _one_line(edited.get(name, current[name]))
        if value != current[name]:
            changes[name] = value or None
    if "title" in changes and not changes["title"]:
        del changes["title"]  # a document always has a title
    return changes


def page_at(document: Document, offset: int) -> str | None:
    """The page holding `offset` as the source prints it, or None without pages."""
    return document.page_label_at(offset)


def locator(document: Document, offset: int) -> str:
    """Where `offset` is, as a citation says it: "p. 12" in a paged source, else "¶ 4"."""
    page = page_at(document, offset)
    if page is not None:
        return f"p. {page}"
    return f"¶ {document.paragraph_index(offset) + 1}"


def citation(document: Document, offset: int, style: str = DEFAULT_STYLE) -> str:
    """The citation of the passage at `offset`: author, title, publisher, date, place in
    the source and URL, as `style` ("plain", "markdown" or "chicago") writes them."""
    fields = source_fields(document)
    place = locator(document, offset)
    author, title, publisher = fields["author"], fields["title"], fields["publisher"]
    date, url = fields["date"], fields["url"]
    if style == "chicago":
        # Author, “Title,” Publisher, Date, 12, URL.  (Chicago's note form, simplified.)
        number = place.removeprefix("p. ")
        parts = [author, f"“{title},”", publisher, date, number]
        text = ", ".join(part for part in parts if part).replace(",”,", ",”")
        return text + (f", {url}." if url else ".")
    if style == "markdown":
        title = f"*{_markdown(title)}*"
        author, publisher = _markdown(author), _markdown(publisher)
        parts = [author, title, publisher, date, place]
        text = ", ".join(part for part in parts if part)
        return text + (f", <{url}>" if url else "")
    parts = [author, title, publisher, date, place, url]
    return ", ".join(part for part in parts if part)


def quotation(document: Document, start: int, end: int, style: str = DEFAULT_STYLE) -> str:
    """The text of `[start, end)` quoted, with its citation: what `y` copies."""
    quote = " ".join(document.text[start:end].split())
    cited = citation(document, start, style)
    if style == "markdown":
        return f"> {_markdown(quote)}\n>\n> — {cited}"
    return f"“{quote}” ({cited})" if style == "plain" else f"“{quote}”\n{cited}"


def _one_line(value: object) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _markdown(text: str) -> str:
    """Text that Markdown shows as it is (its markup characters escaped)."""
    return "".join("\\" + c if c in "\\`*_[]<>#|~" else c for c in text)

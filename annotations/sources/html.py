"""Web pages → paragraphs and headings, through trafilatura, with a plain lxml walk for
pages that are not articles (and for EPUB chapters, which are clean already).

trafilatura finds the article in a saved page and drops navigation, scripts, cookie
banners and footers; its metadata reader takes the title, author, site, canonical URL and
date from `<meta>`, Open Graph and JSON-LD. It never fetches anything: it is given the
page's text, and `extract` does no network access.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html

from annotations.errors import DocumentError
from annotations.sources.converted import Converted, blocks_from

# trafilatura logs what it discards at WARNING; with no handler Python would print that on
# stderr, under the command line's one line. Gloss reports failures itself.
logging.getLogger("trafilatura").addHandler(logging.NullHandler())
logging.getLogger("htmldate").addHandler(logging.NullHandler())
logging.getLogger("courlan").addHandler(logging.NullHandler())

# What is not reading matter in a page walked without trafilatura.
_SKIPPED = frozenset(
    "script style noscript template nav header footer aside form button select option "
    "iframe svg canvas head title meta link object embed".split()
)
_BLOCKS = frozenset(
    "p div section article main li dt dd blockquote pre figcaption caption address "
    "h1 h2 h3 h4 h5 h6 ul ol dl table tr td th tbody thead tfoot body html figure".split()
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LEAST_ARTICLE = 200  # characters: less than this from trafilatura means it found no article

Item = tuple[str, int | None, int]
_PARSER = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)


def convert_html(path: Path, data: bytes) -> Converted:
    """Convert a saved web page: the article's paragraphs, headings, list items and table
    rows, and its metadata (title, author, site, URL, date, language).

    Raises `DocumentError` when the file holds no readable text.
    """
    name = str(path)
    markup = decode_html(data, name)
    tree = parse_html(markup, name)
    items = _article_items(markup)
    if sum(len(text) for text, _, _ in items) < _LEAST_ARTICLE:
        fallback = html_items(tree)
        if sum(len(text) for text, _, _ in fallback) > sum(len(text) for text, _, _ in items):
            items = fallback
    blocks = blocks_from(items)
    if not blocks:
        raise DocumentError(f"{name}: the page holds no readable text")
    return Converted(format="html", blocks=blocks, metadata=_metadata(markup, tree))


def decode_html(data: bytes, name: str) -> str:
    """The page as text: its BOM or declared charset, else UTF-8, else a guess."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(f"{name}: looks like a binary file, not a web page")
    from trafilatura.utils import decode_file

    try:
        return decode_file(data)
    except (LookupError, UnicodeError, ValueError) as error:
        raise DocumentError(f"{name}: cannot decode the page ({error})") from None


def parse_html(markup: str, name: str) -> lxml.html.HtmlElement:
    """The page parsed leniently (as browsers do); `DocumentError` if lxml finds nothing."""
    try:
        # Bytes with the encoding named: lxml refuses a str that declares its own, and
        # would read bytes without a declaration as Latin-1.
        return lxml.html.document_fromstring(markup.encode("utf-8", "replace"), parser=_PARSER)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as error:
        raise DocumentError(f"{name}: not a web page lxml can read ({error})") from None


def _article_items(markup: str) -> list[Item]:
    from trafilatura import bare_extraction

    extracted = bare_extraction(
        markup,
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_formatting=False,
        with_metadata=False,
        favor_recall=True,
    )
    body = getattr(extracted, "body", None)
    if body is None:
        return []
    items: list[Item] = []
    for element in body:
        _trafilatura_items(element, items)
    return items


def _trafilatura_items(element: Any, items: list[Item]) -> None:
    """trafilatura's XML (`head rend="h2"`, `p`, `list/item`, `table/row/cell`, `quote`)."""
    tag = element.tag
    if tag == "head":
        level = _HEADINGS.get(str(element.get("rend", "h2")), 2)
        items.append((_text(element), None, level))
    elif tag == "list":
        for item in element.iter("item"):
            items.append(("• " + _text(item), None, 0))
    elif tag == "table":
        for row in element.iter("row"):
            items.append((" | ".join(_text(cell) for cell in row.iter("cell")), None, 0))
    else:
        items.append((_text(element), None, 0))


def html_items(root: Any) -> list[Item]:
    """Every block of reading matter in a parsed page, in order: headings, paragraphs,
    list items (bulleted), table rows (cells joined with " | "); scripts, navigation,
    headers, footers and forms left out."""
    items: list[Item] = []
    body = root.find(".//body")
    _walk(body if body is not None else root, items)
    return items


def _walk(element: Any, items: list[Item]) -> None:
    tag = _local(element)
    if tag in _SKIPPED:
        return
    if tag == "tr":
        cells = [_text(cell) for cell in element if _local(cell) in ("td", "th")]
        items.append((" | ".join(cell for cell in cells if cell), None, 0))
        return
    if tag in _HEADINGS:
        items.append((_text(element), None, _HEADINGS[tag]))
        return
    if not any(_local(child) in _BLOCKS for child in element.iter() if child is not element):
        text = _text(element)
        items.append((("• " + text) if tag == "li" else text, None, 0))
        return
    # Mixed content: text between block children is a paragraph of its own.
    run = [element.text or ""]
    for child in element:
        if _local(child) in _BLOCKS or _local(child) in _SKIPPED or _local(child) in _HEADINGS:
            items.append(("".join(run), None, 0))
            run = []
            _walk(child, items)
        else:
            run.append(_text(child))
        run.append(child.tail or "")
    items.append(("".join(run), None, 0))


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    return tag.rsplit("}", 1)[-1].lower()


def _text(element: Any) -> str:
    parts = []
    for piece in element.iter():
        if piece is not element and _local(piece) in _SKIPPED:
            continue
        if piece.text and isinstance(piece.tag, str):
            parts.append(piece.text)
        if piece is not element and piece.tail:
            parts.append(piece.tail)
    return "".join(parts)


def _metadata(markup: str, tree: Any) -> dict[str, Any]:
    """Title, author, site, URL and date as trafilatura reads them; language from the
    `<html lang>` attribute."""
    from trafilatura.metadata import extract_metadata

    metadata: dict[str, Any] = {}
    found = extract_metadata(markup)
    for attribute, field in (
        ("title", "title"),
        ("author", "author"),
        ("sitename", "publisher"),
        ("url", "url"),
        ("date", "date"),
        ("description", "description"),
    ):
        value = getattr(found, attribute, None) if found is not None else None
        if value:
            metadata[field] = " ".join(str(value).split())
    language = (
        tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    ).strip()
    if language:
        metadata["language"] = language
    return metadata

"""EPUB → the chapters in reading order, through the standard library's zipfile, the OPF
package's spine, and the HTML walk of `sources.html`; metadata from its `dc:` fields."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import lxml.etree

from annotations.errors import DocumentError
from annotations.sources.converted import Converted, blocks_from
from annotations.sources.html import decode_html, html_items, parse_html

_CONTAINER = "META-INF/container.xml"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_LARGEST_PART = 64 * 1024 * 1024  # bytes: a chapter larger than this is not text
# XML from an archive is untrusted: no entities expanded, nothing fetched.
_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def convert_epub(path: Path) -> Converted:
    """Convert an EPUB: each spine item's headings and paragraphs, in spine order.

    Raises `DocumentError` for a file that is not a zip, has no container or package
    file, names a chapter it does not hold, or holds no text.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise DocumentError(f"{path}: not an EPUB (not a zip archive: {error})") from None
    with archive:
        package_path = _package_path(archive, path)
        package = _xml(archive, package_path, path)
        chapters = _spine(package, posixpath.dirname(package_path))
        if not chapters:
            raise DocumentError(f"{path}: not an EPUB (its package lists no chapters)")
        items = []
        for chapter in chapters:
            items.extend(html_items(_chapter(archive, chapter, path)))
        metadata = _metadata(package)
    blocks = blocks_from(items)
    if not blocks:
        raise DocumentError(f"{path}: the book holds no text")
    return Converted(format="epub", blocks=blocks, metadata=metadata)


def _read(archive: zipfile.ZipFile, member: str, path: Path) -> bytes:
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise DocumentError(f"{path}: not a complete EPUB (it lacks {member})") from None
    if info.file_size > _LARGEST_PART:
        raise DocumentError(f"{path}: {member} is too large to be a chapter")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise DocumentError(f"{path}: a damaged EPUB ({member}: {error})") from None


def _xml(archive: zipfile.ZipFile, member: str, path: Path) -> Any:
    try:
        return lxml.etree.fromstring(_read(archive, member, path), _PARSER)
    except lxml.etree.XMLSyntaxError as error:
        raise DocumentError(f"{path}: a damaged EPUB ({member}: {error})") from None


def _package_path(archive: zipfile.ZipFile, path: Path) -> str:
    container = _xml(archive, _CONTAINER, path)
    for element in container.iter("{*}rootfile"):
        full_path = element.get("full-path")
        if full_path:
            return full_path
    raise DocumentError(f"{path}: not an EPUB (its container names no package file)")


def _spine(package: Any, base: str) -> list[str]:
    manifest = {
        item.get("id"): item
        for item in package.iter(f"{_OPF}item")
        if item.get("id") and item.get("href")
    }
    chapters = []
    for itemref in package.iter(f"{_OPF}itemref"):
        item = manifest.get(itemref.get("idref"))
        if item is None or "html" not in (item.get("media-type") or ""):
            continue
        chapters.append(posixpath.normpath(posixpath.join(base, unquote(item.get("href")))))
    return chapters


def _chapter(archive: zipfile.ZipFile, member: str, path: Path) -> Any:
    markup = decode_html(_read(archive, member, path), f"{path}: {member}")
    return parse_html(markup, f"{path}: {member}")


def _metadata(package: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    fields = (
        ("title", "title"),
        ("creator", "author"),
        ("publisher", "publisher"),
        ("date", "date"),
        ("language", "language"),
        ("identifier", "identifier"),
    )
    for element_name, field in fields:
        values = [
            " ".join((element.text or "").split())
            for element in package.iter(f"{_DC}{element_name}")
        ]
        values = [value for value in values if value]
        if values:
            metadata[field] = "; ".join(values) if field == "author" else values[0]
    return metadata

"""W3C Web Annotation: an `AnnotationCollection` with its annotations in one embedded page.

Each annotation has its tags as `TextualBody`s with purpose `tagging`, its memo as one with
purpose `commenting` and its confidence as one with purpose `assessing`; its target is the
document (named by the hash of its text, RFC 6920 `ni:` URI) with a `TextQuoteSelector`
and a `TextPositionSelector` — the position in code points, as the model requires. Every
annotation passes the MUST assertions of the W3C test suite (tests/test_export_jsonld.py).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

from annotations.citation import source_fields
from annotations.document import Document
from annotations.export import GLOSS_NAMESPACE, ExportScope, as_uuid
from annotations.export.json import escape_unsafe
from annotations.model import Annotation

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
GENERATOR = {"type": "Software", "name": "Gloss"}


def document_uri(document: Document) -> str:
    """The document as an RFC 6920 named-information URI of its SHA-256."""
    digest = bytes.fromhex(document.id.removeprefix("sha256:"))
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def collection(scope: ExportScope) -> dict[str, Any]:
    """The collection as plain JSON-LD data."""
    collection = _collection_without_items(scope)
    collection["first"]["items"] = list(_items(scope))
    return collection


def _items(scope: ExportScope) -> Iterator[dict[str, Any]]:
    """The annotations of `scope` in the W3C model, one at a time."""
    documents = {document.id: document for document in scope.documents}
    terms = {document.id: source_terms(document) for document in scope.documents}
    for annotation in scope.annotations:
        yield annotation_object(
            annotation, documents[annotation.document], terms[annotation.document]
        )


def _collection_without_items(scope: ExportScope) -> dict[str, Any]:
    """The collection and its page, the page's `items` empty."""
    key = "|".join([*(d.id for d in scope.documents), scope.filters])
    collection_id = f"urn:uuid:{uuid.uuid5(GLOSS_NAMESPACE, key)}"
    result: dict[str, Any] = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Gloss annotations: {scope.title}",
        "total": len(scope.annotations),
        "generator": GENERATOR,
    }
    result["first"] = {
        "id": collection_id + "#page-1",
        "type": "AnnotationPage",
        "startIndex": 0,
        "items": [],
    }
    return result


# The source's details as Dublin Core terms (the W3C context names the `dcterms` prefix).
_DCTERMS = {
    "title": "dcterms:title",
    "author": "dcterms:creator",
    "publisher": "dcterms:publisher",
    "date": "dcterms:issued",
    "url": "dcterms:source",
}
# RFC 3778, the PDF fragment identifier: "page=12" is the twelfth page of the file.
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"


def source_terms(document: Document) -> dict[str, str]:
    """The document's source details as `dcterms:` properties of `target.source`."""
    fields = source_fields(document)
    return {term: fields[name] for name, term in _DCTERMS.items() if fields[name]}


def annotation_object(
    annotation: Annotation, document: Document, terms: dict[str, str] | None = None
) -> dict[str, Any]:
    """One annotation in the W3C model; `terms` are `source_terms(document)`, when the
    caller has them already."""
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in annotation.tags
    ]
    if annotation.memo:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "format": "text/plain",
                "value": annotation.memo,
            }
        )
    if annotation.confidence:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": f"confidence: {annotation.confidence}",
            }
        )
    motivations = list(dict.fromkeys(body["purpose"] for body in bodies)) or ["highlighting"]
    source: dict[str, Any] = {
        "id": document_uri(document),
        "type": "Text",
        "format": "text/plain",
    }
    language = document.metadata.get("language")
    if isinstance(language, str) and language:
        source["language"] = language
    source.update(source_terms(document) if terms is None else terms)
    result: dict[str, Any] = {
        "id": f"urn:uuid:{as_uuid(annotation.id)}",
        "type": "Annotation",
        "motivation": motivations[0] if len(motivations) == 1 else motivations,
    }
    if annotation.created:
        result["created"] = annotation.created
    if annotation.modified:
        result["modified"] = annotation.modified
    if annotation.analyst:
        result["creator"] = {"type": "Person", "name": annotation.analyst}
    if bodies:
        result["body"] = bodies
    result["target"] = {
        "source": source,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": annotation.quote,
                "prefix": annotation.prefix,
                "suffix": annotation.suffix,
            },
            {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
        ],
    }
    page = (
        document.structure.page_of(document.paragraph_index(annotation.start))
        if (document.structure is not None and document.structure.has_pages)
        else None
    )
    if page is not None:
        result["target"]["selector"].append(
            {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": f"page={page + 1}"}
        )
    return result


def render(scope: ExportScope) -> bytes:
    """The collection of `scope` as UTF-8 JSON-LD: the collection and its page indented,
    each annotation on one line of its own (readable, diffable, and written by the C
    encoder: indenting everything made 10,000 annotations take over a second)."""
    return b"".join(chunks(scope))


def chunks(scope: ExportScope) -> Iterator[bytes]:
    """`render(scope)` in pieces, an annotation at a time: written as it is made, the
    export of 100,000 annotations never holds them all in the W3C model (nor the text
    of the whole file) at once."""
    data = _collection_without_items(scope)
    marker = f"items-{uuid.uuid4().hex}"
    data["first"]["items"] = marker
    skeleton = json.dumps(data, ensure_ascii=False, indent=2)
    head, tail = skeleton.split(f'"{marker}"', 1)
    if not scope.annotations:
        yield _utf8(head + "[]" + tail + "\n")
        return
    yield _utf8(head + "[\n")
    separator = ""
    for item in _items(scope):
        yield _utf8(separator + "      " + json.dumps(item, ensure_ascii=False))
        separator = ",\n"
    yield _utf8("\n    ]" + tail + "\n")


def _utf8(text: str) -> bytes:
    # Escaping a piece at a time is escaping the whole: every escape is of one character.
    return escape_unsafe(text).encode("utf-8")

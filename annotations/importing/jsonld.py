"""Read W3C Web Annotations (an `AnnotationCollection` with embedded pages, an
`AnnotationPage`, one `Annotation`, or a list of them) — Gloss's own jsonld export or
another tool's, Hypothesis's among them — onto documents already in the store.

Each annotation is placed on a stored document named by its target's `source`: Gloss's
`ni:///sha-256;…` URI of the text, else a document whose metadata `url`, or whose file,
is that source. Within it, a `TextPositionSelector` whose span holds the
`TextQuoteSelector`'s `exact` text is taken as it is; otherwise the quote and its context
are searched for (`anchoring.anchor`, the re-anchoring Gloss does when a file changes),
starting from the position. What cannot be placed that way — no stored document for the
source, a quote that is not in the text, no quote to check a position against on a
document found by URL — is listed, never guessed.

The bodies: `TextualBody`s with purpose `tagging` are tags, `assessing` with
"confidence: high" the confidence, the others (`commenting`, none, `bodyValue`) the memo;
`creator` (its `name` or `nickname`, or a URI's last part) the analyst.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from annotations.anchoring import anchor
from annotations.document import Document, utc_now
from annotations.errors import RecordError
from annotations.export import as_uuid
from annotations.importing import ImportFailure, ImportPlan
from annotations.model import CONFIDENCE_LEVELS, Annotation, TextQuote
from annotations.validation import parse_json

_CONFIDENCE = re.compile(r"^confidence: (" + "|".join(CONFIDENCE_LEVELS) + r")$", re.IGNORECASE)
# How many annotations one file may hold, and how far `next` pages are followed.
MAX_ANNOTATIONS = 1_000_000


def read_jsonld(data: bytes, *, label: str, documents: Sequence[Document]) -> ImportPlan:
    """The annotations of `data` placed on `documents` (those in the store), as records to
    merge; those that cannot be placed are in `skipped`. `ImportFailure` when `data` is
    not JSON or holds no Web Annotation."""
    try:
        value = parse_json(data)
    except RecordError as error:
        raise ImportFailure(f"{label}: {error}") from None
    items = list(_annotations(value, label))
    if not items:
        raise ImportFailure(
            f"{label}: holds no W3C Web Annotation (an Annotation, AnnotationPage or "
            "AnnotationCollection with its pages embedded)"
        )
    placer = _Placer(documents)
    annotations: list[dict[str, Any]] = []
    skipped: list[str] = []
    for index, item in enumerate(items):
        where = f"annotation {index + 1}"
        if not isinstance(item, Mapping):
            raise ImportFailure(f"{label}: {where} is not an object")
        try:
            placed, reason = placer.place(item)
        except (TypeError, ValueError, KeyError) as error:
            raise ImportFailure(f"{label}: {where}: {error}") from None
        if placed is None:
            skipped.append(f"not anchored: {_describe(item)} ({reason})")
        else:
            annotations.append(placed.to_record())
    return ImportPlan({"gloss": 1, "documents": [], "annotations": annotations}, skipped)


def _annotations(value: Any, label: str) -> Iterator[Any]:
    """The annotations of a collection, page, annotation or list, in order."""
    count = 0
    stack = [value]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node
            continue
        if not isinstance(node, Mapping):
            continue
        kind = _types(node)
        if "Annotation" in kind or "oa:Annotation" in kind:
            count += 1
            if count > MAX_ANNOTATIONS:
                raise ImportFailure(f"{label}: more than {MAX_ANNOTATIONS} annotations")
            yield node
        elif "AnnotationCollection" in kind:
            first = node.get("first")
            if isinstance(first, str):
                raise ImportFailure(
                    f"{label}: the collection's pages are not in the file (first is {first!r})"
                )
            stack.append(first)
        elif "AnnotationPage" in kind:
            stack.append(node.get("items", []))
            if isinstance(node.get("next"), Mapping):
                stack.append(node["next"])
        elif "rows" in node and isinstance(node["rows"], list):
            stack.append(node["rows"])  # a search API's answer: {"total": n, "rows": [...]}


def _types(node: Mapping[str, Any]) -> set[str]:
    kind = node.get("type", node.get("@type", ()))
    return {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)}


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _describe(item: Mapping[str, Any]) -> str:
    quote = ""
    for target in _listed(item.get("target")):
        if isinstance(target, Mapping):
            for selector in _listed(target.get("selector")):
                if isinstance(selector, Mapping) and selector.get("exact"):
                    quote = str(selector["exact"])
    quote = " ".join(quote.split())
    quote = quote if len(quote) <= 50 else quote[:49] + "…"
    return f"{item.get('id', '(no id)')}" + (f" “{quote}”" if quote else "")


def _ni_to_id(uri: str) -> str | None:
    """The document id that Gloss's `ni:///sha-256;…` URI names, or None."""
    match = re.fullmatch(r"ni:///sha-256;([A-Za-z0-9_-]+)", uri)
    if not match:
        return None
    encoded = match.group(1) + "=" * (-len(match.group(1)) % 4)
    try:
        return "sha256:" + base64.urlsafe_b64decode(encoded).hex()
    except ValueError:
        return None


class _Placer:
    def __init__(self, documents: Sequence[Document]) -> None:
        self.by_id = {d.id: d for d in documents}
        self.by_url: dict[str, Document] = {}
        for document in documents:
            url = document.metadata.get("url")
            if isinstance(url, str) and url:
                self.by_url.setdefault(url, document)
            if document.path:
                self.by_url.setdefault(Path(document.path).as_uri(), document)
                self.by_url.setdefault(document.path, document)

    def document_of(self, source: Any) -> tuple[Document | None, bool]:
        """The stored document a target's source names, and whether it names its text
        exactly (by hash) rather than a place it came from."""
        uri = source.get("id") if isinstance(source, Mapping) else source
        if not isinstance(uri, str):
            return None, False
        document_id = _ni_to_id(uri)
        if document_id is not None:
            document = self.by_id.get(document_id)
            exact = True
            # A text revised since: its current version, where the quote is looked for.
            seen: set[str] = set()
            while document is not None and document.metadata.get("superseded_by") in self.by_id:
                if document.id in seen:
                    break
                seen.add(document.id)
                document, exact = self.by_id[document.metadata["superseded_by"]], False
            return document, exact
        if uri.startswith("file://"):
            path = unquote(urlparse(uri).path)
            return self.by_url.get(uri) or self.by_url.get(path), False
        return self.by_url.get(uri), False

    def place(self, item: Mapping[str, Any]) -> tuple[Annotation | None, str]:
        targets = [t for t in _listed(item.get("target")) if t is not None]
        if not targets:
            return None, "no target"
        reason = "no stored document for its source"
        for target in targets:
            if not isinstance(target, Mapping):
                continue  # a bare URI targets a whole resource: no span to annotate
            document, by_hash = self.document_of(target.get("source"))
            if document is None:
                source = target.get("source")
                uri = source.get("id") if isinstance(source, Mapping) else source
                reason = f"no stored document for {uri!r}"
                continue
            span, reason = _span(target, document, by_hash)
            if span is not None:
                return _annotation(item, document, *span), ""
        return None, reason


def _span(
    target: Mapping[str, Any], document: Document, by_hash: bool
) -> tuple[tuple[int, int] | None, str]:
    quote: Mapping[str, Any] | None = None
    position: Mapping[str, Any] | None = None
    for selector in _listed(target.get("selector")):
        if not isinstance(selector, Mapping):
            continue
        kind = _types(selector)
        if "TextQuoteSelector" in kind and quote is None:
            quote = selector
        if "TextPositionSelector" in kind and position is None:
            position = selector
    text = document.text
    start = end = None
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise ValueError("TextPositionSelector start and end must be whole numbers")
    if quote is None:
        if position is None:
            return None, "no text selector (TextQuoteSelector or TextPositionSelector)"
        if not by_hash:
            return None, "only a position, and the document was found by its URL: not checked"
        if not 0 <= start < end <= len(text):  # type: ignore[operator]
            return None, f"position {start}-{end} is outside the text"
        return (start, end), ""  # type: ignore[return-value]
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact:
        raise ValueError("TextQuoteSelector exact must be text")
    prefix, suffix = quote.get("prefix") or "", quote.get("suffix") or ""
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise ValueError("TextQuoteSelector prefix and suffix must be text")
    if start is not None and 0 <= start < end <= len(text) and text[start:end] == exact:
        return (start, end), ""  # type: ignore[return-value]
    guess = start if start is not None and 0 <= start <= len(text) else 0
    probe = Annotation(
        id="probe",
        document=document.id,
        start=guess,
        end=guess + len(exact),
        quote=exact,
        prefix=prefix,
        suffix=suffix,
    )
    found = anchor(probe, text)
    if found.status in ("exact", "moved"):
        return (found.start, found.end), ""
    return None, "its quote and context are not in the stored text"


def _annotation(item: Mapping[str, Any], document: Document, start: int, end: int) -> Annotation:
    tags: list[str] = []
    memos: list[str] = []
    confidence: str | None = None
    bodies = _listed(item.get("body"))
    if isinstance(item.get("bodyValue"), str):
        memos.append(item["bodyValue"])
    for body in bodies:
        if isinstance(body, str):
            continue  # a URI body: a resource Gloss does not hold
        if not isinstance(body, Mapping):
            continue
        value = body.get("value")
        if not isinstance(value, str):
            continue
        purpose = set(_listed(body.get("purpose")))
        if "tagging" in purpose:
            tags.append(value)
        elif "assessing" in purpose and _CONFIDENCE.match(value):
            confidence = _CONFIDENCE.match(value).group(1).lower()  # type: ignore[union-attr]
        else:
            memos.append(value)
    if "tagging" in set(_listed(item.get("motivation"))) and not tags:
        tags += [m for m in memos if "\n" not in m and len(m) <= 60]
        memos = [m for m in memos if m not in tags]
    created = item.get("created") if isinstance(item.get("created"), str) else None
    modified = item.get("modified") if isinstance(item.get("modified"), str) else None
    selector = TextQuote.of(document.text, start, end)
    return Annotation(
        id=_id(item.get("id")),
        document=document.id,
        start=start,
        end=end,
        quote=selector.quote,
        prefix=selector.prefix,
        suffix=selector.suffix,
        tags=tuple(dict.fromkeys(tags)),
        memo="\n\n".join(memos),
        confidence=confidence,
        analyst=_analyst(item.get("creator")),
        created=created or modified or utc_now(),
        modified=modified or created or utc_now(),
    )


def _id(value: Any) -> str:
    """Gloss's id for an annotation id: the uuid of `urn:uuid:…`, else a stable uuid of
    the id, else a new one."""
    if isinstance(value, str) and value:
        if value.startswith("urn:uuid:"):
            return as_uuid(value.removeprefix("urn:uuid:"))
        return as_uuid(value)
    return str(uuid.uuid4())


def _analyst(creator: Any) -> str:
    for value in _listed(creator):
        if isinstance(value, Mapping):
            for key in ("name", "nickname", "account"):
                if isinstance(value.get(key), str) and value[key]:
                    return value[key]
            value = value.get("id")
        if isinstance(value, str) and value:
            # "acct:bob@hypothes.is" or "https://example.org/users/bob": the last part.
            name = re.split(r"[:/]", value.rstrip("/"))[-1]
            return name.split("@", 1)[0] or value
    return "unknown"

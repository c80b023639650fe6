"""The Markdown export as a GitHub-flavoured renderer shows it (markdown-it-py with its
GFM-like preset and linkify): nothing from a document, a memo, a title or an analyst
name becomes a link, and every quote, memo and analyst reads as written."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt
from test_export_support import TIMESTAMP, hostile_scope

from annotations import Annotation, Codebook, Document
from annotations.export import make_scope, render
from annotations.safe_text import visible

LINKS = (
    "See http://evil.example/a and https://x.org/?q=1, www.example.com, "
    "mail bob@host.com or mailto:ann@x.io, and the site example.com."
)


def links_scope():
    document = Document.from_text(f"{LINKS}\n\nA second paragraph, www.second.org.\n")
    title_document = Document.from_text(
        "Plain text.\n", title="Report from http://news.example.com by bob@news.org"
    )
    annotations = [
        Annotation.create(
            document=document.id,
            text=document.text,
            start=0,
            end=len(LINKS),
            tags=["actor/russia"],
            memo="Compare www.memo.org and http://memo.example.com; ask eve@memo.org.",
            analyst="ana@analysts.org",
        ).evolve(created=TIMESTAMP, modified=TIMESTAMP),
        Annotation.create(
            document=title_document.id,
            text=title_document.text,
            start=0,
            end=11,
            memo="memo-only: see https://only.example.org",
            analyst="www.ben.com",
        ).evolve(created=TIMESTAMP, modified=TIMESTAMP),
    ]
    return make_scope(
        [document, title_document], annotations, Codebook.default(), generated=TIMESTAMP
    )


def rendered(scope) -> tuple[list, str]:
    """The tokens of the export as markdown-it (GFM-like, linkify on) parses it, and the
    text its HTML shows."""
    md = MarkdownIt("gfm-like")
    source = render("md", scope).decode("utf-8")
    tokens = md.parse(source)
    page = md.render(source)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    return tokens, text


def links_in(tokens) -> list[str]:
    found = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                found.append(child.attrs.get("href"))
    return found


@pytest.mark.parametrize("make", [links_scope, hostile_scope])
def test_nothing_becomes_a_link(make) -> None:
    tokens, _ = rendered(make())
    assert links_in(tokens) == []


def test_the_markdown_escapes_autolinks_as_pandoc_does() -> None:
    source = render("md", links_scope()).decode("utf-8")
    assert "http\\://evil" in source
    assert "www\\.example" in source
    assert "bob\\@host" in source


@pytest.mark.parametrize("make", [links_scope, hostile_scope])
def test_every_quote_memo_title_and_analyst_reads_as_written(make) -> None:
    scope = make()
    _, text = rendered(scope)
    for annotation in scope.annotations:
        for line in visible(annotation.quote).split("\n"):
            assert line.strip() in text
        for line in visible(annotation.memo.strip()).split("\n"):
            assert line.strip() in text
        assert visible(annotation.analyst, newline="\u2424") in text
    for document in scope.documents:
        assert visible(document.title, newline="\u2424") in text

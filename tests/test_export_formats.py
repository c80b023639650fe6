"""The text formats — md, csv, json, html — read back as their readers would read them.

Each format gets the hostile document (Rich markup, escape sequences, `<script>`,
`=HYPERLINK(`, Markdown syntax, bidi overrides) and must show every character as written
and never hand a reader something it would act on.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from test_export_support import (
    FORMULA,
    HOSTILE_ANALYST,
    HOSTILE_MEMO,
    LINES,
    bundled_scope,
    hostile_scope,
)

from annotations import Annotation, Codebook, Document
from annotations.export import FORMAT_NAMES, ExportError, export_format, make_scope, render
from annotations.export.csv import HEADER, neutralise
from annotations.export.markdown import escape
from annotations.safe_text import is_safe, visible

# Every character a terminal, a spreadsheet or a browser could act on, raw.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class TextCollector(HTMLParser):
    """The text of an HTML page and every tag and attribute in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)

    @property
    def joined(self) -> str:
        return "".join(self.text)


def parse_html(page: str) -> TextCollector:
    collector = TextCollector()
    collector.feed(page)
    collector.close()
    return collector


def shown(text: str) -> str:
    """How a safe export shows `text`: control characters as symbols, lines apart."""
    return visible(text)


# -- every format -------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_renders_the_hostile_document(name: str) -> None:
    data = render(name, hostile_scope())
    assert data


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_renders_a_document_without_annotations(name: str) -> None:
    document = Document.from_text("Just one paragraph.\n", title="Quiet")
    assert render(name, make_scope([document], [], Codebook.default()))


def test_an_unknown_format_is_an_error_naming_the_choices() -> None:
    with pytest.raises(ExportError, match=r"unknown export format 'pdf'.*md, csv, json"):
        export_format("pdf")


@pytest.mark.parametrize("name", ["md", "csv", "html"])
def test_no_control_character_reaches_the_text_formats(name: str) -> None:
    text = render(name, hostile_scope()).decode("utf-8-sig")
    if name == "csv":
        text = text.replace("\r\n", "\n")
    assert RAW_CONTROL.search(text) is None
    assert "\t" not in text
    assert "\x1b" in "".join(LINES)  # the input really was hostile


# -- Markdown -----------------------------------------------------------------------------


def render_markdown(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


def test_markdown_escape_renders_every_hostile_line_as_written() -> None:
    for line in LINES:
        page = parse_html(render_markdown(escape(line)))
        assert page.joined.strip() == shown(line)
        assert [tag for tag, _ in page.tags] == ["p"], line


def test_markdown_escape_keeps_lines_and_paragraphs() -> None:
    page = render_markdown(escape("first line\nsecond line\n\nnew paragraph"))
    assert page.count("<p>") == 2
    assert "<br" in page


def test_markdown_notes_show_hostile_text_literally_and_no_markup_of_its_own() -> None:
    markdown = render("md", hostile_scope()).decode("utf-8")
    page_html = render_markdown(markdown)
    page = parse_html(page_html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "a", "img", "em", "li", "s", "del", "i"}
    assert "<script" not in page_html
    assert page_html.count("<code>") == 1  # the document id, which the notes quote
    for line in LINES:
        assert shown(line) in page.joined, line
    for line in HOSTILE_MEMO.split("\n"):
        assert shown(line) in page.joined, line
    assert shown(HOSTILE_ANALYST) in page.joined


def test_markdown_groups_by_actor_then_interest_and_ends_with_the_matrix() -> None:
    scope = hostile_scope()
    markdown = render("md", scope).decode("utf-8")
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    actors = [h.removeprefix("### ") for h in headings if h.startswith("### ")]
    assert actors == ["Russia", "Iran", "both", "No actor"]
    iran = headings[headings.index("### Iran") + 1 : headings.index("### both")]
    assert iran == [
        "#### military",
        "#### society and religion",
        "#### geostrategic access",
        "#### No interest",
    ]
    # The annotation tagged Iran, military and society is under both of its interests.
    formula_quote = "> " + escape(FORMULA)
    assert markdown.count(formula_quote) == 2
    assert headings[-1] == "## Actor × Interest"
    table = markdown.split("## Actor × Interest", 1)[1]
    russia_row = next(line for line in table.splitlines() if line.startswith("| **Russia**"))
    # Russia: military, institutions, diplomacy — one each.
    assert russia_row.replace(" ", "") == "|**Russia**|1|1|0|1|0|0|0|"


def test_markdown_annotation_block_has_paragraph_tags_confidence_memo_analyst() -> None:
    scope = hostile_scope()
    markdown = render("md", scope).decode("utf-8")
    block = markdown.split("> " + escape(FORMULA), 1)[1].split("\n\n", 1)[0]
    assert "¶ 2" in block
    assert "Iran, military, society and religion" in block
    assert "confidence: moderate" in block
    assert "analyst: ana" in block
    assert "**Memo:** " + escape(FORMULA) in block


def test_markdown_of_the_bundled_article_lists_every_annotation() -> None:
    scope = bundled_scope()
    markdown = render("md", scope).decode("utf-8")
    for annotation in scope.annotations:
        assert escape(annotation.quote).split("\n")[0] in markdown
    assert markdown.startswith("# Annotated notes: Russia and Iran")


# -- CSV ----------------------------------------------------------------------------------


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'␉=1"),
        ("\r=1", "'␍=1"),
        ("plain", "plain"),
        ("a=1", "a=1"),
        ("\x1b[31m", "␛[31m"),
    ],
)
def test_csv_cells_are_neutralised(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_csv_has_a_header_and_one_row_per_annotation() -> None:
    scope = hostile_scope()
    rows = read_csv(render("csv", scope))
    assert tuple(rows[0]) == HEADER
    assert HEADER == (
        "document title",
        "paragraph",
        "start",
        "end",
        "quote",
        "tags",
        "memo",
        "confidence",
        "analyst",
        "created",
        "modified",
        "page",
        "author",
        "publisher",
        "url",
        "date",
        "language",
    )
    assert len(rows) == 1 + len(scope.annotations)
    first = dict(zip(HEADER, rows[1], strict=True))
    annotation = scope.annotations[0]
    assert first["paragraph"] == "1"
    assert (first["start"], first["end"]) == (str(annotation.start), str(annotation.end))
    assert first["tags"] == "actor/russia; interest/military"
    assert first["created"] == annotation.created


def test_csv_no_cell_starts_a_formula_and_text_survives() -> None:
    scope = hostile_scope()
    rows = read_csv(render("csv", scope))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    quotes = [dict(zip(HEADER, row, strict=True))["quote"] for row in rows[1:]]
    assert "'" + FORMULA in quotes
    assert "'- a list item? no: @ and + start cells too" in quotes
    memos = {dict(zip(HEADER, row, strict=True))["memo"] for row in rows[1:]}
    assert "'" + shown(HOSTILE_MEMO) in memos
    analysts = {dict(zip(HEADER, row, strict=True))["analyst"] for row in rows[1:]}
    assert "'" + HOSTILE_ANALYST in analysts


# -- JSON ---------------------------------------------------------------------------------


def test_json_is_lossless_even_for_control_characters() -> None:
    scope = hostile_scope()
    data = json.loads(render("json", scope))
    assert data["gloss"] == 1
    assert [Annotation.from_record(r) for r in data["annotations"]] == list(scope.annotations)
    assert [Document.from_record(r) for r in data["documents"]] == list(scope.documents)
    assert data["documents"][0]["text"] == scope.documents[0].text


def test_json_keeps_terminal_controls_escaped_on_the_page() -> None:
    raw = render("json", hostile_scope()).decode("utf-8")
    assert RAW_CONTROL.search(raw) is None
    assert "\\u009b" in raw and "\\u202e" in raw


# -- HTML ---------------------------------------------------------------------------------


def test_html_has_no_script_no_handlers_and_nothing_to_fetch() -> None:
    page_text = render("html", hostile_scope()).decode("utf-8")
    page = parse_html(page_text)
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "img" not in names and "iframe" not in names
    for tag, attributes in page.tags:
        assert not any(name.startswith("on") for name in attributes), tag
        assert "src" not in attributes
        if "href" in attributes:
            assert attributes["href"].startswith("#n"), attributes
    for line in LINES:
        assert shown(line) in page.joined, line
    for line in HOSTILE_MEMO.strip().split("\n"):
        assert shown(line) in page.joined, line


def test_html_content_security_policy_allows_only_its_own_stylesheet() -> None:
    page = parse_html(render("html", hostile_scope()).decode("utf-8"))
    policy = next(
        attributes["content"]
        for tag, attributes in page.tags
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy"
    )
    assert policy is not None
    assert "default-src 'none'" in policy
    digest = base64.b64encode(hashlib.sha256(page.style.encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert "unsafe" not in policy


def test_html_highlights_in_code_colours_with_notes_legend_and_matrix() -> None:
    scope = hostile_scope()
    page_text = render("html", scope).decode("utf-8")
    page = parse_html(page_text)
    marks = [attributes for tag, attributes in page.tags if tag == "mark"]
    assert len(marks) >= len(scope.annotations)
    # The Russia colour of the default codebook colours the highlights.
    assert f"{Codebook.default().color('actor/russia')}4d" in page.style
    notes = [a for tag, a in page.tags if tag == "div" and "note" in (a.get("class") or "")]
    assert len(notes) == len(scope.annotations)
    assert "Actor × Interest" in page.joined
    assert "society and religion (1)" in page.joined  # the legend with counts
    assert page_text.rstrip().endswith("</html>")


def test_html_overlapping_annotations_get_striped_highlights() -> None:
    document = Document.from_text("One two three four five six.\n", title="Overlap")
    first = Annotation.create(
        document=document.id, text=document.text, start=0, end=13, tags=["actor/russia"]
    )
    second = Annotation.create(
        document=document.id, text=document.text, start=8, end=18, tags=["actor/iran"]
    )
    page = parse_html(
        render("html", make_scope([document], [first, second], Codebook.default())).decode()
    )
    assert "linear-gradient" in page.style
    codebook = Codebook.default()
    assert f"{codebook.color('actor/russia')}66" in page.style
    assert f"{codebook.color('actor/iran')}66" in page.style


def test_html_text_is_every_character_of_the_document() -> None:
    scope = bundled_scope()
    page = parse_html(render("html", scope).decode("utf-8"))
    document = scope.documents[0]
    for span in document.paragraphs:
        assert document.text[span.start : span.end] in page.joined


def test_exported_safe_text_is_safe() -> None:
    assert is_safe(render("md", hostile_scope()).decode("utf-8"))


def test_html_language_is_on_the_elements_that_hold_each_document_s_text() -> None:
    from lxml import html as lxml_html

    persian = Document.from_text(
        "روسیه و ایران متحدند.\n\nاما تا کی؟\n", title="روسیه و ایران", metadata={"language": "fa"}
    )
    unknown = Document.from_text("Plain text.\n", metadata={"language": 'en" onload="x'})
    note = Annotation.create(
        document=persian.id, text=persian.text, start=0, end=5, tags=["actor/russia"], memo="m"
    )
    scope = make_scope([persian, unknown], [note], Codebook.default())
    page = lxml_html.fromstring(render("html", scope))
    # The page's own headings and labels are English.
    assert page.get("lang") == "en"
    persian_article, unknown_article = page.findall(".//article")
    assert persian_article.get("lang") is None
    assert [e.get("lang") for e in persian_article.xpath(".//h2|.//p[@class='text']")] == [
        "fa",
        "fa",
        "fa",
    ]
    assert persian_article.xpath(".//p[@class='quote']/@lang") == ["fa"]
    # A language that is not a language tag is "undetermined", not copied.
    assert set(unknown_article.xpath(".//h2/@lang|.//p[@class='text']/@lang")) == {"und"}

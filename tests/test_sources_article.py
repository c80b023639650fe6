"""The bundled article as analysts would also receive it — a PDF and a saved web page, made
here from the repository's own text: annotations made on the text version re-anchor onto
each, and the exports of the PDF cite the page."""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import pytest
import source_files as made

from annotations import Codebook, Document, Store
from annotations.anchoring import reanchor, relocate
from annotations.export import render, select
from annotations.library import open_paths

pytestmark = pytest.mark.skipif(
    not made.LIGATURE_FONT.exists(), reason="the article's quotes need the DejaVu font"
)


def article_paragraphs() -> list[str]:
    article = Document.bundled()
    return [article.text[span.start : span.end] for span in article.paragraphs]


def article_page(path: Path) -> Path:
    """The article as a browser saves it: navigation, the article, a footer."""
    body = "\n".join(f"<p>{html.escape(text)}</p>" for text in article_paragraphs()[2:])
    path.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Russia and Iran | The Syrian Observer</title>"
        "<meta property='og:site_name' content='The Syrian Observer'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{html.escape(article_paragraphs()[1])}</h1>{body}</article>"
        "<footer>© The Syrian Observer. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    return path


def annotate_text_version(store: Store) -> tuple[Document, list[str]]:
    """Tag the third sentence of every third paragraph of the text version."""
    article = store.add_document(Document.bundled())
    quotes = []
    for index in range(2, len(article.paragraphs), 3):
        sentences = article.sentences_in(index)
        sentence = sentences[min(2, len(sentences) - 1)]
        store.annotate(article.id, sentence.start, sentence.end, tags=["actor/russia"])
        quotes.append(article.text[sentence.start : sentence.end])
    return article, quotes


def carry_over(store: Store, source: Document, target: Document):
    report = reanchor(store.annotations(source.id), target.text, len(source.text))
    store.put_many(
        relocate(annotation, target.id, target.text, result.start, result.end)
        for annotation, result in report.results
        if result.placed
    )
    return report


@pytest.mark.parametrize("kind", ["pdf", "html"])
def test_annotations_on_the_text_re_anchor_onto_the_pdf_and_the_page(
    tmp_path: Path, store: Store, kind: str
) -> None:
    article, quotes = annotate_text_version(store)
    if kind == "pdf":
        path = made.text_pdf(tmp_path / "article.pdf", article_paragraphs())
    else:
        path = article_page(tmp_path / "article.html")
    (converted,) = open_paths(store, [path]).documents
    if kind == "pdf":
        # Paragraph for paragraph the text version: a short line that ends a page without
        # a full stop ("…Will Come to An End") still ends its paragraph.
        texts = [converted.text[s.start : s.end] for s in converted.paragraphs]
        assert texts == article_paragraphs()
    report = carry_over(store, article, converted)
    assert report.orphaned == 0
    assert sorted(a.quote for a in store.annotations(converted.id)) == sorted(quotes)


def test_exports_of_the_pdf_cite_the_page(tmp_path: Path, store: Store) -> None:
    article, quotes = annotate_text_version(store)
    path = made.text_pdf(tmp_path / "article.pdf", article_paragraphs(), per_page=4)
    (pdf,) = open_paths(store, [path]).documents
    carry_over(store, article, pdf)
    scope = select(store, Codebook.default(), document=pdf.id)
    # Where each quote is printed: the generator sets four paragraphs to a page.
    expected = {}
    for quote in quotes:
        paragraph = next(i for i, text in enumerate(article_paragraphs()) if quote in text)
        expected[quote] = str(paragraph // 4 + 1)

    rows = list(csv.DictReader(io.StringIO(render("csv", scope).decode("utf-8-sig"))))
    assert {row["quote"]: row["page"] for row in rows} == expected

    markdown = render("md", scope).decode("utf-8")
    for quote, page in expected.items():
        block = markdown[markdown.index(quote[:40]) :]
        assert block.split("\n> — ", 1)[1].startswith(f"p. {page} · ¶ ")

    notes = render("html", scope).decode("utf-8")
    assert notes.count('<p class="who">p. ') == len(quotes)

    jsonld = render("jsonld", scope).decode("utf-8")
    for page in set(expected.values()):
        assert f'"value": "page={page}"' in jsonld


def test_every_export_carries_the_source_details(tmp_path: Path, store: Store) -> None:
    import json
    import zipfile

    from lxml import etree

    (page,) = open_paths(store, [made.saved_page(tmp_path / "page.html")]).documents
    sentence = page.sentences_in(1)[0]
    store.annotate(page.id, sentence.start, sentence.end, tags=["actor/iran"])
    scope = select(store, Codebook.default(), document=page.id)

    heading = render("md", scope).decode("utf-8").split("\n## ", 1)[1].split("\n\n")[1]
    assert heading.split(" · ")[1:-1] == [
        "publisher: The Example Times",
        "author: Ana Lima",
        "date: 2024-03-05",
        # Escaped so that no Markdown viewer makes a link of it (md.escape_inline).
        "url: https\\://news\\.example\\.org/2024/sanctions-and-oil",
        "language: en",
    ]

    (row,) = csv.DictReader(io.StringIO(render("csv", scope).decode("utf-8-sig")))
    assert (row["page"], row["author"], row["publisher"], row["url"], row["date"]) == (
        "",  # a web page has no pages: the paragraph column places it
        "Ana Lima",
        "The Example Times",
        "https://news.example.org/2024/sanctions-and-oil",
        "2024-03-05",
    )

    (item,) = json.loads(render("jsonld", scope))["first"]["items"]
    source = item["target"]["source"]
    assert {key: value for key, value in source.items() if key.startswith("dcterms:")} == {
        "dcterms:title": "Sanctions and Oil",
        "dcterms:creator": "Ana Lima",
        "dcterms:publisher": "The Example Times",
        "dcterms:issued": "2024-03-05",
        "dcterms:source": "https://news.example.org/2024/sanctions-and-oil",
    }

    with zipfile.ZipFile(io.BytesIO(render("qdpx", scope))) as archive:
        project = etree.fromstring(archive.read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert project.findtext("q:Sources/q:TextSource/q:Description", namespaces=ns) == (
        "Ana Lima, “Sanctions and Oil,” The Example Times, 2024-03-05, ¶ 1, "
        "https://news.example.org/2024/sanctions-and-oil."
    )
    names = {
        variable.get("guid"): variable.get("name")
        for variable in project.iterfind("q:Variables/q:Variable", namespaces=ns)
    }
    values = {
        names[value.find("q:VariableRef", ns).get("targetGUID")]: value.findtext(
            "q:TextValue", namespaces=ns
        )
        for value in project.iterfind("q:Sources/q:TextSource/q:VariableValue", namespaces=ns)
    }
    assert values == {
        "Title": "Sanctions and Oil",
        "Author": "Ana Lima",
        "Publisher or site": "The Example Times",
        "URL": "https://news.example.org/2024/sanctions-and-oil",
        "Date": "2024-03-05",
        "Language": "en",
    }
    schema = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data/refi-qda/Project.xsd")))
    assert schema.validate(project), schema.error_log

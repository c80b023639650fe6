"""Sources as analysts receive them: PDF, web pages, Word and EPUB, converted into the text
Gloss annotates — checked on small files the tests make, for text, paragraphs, pages,
headings and metadata — and bad files refused with one line."""

from __future__ import annotations

import socket
import zipfile
from pathlib import Path

import pytest
import source_files as made

from annotations import Document, Store
from annotations.errors import DocumentError, PasswordRequired
from annotations.library import expand_paths, open_paths
from tui.cli import main


def paragraphs(document: Document) -> list[str]:
    return [document.text[span.start : span.end] for span in document.paragraphs]


def headings(document: Document) -> list[tuple[str, int]]:
    texts = paragraphs(document)
    return [
        (texts[index], document.heading_level(index))
        for index in range(len(texts))
        if document.heading_level(index)
    ]


def pages(document: Document) -> list[str | None]:
    return [document.page_label_at(span.start) for span in document.paragraphs]


# -- PDF ---------------------------------------------------------------------------------


def test_pdf_paragraphs_pages_headings_and_metadata(tmp_path: Path) -> None:
    document = Document.from_path(made.report_pdf(tmp_path / "report.pdf"))
    texts = paragraphs(document)
    # The running header and the page numbers are gone; the title is a heading.
    assert not any("Quarterly Review of Cooperation" in text for text in texts)
    assert texts[0] == "Findings of the Review"
    assert headings(document) == [("Findings of the Review", 1)]
    # Each indented paragraph is one paragraph, whole, on the page it is printed on.
    body = [text for text in texts if text.startswith("In paragraph")]
    assert body == [made.paragraph(n) for n in (10, 11, 12, 20, 21, 22, 30, 31, 32)]
    assert pages(document)[:4] == ["1", "1", "1", "1"]
    assert pages(document)[texts.index(made.paragraph(21))] == "2"
    assert pages(document)[texts.index(made.paragraph(32))] == "3"
    # The hyphen pdfium marked at the line end is dropped, the word made whole.
    assert "The review found a pattern of cooperation that lasted for years." in texts
    assert document.title == "Quarterly Review"
    assert document.metadata["author"] == "Jane Roe"
    assert document.metadata["language"] == "en-GB"
    assert document.metadata["format"] == "pdf"


def test_pdf_paragraph_running_on_to_the_next_page_is_one_paragraph(tmp_path: Path) -> None:
    document = Document.from_path(made.runs_on_pdf(tmp_path / "runs-on.pdf"))
    texts = paragraphs(document)
    assert texts[1] == (
        "The second paragraph starts on the first page and "
        "ends on the second page, where a third one follows."
    )
    assert pages(document) == ["1", "1", "2"]


def test_pdf_two_columns_read_left_column_first(tmp_path: Path) -> None:
    document = Document.from_path(made.two_column_pdf(tmp_path / "columns.pdf"))
    assert paragraphs(document) == [made.paragraph(n) for n in (1, 2, 3, 4)]


@pytest.mark.skipif(not made.LIGATURE_FONT.exists(), reason="needs the DejaVu font")
def test_pdf_ligatures_are_folded_to_letters(tmp_path: Path) -> None:
    document = Document.from_path(made.ligature_pdf(tmp_path / "ligatures.pdf"))
    assert paragraphs(document) == [
        "The first flight of the official delegation was financed by the state."
    ]


def test_pdf_page_labels_are_the_cited_pages(tmp_path: Path) -> None:
    document = Document.from_path(made.page_labels_pdf(tmp_path / "labels.pdf"))
    assert pages(document) == ["i", "ii", "1", "2"]
    assert document.structure is not None
    assert document.structure.first_paragraph_of_page("1") == 2
    assert document.structure.first_paragraph_of_page("ii") == 1


def test_encrypted_pdf_asks_for_its_password(tmp_path: Path) -> None:
    path = made.encrypted_pdf(tmp_path / "locked.pdf")
    with pytest.raises(PasswordRequired, match=r"locked\.pdf: it is encrypted .*--password"):
        Document.from_path(path)
    with pytest.raises(PasswordRequired, match="the password is wrong"):
        Document.from_path(path, password="guess")
    assert paragraphs(Document.from_path(path, password="secret")) == [
        "This report was sent encrypted."
    ]


def test_encrypted_pdf_on_the_command_line(tmp_path: Path, capsys) -> None:
    path = made.encrypted_pdf(tmp_path / "locked.pdf")
    store_file = tmp_path / "s.json"
    assert main([str(path), "--db", str(store_file)]) == 2
    assert capsys.readouterr().err == (
        f"gloss: {path}: it is encrypted — give its password (--password)\n"
    )
    with Store(store_file) as store:
        assert store.documents() == []
        # With its password it opens.
        opened = open_paths(store, [path], password="secret")
        assert opened.documents[0].text == "This report was sent encrypted."


def test_image_only_pdf_says_to_run_ocr(tmp_path: Path, capsys) -> None:
    path = made.image_only_pdf(tmp_path / "scan.pdf")
    assert main([str(path), "--db", str(tmp_path / "s.json")]) == 2
    assert capsys.readouterr().err == (
        f"gloss: {path}: no text layer — run OCR first (e.g. ocrmypdf)\n"
    )


def test_pdf_with_a_scanned_page_opens_the_text_it_has(tmp_path: Path) -> None:
    document = Document.from_path(made.image_only_pdf(tmp_path / "half.pdf", text_page=True))
    assert paragraphs(document) == ["Only this page has a text layer."]
    assert pages(document) == ["2"]
    assert document.metadata["notices"] == [
        "half.pdf: page 1 has no text layer — run OCR first (e.g. ocrmypdf)"
    ]


# -- HTML --------------------------------------------------------------------------------


def test_saved_page_keeps_the_article_and_drops_the_rest(tmp_path: Path) -> None:
    document = Document.from_path(made.saved_page(tmp_path / "page.html"))
    texts = paragraphs(document)
    assert texts == [
        "Sanctions and Oil",
        "Exports of crude oil fell by a third in the first quarter, according to figures "
        "the ministry published on Tuesday, as new sanctions took effect across the region.",
        "What the ministry said",
        "The ministry said that buyers in Asia had taken up part of the shortfall, but that "
        "prices paid were well below the benchmark and the discounts were widening every month.",
        "• Exports fell by a third.",
        "• Discounts widened every month.",
        "Analysts expect the decline to continue into the summer unless the talks resume.",
    ]
    assert headings(document) == [("Sanctions and Oil", 1), ("What the ministry said", 2)]
    assert pages(document) == [None] * len(texts)
    assert {
        key: document.metadata.get(key)
        for key in ("title", "author", "publisher", "url", "date", "language")
    } == {
        "title": "Sanctions and Oil",
        "author": "Ana Lima",
        "publisher": "The Example Times",
        "url": "https://news.example.org/2024/sanctions-and-oil",
        "date": "2024-03-05",
        "language": "en",
    }


def test_page_that_is_not_an_article_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "list.html"
    path.write_text(
        "<html><body><h1>Contacts</h1><table><tr><th>Name</th><th>Town</th></tr>"
        "<tr><td>Ana</td><td>Porto</td></tr></table><p>Updated weekly.</p></body></html>",
        encoding="utf-8",
    )
    document = Document.from_path(path)
    assert paragraphs(document) == ["Contacts", "Name | Town", "Ana | Porto", "Updated weekly."]
    assert headings(document) == [("Contacts", 1)]


def test_converting_a_page_opens_no_connection(tmp_path: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a conversion tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    document = Document.from_path(made.saved_page(tmp_path / "page.html"))
    assert document.title == "Sanctions and Oil"


# -- DOCX and EPUB -----------------------------------------------------------------------


def test_word_file_in_body_order_with_list_and_table(tmp_path: Path) -> None:
    document = Document.from_path(made.docx_file(tmp_path / "notes.docx"))
    assert paragraphs(document) == [
        "Field Notes",
        "The first interview took place in the morning.",
        "Interviews",
        "Three officials agreed to speak on the record.",
        "• Customs delays",
        "• Currency controls",
        "Name | Role",
        "Karimi | Deputy minister",
        "The notes end after the table.",
    ]
    assert headings(document) == [("Field Notes", 1), ("Interviews", 1)]
    assert document.title == "Field Notes"
    assert document.metadata["author"] == "Omar Haddad"
    assert document.metadata["language"] == "en-US"


def test_epub_chapters_in_spine_order(tmp_path: Path) -> None:
    document = Document.from_path(made.epub_file(tmp_path / "book.epub"))
    assert paragraphs(document) == [
        "Chapter 1",
        "The first paragraph of chapter 1.",
        "The second paragraph of chapter 1.",
        "Chapter 2",
        "The first paragraph of chapter 2.",
        "The second paragraph of chapter 2.",
    ]
    assert headings(document) == [("Chapter 1", 1), ("Chapter 2", 1)]
    assert {
        key: document.metadata.get(key) for key in ("title", "author", "publisher", "date")
    } == {
        "title": "Two Chapters",
        "author": "Lena Marsh",
        "publisher": "Example Press",
        "date": "2021-06-01",
    }


def test_language_is_detected_when_the_file_does_not_say(tmp_path: Path) -> None:
    path = tmp_path / "ru.html"
    path.write_text(
        "<html><body><p>Экспорт нефти сократился на треть в первом квартале, по данным "
        "министерства, опубликованным во вторник.</p></body></html>",
        encoding="utf-8",
    )
    assert Document.from_path(path).metadata["language"] == "ru"


# -- bad input ---------------------------------------------------------------------------


def _bad_epub(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
    return path


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.4 nothing else", "not a PDF pdfium can read (data format error)"),
        ("broken.docx", b"not a zip", "not a Word file python-docx can read"),
        ("broken.epub", b"not a zip", "not an EPUB (not a zip archive"),
        ("empty.epub", None, "not a complete EPUB (it lacks META-INF/container.xml)"),
        ("binary.html", b"\x00\x01\x02" * 100, "looks like a binary file, not a web page"),
        (
            "nothing.html",
            b"<html><body><script>x()</script></body></html>",
            "the page holds no readable text",
        ),
        ("empty.pdf", b"", "the file is empty"),
    ],
)
def test_bad_sources_are_one_line_and_store_nothing(
    tmp_path: Path, capsys, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if content is None:
        _bad_epub(path)
    else:
        path.write_bytes(content)
    store_file = tmp_path / "s.json"
    assert main([str(path), "--db", str(store_file)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"gloss: {path}: {reason}")
    assert error.count("\n") == 1 and "Traceback" not in error
    with Store(store_file) as store:
        assert store.documents() == []


def test_folder_holds_sources_too_and_skips_a_bad_one(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    made.report_pdf(folder / "report.pdf")
    made.saved_page(folder / "page.html")
    made.docx_file(folder / "notes.docx")
    made.epub_file(folder / "book.epub")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    assert [path.name for path, _ in expand_paths([folder])] == [
        "book.epub",
        "broken.pdf",
        "notes.docx",
        "page.html",
        "report.pdf",
    ]
    result = open_paths(store, [folder])
    assert sorted(d.title for d in result.documents) == [
        "Field Notes",
        "Quarterly Review",
        "Sanctions and Oil",
        "Two Chapters",
    ]
    assert [(path.name, why.split(": ", 1)[1]) for path, why in result.skipped] == [
        ("broken.pdf", "not a PDF pdfium can read (data format error)")
    ]


def test_explicit_bad_source_raises_before_anything_is_stored(tmp_path: Path, store: Store) -> None:
    good = made.saved_page(tmp_path / "page.html")
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(DocumentError, match=r"broken\.docx"):
        open_paths(store, [good, bad])
    assert store.documents() == []


def test_a_source_without_a_title_is_named_by_its_first_heading(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    word.add_paragraph("Draft — do not circulate")
    word.add_heading("Interviews in Erbil", level=1)
    word.add_paragraph("Three officials agreed to speak on the record.")
    word.save(str(tmp_path / "draft.docx"))
    assert Document.from_path(tmp_path / "draft.docx").title == "Interviews in Erbil"


def test_an_untitled_pdf_is_named_by_its_largest_heading_not_a_logo_above_it(
    tmp_path: Path,
) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 13)
    pdf.cell(190, 8, "Logo Wide", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 20)
    pdf.cell(190, 12, "Pipelines and Power", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(190, 5.5, "The report reads the gas trade as a contest of routes. " * 4)
    pdf.output(str(tmp_path / "untitled.pdf"))
    assert Document.from_path(tmp_path / "untitled.pdf").title == "Pipelines and Power"


async def test_the_reader_asks_for_an_encrypted_pdfs_password_and_opens_it(tmp_path: Path) -> None:
    from tui.app import GlossApp
    from tui.screens.reader import ReaderScreen
    from tui.widgets.password_prompt import PasswordPrompt

    path = made.encrypted_pdf(tmp_path / "locked.pdf")
    app = GlossApp(paths=[path], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            if isinstance(app.screen, PasswordPrompt):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, PasswordPrompt)
        await pilot.press(*"secret", "enter")
        for _ in range(100):
            if isinstance(app.screen, ReaderScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.document.text == "This report was sent encrypted."

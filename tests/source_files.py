"""Small PDF, HTML, DOCX and EPUB files made by the tests themselves, with what each holds."""

from __future__ import annotations

import zipfile
from pathlib import Path

from fpdf import FPDF

LIGATURE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

SENTENCE = (
    "Analysts read reports on the cooperation between two governments whose interests "
    "diverge over time, and they cite the page they read it on."
)


def paragraph(n: int) -> str:
    """A paragraph of about six lines, its number in each sentence so that no two lines
    of different paragraphs are alike."""
    return " ".join(f"In paragraph {n}, {SENTENCE[0].lower()}{SENTENCE[1:]}" for _ in range(3))


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=11)
    return pdf


def _running_lines(pdf: FPDF, number: int) -> None:
    pdf.set_font("helvetica", size=9)
    pdf.set_xy(10, 8)
    pdf.cell(190, 5, "Quarterly Review of Cooperation", align="C")
    pdf.set_xy(10, 285)
    pdf.cell(190, 5, str(number), align="C")
    pdf.set_font("helvetica", size=11)


def report_pdf(path: Path) -> Path:
    """Three pages: a running header and a page number on each, a title heading on the
    first, indented paragraphs, a word hyphenated at a line end on the second, and the PDF
    info title, author and language."""
    pdf = _pdf()
    pdf.set_title("Quarterly Review")
    pdf.set_author("Jane Roe")
    pdf.set_lang("en-GB")
    for number in (1, 2, 3):
        pdf.add_page()
        _running_lines(pdf, number)
        pdf.set_xy(10, 22)
        if number == 1:
            pdf.set_font("helvetica", "B", 18)
            pdf.cell(190, 10, "Findings of the Review", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("helvetica", size=11)
            pdf.set_y(pdf.get_y() + 4)
        for k in range(3):
            pdf.multi_cell(190, 5.5, "      " + paragraph(number * 10 + k))
            pdf.set_y(pdf.get_y() + 4)
        if number == 2:
            pdf.multi_cell(190, 5.5, "      The review found a pattern of coopera-")
            pdf.multi_cell(190, 5.5, "tion that lasted for years.")
    return _output(pdf, path)


def _output(pdf: FPDF, path: Path) -> Path:
    pdf.output(str(path))
    return path


def runs_on_pdf(path: Path) -> Path:
    """Two pages; page 1's last paragraph runs on to page 2 mid-sentence."""
    pdf = _pdf()
    pdf.add_page()
    pdf.set_xy(10, 20)
    pdf.multi_cell(190, 5.5, "      " + paragraph(1))
    pdf.set_y(pdf.get_y() + 4)
    pdf.multi_cell(190, 5.5, "      The second paragraph starts on the first page and")
    pdf.add_page()
    pdf.set_xy(10, 20)
    pdf.multi_cell(190, 5.5, "ends on the second page, where a third one follows.")
    pdf.set_y(pdf.get_y() + 4)
    pdf.multi_cell(190, 5.5, "      " + paragraph(3))
    return _output(pdf, path)


def two_column_pdf(path: Path) -> Path:
    """One page set in two columns: the left column's paragraphs come before the right's."""
    pdf = _pdf()
    pdf.add_page()
    pdf.set_xy(10, 20)
    with pdf.text_columns(ncols=2, gutter=8, text_align="LEFT") as columns:
        for n in (1, 2, 3, 4):
            columns.write("      " + paragraph(n))
            columns.ln()
            columns.ln()
    return _output(pdf, path)


def ligature_pdf(path: Path) -> Path:
    """A page whose text carries the ligature characters ﬁ and ﬂ (U+FB01, U+FB02)."""
    pdf = _pdf()
    pdf.add_font("DejaVu", fname=str(LIGATURE_FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    pdf.set_xy(10, 20)
    pdf.multi_cell(190, 6, "The ﬁrst ﬂight of the oﬃcial delegation was ﬁnanced by the state.")
    return _output(pdf, path)


def page_labels_pdf(path: Path) -> Path:
    """Two pages numbered i and ii, then pages numbered 1 and 2."""
    pdf = _pdf()
    for number, (style, start) in enumerate((("r", 1), ("r", None), ("D", 1), ("D", None))):
        pdf.add_page()
        if start is not None:
            pdf.set_page_label(label_style=style, label_start=start)
        pdf.set_xy(10, 60)
        pdf.multi_cell(190, 6, f"Text of physical page {number + 1}.")
    return _output(pdf, path)


def encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A one-page PDF that opens only with `password`."""
    pdf = _pdf()
    pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    pdf.add_page()
    pdf.set_xy(10, 20)
    pdf.multi_cell(190, 6, "This report was sent encrypted.")
    return _output(pdf, path)


def image_only_pdf(path: Path, *, text_page: bool = False) -> Path:
    """A scan: a page holding only a picture (and, with `text_page`, a second page of text)."""
    from PIL import Image

    picture = path.with_suffix(".png")
    Image.new("RGB", (300, 200), "white").save(picture)
    pdf = _pdf()
    pdf.add_page()
    pdf.image(str(picture), x=10, y=10, w=150)
    if text_page:
        pdf.add_page()
        pdf.set_xy(10, 20)
        pdf.multi_cell(190, 6, "Only this page has a text layer.")
    return _output(pdf, path)


def text_pdf(path: Path, paragraphs: list[str], *, per_page: int = 4) -> Path:
    """Paragraphs set a few to a page, indented, with a page number at the foot."""
    pdf = _pdf()
    pdf.add_font("DejaVu", fname=str(LIGATURE_FONT))
    for start in range(0, len(paragraphs), per_page):
        pdf.add_page()
        pdf.set_font("DejaVu", size=8)
        pdf.set_xy(10, 285)
        pdf.cell(190, 5, str(start // per_page + 1), align="C")
        pdf.set_font("DejaVu", size=11)
        pdf.set_xy(10, 20)
        for text in paragraphs[start : start + per_page]:
            pdf.multi_cell(190, 5.5, "      " + text)
            pdf.set_y(pdf.get_y() + 4)
    return _output(pdf, path)


SAVED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Sanctions and Oil | The Example Times</title>
<meta name="author" content="Ana Lima">
<meta property="og:title" content="Sanctions and Oil">
<meta property="og:site_name" content="The Example Times">
<meta property="og:url" content="https://news.example.org/2024/sanctions-and-oil">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
<script>window.tracking = "do not show";</script>
<style>.nav { color: red }</style>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li></ul></nav></header>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button></div>
<main><article>
<h1>Sanctions and Oil</h1>
<p>Exports of crude oil fell by a third in the first quarter, according to figures the
ministry published on Tuesday, as new sanctions took effect across the region.</p>
<h2>What the ministry said</h2>
<p>The ministry said that buyers in Asia had taken up part of the shortfall, but that
prices paid were well below the benchmark and the discounts were widening every month.</p>
<ul><li>Exports fell by a third.</li><li>Discounts widened every month.</li></ul>
<p>Analysts expect the decline to continue into the summer unless the talks resume.</p>
</article></main>
<footer><p>© 2024 The Example Times. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def saved_page(path: Path) -> Path:
    """A news article as a browser saves it: navigation, cookie banner, script, footer."""
    path.write_text(SAVED_PAGE, encoding="utf-8")
    return path


def docx_file(path: Path) -> Path:
    """A Word file: title, headings, paragraphs, a bulleted list and a table, core properties."""
    import docx

    document = docx.Document()
    document.core_properties.title = "Field Notes"
    document.core_properties.author = "Omar Haddad"
    document.core_properties.language = "en-US"
    document.add_heading("Field Notes", level=0)
    document.add_paragraph("The first interview took place in the morning.")
    document.add_heading("Interviews", level=1)
    document.add_paragraph("Three officials agreed to speak on the record.")
    document.add_paragraph("Customs delays", style="List Bullet")
    document.add_paragraph("Currency controls", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((("Name", "Role"), ("Karimi", "Deputy minister"))):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph("The notes end after the table.")
    document.save(str(path))
    return path


_CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles></container>"""

_OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">urn:isbn:9780000000001</dc:identifier>
<dc:title>Two Chapters</dc:title><dc:creator>Lena Marsh</dc:creator>
<dc:publisher>Example Press</dc:publisher><dc:date>2021-06-01</dc:date>
<dc:language>en</dc:language></metadata>
<manifest>
<item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/>
<item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
</manifest>
<spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>"""

_CHAPTER = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head>
<body><h1>{title}</h1><p>{first}</p><p>{second}</p></body></html>"""


def epub_file(path: Path) -> Path:
    """An EPUB of two chapters (the manifest lists them out of order; the spine orders them)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", _CONTAINER)
        archive.writestr("OEBPS/content.opf", _OPF)
        archive.writestr("OEBPS/nav.xhtml", "<html><body><nav>Contents</nav></body></html>")
        for number, name in ((1, "ch1"), (2, "ch2")):
            archive.writestr(
                f"OEBPS/text/{name}.xhtml",
                _CHAPTER.format(
                    title=f"Chapter {number}",
                    first=f"The first paragraph of chapter {number}.",
                    second=f"The second paragraph of chapter {number}.",
                ),
            )
    return path

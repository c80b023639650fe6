"""Documents: normalising, ids, titles, encodings, and the paragraph and sentence spans."""

from __future__ import annotations

import codecs
import hashlib
import itertools
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import document as document_module
from annotations.document import Document, Span, paragraph_spans, sentence_spans
from annotations.errors import DocumentError

DOCUMENTS = Path(__file__).parent / "data" / "documents"


def texts(spans: list[Span], text: str) -> list[str]:
    return [text[span.start : span.end] for span in spans]


# -- normalising, ids, titles -----------------------------------------------------------


def test_crlf_and_lone_cr_become_lf_and_nothing_else_changes() -> None:
    document = Document.from_text("One\r\nTwo\rThree\n\tTabbed  \u00a0end")
    assert document.text == "One\nTwo\nThree\n\tTabbed  \u00a0end"


def test_the_id_is_the_sha256_of_the_normalised_text() -> None:
    document = Document.from_text("a\r\nb")
    assert document.id == "sha256:" + hashlib.sha256(b"a\nb").hexdigest()
    assert Document.from_text("a\rb").id == document.id == Document.from_text("a\nb").id
    assert Document.from_text("a\nb ").id != document.id


def test_the_title_is_the_first_non_empty_line_else_metadata_else_file_name(
    tmp_path: Path,
) -> None:
    assert Document.from_text("\n\n   \n  First line  \nSecond").title == "First line"
    assert Document.from_text("Line", metadata={"title": "Given"}).title == "Given"
    assert Document.from_text("Line", title="Explicit").title == "Explicit"
    assert Document.from_text("   \n", path=tmp_path / "notes.txt").title == "notes.txt"


def test_a_markdown_heading_gives_its_words_as_the_title(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("\n## Field notes: Aleppo ##\n\nText.\n", "utf-8")
    assert Document.from_path(tmp_path / "notes.md").title == "Field notes: Aleppo"
    (tmp_path / "plain.txt").write_text("# not a heading in a .txt\n", "utf-8")
    assert Document.from_path(tmp_path / "plain.txt").title == "# not a heading in a .txt"
    (tmp_path / "hash.md").write_text("#hashtag first\n", "utf-8")
    assert Document.from_path(tmp_path / "hash.md").title == "#hashtag first"


def test_the_bundled_article_has_its_real_title_not_its_scraping_artefact() -> None:
    article = Document.bundled()
    assert article.title == "Russia and Iran: Marriage of Convenience Will Come to An End"
    assert article.metadata["source"] == "The Syrian Observer"
    assert article.text.startswith("Logo Wide")
    # The first line is still a paragraph the cursor can reach.
    first = article.paragraphs[0]
    assert article.text[first.start : first.end] == "Logo Wide"


def test_a_record_round_trips_and_a_tampered_one_is_refused() -> None:
    original = Document.from_text("Some text.\nMore.", title="T", metadata={"lang": "en"})
    again = Document.from_record(original.to_record())
    assert (again.id, again.title, again.text, again.metadata) == (
        original.id,
        original.title,
        original.text,
        original.metadata,
    )
    record = original.to_record() | {"text": "Other text."}
    with pytest.raises(DocumentError, match="does not match its id"):
        Document.from_record(record)


def test_the_path_is_absolute_with_symlinks_resolved(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("Text.\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert Document.from_path(link).path == str(target.resolve())


# -- encodings and bad files -------------------------------------------------------------

SAMPLE = "Россия и Иран — 中文 — ایران 👍\nSecond line.\n"


@pytest.mark.parametrize(
    "raw",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_utf8_and_utf16_with_bom_open_to_the_same_document(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(raw)
    document = Document.from_path(path)
    assert document.text == SAMPLE
    assert document.id == Document.from_text(SAMPLE).id


def test_latin1_is_refused_with_a_clear_message_and_accepted_when_named(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Café au lait, déjà vu.\n".encode("latin-1"))
    with pytest.raises(DocumentError) as caught:
        Document.from_path(path)
    message = str(caught.value)
    assert str(path) in message and "UTF-8" in message and "--encoding" in message
    assert "\n" not in message
    assert Document.from_path(path, encoding="latin-1").text == "Café au lait, déjà vu.\n"


def test_an_unknown_encoding_name_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("text", encoding="utf-8")
    with pytest.raises(DocumentError, match="unknown encoding 'klingon'"):
        Document.from_path(path, encoding="klingon")


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary"),
        ("nul.txt", b"text with a NUL\x00 inside\n", "binary"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\n\t  \r\n", "empty"),
        ("bom-only.txt", codecs.BOM_UTF8, "empty"),
        ("truncated.txt", "Россия".encode()[:-1], "not valid UTF-8"),
    ],
)
def test_binary_empty_and_broken_files_are_refused(
    tmp_path: Path, name: str, raw: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(DocumentError, match=reason) as caught:
        Document.from_path(path)
    assert str(path) in str(caught.value)


def test_a_png_named_with_an_encoding_that_decodes_anything_is_still_binary(
    tmp_path: Path,
) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DocumentError, match="binary"):
        Document.from_path(path, encoding="latin-1")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_refused_with_the_encoding_to_name(
    tmp_path: Path, codec: str
) -> None:
    path = tmp_path / "doc.txt"
    text = "Plain English text, with Россия, ایران and ☃ (whose bytes are not UTF-8).\n"
    path.write_bytes(text.encode(codec))
    with pytest.raises(DocumentError, match=f"without a byte-order mark.*--encoding {codec}"):
        Document.from_path(path)
    assert Document.from_path(path, encoding=codec).text == text


def test_devices_and_pipes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="not a regular file"):
        Document.from_path("/dev/zero")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="not a regular file"):
        Document.from_path(fifo)


# -- reading a file a piece at a time ------------------------------------------------------

# Characters that straddle a piece's end in every way: CRLF and lone CRs, two-, three- and
# four-byte UTF-8, a byte-order mark's character inside the text.
PIECE_ALPHABET = st.sampled_from(["a", " ", "\n", "\r", "\r\n", "é", "ж", "ی", "☃", "😀", "\ufeff"])


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(PIECE_ALPHABET, min_size=1, max_size=40),
    piece_size=st.integers(min_value=1, max_value=9),
    form=st.sampled_from(["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1251"]),
)
def test_a_file_read_a_piece_at_a_time_is_the_text_read_whole(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str], piece_size: int, form: str
) -> None:
    raw = "".join(parts)
    if form == "cp1251":
        raw = "".join(c for c in raw if c in "a \n\rж")
        data, encoding = raw.encode("cp1251"), "cp1251"
    else:
        codec = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig"}.get(form, form.removesuffix("-bom"))
        mark = {"utf-16-le-bom": codecs.BOM_UTF16_LE, "utf-16-be-bom": codecs.BOM_UTF16_BE}
        data, encoding = mark.get(form, b"") + raw.encode(codec), None
    path = tmp_path_factory.mktemp("pieces") / "doc.txt"
    path.write_bytes(data)
    whole = document_module.normalise_newlines(
        document_module.decode_bytes(data, encoding=encoding, name="doc")
    )
    original = document_module._READ_AT_ONCE
    document_module._READ_AT_ONCE = piece_size
    try:
        read = document_module.read_text(path, encoding=encoding)
    finally:
        document_module._READ_AT_ONCE = original
    assert read.text == whole
    # The bytes' hash stands for the id exactly when they are the text's UTF-8 (a
    # "\ufeff" first is a byte-order mark, and is not the text's).
    if form == "utf-8" and "\r" not in raw and not raw.startswith("\ufeff"):
        assert read.exact_id == document_module.document_id(whole)
        assert read.exact_id == "sha256:" + hashlib.sha256(data).hexdigest()
    else:
        assert read.exact_id is None


def test_a_fault_past_the_first_piece_is_said_at_its_byte_in_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(document_module, "_READ_AT_ONCE", 16)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"a" * 100 + "Россия".encode()[:-1] + b" more text\n")
    with pytest.raises(DocumentError, match="not valid UTF-8 text at byte 110"):
        Document.from_path(broken)
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"text " * 20 + b"with a NUL\x00 inside\n")
    with pytest.raises(DocumentError, match="binary"):
        Document.from_path(nul)


def test_a_bytes_to_bytes_codec_is_not_an_encoding(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(b"dGV4dA==\n")
    with pytest.raises(DocumentError, match="unknown encoding 'base64'"):
        Document.from_path(path, encoding="base64")


def test_a_large_file_is_never_held_as_its_bytes_beside_its_text(tmp_path: Path) -> None:
    """`bytes.decode` holds the bytes and the text at once; `read_text` holds the text
    and a piece (see `read_text`)."""
    import tracemalloc

    path = tmp_path / "book.txt"
    line = "Россия и Иран: брак по расчёту закончится. " * 200 + "\n"
    path.write_text(line * 1000, encoding="utf-8")  # 16 MB: two bytes a character
    size = path.stat().st_size
    tracemalloc.start()
    try:
        read = document_module.read_text(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    text_size = len(read.text) * 2  # held at two bytes a character
    assert peak < text_size + size // 2, (peak, text_size, size)


def test_missing_files_and_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        Document.from_path(tmp_path / "missing.txt")
    with pytest.raises(DocumentError, match="is a folder"):
        Document.from_path(tmp_path)


def test_the_hostile_document_is_text_not_binary() -> None:
    document = Document.from_path(DOCUMENTS / "hostile.txt")
    assert "\x1b]52;" in document.text
    assert "\x1b]0;" in document.text


# -- paragraphs ------------------------------------------------------------------------


def test_one_paragraph_per_line_for_unwrapped_text() -> None:
    text = "Title\n\nFirst paragraph. Two sentences.\n  Indented second.  \n\n\nLast"
    assert texts(paragraph_spans(text), text) == [
        "Title",
        "First paragraph. Two sentences.",
        "Indented second.",
        "Last",
    ]


def test_hard_wrapped_text_has_one_paragraph_per_block() -> None:
    text = (
        "The first paragraph is wrapped\nat a short width so that it runs\non over lines.\n"
        "\n  \t\n"
        "The second one also runs\non over two lines.\n\n"
        "And a third one that\nwraps too.\n"
    )
    assert texts(paragraph_spans(text), text) == [
        "The first paragraph is wrapped\nat a short width so that it runs\non over lines.",
        "The second one also runs\non over two lines.",
        "And a third one that\nwraps too.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Milk\nEggs\nFlour\nSugar\nButter\n",  # a list: no blank line anywhere
        "One sentence.\nAnother one.\nA third.\n\nA fourth.\nA fifth.\nSixth.\n",
    ],
)
def test_short_lines_that_do_not_run_on_stay_one_paragraph_each(text: str) -> None:
    assert texts(paragraph_spans(text), text) == [line for line in text.split("\n") if line]


def test_paragraph_index_finds_the_paragraph_of_an_offset() -> None:
    document = Document.from_text("Alpha\n\nBeta gamma\nDelta")
    starts = [span.start for span in document.paragraphs]
    assert [document.paragraph_index(s) for s in starts] == [0, 1, 2]
    assert document.paragraph_index(6) == 0  # a blank line belongs to the paragraph before
    assert document.paragraph_index(len(document.text)) == 2


def test_a_book_of_many_lines_is_split_without_a_match_held_per_line() -> None:
    """Its lines are matched a batch at a time: a match per line held beside the spans
    until the last was found made the peak twice the spans (see `paragraph_spans`)."""
    import tracemalloc

    lines = [f"  Paragraph {n} of a long book, one to a line. " for n in range(100_000)]
    text = "\n".join(lines)
    tracemalloc.start()
    try:
        spans = paragraph_spans(text)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - kept < kept // 2, (peak, kept)
    assert texts(spans, text) == [line.strip() for line in lines]
    assert all(a.end < b.start for a, b in itertools.pairwise(spans))


# -- sentences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. army arrived at 5 p.m. on Monday. Dr. Smith said 5.5 percent. Done!",
            ["The U.S. army arrived at 5 p.m. on Monday.", "Dr. Smith said 5.5 percent.", "Done!"],
        ),
        (
            'Is it? Yes. "Quoted." Then (aside.) End',
            ["Is it?", "Yes.", '"Quoted."', "Then (aside.)", "End"],
        ),
        ("1. First point. 2. Second point.", ["1. First point.", "2. Second point."]),
        (
            "Россия и Иран — союзники. Но надолго ли? Г. Путин сказал: «Нет». Т.е. всё.",
            ["Россия и Иран — союзники.", "Но надолго ли?", "Г. Путин сказал: «Нет».", "Т.е. всё."],
        ),
        (
            "روسیه و ایران متحد هستند. اما تا کی؟ این سوال است.",
            ["روسیه و ایران متحد هستند.", "اما تا کی؟", "این سوال است."],
        ),
        (
            "روسيا وإيران حليفتان. لكن إلى متى؟ هذا هو السؤال!",
            ["روسيا وإيران حليفتان.", "لكن إلى متى؟", "هذا هو السؤال!"],
        ),
        (
            "中国很大。日本很小！你好吗？「好。」完",
            ["中国很大。", "日本很小！", "你好吗？", "「好。」", "完"],
        ),
        ("No ending punctuation", ["No ending punctuation"]),
    ],
)
def test_sentences_split_on_their_own_punctuation(text: str, expected: list[str]) -> None:
    assert texts(sentence_spans(text), text) == expected


def test_sentence_at_gives_the_sentence_under_an_offset() -> None:
    document = Document.from_text("Title\nOne. Two here. Three.")
    offset = document.text.index("here")
    span = document.sentence_at(offset)
    assert document.text[span.start : span.end] == "Two here."
    gap = document.text.index(" Two")
    assert document.text[document.sentence_at(gap).start :].startswith("One.")


def test_sentences_are_segmented_lazily_one_paragraph_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[int, int]] = []
    real = document_module.sentence_spans

    def counting(text: str, start: int = 0, end: int | None = None) -> list[Span]:
        calls.append((start, end or len(text)))
        return real(text, start, end)

    monkeypatch.setattr(document_module, "sentence_spans", counting)
    document = Document.from_text("\n".join(f"Paragraph {n}. Second." for n in range(1000)))
    assert len(document.paragraphs) == 1000
    assert calls == []
    document.sentence_at(document.paragraphs[500].start + 3)
    document.sentence_at(document.paragraphs[500].start + 15)
    assert calls == [(document.paragraphs[500].start, document.paragraphs[500].end)]


# -- properties ------------------------------------------------------------------------

# Letters from several scripts, every kind of white space and line break we care about,
# and all the punctuation the segmenter looks at.
ALPHABET = st.sampled_from(
    [
        *"ab AZ.!?…؟۔।。！？\"'”»)]」(«“:;,5\n\t\r",
        *("\u00a0", "\u3000", "\u2029", "\x0b", "\x1c", "\x85"),
        *("Ж", "ж", "ی", "中", "👍", "e\u0301"),
    ]
)
TEXTS = st.lists(ALPHABET, max_size=120).map("".join)


def assert_well_formed(spans: list[Span], text: str, start: int, end: int) -> None:
    previous_end = start
    for span in spans:
        assert previous_end <= span.start < span.end <= end
        assert not text[span.start].isspace()
        assert not text[span.end - 1].isspace()
        previous_end = span.end


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_paragraphs_are_ordered_trimmed_and_cover_every_non_blank_character(raw: str) -> None:
    text = Document.from_text(raw).text
    spans = paragraph_spans(text)
    assert_well_formed(spans, text, 0, len(text))
    covered = {i for span in spans for i in range(span.start, span.end)}
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)
    for span in spans:
        assert "\n\n" not in text[span.start : span.end]


# Lines with white space of every kind around and inside their words, never hard-wrapped.
LINE_PIECES = st.sampled_from(["a", "Иран", " ", "\t", "\u00a0", "\u2003", "\x1c", "\u3000", "."])
LINES = st.lists(st.lists(LINE_PIECES, max_size=12).map("".join), max_size=12)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_text_that_is_not_hard_wrapped_has_a_paragraph_per_line_without_its_white_space(
    lines: list[str],
) -> None:
    text = "\n".join(lines)
    if document_module._is_hard_wrapped(text):
        return
    expected = []
    start = 0
    for line in lines:
        words = line.strip()
        if words:
            first = start + line.index(words)
            expected.append(Span(first, first + len(words)))
        start += len(line) + 1
    assert paragraph_spans(text) == expected


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_sentences_are_ordered_trimmed_inside_their_paragraph_and_cover_it(raw: str) -> None:
    document = Document.from_text(raw)
    text = document.text
    for index, paragraph in enumerate(document.paragraphs):
        sentences = document.sentences_in(index)
        assert sentences, "a paragraph has at least one sentence"
        assert_well_formed(sentences, text, paragraph.start, paragraph.end)
        covered = {i for span in sentences for i in range(span.start, span.end)}
        gaps = [i for i in range(paragraph.start, paragraph.end) if i not in covered]
        assert all(text[i].isspace() for i in gaps)
        for offset in (paragraph.start, paragraph.end - 1):
            assert document.sentence_at(offset) in sentences

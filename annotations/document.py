"""Documents: loading, normalising, and the paragraph and sentence spans a reader moves over.

Every offset in Gloss is a code-point offset into the *normalised* text: UTF-8 decoded,
CRLF and lone CR turned into LF, nothing else changed. The document id is the SHA-256 of
that text, so the same words opened from anywhere are the same document.
"""

from __future__ import annotations

import bisect
import codecs
import collections
import hashlib
import io
import itertools
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.errors import DocumentError
from annotations.lazy_pattern import lazy_regex
from annotations.safe_text import path_text
from annotations.sources import CONVERSION, convert, source_format
from annotations.structure import Structure

if TYPE_CHECKING:
    from annotations.sources.converted import Block

BUNDLED_ARTICLE = "russia-iran-marriage-of-convenience.txt"

# What the bundled article is: its first line ("Logo Wide") is a scraping artefact, not a title.
BUNDLED_METADATA: dict[str, Any] = {
    "title": "Russia and Iran: Marriage of Convenience Will Come to An End",
    "source": "The Syrian Observer",
    "language": "en",
}


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of code points, `start <= i < end`."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, offset: int) -> bool:
        """True when `offset` is inside the span (its end excluded)."""
        return self.start <= offset < self.end


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def original_hash(data: bytes) -> str:
    """The hash of a source file's bytes, `sha256:<hex>` (the converted text has its own)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


# Texts are encoded a million characters at a time: encoding a 200 MB text whole to hash
# or write it would hold a third copy of it. (A code point encodes the same wherever it
# is cut.)
_ENCODED_AT_ONCE = 1 << 20


def utf8_pieces(text: str) -> Iterator[bytes]:
    """`text`'s UTF-8 (a lone surrogate kept as it is), a million characters at a time."""
    for start in range(0, len(text), _ENCODED_AT_ONCE):
        yield text[start : start + _ENCODED_AT_ONCE].encode("utf-8", "surrogatepass")


def document_id(text: str) -> str:
    """The content id of a normalised text: `sha256:<hex>` of its UTF-8 bytes."""
    digest = hashlib.sha256()
    for piece in utf8_pieces(text):
        digest.update(piece)
    return "sha256:" + digest.hexdigest()


def utc_now() -> str:
    """The current time as ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def decode_bytes(data: bytes, *, encoding: str | None = None, name: str = "file") -> str:
    """Decode a file's bytes as text, or raise `DocumentError` saying why it is not text.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised; any other encoding
    must be named. Text holding NUL characters is binary.
    """
    try:
        if encoding:
            text = data.decode(encoding)
        elif data.startswith(b"\xef\xbb\xbf"):
            text = data[3:].decode("utf-8")
        elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8")
    except LookupError:
        raise DocumentError(f"{name}: unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        if b"\x00" in data[:8192]:
            utf16 = None if encoding else _utf16_without_bom(data)
            if utf16:
                raise DocumentError(
                    f"{name}: looks like UTF-16 text without a byte-order mark"
                    f" (open it with --encoding {utf16})"
                ) from None
            raise DocumentError(f"{name}: looks like a binary file, not text") from None
        raise DocumentError(
            f"{name}: not valid {encoding or 'UTF-8'} text at byte {error.start}"
            " (name its encoding with --encoding)"
        ) from None
    if "\x00" in text:
        utf16 = None if encoding else _utf16_without_bom(data)
        if utf16:
            raise DocumentError(
                f"{name}: looks like UTF-16 text without a byte-order mark"
                f" (open it with --encoding {utf16})"
            )
        raise DocumentError(f"{name}: looks like a binary file, not text (it holds NUL bytes)")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read_file(path: Path, what: str = "file") -> bytes:
    """A regular file's bytes, or `DocumentError` naming the file and why it cannot be read
    (`what` names what was wanted instead of a folder: "a json file")."""
    name = path_text(path)
    if path.is_dir():
        raise DocumentError(f"{name}: is a folder, not a {what}")
    if path.exists() and not path.is_file():
        # A FIFO or a device (/dev/zero) would block or never end.
        raise DocumentError(f"{name}: is not a regular file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{name}: permission denied") from None
    except OSError as error:
        raise DocumentError(f"{name}: cannot be read ({error.strerror})") from None


@dataclass(frozen=True, slots=True)
class TextFile:
    """A text file as `read_text` read it."""

    text: str  # decoded and normalised
    # The SHA-256 of the file's bytes (`sha256:<hex>`) when they are its text's UTF-8
    # (UTF-8 without a byte-order mark or a CR): then it is the text's document id.
    # None for any other file.
    exact_id: str | None


# A text file is read and decoded a megabyte at a time (see `read_text`).
_READ_AT_ONCE = 1 << 20
_BYTE_ORDER_MARKS = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


def read_text(path: Path, *, encoding: str | None = None) -> TextFile:
    """Read and decode a text file (UTF-8, UTF-8 or UTF-16 with a byte-order mark, or
    `encoding`) and normalise its newlines. `DocumentError`, as `read_file` and
    `decode_bytes` say it, for a file that cannot be read or is not text.

    The file is decoded a megabyte at a time onto the end of the text, which CPython grows
    where it lies (an append to a string nothing else refers to reallocates it), so the
    file's bytes and its text are never held at once: a 200 MB book opens in the text and
    a megabyte, not in the text and its 200 MB of bytes as `bytes.decode` would.
    """
    name = path_text(path)
    descriptor = _open_regular(path, name)
    try:
        with os.fdopen(descriptor, "rb", buffering=0) as handle:
            read = _decoded(handle, name, encoding)
    except _NotPlainText:
        # Not text, or not in its encoding: the whole file says why, as it always has.
        return TextFile(
            normalise_newlines(decode_bytes(read_file(path), encoding=encoding, name=name)), None
        )
    except OSError as error:
        raise DocumentError(f"{name}: cannot be read ({error.strerror})") from None
    return read


class _NotPlainText(Exception):
    """A file `_decoded` cannot decode as it goes (see `read_text`)."""


def _decoded(handle: io.RawIOBase, name: str, encoding: str | None) -> TextFile:
    """The text `handle` holds, read and decoded a piece at a time; `_NotPlainText` for
    bytes that are not text in its encoding, or that hold a NUL."""
    first = handle.read(_READ_AT_ONCE) or b""
    while len(first) < 3 and (more := handle.read(_READ_AT_ONCE)):  # room for a mark
        first += more
    codec = encoding or next(
        (codec for mark, codec in _BYTE_ORDER_MARKS.items() if first.startswith(mark)), None
    )
    try:
        decoder = codecs.getincrementaldecoder(codec or "utf-8")()
    except LookupError:
        raise DocumentError(f"{name}: unknown encoding {encoding!r}") from None
    if not isinstance(decoder.decode(b""), str):  # a bytes-to-bytes codec (base64)
        raise DocumentError(f"{name}: unknown encoding {encoding!r}")
    digest = hashlib.sha256() if codec is None else None
    text = ""
    at_start = True
    carried_cr = False  # a piece's last CR, kept back in case the next begins with LF
    exact = codec is None
    chunk = first
    while True:
        if digest is not None:
            digest.update(chunk)
        try:
            piece = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise _NotPlainText from None
        if "\x00" in piece:
            raise _NotPlainText
        if at_start and piece:
            at_start = False
            # A byte-order mark's character first: the mark itself under a named
            # encoding, or one after a mark, dropped as `decode_bytes` drops it.
            if piece.startswith("\ufeff"):
                piece, exact = piece[1:], False
        if carried_cr:
            piece, carried_cr = "\r" + piece, False
        if piece.endswith("\r") and chunk:
            piece, carried_cr = piece[:-1], True
        if "\r" in piece:
            piece, exact = normalise_newlines(piece), False
        text += piece  # grown in place: see `read_text`
        if not chunk:
            break
        chunk = handle.read(_READ_AT_ONCE) or b""
    exact_id = "sha256:" + digest.hexdigest() if exact and digest is not None else None
    return TextFile(text, exact_id)


def _open_regular(path: Path, name: str) -> int:
    """A descriptor of the regular file at `path`, or `DocumentError` saying what it is."""
    try:
        # O_NONBLOCK: opening a FIFO would otherwise wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise DocumentError(f"{name}: is a folder, not a file") from None
    except PermissionError:
        raise DocumentError(f"{name}: permission denied") from None
    except OSError as error:
        raise DocumentError(f"{name}: cannot be read ({error.strerror})") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise DocumentError(f"{name}: is a folder, not a file")
        # A FIFO or a device (/dev/zero) would block or never end.
        raise DocumentError(f"{name}: is not a regular file")
    return descriptor


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when `data` reads as that (NUL-free) text, else None."""
    if len(data) % 2:
        return None
    sample = data[:65536]
    for codec, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        # Text in a Latin script has a zero in every other byte; binary data does not.
        if zeros.count(0) > len(zeros) * 0.3:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return codec
    return None


@dataclass(frozen=True)
class Document:
    """A text an analyst reads and annotates; immutable once made.

    `text` is normalised; `paragraphs` and `sentences` are spans into it, computed on first
    use (sentences paragraph by paragraph, so a large document opens without segmenting it all).
    """

    id: str
    title: str
    text: str
    path: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    added: str = ""
    # Pages and headings of a converted source (PDF, HTML, DOCX, EPUB); None for text.
    structure: Structure | None = None

    # -- construction ------------------------------------------------------------------

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        title: str | None = None,
        path: str | Path | None = None,
        metadata: dict[str, Any] | None = None,
        structure: Structure | None = None,
    ) -> Document:
        """Make a document from text; the title is `title`, else metadata, else the first line."""
        text = normalise_newlines(text)
        return cls._of_normalised(
            text, document_id(text), title=title, path=path, metadata=metadata, structure=structure
        )

    @classmethod
    def _of_normalised(
        cls,
        text: str,
        id: str,
        *,
        title: str | None = None,
        path: str | Path | None = None,
        metadata: dict[str, Any] | None = None,
        structure: Structure | None = None,
    ) -> Document:
        """`from_text` of a text already normalised, whose id is `id`."""
        metadata = dict(metadata or {})
        resolved_title = title or metadata.get("title") or first_line(text)
        if not resolved_title and path is not None:
            resolved_title = path_text(Path(path).name)
        if path is not None:
            path = path_text(Path(path).resolve())
        return cls(
            id=id,
            title=resolved_title or "Untitled",
            text=text,
            path=path,
            metadata=metadata,
            added=utc_now(),
            structure=structure,
        )

    @classmethod
    def from_path(
        cls,
        path: str | Path,
        *,
        encoding: str | None = None,
        password: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Document:
        """Read a text file (UTF-8, UTF-8 with BOM, UTF-16 with BOM, or `encoding`), or
        convert a PDF, web page, Word file or EPUB (see `annotations.sources`; `password`
        opens an encrypted PDF, `progress(done, total)` follows a long conversion).

        Raises `DocumentError` for a missing, unreadable, binary, badly encoded or empty
        file, or one that cannot be converted (`PasswordRequired` for a locked PDF).
        """
        path = Path(path)
        if source_format(path):
            return cls.from_source(path, read_file(path), password=password, progress=progress)
        return cls.from_text_file(path, read_text(path, encoding=encoding))

    @classmethod
    def from_text_file(cls, path: Path, read: TextFile) -> Document:
        """The document of the text file at `path`, as `read_text` read it.

        Raises `DocumentError` for an empty file."""
        text = read.text
        if not text or text.isspace():  # `strip()` would copy a large text to find out
            raise DocumentError(f"{path_text(path)}: the file is empty")
        metadata = dict(BUNDLED_METADATA) if _is_bundled(path) else {}
        title = None
        if path.suffix.lower() in (".md", ".markdown"):
            # "# Title" is Markdown for a heading: the title is the words, not the markup.
            title = _MARKDOWN_HEADING.sub("", first_line(text)) or None
        # The id of a file whose bytes are its text's UTF-8 is their hash, taken as they
        # were read: the text is not encoded again to hash it.
        return cls._of_normalised(
            text, read.exact_id or document_id(text), title=title, path=path, metadata=metadata
        )

    @classmethod
    def from_source(
        cls,
        path: Path,
        data: bytes,
        *,
        password: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Document:
        """Convert a PDF, web page, Word file or EPUB whose bytes are `data`.

        Its metadata holds what the file says of itself (title, author, publisher, url,
        date, language), its `format`, the `original`'s hash (so a reopened file that has
        not changed needs no conversion), and `notices` a reader should see (pages without
        a text layer).
        """
        if not data:
            raise DocumentError(f"{path}: the file is empty")
        converted = convert(path, data, password=password, progress=progress)
        metadata = {
            **converted.metadata,
            "format": converted.format,
            "original": original_hash(data),
            "conversion": CONVERSION,
        }
        if converted.warnings:
            metadata["notices"] = list(converted.warnings)
        heading = _title_heading(converted.blocks)
        return cls.from_text(
            converted.text,
            title=converted.metadata.get("title") or heading,
            path=path,
            metadata=metadata,
            structure=converted.structure,
        )

    @classmethod
    def bundled(cls) -> Document:
        """The article that ships with Gloss."""
        # Beside this module, not through `importlib.resources`, which loads zipfile to
        # find a file that is never in a zip.
        return cls.from_path(Path(__file__).with_name("data") / BUNDLED_ARTICLE)

    # -- records -----------------------------------------------------------------------

    def to_record(self) -> dict[str, Any]:
        """The document as the plain dict the store and the json export hold."""
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "length": len(self.text),
            "added": self.added,
            "metadata": dict(self.metadata),
            "text": self.text,
            **({"structure": self.structure.to_record()} if self.structure else {}),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Document:
        """Rebuild a document from `to_record()`'s dict; the id is recomputed and checked."""
        text = normalise_newlines(record["text"])
        doc_id = document_id(text)
        if record.get("id") not in (None, doc_id):
            raise DocumentError(f"document {record.get('id')}: its text does not match its id")
        structure = record.get("structure")
        return cls(
            id=doc_id,
            title=record.get("title") or first_line(text) or "Untitled",
            text=text,
            path=record.get("path"),
            metadata=dict(record.get("metadata") or {}),
            added=record.get("added") or utc_now(),
            structure=Structure.from_record(structure) if structure else None,
        )

    # -- structure ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.text)

    @cached_property
    def paragraphs(self) -> list[Span]:
        """Paragraph spans, without surrounding whitespace, in order."""
        return paragraph_spans(self.text)

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [span.start for span in self.paragraphs]

    def paragraph_index(self, offset: int) -> int:
        """The index of the paragraph holding `offset`, or the last one starting before it."""
        return max(0, bisect.bisect_right(self._paragraph_starts, offset) - 1)

    def sentences_in(self, paragraph: int) -> list[Span]:
        """The sentence spans of one paragraph (computed once, on first use)."""
        cache = self._sentence_cache
        if paragraph not in cache:
            span = self.paragraphs[paragraph]
            cache[paragraph] = sentence_spans(self.text, span.start, span.end)
        return cache[paragraph]

    @cached_property
    def _sentence_cache(self) -> dict[int, list[Span]]:
        return {}

    @property
    def sentences(self) -> list[Span]:
        """Every sentence span of the document, in order."""
        return [s for index in range(len(self.paragraphs)) for s in self.sentences_in(index)]

    def page_label_at(self, offset: int) -> str | None:
        """The page holding `offset` as the source prints it ("12", "iv"), or None for a
        document without pages."""
        if self.structure is None or not self.structure.has_pages:
            return None
        return self.structure.page_label_of(self.paragraph_index(offset))

    def heading_level(self, paragraph: int) -> int:
        """The heading level of a paragraph (1 highest), 0 for body text."""
        return self.structure.heading_level(paragraph) if self.structure else 0

    def sentence_at(self, offset: int) -> Span:
        """The sentence holding `offset` (or the nearest one in its paragraph)."""
        paragraph = self.paragraph_index(offset)
        sentences = self.sentences_in(paragraph)
        starts = [s.start for s in sentences]
        return sentences[max(0, bisect.bisect_right(starts, offset) - 1)]


# How far into a source its title heading is looked for (a cover page, a contents list).
_OPENING_BLOCKS = 40
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+|\s+#+\s*$")


def _is_bundled(path: Path) -> bool:
    return path.name == BUNDLED_ARTICLE and path.resolve().parent.name == "data"


def _title_heading(blocks: Sequence[Block]) -> str | None:
    """The heading that names a source without a title of its own: the most prominent
    heading (lowest level) near its start, the first of them on a tie.

    Not simply the first heading, nor the first line: a source often opens with a running
    header, a logo's alt text or "Draft" set a little larger than the body text, above the
    title set larger still.
    """
    first_page = next((block.page for block in blocks if block.heading), None)
    opening = [
        block
        for block in blocks[:_OPENING_BLOCKS]
        if block.heading and (first_page is None or block.page == first_page)
    ]
    if not opening:
        return next((block.text for block in blocks if block.heading), None)
    return min(opening, key=lambda block: block.heading).text


_NON_SPACE = re.compile(r"\S")  # `re`'s `\s` is exactly `str.isspace`


def first_line(text: str) -> str:
    """The first non-empty line, stripped and shortened to 200 characters (among the
    first 50 lines; past them, the rest of the text is taken as one line)."""
    # Found in place: `split` would copy the rest of a 200 MB text, and a line the whole
    # text long would be copied to strip it.
    start = 0
    for number in range(51):
        end = text.find("\n", start) if number < 50 else -1
        if end < 0:
            end = len(text)
        found = _NON_SPACE.search(text, start, end)
        if found is not None:
            last = end
            while text[last - 1].isspace():
                last -= 1
            return text[found.start() : min(found.start() + 200, last)]
        if end == len(text):
            return ""
        start = end + 1
    return ""


# -- paragraphs ------------------------------------------------------------------------

# Python's `re` is used here (not `regex`): it is faster on these simple patterns and its
# `\s` is exactly `str.isspace`, which the trimming below uses too.
# A line's words without the white space around them: from its first non-space character
# to its last (a line of white space only has none).
_TRIMMED_LINE = re.compile(r"\S(?:[^\n]*\S)?")
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_HARD_WRAP_WIDTH = 100
_MATCHES_AT_ONCE = 1 << 14


def paragraph_spans(text: str) -> list[Span]:
    """Split text into paragraphs.

    Text written one paragraph per line (articles, scraped pages) has a paragraph per
    line. Hard-wrapped text (lines of at most about 100 characters running on into the next)
    has a paragraph per block between blank lines, so sentences are not cut at line ends.
    """
    if not _is_hard_wrapped(text):
        # Trimmed by the pattern itself: a 5 MB book is one pass in C, no loop of ours.
        # The matches are taken a batch at a time: the 500,000 lines of a 200 MB book
        # held as matches beside their spans were 60 MB more at its peak.
        lines = _TRIMMED_LINE.finditer(text)
        spans: list[Span] = []
        while batch := list(itertools.islice(lines, _MATCHES_AT_ONCE)):
            spans += _spans_of(batch)
        return spans
    spans = []
    for start, end in _blocks(text):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append(Span(start, end))
    return spans


# `Span(start, end)` sets each field through `object.__setattr__` (the class is frozen):
# for the 13,000 paragraphs of a 5 MB book that was a third of `paragraph_spans`, before
# the reader's first frame. `_spans_of` sets the same two slots of new Spans, in C loops.
_new_object = object.__new__
_set_start = Span.start.__set__  # type: ignore[attr-defined]
_set_end = Span.end.__set__  # type: ignore[attr-defined]


def _spans_of(matches: list[re.Match[str]]) -> list[Span]:
    """`[Span(*match.span()) for match in matches]`, without a Python call per span."""
    spans = list(map(_new_object, itertools.repeat(Span, len(matches))))
    collections.deque(map(_set_start, spans, map(re.Match.start, matches)), maxlen=0)
    collections.deque(map(_set_end, spans, map(re.Match.end, matches)), maxlen=0)
    return spans


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """The stretches of text between blank lines (lines of nothing but white space)."""
    start = 0
    for separator in _BLANK_LINES.finditer(text):
        yield start, separator.start()
        start = separator.end()
    yield start, len(text)


def _is_hard_wrapped(text: str) -> bool:
    """True for prose wrapped at a fixed width with blank lines between paragraphs.

    Three signs together: most lines run on into the next, lines are short, and a line
    that runs on usually stops mid-sentence. Without the last two, a list of short lines
    (or one sentence per line, with no blank line anywhere) would become one paragraph.
    """
    lines = text[:200_000].strip().split("\n")
    non_empty = [line.rstrip() for line in lines if line.strip()]
    if len(non_empty) < 4 or len(non_empty) == len(lines):
        return False
    running_on = [
        before.rstrip()
        for before, after in itertools.pairwise(lines)
        if before.strip() and after.strip()
    ]
    longest = sorted(len(line) for line in non_empty)[int(len(non_empty) * 0.9)]
    stopping = sum(1 for line in running_on if line.endswith(_TERMINAL_PUNCTUATION))
    return (
        len(running_on) > len(non_empty) / 2
        and longest <= _HARD_WRAP_WIDTH
        and stopping < len(running_on) / 2
    )


_TERMINAL_PUNCTUATION = tuple(".!?…؟۔।。！？:;\"'”’»)")


# -- sentences -------------------------------------------------------------------------

# A candidate sentence end: terminal punctuation (Latin, Arabic/Persian, Urdu, Devanagari,
# CJK), then closing quotes or brackets, then white space (or, for CJK, nothing).
_CLOSERS = r""""'”’»)\]」』）》〉】"""
_SENTENCE_END = lazy_regex(
    rf"""(?:[.!?…]+|[؟۔।]+|[。！？]+)[{_CLOSERS}]*(?:\s+|(?<=[。！？][{_CLOSERS}]*)(?=\S))"""
)
# What every sentence end has: terminal punctuation with something after it. A paragraph
# without it (a title, a heading) is one sentence, found without compiling the pattern.
_MAYBE_SENTENCE_END = re.compile(r"[.!?…؟۔।。！？](?s:.)")
_WORD_BEFORE = lazy_regex(r"(\S+)$")
# Abbreviations after which a full stop does not end a sentence (lower case, no dot).
_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof st gen col lt sgt capt cmdr adm gov sen rep jr sr rev hon pres "
        "no nos vs etc approx fig figs vol vols ed eds inc ltd co corp dept univ est ca cf al "
        "jan feb mar apr jun jul aug sep sept oct nov dec mt ft ave blvd "
        "г гг им ул т тт см др пр проф акад ген млн млрд руб тыс"
    ).split()
)
_INITIALISM = lazy_regex(r"^(?:\p{L}\.)+\p{L}?\.?$")  # U.S., p.m., e.g., т.е.


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split `text[start:end]` (one paragraph) into sentence spans, whitespace excluded.

    A sentence ends at terminal punctuation followed by white space — in English, Russian,
    Persian and Arabic — unless the word before it is an abbreviation or an initialism
    ("U.S.", "Dr.", "p.m.") or the next sentence would start with a lower-case letter.
    A decimal point ("5.5") is never followed by white space, so it never ends a sentence.
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    sentence_start = start
    if _MAYBE_SENTENCE_END.search(text, start, end) is None:
        _append_trimmed(text, spans, start, end)
        return spans
    for match in _SENTENCE_END.finditer(text, start, end):
        punctuation_end = match.start() + len(match.group().rstrip())
        next_start = match.end()
        if next_start >= end:
            break
        if not _ends_sentence(text, sentence_start, match.start(), next_start):
            continue
        _append_trimmed(text, spans, sentence_start, punctuation_end)
        sentence_start = next_start
    _append_trimmed(text, spans, sentence_start, end)
    return spans


def _ends_sentence(text: str, sentence_start: int, stop: int, next_start: int) -> bool:
    following = text[next_start]
    if following.islower():
        return False
    if text[stop] != ".":
        return True
    word = _WORD_BEFORE.search(text, sentence_start, stop + 1)
    if word is None:
        return True
    if word.start() == sentence_start and word.group(1)[:-1].isdigit():
        return False  # "1. First point": a list number, not a sentence of its own
    token = word.group(1).lstrip("\"'“‘«([").rstrip(".")
    if token.lower() in _ABBREVIATIONS:
        return False
    return _INITIALISM.match(token + ".") is None or len(token) > 12


def _append_trimmed(text: str, spans: list[Span], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))

"""Sources: files analysts receive that are not plain text — PDF, saved web pages, Word
and EPUB — converted into the text Gloss annotates, with their structure and metadata.

One module per format (`pdf`, `html`, `docx`, `epub`), each returning a `Converted`;
`convert` picks one by the file's suffix. Each format's library is imported only when a
file of that format is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.errors import DocumentError

if TYPE_CHECKING:
    from annotations.sources.converted import NO_TEXT_LAYER, Block, Converted

__all__ = [
    "CONVERSION",
    "NO_TEXT_LAYER",
    "SOURCE_SUFFIXES",
    "Block",
    "Converted",
    "convert",
    "source_format",
]

SOURCE_SUFFIXES = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".epub": "epub",
}

Progress = Callable[[int, int], None]

# Raised when a converter changes what it makes of a file: a source converted by an older
# one is converted again when it is next opened (and its annotations re-anchored, as for
# an edited text), instead of being taken from the store as it was.
CONVERSION = 2


def __getattr__(name: str) -> object:
    # What a conversion makes (two frozen dataclasses) is loaded with the first one, not
    # with every start of the reader, which only asks `source_format`.
    if name in ("NO_TEXT_LAYER", "Block", "Converted"):
        from annotations.sources import converted

        return getattr(converted, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def source_format(path: str | Path) -> str | None:
    """ "pdf", "html", "docx" or "epub" for a file Gloss converts, None for plain text."""
    return SOURCE_SUFFIXES.get(Path(path).suffix.lower())


def convert(
    path: Path, data: bytes, *, password: str | None = None, progress: Progress | None = None
) -> Converted:
    """Convert the file at `path` (whose bytes are `data`) by its suffix; the language is
    detected from the text when the file does not name one.

    Raises `DocumentError` (or its `PasswordRequired`) with a line naming the file and the
    reason; a converter's unexpected failure on a damaged file is reported the same way.
    """
    kind = source_format(path)
    try:
        if kind == "pdf":
            from annotations.sources.pdf import convert_pdf

            converted = convert_pdf(path, password=password, progress=progress)
        elif kind == "html":
            from annotations.sources.html import convert_html

            converted = convert_html(path, data)
        elif kind == "docx":
            from annotations.sources.docx import convert_docx

            converted = convert_docx(path)
        elif kind == "epub":
            from annotations.sources.epub import convert_epub

            converted = convert_epub(path)
        else:
            raise DocumentError(f"{path}: not a format Gloss converts")
    except DocumentError:
        raise
    except (MemoryError, RecursionError) as error:
        raise DocumentError(f"{path}: too large or too deeply nested to convert") from error
    except Exception as error:  # a third-party parser meeting a damaged file
        reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
        raise DocumentError(f"{path}: cannot be converted ({reason})") from None
    if "language" not in converted.metadata:
        from annotations.sources.language import detect_language

        language = detect_language(converted.text)
        if language:
            converted.metadata["language"] = language
    return converted

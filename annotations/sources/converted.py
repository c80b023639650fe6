"""What every converter returns: blocks of text in reading order, each with its page and
heading level, the source's metadata, and warnings a reader should see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotations.structure import Structure

# Typographic ligatures (ff, fi, fl, ffi, ffl, long st, st): PDFs often carry them as one
# character, which search and anchoring would not match. Only these are folded, not all of
# NFKC, which would also change superscripts, fractions and full-width forms.
LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
    | {"\ufb05": "st", "\ufb06": "st"}
)

NO_TEXT_LAYER = "no text layer — run OCR first (e.g. ocrmypdf)"


def clean_block(text: str) -> str:
    """A block's text as one paragraph: ligatures folded, white space runs (line breaks
    included) made one space, ends trimmed."""
    return " ".join(text.translate(LIGATURES).split())


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, heading, list item or table row, in reading order."""

    text: str
    page: int | None = None  # 0-based page it starts on, for formats with pages
    heading: int = 0  # heading level, 0 for body text


@dataclass(frozen=True)
class Converted:
    """A source converted: its blocks, page labels, metadata and warnings."""

    format: str
    blocks: tuple[Block, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    page_labels: tuple[str, ...] = ()
    page_count: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The text Gloss annotates: one paragraph per block, a blank line between."""
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def structure(self) -> Structure:
        """Page per paragraph, page labels and headings, aligned with the text's paragraphs."""
        has_pages = self.page_count > 0
        labels = self.page_labels
        if labels and all(label == str(page + 1) for page, label in enumerate(labels)):
            labels = ()  # numbered 1, 2, 3: nothing worth keeping
        return Structure(
            format=self.format,
            pages=tuple(block.page or 0 for block in self.blocks) if has_pages else (),
            page_labels=labels,
            headings=tuple(
                (index, block.heading) for index, block in enumerate(self.blocks) if block.heading
            ),
        )


def blocks_from(items: list[tuple[str, int | None, int]]) -> tuple[Block, ...]:
    """Blocks from `(text, page, heading level)` triples, cleaned, empty ones dropped."""
    blocks = []
    for text, page, heading in items:
        cleaned = clean_block(text)
        if cleaned:
            blocks.append(Block(cleaned, page, heading))
    return tuple(blocks)

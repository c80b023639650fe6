"""The structure a converted source keeps beside its text: the page each paragraph starts
on, the pages' printed labels, and which paragraphs are headings.

A plain text file has none (`Document.structure` is None). Paragraph indexes are those of
`Document.paragraphs`; converters make the text so that each block they found is exactly
one paragraph, so the two lists line up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class Structure:
    """Where a converted document's paragraphs came from.

    `pages[i]` is the 0-based page that paragraph `i` starts on (empty for formats without
    pages: HTML, DOCX, EPUB); `page_labels[p]` is page `p` as the source prints it ("iv",
    "12"; empty when the source numbers its pages 1, 2, 3); `headings` holds
    `(paragraph index, level)` pairs, level 1 the highest.
    """

    format: str
    pages: tuple[int, ...] = ()
    page_labels: tuple[str, ...] = ()
    headings: tuple[tuple[int, int], ...] = ()

    @property
    def has_pages(self) -> bool:
        """True when the source has pages (a PDF), so citations can name one."""
        return bool(self.pages)

    @property
    def page_count(self) -> int:
        """How many pages the source has (0 for formats without pages)."""
        if self.page_labels:
            return len(self.page_labels)
        return max(self.pages) + 1 if self.pages else 0

    def page_of(self, paragraph: int) -> int | None:
        """The 0-based page paragraph `paragraph` starts on, or None without pages."""
        if not self.pages:
            return None
        return self.pages[min(max(paragraph, 0), len(self.pages) - 1)]

    def label(self, page: int) -> str:
        """Page `page` (0-based) as a reader would cite it: its label, else its number."""
        if 0 <= page < len(self.page_labels) and self.page_labels[page]:
            return self.page_labels[page]
        return str(page + 1)

    def page_label_of(self, paragraph: int) -> str | None:
        """The cited page of a paragraph ("12", "iv"), or None without pages."""
        page = self.page_of(paragraph)
        return None if page is None else self.label(page)

    def first_paragraph_of_page(self, label: str) -> int | None:
        """The first paragraph on the page cited as `label` (a label, else a number), or the
        first one after it when the page holds none; None when there is no such page."""
        if not self.pages:
            return None
        wanted = None
        labels = [self.label(page) for page in range(self.page_count)]
        if label in labels:
            wanted = labels.index(label)
        elif label.isdigit() and 1 <= int(label) <= self.page_count:
            wanted = int(label) - 1
        if wanted is None:
            return None
        for paragraph, page in enumerate(self.pages):
            if page >= wanted:
                return paragraph
        return len(self.pages) - 1

    def heading_level(self, paragraph: int) -> int:
        """The heading level of a paragraph, 0 for body text."""
        return self._heading_levels.get(paragraph, 0)

    @cached_property
    def _heading_levels(self) -> dict[int, int]:
        return dict(self.headings)

    def to_record(self) -> dict[str, Any]:
        """The structure as the plain dict the store holds."""
        return {
            "format": self.format,
            "pages": list(self.pages),
            "page_labels": list(self.page_labels),
            "headings": [list(pair) for pair in self.headings],
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Structure:
        """Rebuild a structure from `to_record()`'s dict."""
        return cls(
            format=str(record.get("format") or ""),
            pages=tuple(int(page) for page in record.get("pages") or ()),
            page_labels=tuple(str(label) for label in record.get("page_labels") or ()),
            headings=tuple((int(p), int(level)) for p, level in record.get("headings") or ()),
        )

"""The panel filter: which annotations the reader's panel lists, read from what was typed.

It is a code query (annotations/query.py), the language of the analysis screen,
`gloss query` and `export --query`: `russia military` both codes, `-economy` or
`!economy` not that code, `russia | iran` either, `@ana` one analyst's, any other word
or `"a phrase"` text in the quote or the memo. A code is named by its id (`actor/iran`),
its key (`r`), its label (`military`, `global leverage` — the label's words typed one
after another) or a word of its label (`leverage`, `access`). `describe` says how the
filter was read, for the status line.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.codebook import Codebook
from annotations.model import Annotation
from annotations.query import Query, QueryError

__all__ = ["PanelFilter", "QueryError"]


@dataclass(frozen=True, slots=True)
class PanelFilter:
    """The annotations `query` matches."""

    query: Query

    @classmethod
    def parse(cls, text: str, codebook: Codebook) -> PanelFilter | None:
        """The filter `text` means; None for an empty one (no filter). `QueryError`, naming
        the character where it went wrong, when `text` is not a query."""
        if not text.strip():
            return None
        return cls(Query.parse(text, codebook))

    @property
    def tag(self) -> str | None:
        """One code every listed annotation has, to narrow a store query by before
        `matches`; None when the filter needs no single code."""
        return self.query.required_code

    def matches(self, annotation: Annotation) -> bool:
        """True when the panel lists `annotation` under this filter."""
        return self.query.matches(annotation)

    def describe(self, codebook: Codebook) -> str:
        """How the filter was read, in words: `Russia and not economy and @ana`."""
        return self.query.describe(codebook)

"""The panel filter: which annotations the reader's panel lists, read from what was typed.

`russia military` means both codes; `-economy` none of that code; `@ana` one analyst's;
any other word must appear in the quote or the memo. A code is named by its id
(`actor/iran`), its key (`r`), its label (`military`, `global leverage` — the label's
words typed one after another) or one word of its label that no other label has
(`leverage`, `access`). `describe` says how a query was read, for the status line.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.codebook import Code, Codebook
from annotations.model import Annotation


@dataclass(frozen=True, slots=True)
class PanelFilter:
    """Annotations with every code of `include`, none of `exclude`, by `analyst` (if
    named), whose quote or memo holds every one of `words`."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    analyst: str | None = None
    words: tuple[str, ...] = ()

    @property
    def tag(self) -> str | None:
        """One code every listed annotation has (the first included), to narrow a store
        query by before `matches`; None when no code is included."""
        return self.include[0] if self.include else None

    @classmethod
    def parse(cls, query: str, codebook: Codebook) -> PanelFilter | None:
        """The filter `query` means (see the module's docstring); None for an empty one."""
        tokens = query.split()
        include: list[str] = []
        exclude: list[str] = []
        analyst = None
        words: list[str] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            negated = token.startswith("-") and len(token) > 1
            if token.startswith("@") and len(token) > 1:
                analyst = token[1:]
                index += 1
                continue
            code, used = _code_at(tokens, index, codebook, negated)
            if code is not None:
                target = exclude if negated else include
                if code.id not in target:
                    target.append(code.id)
                index += used
                continue
            words.append(token.casefold())
            index += 1
        if not (include or exclude or analyst or words):
            return None
        return cls(tuple(include), tuple(exclude), analyst, tuple(words))

    def matches(self, annotation: Annotation) -> bool:
        """True when the panel lists `annotation` under this filter."""
        tags = set(annotation.tags)
        if not tags.issuperset(self.include) or tags.intersection(self.exclude):
            return False
        if self.analyst is not None and annotation.analyst != self.analyst:
            return False
        haystack = f"{annotation.quote} {annotation.memo}".casefold()
        return all(word in haystack for word in self.words)

    def describe(self, codebook: Codebook) -> str:
        """How the filter was read: `Russia + military − economy @ana “words”`."""

        def label(code_id: str) -> str:
            code = codebook.code(code_id)
            return code.label if code else code_id

        parts = [" + ".join(label(code_id) for code_id in self.include)] if self.include else []
        parts += [f"− {label(code_id)}" for code_id in self.exclude]
        if self.analyst:
            parts.append(f"@{self.analyst}")
        parts += [f"“{word}”" for word in self.words]
        return " ".join(parts)


def _code_at(
    tokens: list[str], index: int, codebook: Codebook, negated: bool
) -> tuple[Code | None, int]:
    """The code named at `tokens[index]` (without its "-" when `negated`) and how many
    tokens its name takes: a whole label of several words first, then an id, a key, a
    one-word label, or a word of exactly one code's label."""
    first = tokens[index][1:] if negated else tokens[index]
    typed = [first.casefold(), *(t.casefold() for t in tokens[index + 1 :])]
    for code in sorted(codebook.codes, key=lambda c: -len(c.label.split())):
        label_words = code.label.casefold().split()
        if len(label_words) > 1 and typed[: len(label_words)] == label_words:
            return code, len(label_words)
    word = typed[0]
    for code in codebook.codes:
        keys = [key.casefold() for key in code.keys]  # under every layout: r, к, ق
        if word in (code.id.casefold(), *keys, code.label.casefold()):
            return code, 1
    having = [code for code in codebook.codes if word in code.label.casefold().split()]
    if len(having) == 1:
        return having[0], 1
    return None, 0

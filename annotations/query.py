"""Code queries: which annotations carry these codes, by this analyst, with this text.

    iran & society & !convergence      Iran and society, but not convergence
    (russia | iran) & @ben             Russia or Iran, coded by ben
    "supply route" | memo-word         a phrase, or a word, in the quote or the memo

The language:

- `A & B` both, `A | B` either, `!A` not; `&` binds tighter than `|`, `!` tighter than
  both, parentheses group. Two terms side by side (`iran society`) mean `iran & society`.
- `-A` is `!A` too (the reader's panel filter was first written that way: `r -economy`),
  but only at the start of a term: `memo-word` is one word, and `-` alone is text.
- A word names a code when the codebook knows it: by id (`actor/iran`), by the part after
  the slash (`iran`), by key (`i`), by label (`convergence`), by group (`actor`: any of its
  codes) or by one word of a label (`society` for "society and religion"). Case, accents
  and width do not matter. A word with a slash is a tag id even when the codebook does not
  know it (an imported tag). Any other word is text.
- Text, a word or `"a phrase in quotes"`, matches an annotation whose quote or memo holds
  it, with the folding rules of the reader's `/` (annotations/search.py).
- `@name` (or `@"two words"`) matches the annotations of that analyst, case aside.

`Query.parse(expression, codebook)` compiles a query, or raises `QueryError` naming the
character where the expression went wrong; `query.matches(annotation)` tests one
annotation and `query.filter(annotations)` keeps those that match, in their order;
`query.describe(codebook)` says in words how it was read (`Russia and not economy`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from annotations.codebook import Codebook
from annotations.errors import GlossError
from annotations.model import Annotation
from annotations.search import Search, fold

# Characters that end a word: the operators, parentheses, quotes and white space.
_SPECIAL = frozenset('&|!()"@')
# How deeply parentheses and ! may nest.
MAX_DEPTH = 100


class QueryError(GlossError):
    """An expression that is not a query; `position` is the 0-based character it went
    wrong at, and the message names it 1-based, as a person counts."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(f"bad query at character {position + 1}: {reason}")
        self.reason = reason
        self.position = position


# -- the terms and how they combine ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HasCode:
    """Annotations carrying any of `codes` (one code, or the codes a word named)."""

    codes: frozenset[str]
    word: str

    def matches(self, annotation: Annotation) -> bool:
        return not self.codes.isdisjoint(annotation.tags)

    def __str__(self) -> str:
        # A label's words (`global leverage`) read back as the same code when unquoted.
        return " ".join(_word(part) for part in self.word.split(" "))


@dataclass(frozen=True, slots=True)
class ByAnalyst:
    """Annotations of one analyst, case aside."""

    name: str

    def matches(self, annotation: Annotation) -> bool:
        return annotation.analyst.casefold() == self.name

    def __str__(self) -> str:
        return "@" + _word(self.name)


@dataclass(frozen=True, slots=True)
class HasText:
    """Annotations whose quote or memo holds the text, as `/` finds it."""

    search: Search
    quoted: bool

    def matches(self, annotation: Annotation) -> bool:
        find = self.search.pattern.search
        return find(annotation.quote) is not None or (
            bool(annotation.memo) and find(annotation.memo) is not None
        )

    def __str__(self) -> str:
        text = self.search.query
        return _quoted(text) if self.quoted else text


@dataclass(frozen=True, slots=True)
class Not:
    term: Term

    def matches(self, annotation: Annotation) -> bool:
        return not self.term.matches(annotation)

    def __str__(self) -> str:
        return f"!{_grouped(self.term)}"


@dataclass(frozen=True, slots=True)
class And:
    terms: tuple[Term, ...]

    def matches(self, annotation: Annotation) -> bool:
        # A loop, not all(): a generator per annotation doubles the cost of a query.
        for term in self.terms:  # noqa: SIM110
            if not term.matches(annotation):
                return False
        return True

    def __str__(self) -> str:
        return " & ".join(
            _grouped(term) if isinstance(term, Or) else str(term) for term in self.terms
        )


@dataclass(frozen=True, slots=True)
class Or:
    terms: tuple[Term, ...]

    def matches(self, annotation: Annotation) -> bool:
        for term in self.terms:  # noqa: SIM110 (as in And)
            if term.matches(annotation):
                return True
        return False

    def __str__(self) -> str:
        return " | ".join(str(term) for term in self.terms)


Term = HasCode | ByAnalyst | HasText | Not | And | Or


def _grouped(term: Term) -> str:
    return f"({term})" if isinstance(term, (And, Or)) else str(term)


def _word(text: str) -> str:
    """A word as the parser reads it back: quoted when it holds a special character."""
    if text and not any(ch in _SPECIAL or ch.isspace() for ch in text):
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Query:
    """A compiled query: `expression` as typed, `term` the tree it means."""

    expression: str
    term: Term

    @classmethod
    def parse(cls, expression: str, codebook: Codebook) -> Query:
        """The query `expression` means with `codebook`'s codes; `QueryError` otherwise."""
        return cls(expression, _Parser(expression, _CodeNames(codebook)).parse())

    def matches(self, annotation: Annotation) -> bool:
        """True when `annotation` satisfies the query."""
        return self.term.matches(annotation)

    def filter(self, annotations: Iterable[Annotation]) -> list[Annotation]:
        """The annotations that satisfy the query, in the order given."""
        return list(filter(self.term.matches, annotations))

    def __str__(self) -> str:
        """The query written out in full (`iran society` -> `iran & society`)."""
        return str(self.term)

    def describe(self, codebook: Codebook) -> str:
        """How the query was read, in words, as plain text for a status line:
        `russia -economy @bo shrines` -> `Russia and not economy and @bo and “shrines”`."""
        return _described(self.term, codebook)

    @property
    def required_code(self) -> str | None:
        """One code every matching annotation carries, to narrow a store query by
        before `matches`; None when the query needs no single code."""
        terms = self.term.terms if isinstance(self.term, And) else (self.term,)
        for term in terms:
            if isinstance(term, HasCode) and len(term.codes) == 1:
                return next(iter(term.codes))
        return None


def _described(term: Term, codebook: Codebook) -> str:
    """`term` in words; a part of several words is put in parentheses inside another."""

    def inner(part: Term) -> str:
        text = _described(part, codebook)
        return f"({text})" if isinstance(part, (And, Or)) else text

    if isinstance(term, HasCode):
        labels = []
        for code_id in sorted(term.codes, key=_code_order(codebook)):
            code = codebook.code(code_id)
            labels.append(code.label if code else code_id)
        return labels[0] if len(labels) == 1 else "(" + " or ".join(labels) + ")"
    if isinstance(term, ByAnalyst):
        return f"@{term.name}"
    if isinstance(term, HasText):
        return f"“{term.search.query}”"
    if isinstance(term, Not):
        return f"not {inner(term.term)}"
    joiner = " and " if isinstance(term, And) else " or "
    return joiner.join(inner(part) for part in term.terms)


def _code_order(codebook: Codebook) -> Callable[[str], tuple[int, str]]:
    """A sort key putting code ids in the codebook's order, unknown ones last."""
    order = {code.id: index for index, code in enumerate(codebook.codes)}
    return lambda code_id: (order.get(code_id, len(order)), code_id)


# -- words to codes ----------------------------------------------------------------------


class _CodeNames:
    """Which codes a word names, most specific reading first (see the module docstring)."""

    def __init__(self, codebook: Codebook) -> None:
        self.by_id = {code.id: code.id for code in codebook.codes}
        self.by_name: dict[str, set[str]] = {}
        self.by_key: dict[str, set[str]] = {}
        self.by_label: dict[str, set[str]] = {}
        self.by_group: dict[str, set[str]] = {}
        self.by_label_word: dict[str, set[str]] = {}
        # Labels of several words, as folded words: ("global", "leverage") -> its code.
        self.by_label_words: dict[tuple[str, ...], set[str]] = {}
        for code in codebook.codes:
            self.by_name.setdefault(fold(code.id.split("/", 1)[1]), set()).add(code.id)
            for key in code.keys:  # under every layout: r, к, ق
                self.by_key.setdefault(key, set()).add(code.id)
            self.by_label.setdefault(fold(" ".join(code.label.split())), set()).add(code.id)
            self.by_group.setdefault(fold(code.group), set()).add(code.id)
            for word in fold(code.label).split():
                self.by_label_word.setdefault(word, set()).add(code.id)
            label_words = tuple(fold(code.label).split())
            if len(label_words) > 1:
                self.by_label_words.setdefault(label_words, set()).add(code.id)
        self.longest_label = max(map(len, self.by_label_words), default=1)

    def codes(self, word: str) -> frozenset[str] | None:
        """The codes `word` names, or None when it names none (it is then text)."""
        if word in self.by_id or "/" in word:
            return frozenset({word})
        if word in self.by_key:  # a key is exact: "r" and "R" may be different codes
            return frozenset(self.by_key[word])
        folded = fold(word)
        for table in (self.by_name, self.by_label, self.by_group, self.by_label_word):
            if folded in table:
                return frozenset(table[folded])
        return None


# -- the parser --------------------------------------------------------------------------


class _Parser:
    """A recursive-descent parser over the expression's characters:

    query := either ; either := both ("|" both)* ; both := single ("&"? single)*
    single := "!" single | "(" either ")" | "@" (word | quoted) | quoted | word
    """

    def __init__(self, text: str, names: _CodeNames) -> None:
        self.text = text
        self.names = names
        self.at = 0
        self.depth = 0

    def parse(self) -> Term:
        self._skip_space()
        if self.at == len(self.text):
            raise QueryError("the query is empty", 0)
        term = self._either()
        if self.at < len(self.text):
            ch = self.text[self.at]
            reason = "a ) without its (" if ch == ")" else f"unexpected {ch!r}"
            raise QueryError(reason, self.at)
        return term

    def _skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def _peek(self) -> str:
        self._skip_space()
        return self.text[self.at] if self.at < len(self.text) else ""

    def _either(self) -> Term:
        terms = [self._both()]
        while self._peek() == "|":
            self.at += 1
            terms.append(self._both())
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def _both(self) -> Term:
        terms = [self._single()]
        while True:
            ch = self._peek()
            if ch == "&":
                self.at += 1
            elif ch in ("", "|", ")"):
                break
            terms.append(self._single())
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def _single(self) -> Term:
        ch = self._peek()
        start = self.at
        if ch == "-" and self._negates_here():
            ch = "!"
        if ch in "!(" and ch:
            # Each level is a Python call: a pasted "((((..." must not exhaust the stack.
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"nested more than {MAX_DEPTH} deep", start)
            try:
                return self._nested(ch, start)
            finally:
                self.depth -= 1
        if ch == "@":
            self.at += 1
            name = self._quoted() if self._peek_here() == '"' else self._word()
            if not name.strip():
                raise QueryError("@ needs an analyst's name", start)
            return ByAnalyst(name.casefold())
        if ch == '"':
            return self._text(self._quoted(), start, quoted=True)
        if ch == "" or ch in "&|)":
            what = "the end" if ch == "" else repr(ch)
            raise QueryError(f'expected a code, an @analyst or "text", not {what}', self.at)
        word = self._word()
        label = self._label_of_words(word)
        if label is not None:
            return label
        codes = self.names.codes(word)
        if codes is not None:
            return HasCode(codes, word)
        return self._text(word, start, quoted=False)

    def _negates_here(self) -> bool:
        """True when the `-` at `at` starts a term (`-economy`), not when it stands alone."""
        following = self.text[self.at + 1 : self.at + 2]
        return bool(following) and not following.isspace() and following not in "&|)"

    def _label_of_words(self, first: str) -> HasCode | None:
        """The code whose label of several words starts with `first` and goes on with
        the plain words that follow (the longest such label), consuming them; else None."""
        if self.names.longest_label < 2:
            return None
        after_first = self.at
        words = [first]
        ends = [self.at]
        while len(words) < self.names.longest_label:
            gap = self.at
            self._skip_space()
            if self.at == gap or self._peek_here() in _SPECIAL or not self._peek_here():
                break
            words.append(self._word())
            ends.append(self.at)
        folded = tuple(fold(word) for word in words)
        for count in range(len(words), 1, -1):
            codes = self.names.by_label_words.get(folded[:count])
            if codes is not None:
                self.at = ends[count - 1]
                return HasCode(frozenset(codes), " ".join(words[:count]))
        self.at = after_first
        return None

    def _nested(self, ch: str, start: int) -> Term:
        self.at += 1
        if ch == "!":
            return Not(self._single())
        term = self._either()
        if self._peek() != ")":
            raise QueryError("this ( is never closed", start)
        self.at += 1
        return term

    def _peek_here(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def _word(self) -> str:
        start = self.at
        while self.at < len(self.text):
            ch = self.text[self.at]
            if ch in _SPECIAL or ch.isspace():
                break
            self.at += 1
        return self.text[start : self.at]

    def _quoted(self) -> str:
        """The text between quotes; `\\"` is a quote and `\\\\` a backslash inside."""
        start = self.at
        self.at += 1
        parts: list[str] = []
        while self.at < len(self.text):
            ch = self.text[self.at]
            if ch == '"':
                self.at += 1
                return "".join(parts)
            if ch == "\\" and self.at + 1 < len(self.text):
                self.at += 1
                ch = self.text[self.at]
            parts.append(ch)
            self.at += 1
        raise QueryError("this quote is never closed", start)

    def _text(self, text: str, start: int, *, quoted: bool) -> HasText:
        search = Search.compile(text)
        if search is None:
            raise QueryError("nothing to search for in this text", start)
        return HasText(search, quoted)

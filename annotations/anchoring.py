"""Re-attaching annotations to a text that changed.

An annotation remembers where it was (`start`, `end`) and what it said (`quote`, with up
to 32 characters of `prefix` and `suffix`). When its document comes back with new text,
`anchor` looks for it again, most certain evidence first, searching outward from where it
should be (its old start, scaled by how much the text grew or shrank):

1. the quote with its whole context (`exact` at the same offsets, else `moved`), or its
   *slot* — the old prefix and suffix still in place — whichever is nearer. In its slot
   the annotation is `exact`/`moved` if the quote is still there whole, `changed` when
   the new text between prefix and suffix is still close to the quote (rapidfuzz ratio
   60+), else an orphan: an edit inside an annotation never sends it elsewhere. (A slot
   found empty, or held by a short side at the very start or end of the text, is weaker
   evidence and gives way to what follows.)
2. the quote, whole, with one side of its context intact or mostly so (text was inserted
   or deleted just outside it) — `moved`;
3. a fuzzy match of a quote of 16 characters or more within 2,000 characters of where it
   should be (rapidfuzz ratio 90+), with 8 characters of its old context still right
   beside it (on either side, or both together) — `changed`;
4. otherwise an `orphan`: kept, listed, never deleted, and re-attachable by hand.

A placed annotation always covers whole grapheme clusters.
Attaching an annotation to the wrong words is worse than orphaning it, so every step
asks for evidence from the context as well as the quote.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

from annotations.model import CONTEXT_LENGTH, Annotation, TextQuote
from annotations.text_units import is_grapheme_boundary, snap_to_graphemes

Status = Literal["exact", "moved", "changed", "orphan"]

# A side of the context is evidence enough alone when this many characters of it match
# (or when all of it matches and it reaches the start or end of the text).
STRONG_CONTEXT = 8
# How alike the new text of a slot must be to the old quote to stay attached (0-100).
SLOT_SIMILARITY = 60.0
# How alike a fuzzy match must be to the quote (0-100), and how long a quote must be to
# be looked for fuzzily at all (short ones match anything).
FUZZY_SIMILARITY = 90.0
FUZZY_MIN_LENGTH = 16
# How far from its old position a fuzzy match is looked for.
FUZZY_WINDOW = 2000
# How far from its old position an annotation's slot (its prefix and suffix) is looked for.
SLOT_REACH = 65_536
# At most this many occurrences of a quote are weighed (a one-letter quote in a long text).
MAX_CANDIDATES = 10_000


@dataclass(frozen=True, slots=True)
class Anchoring:
    """Where an annotation sits in the new text, and how sure that is."""

    status: Status
    start: int
    end: int

    @property
    def placed(self) -> bool:
        """True unless the annotation is an orphan."""
        return self.status != "orphan"


@dataclass(frozen=True)
class Report:
    """What `reanchor` did: each annotation with its anchoring, and the counts."""

    results: tuple[tuple[Annotation, Anchoring], ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def exact(self) -> int:
        return self.counts.get("exact", 0)

    @property
    def moved(self) -> int:
        return self.counts.get("moved", 0)

    @property
    def changed(self) -> int:
        return self.counts.get("changed", 0)

    @property
    def orphaned(self) -> int:
        return self.counts.get("orphan", 0)

    @property
    def orphans(self) -> list[Annotation]:
        return [annotation for annotation, result in self.results if not result.placed]

    def summary(self) -> str:
        """One line for a status bar or stderr: "3 moved, 1 changed, 2 orphaned"."""
        parts = [
            f"{count} {name}"
            for name, count in (
                ("unchanged", self.exact),
                ("moved", self.moved),
                ("changed", self.changed),
                ("orphaned", self.orphaned),
            )
            if count
        ]
        return ", ".join(parts) or "no annotations"


def reanchor(
    annotations: Iterable[Annotation], new_text: str, old_length: int | None = None
) -> Report:
    """Anchor every annotation in `new_text` (see `anchor`) and count the outcomes."""
    results = tuple(
        (annotation, anchor(annotation, new_text, old_length)) for annotation in annotations
    )
    counts: dict[str, int] = {}
    for _, result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return Report(results, counts)


def relocate(
    annotation: Annotation, document_id: str, new_text: str, start: int, end: int
) -> Annotation:
    """The annotation moved to `[start, end)` of another document's text, with a quote,
    prefix and suffix taken from there. Its tags, memo and `modified` time stay: moving
    is not an analyst's change."""
    selector = TextQuote.of(new_text, start, end)
    return annotation.evolve(
        document=document_id,
        start=start,
        end=end,
        quote=selector.quote,
        prefix=selector.prefix,
        suffix=selector.suffix,
        modified=annotation.modified,
    )


def anchor(annotation: Annotation, new_text: str, old_length: int | None = None) -> Anchoring:
    """Find `annotation` in `new_text`: exact, moved, changed, or an orphan (see module).

    `old_length`, the length of the text the annotation was made on, lets the search
    start where the annotation would be if the text grew or shrank evenly (a word
    replaced everywhere in a long document shifts the end of it a long way).
    """
    found = _anchor(annotation, new_text, _expected_start(annotation, new_text, old_length))
    if found.status in ("exact", "moved"):
        status: Status = "exact" if found.start == annotation.start else "moved"
        return Anchoring(status, found.start, found.end)
    if found.status == "orphan":
        return Anchoring("orphan", annotation.start, annotation.start)
    return found


def _expected_start(annotation: Annotation, new_text: str, old_length: int | None) -> int:
    if not old_length:
        return annotation.start
    return min(len(new_text), round(annotation.start * len(new_text) / old_length))


def _anchor(annotation: Annotation, new_text: str, old_start: int) -> Anchoring:
    """`anchor`, searching around `old_start` (the expected start, not always the old one)."""
    quote, prefix, suffix = annotation.quote, annotation.prefix, annotation.suffix
    if not quote:
        return Anchoring("orphan", old_start, old_start)
    whole, one_side = _search_quote(new_text, quote, prefix, suffix, old_start)
    slot = _find_slot(new_text, quote, prefix, suffix, old_start)
    # Both can exist when a passage is repeated: the one nearer the old position wins, so
    # an edit inside one copy never sends the annotation to the other.
    judged = None
    if slot is not None and (
        whole is None or abs(slot[0] - old_start) <= abs(whole.start - old_start)
    ):
        judged = _judge_slot(new_text, quote, slot, old_start)
        strong = min(len(prefix), len(suffix)) >= STRONG_CONTEXT and slot[0] < slot[1]
        # Weaker evidence: a slot held by one long side and one short side at the very
        # start or end of the text (an edit at that end moves the short side), or an
        # empty slot (the quote deleted — or, in repetitive text, the prefix and suffix
        # found one copy too far). Trust it for the quote found whole, and otherwise only
        # when nothing better turns up.
        if judged.status in ("exact", "moved"):
            return judged
        if strong:
            # In repetitive text the suffix can be found a little early, cutting into the
            # quote: the quote whole, overlapping the slot, is the better answer.
            whole_nearby = _with_one_side(new_text, quote, prefix, suffix, slot[0], slot)
            if whole_nearby is not None:
                return whole_nearby
            # And a "slot" whose quote is gone may be a copy of the context, while the
            # quote itself, whole, sits elsewhere with more of its context around it.
            if (
                judged.status == "orphan"
                and one_side is not None
                and _evidence(new_text, quote, prefix, suffix, one_side.start)
                > len(prefix) + len(suffix)
            ):
                return one_side
            return judged
    found = whole or one_side or _fuzzily(new_text, quote, prefix, suffix, old_start) or judged
    return found or Anchoring("orphan", old_start, old_start)


# -- the steps ---------------------------------------------------------------------------


def _search_quote(
    text: str, quote: str, prefix: str, suffix: str, old_start: int
) -> tuple[Anchoring | None, Anchoring | None]:
    """The quote found whole with its whole context, nearest the old position; and, from
    the nearest stretch of text that has one, the quote with one side of its context
    intact (`_with_one_side`). One search of the text serves both."""
    one_side = None
    for batch in _nearest_batches(text, quote, old_start):
        for start in batch:
            end = start + len(quote)
            if (
                start >= len(prefix)
                and text.startswith(prefix, start - len(prefix))
                and text.startswith(suffix, end)
                and _edges_agree(text, quote, prefix, suffix, start)
                and _is_whole(text, start, end)
            ):
                return _found(start, end, old_start), None
        if one_side is None:
            one_side = _best_with_one_side(text, quote, prefix, suffix, old_start, batch)
    return None, one_side


def _evidence(text: str, quote: str, prefix: str, suffix: str, start: int) -> int:
    """How many characters agree: the quote, and the context matching on either side."""
    end = start + len(quote)
    before = _common_suffix(prefix, text[max(0, start - len(prefix)) : start])
    after = _common_prefix(suffix, text[end : end + len(suffix)])
    return len(quote) + before + after


def _found(start: int, end: int, old_start: int) -> Anchoring:
    return Anchoring("exact" if start == old_start else "moved", start, end)


def _judge_slot(text: str, quote: str, slot: tuple[int, int], old_start: int) -> Anchoring:
    """The annotation belongs in this slot: is its text still there, or close enough?"""
    start, end = slot
    found = text[start:end]
    whole_at = (
        start if found.startswith(quote) else end - len(quote) if found.endswith(quote) else None
    )
    if whole_at is not None and _is_whole(text, whole_at, whole_at + len(quote)):
        # The quote is whole; text was added just after (or before) it, outside it.
        status: Status = "exact" if whole_at == old_start else "moved"
        return Anchoring(status, whole_at, whole_at + len(quote))
    if start == end or fuzz.ratio(quote, found) < SLOT_SIMILARITY:
        return Anchoring("orphan", old_start, old_start)
    start, end = snap_to_graphemes(text, start, end)
    return Anchoring("changed", start, end)


def _with_one_side(
    text: str,
    quote: str,
    prefix: str,
    suffix: str,
    old_start: int,
    within: tuple[int, int] | None = None,
) -> Anchoring | None:
    """The quote, whole, with one side of its context intact (or most of one side),
    nearest the old position; only where it overlaps `within` when that is given."""
    if within is not None:
        low, high = max(0, within[0] - len(quote) + 1), within[1] + len(quote)
        starts = list(_occurrences(text, quote, low, high))
        return _best_with_one_side(text, quote, prefix, suffix, old_start, starts)
    for batch in _nearest_batches(text, quote, old_start):
        found = _best_with_one_side(text, quote, prefix, suffix, old_start, batch)
        if found is not None:
            return found
    return None


def _best_with_one_side(
    text: str, quote: str, prefix: str, suffix: str, old_start: int, starts: list[int]
) -> Anchoring | None:
    """Of these occurrences of the quote, the one with the most context agreeing (then
    the nearest), provided one side is intact or mostly so."""
    best: tuple[int, int, int] | None = None  # (-evidence, distance, start)
    for start in starts:
        end = start + len(quote)
        before = _common_suffix(prefix, text[max(0, start - len(prefix)) : start])
        after = _common_prefix(suffix, text[end : end + len(suffix)])
        prefix_intact = before == len(prefix) and (before >= STRONG_CONTEXT or start == len(prefix))
        suffix_intact = after == len(suffix) and (
            after >= STRONG_CONTEXT or end + len(suffix) == len(text)
        )
        evident = max(before, after) >= STRONG_CONTEXT
        if not (prefix_intact or suffix_intact or evident) or not _is_whole(text, start, end):
            continue
        candidate = (-(before + after), abs(start - old_start), start)
        if best is None or candidate < best:
            best = candidate
    if best is None:
        return None
    return _found(best[2], best[2] + len(quote), old_start)


def _fuzzily(text: str, quote: str, prefix: str, suffix: str, old_start: int) -> Anchoring | None:
    if len(quote) < FUZZY_MIN_LENGTH:
        return None
    window_start = max(0, old_start - FUZZY_WINDOW)
    window_end = min(len(text), old_start + len(quote) + FUZZY_WINDOW)
    match = fuzz.partial_ratio_alignment(
        quote, text[window_start:window_end], score_cutoff=FUZZY_SIMILARITY
    )
    if match is None or match.dest_end <= match.dest_start:
        return None
    start, end = _best_bounds(
        text, quote, window_start + match.dest_start, window_start + match.dest_end
    )
    if fuzz.ratio(quote, text[start:end]) < FUZZY_SIMILARITY:
        return None
    # Similar words are not enough (an article says "it was Moscow who" twice): some of
    # the old context must still stand right beside them, on either side or both.
    before = _common_suffix(prefix, text[max(0, start - len(prefix)) : start])
    after = _common_prefix(suffix, text[end : end + len(suffix)])
    if (prefix or suffix) and before + after < min(STRONG_CONTEXT, len(prefix) + len(suffix)):
        return None
    start, end = snap_to_graphemes(text, start, end)
    return Anchoring("changed", start, end)


# -- helpers -----------------------------------------------------------------------------


def _occurrences(text: str, needle: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    end = len(text) if end is None else end
    position = text.find(needle, start, end)
    count = 0
    while position != -1 and count < MAX_CANDIDATES:
        yield position
        count += 1
        position = text.find(needle, position + 1, end)


def _nearest_batches(
    text: str, needle: str, around: int, max_reach: int | None = None
) -> Iterator[list[int]]:
    """Where `needle` occurs, in batches nearest `around` first (each batch sorted by
    distance), at most `max_reach` away. The search widens step by step, so a text that
    barely changed is searched only near the old position, not all of it."""
    seen: set[int] = set()
    reaches = [reach for reach in (2_048, 65_536) if max_reach is None or reach < max_reach]
    for reach in (*reaches, max_reach or len(text)):
        low, high = max(0, around - reach), min(len(text), around + reach + len(needle))
        found = []
        position = text.find(needle, low, high)
        while position != -1 and len(seen) + len(found) < MAX_CANDIDATES:
            if position not in seen:
                found.append(position)
            position = text.find(needle, position + 1, high)
        found.sort(key=lambda p: abs(p - around))
        seen.update(found)
        if found:
            yield found
        if high - low >= len(text):
            return


def _nearest_first(
    text: str, needle: str, around: int, max_reach: int | None = None
) -> Iterator[int]:
    """Where `needle` occurs, nearest `around` first (at most `max_reach` away)."""
    for batch in _nearest_batches(text, needle, around, max_reach):
        yield from batch


def _is_whole(text: str, start: int, end: int) -> bool:
    """True when `[start, end)` is made of whole grapheme clusters (not half a flag, not
    an accent torn from its letter)."""
    return is_grapheme_boundary(text, start) and is_grapheme_boundary(text, end)


def _edges_agree(text: str, quote: str, prefix: str, suffix: str, start: int) -> bool:
    if len(prefix) < CONTEXT_LENGTH and start != len(prefix) and len(prefix) < STRONG_CONTEXT:
        return False
    end = start + len(quote)
    return not (
        len(suffix) < CONTEXT_LENGTH
        and end + len(suffix) != len(text)
        and len(suffix) < STRONG_CONTEXT
    )


def _find_slot(
    text: str, quote: str, prefix: str, suffix: str, old_start: int
) -> tuple[int, int] | None:
    """The stretch between the old prefix and the old suffix, both still in place, nearest
    the old position; None when either side is gone, or both are too short to be evidence
    (a short side counts only where it touches the start or end of the text)."""
    if len(prefix) < STRONG_CONTEXT and len(suffix) < STRONG_CONTEXT:
        return None
    if len(prefix) < STRONG_CONTEXT:
        if not text.startswith(prefix):
            return None
        prefix_ends = [len(prefix)]
    else:
        # A slot far from where the annotation was would be a copy of its context, not
        # its place: a paragraph moved far away is found by its whole context instead.
        nearest = _nearest_first(text, prefix, old_start - len(prefix), SLOT_REACH)
        prefix_ends = (p + len(prefix) for p in itertools.islice(nearest, 50))
    reach = 2 * len(quote) + 256
    for start in prefix_ends:
        if len(suffix) < STRONG_CONTEXT:
            end = len(text) - len(suffix)
            if text.endswith(suffix) and start <= end <= start + reach:
                return start, end
            continue
        end = text.find(suffix, start, start + reach + len(suffix))
        if end != -1:
            return start, end
    return None


def _best_bounds(text: str, quote: str, start: int, end: int) -> tuple[int, int]:
    """Nudge a fuzzy match's ends to where it is most like the quote: partial matching
    finds a stretch as long as the quote, but the edited text may be longer or shorter.
    Each end moves in turn (twice round), which costs a few hundred comparisons."""
    slack = min(256, max(4, len(quote) // 2))
    best = fuzz.ratio(quote, text[start:end])
    for _ in range(2):
        for new_end in range(max(start + 1, end - slack), min(len(text), end + slack) + 1):
            score = fuzz.ratio(quote, text[start:new_end])
            if score > best:
                best, end = score, new_end
        for new_start in range(max(0, start - slack), min(end - 1, start + slack) + 1):
            score = fuzz.ratio(quote, text[new_start:end])
            if score > best:
                best, start = score, new_start
    return start, end


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_suffix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count

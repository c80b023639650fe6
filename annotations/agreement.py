"""Agreement between analysts, per code, over sentence units (docs/architecture.md, Analysis).

Every sentence of every document compared is a *unit*. An analyst *applies* a code to a
unit when one of their annotations carrying the code overlaps the sentence (shares at
least one code point with it). So each code gives each analyst a yes/no per unit, and
per code we compute:

- Cohen's kappa, for exactly two analysts: (p_o - p_e) / (1 - p_e), with p_e from each
  analyst's own rate of applying the code (Cohen 1960);
- Krippendorff's alpha for nominal data, for two or more: 1 - D_o / D_e over the
  coincidence matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").

Either is undefined when there is no variation to agree about (say, no analyst ever
applied the code, or every analyst applied it everywhere): then it is None, never a
division by zero. Counting needs only the units where some analyst applied the code, so
the work follows the number of annotations, not the number of sentences.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from annotations.codebook import Codebook
from annotations.document import Document
from annotations.model import Annotation


@dataclass(frozen=True)
class CodeAgreement:
    """One code: how many units each analyst applied it to, and the two coefficients."""

    code: str
    applied: dict[str, int]
    kappa: float | None
    alpha: float | None


@dataclass(frozen=True)
class Agreement:
    """Agreement of `analysts` over `units` sentences of `documents` documents, per code."""

    analysts: tuple[str, ...]
    units: int
    documents: int
    codes: tuple[CodeAgreement, ...]

    def to_json(self) -> dict[str, object]:
        """`gloss agree --format json`: `{"units": N, "codes": {code: kappa}, "alpha":
        {code: alpha}}`; `codes` is empty unless there are exactly two analysts."""
        return {
            "units": self.units,
            "codes": {c.code: c.kappa for c in self.codes} if len(self.analysts) == 2 else {},
            "alpha": {c.code: c.alpha for c in self.codes},
        }


def agreement(
    documents: Iterable[Document],
    annotations: Iterable[Annotation],
    analysts: Sequence[str],
    codebook: Codebook,
) -> Agreement:
    """Agreement per code between `analysts` over the sentences of `documents`.

    Codes are those of the codebook, in its order, then any other tag these analysts
    used, sorted. Annotations by other analysts, or of other documents, are ignored.
    """
    analysts = tuple(analysts)
    if len(analysts) < 2:
        raise ValueError("agreement needs at least two analysts")
    if len(set(analysts)) != len(analysts):
        raise ValueError("name each analyst once")
    documents = list(documents)
    # Per document: where its units begin in the global numbering, and its sentence bounds.
    first_unit: dict[str, int] = {}
    bounds: dict[str, tuple[list[int], list[int]]] = {}
    units = 0
    for document in documents:
        sentences = document.sentences
        first_unit[document.id] = units
        bounds[document.id] = ([s.start for s in sentences], [s.end for s in sentences])
        units += len(sentences)
    # applied[code][analyst] = the units the analyst applied the code to.
    who = set(analysts)
    applied: dict[str, dict[str, set[int]]] = {}
    for annotation in annotations:
        if annotation.analyst not in who or annotation.document not in bounds:
            continue
        covered = _units_overlapping(annotation.start, annotation.end, *bounds[annotation.document])
        if not covered:
            continue
        offset = first_unit[annotation.document]
        for tag in set(annotation.tags):
            by_analyst = applied.setdefault(tag, {})
            by_analyst.setdefault(annotation.analyst, set()).update(
                offset + unit for unit in covered
            )
    known = [code.id for code in codebook.codes]
    codes = known + sorted(set(applied) - set(known))
    results = []
    for code in codes:
        sets = [applied.get(code, {}).get(analyst, set()) for analyst in analysts]
        results.append(
            CodeAgreement(
                code=code,
                applied={analyst: len(s) for analyst, s in zip(analysts, sets, strict=True)},
                kappa=cohen_kappa(sets[0], sets[1], units) if len(sets) == 2 else None,
                alpha=binary_alpha(sets, units),
            )
        )
    return Agreement(analysts=analysts, units=units, documents=len(documents), codes=tuple(results))


def _units_overlapping(start: int, end: int, starts: list[int], ends: list[int]) -> range:
    """The indices of the sentences that share a code point with `[start, end)`.

    Sentences are disjoint and in order, so their ends are sorted too: the first one that
    overlaps is the first ending after `start`, the last the last starting before `end`.
    """
    first = bisect.bisect_right(ends, start)
    last = bisect.bisect_left(starts, end)
    return range(first, last)


def cohen_kappa(first: set[int], second: set[int], units: int) -> float | None:
    """Cohen's kappa of two analysts' yes/no over `units` units, given the units each said
    yes to. None when undefined: chance agreement is total (no variation at all).

    With N units, a = both yes, d = both no, n1 / m1 = each one's yeses and n0 / m0 = their
    noes: kappa = (N(a + d) - (n1 m1 + n0 m0)) / (N^2 - (n1 m1 + n0 m0)), in integers, so
    "undefined" is an exact zero rather than a float that happens to be near one.
    """
    both = len(first & second)
    n1, m1 = len(first), len(second)
    neither = units - (n1 + m1 - both)
    chance = n1 * m1 + (units - n1) * (units - m1)
    denominator = units * units - chance
    if units <= 0 or denominator == 0:
        return None
    return (units * (both + neither) - chance) / denominator


def binary_alpha(sets: Sequence[set[int]], units: int) -> float | None:
    """Krippendorff's alpha (nominal) of yes/no data: every analyst judged every one of
    `units` units, saying yes to the units in their set. None when undefined (all values
    alike, or fewer than two values in all).

    With m analysts, k_u yeses on unit u, n = N m values of which n1 are yes and n0 no:
    alpha = 1 - (n - 1) * sum_u k_u (m - k_u) / ((m - 1) n0 n1). Units nobody said yes
    to add nothing to the sum, so only the units in some set are visited.
    """
    m = len(sets)
    n = units * m
    yes_per_unit: Counter[int] = Counter()
    for chosen in sets:
        yes_per_unit.update(chosen)
    n1 = sum(yes_per_unit.values())
    n0 = n - n1
    if m < 2 or n0 <= 0 or n1 <= 0:
        return None
    disagreement = sum(k * (m - k) for k in yes_per_unit.values())
    return 1 - (n - 1) * disagreement / ((m - 1) * n0 * n1)


def nominal_alpha(data: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal values, with missing values (None) allowed.

    `data` holds one sequence per unit: the value each coder gave it, None where a coder
    gave none. Units with fewer than two values cannot be paired and are left out. None
    when undefined (fewer than two pairable values, or all of them alike).

    The general form, used to check `binary_alpha` and against published examples.
    """
    coincidences: Counter[tuple[Hashable, Hashable]] = Counter()
    for unit in data:
        values = [value for value in unit if value is not None]
        m_u = len(values)
        if m_u < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                coincidences[(c, k)] += pairs / (m_u - 1)
    totals: Counter[Hashable] = Counter()
    for (c, _), o in coincidences.items():
        totals[c] += o
    n = sum(totals.values())
    observed = sum(o for (c, k), o in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n <= 1 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected

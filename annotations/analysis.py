"""Counting what analysts tagged: frequencies per code, the actor x interest matrix,
convergence vs divergence per interest, and where in a document the annotations fall.

The matrix crosses the codebook's *row* group with its *column* group: `actor` and
`interest` in the default codebook (docs/architecture.md, Codebook). A codebook without
those groups uses its first two groups, so a custom codebook still gets a table. A cell
counts the annotations that carry both codes (docs/architecture.md, Analysis): an
annotation tagged Russia, military and diplomacy counts once in each of its two cells.
The relation table crosses the column group with the `relation` group (convergence,
divergence) the same way. Counts roll up: an annotation tagged with a nested code
(`interest/military/air-power`) counts for the code it is nested under too, once.

Agreement between analysts is in `annotations.agreement`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotations.codebook import Code, Codebook, with_ancestors
from annotations.model import Annotation

ROW_GROUP = "actor"
COLUMN_GROUP = "interest"
RELATION_GROUP = "relation"
# `positions` counts annotations per tenth of the document by default.
SECTIONS = 10


def matrix_groups(codebook: Codebook) -> tuple[str | None, str | None]:
    """The groups the matrix crosses: actor x interest, else the codebook's first two."""
    ids = [group.id for group in codebook.groups]
    if ROW_GROUP in ids and COLUMN_GROUP in ids:
        return ROW_GROUP, COLUMN_GROUP
    first = ids[0] if ids else None
    second = ids[1] if len(ids) > 1 else None
    return first, second


def code_counts(annotations: Iterable[Annotation], codebook: Codebook) -> dict[str, int]:
    """How many annotations carry each code — a code nested under it counting for it too,
    each annotation once: every code of the codebook (zeros included), in codebook order,
    then tags the codebook does not know, sorted."""
    counts: Counter[str] = Counter()
    for annotation in annotations:
        counts.update(with_ancestors(annotation.tags))
    result = {code.id: counts.get(code.id, 0) for code in codebook.codes}
    for tag in sorted(set(counts) - set(result)):
        result[tag] = counts[tag]
    return result


@dataclass(frozen=True)
class Matrix:
    """Counts of annotations carrying a row code and a column code."""

    rows: tuple[Code, ...]
    columns: tuple[Code, ...]
    cells: dict[str, dict[str, int]]

    def count(self, row: str, column: str) -> int:
        return self.cells.get(row, {}).get(column, 0)

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.cells.values())


def actor_interest_matrix(annotations: Iterable[Annotation], codebook: Codebook) -> Matrix:
    """The actor x interest matrix (or the first two groups' matrix) of `annotations`."""
    row_group, column_group = matrix_groups(codebook)
    rows = tuple(codebook.codes_in(row_group)) if row_group else ()
    columns = tuple(codebook.codes_in(column_group)) if column_group else ()
    return cross(annotations, rows, columns)


def relation_matrix(annotations: Iterable[Annotation], codebook: Codebook) -> Matrix | None:
    """Convergence vs divergence per interest: the matrix's column group (interest) crossed
    with the `relation` group. None when the codebook has no `relation` group (or nothing
    to cross it with)."""
    _, column_group = matrix_groups(codebook)
    if column_group is None or column_group == RELATION_GROUP:
        return None
    relations = tuple(codebook.codes_in(RELATION_GROUP))
    if not relations:
        return None
    return cross(annotations, tuple(codebook.codes_in(column_group)), relations)


def cross(
    annotations: Iterable[Annotation], rows: tuple[Code, ...], columns: tuple[Code, ...]
) -> Matrix:
    """How many annotations carry each pair of a row code and a column code (or codes
    nested under them: a parent's cell rolls up its children's)."""
    row_ids = {code.id for code in rows}
    column_ids = {code.id for code in columns}
    cells = {row.id: dict.fromkeys((column.id for column in columns), 0) for row in rows}
    for annotation in annotations:
        tags = with_ancestors(annotation.tags)
        for row in tags & row_ids:
            for column in tags & column_ids:
                cells[row][column] += 1
    return Matrix(rows=rows, columns=columns, cells=cells)


def stats(annotations: Iterable[Annotation], codebook: Codebook) -> dict[str, Any]:
    """`gloss stats --format json`: `{"annotations": N, "codes": {...}, "matrix": {...}}`."""
    annotations = list(annotations)
    matrix = actor_interest_matrix(annotations, codebook)
    return {
        "annotations": len(annotations),
        "codes": code_counts(annotations, codebook),
        "matrix": {row: dict(columns) for row, columns in matrix.cells.items()},
    }


@dataclass(frozen=True)
class Positions:
    """How many annotations start in each equal section of their document (tenths by default).

    Each annotation is placed by its start relative to its own document's length, so
    documents of different lengths add up section by section.
    """

    counts: tuple[int, ...]

    @property
    def sections(self) -> int:
        return len(self.counts)

    def bounds(self, section: int) -> tuple[int, int]:
        """Where a section begins and ends, in whole percent of the document."""
        return (section * 100 // self.sections, (section + 1) * 100 // self.sections)


def positions(
    annotations: Iterable[Annotation], lengths: dict[str, int], sections: int = SECTIONS
) -> Positions:
    """Count annotations per section of their document; `lengths` maps document id to its
    length in code points. Annotations of documents not in `lengths` are left out."""
    if sections < 1:
        raise ValueError("sections must be at least 1")
    counts = [0] * sections
    last = sections - 1
    for annotation in annotations:
        length = lengths.get(annotation.document)
        if not length:
            continue
        counts[min(last, max(0, annotation.start) * sections // length)] += 1
    return Positions(tuple(counts))

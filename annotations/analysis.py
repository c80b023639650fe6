"""Counting what analysts tagged: frequencies per code and the actor x interest matrix.

The matrix crosses the codebook's *row* group with its *column* group: `actor` and
`interest` in the default codebook (DESIGN §4). A codebook without those groups uses its
first two groups, so a custom codebook still gets a table. A cell counts the annotations
that carry both codes (DESIGN §9): an annotation tagged Russia, military and diplomacy
counts once in each of its two cells.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotations.codebook import Code, Codebook
from annotations.model import Annotation

ROW_GROUP = "actor"
COLUMN_GROUP = "interest"


def matrix_groups(codebook: Codebook) -> tuple[str | None, str | None]:
    """The groups the matrix crosses: actor x interest, else the codebook's first two."""
    ids = [group.id for group in codebook.groups]
    if ROW_GROUP in ids and COLUMN_GROUP in ids:
        return ROW_GROUP, COLUMN_GROUP
    first = ids[0] if ids else None
    second = ids[1] if len(ids) > 1 else None
    return first, second


def code_counts(annotations: Iterable[Annotation], codebook: Codebook) -> dict[str, int]:
    """How many annotations carry each code: every code of the codebook (zeros included),
    in codebook order, then tags the codebook does not know, sorted."""
    counts: Counter[str] = Counter()
    for annotation in annotations:
        counts.update(set(annotation.tags))
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
    row_ids = {code.id for code in rows}
    column_ids = {code.id for code in columns}
    cells = {row.id: dict.fromkeys((column.id for column in columns), 0) for row in rows}
    for annotation in annotations:
        tags = set(annotation.tags)
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

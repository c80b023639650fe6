"""Codes by document attribute: outlet x interest, year x actor.

A row is one value of the attribute (each outlet, each year); a column is a code. A cell
counts the annotations of the documents with that value which carry that code, so an
annotation tagged Iran and Russia counts once under each. Documents without the
attribute form a row of their own, `NO_VALUE`, last. Each row also says how many
documents (and annotations) it holds, so that a screen can show shares as well as counts.

    values = all_attributes(store)              # annotations.attributes
    matrix = attribute_matrix(annotations, values, "year", group_codes(codebook, "actor"))
    matrix.count("2015", "actor/iran"), matrix.annotations("2015", "actor/iran")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotations.model import Annotation

# The row of documents that have no value for the attribute.
NO_VALUE = ""
_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,15})?")


@dataclass(frozen=True)
class AttributeMatrix:
    """Annotations per attribute value and code (see the module docstring)."""

    attribute: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    documents: dict[str, tuple[str, ...]]
    _cells: dict[tuple[str, str], list[Annotation]] = field(repr=False)
    _in_row: dict[str, int] = field(repr=False)

    def count(self, value: str, code: str) -> int:
        """How many annotations of the documents with `value` carry `code`."""
        return len(self._cells.get((value, code), ()))

    def annotations(self, value: str, code: str) -> tuple[Annotation, ...]:
        """The cell's annotations, document by document in document order (drill down)."""
        return tuple(self._cells.get((value, code), ()))

    def row_total(self, value: str) -> int:
        """How many annotations the row's documents have, coded in a column or not."""
        return self._in_row.get(value, 0)

    @property
    def cells(self) -> dict[str, dict[str, int]]:
        """Every count, by value then code."""
        return {v: {c: self.count(v, c) for c in self.columns} for v in self.rows}

    def to_json(self) -> dict[str, Any]:
        """`{"by": NAME, "rows": [...], "columns": [...], "documents": {value: n},
        "cells": {value: {code: n}}}`; the row of documents without a value is `""`."""
        return {
            "by": self.attribute,
            "rows": list(self.rows),
            "columns": list(self.columns),
            "documents": {value: len(self.documents[value]) for value in self.rows},
            "cells": self.cells,
        }


def attribute_matrix(
    annotations: Iterable[Annotation],
    attributes: Mapping[str, Mapping[str, str]],
    attribute: str,
    codes: Sequence[str],
) -> AttributeMatrix:
    """The matrix of `attribute` values x `codes` over `annotations`.

    `attributes` maps each document id of the scope to its attributes
    (`annotations.attributes.all_attributes`, narrowed to the scope); rows are the values
    the scope's documents have, sorted (numbers by value, so years run in order), then
    `NO_VALUE` if some document has none. Annotations of documents not in `attributes`
    are left out.
    """
    columns = tuple(dict.fromkeys(codes))
    wanted = set(columns)
    value_of = {doc: values.get(attribute, NO_VALUE) for doc, values in attributes.items()}
    documents: dict[str, list[str]] = {}
    for document_id, value in value_of.items():
        documents.setdefault(value, []).append(document_id)
    cells: dict[tuple[str, str], list[Annotation]] = {}
    in_row: dict[str, int] = {}
    for annotation in annotations:
        value = value_of.get(annotation.document)
        if value is None:
            continue
        in_row[value] = in_row.get(value, 0) + 1
        for code in wanted.intersection(annotation.tags):
            cells.setdefault((value, code), []).append(annotation)
    rows = sorted((v for v in documents if v != NO_VALUE), key=_value_order)
    if NO_VALUE in documents:
        rows.append(NO_VALUE)
    return AttributeMatrix(
        attribute=attribute,
        rows=tuple(rows),
        columns=columns,
        documents={value: tuple(ids) for value, ids in documents.items()},
        _cells=cells,
        _in_row=in_row,
    )


def _value_order(value: str) -> tuple[int, float, str]:
    """Numbers (years) first and by value, then words, case aside."""
    if _NUMBER.fullmatch(value):
        return (0, float(value), value)
    return (1, 0.0, value.casefold())

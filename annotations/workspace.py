"""Where each analyst left off: the last selection in each document, the panel's width,
the analysis cell last opened and the file last exported to in each format.

One small record per analyst, kept in a side table of the store (`workspace`,
`change_workspace`), so coming back to Gloss — on this machine or on a colleague's copy
of the store — returns each analyst to their own place. The record comes from a file that
may be old, edited by hand or damaged: `Workspace.from_record` keeps what is well-formed
and drops the rest, so a bad value costs a remembered place, never the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotations.store import Store

WORKSPACE_TABLE = "workspaces"  # a side table of the store: analyst -> record

# What a remembered panel width may be, in terminal cells: any narrower and a tag chip
# no longer fits; wider is the reader's to limit by the screen.
PANEL_WIDTH_MIN = 28  # as tui/gloss.tcss has it
PANEL_WIDTH_MAX = 400


@dataclass(frozen=True, slots=True)
class Workspace:
    """What one analyst's screens were showing when they last left them."""

    # document id -> the selection `(start, end)` last made in it.
    selections: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    panel_width: int | None = None  # cells; None: the layout's own
    # The analysis screen's cell last opened, as (row code id, column code id).
    analysis_cell: tuple[str, str] | None = None
    # The file last written in each format: by `remembered_key` (format and document,
    # format, or `ANY_FORMAT`) -> path.
    export_files: Mapping[str, str] = field(default_factory=dict)

    def selection_in(self, document_id: str, length: int) -> tuple[int, int] | None:
        """The selection last made in the document, if it still fits a text of `length`."""
        span = self.selections.get(document_id)
        if span is None or not 0 <= span[0] < span[1] <= length:
            return None
        return span

    def with_selection(self, document_id: str, start: int, end: int) -> Workspace:
        """This workspace, remembering `[start, end)` as the document's selection."""
        return replace(self, selections={**self.selections, document_id: (start, end)})

    def with_export_file(self, format_name: str, path: str) -> Workspace:
        """This workspace, remembering `path` as the last file exported as `format_name`."""
        return replace(self, export_files={**self.export_files, format_name: path})

    def to_record(self) -> dict[str, Any]:
        """The record the store keeps (JSON types only)."""
        record: dict[str, Any] = {
            "selections": {key: list(span) for key, span in self.selections.items()},
            "export_files": dict(self.export_files),
        }
        if self.panel_width is not None:
            record["panel_width"] = self.panel_width
        if self.analysis_cell is not None:
            record["analysis_cell"] = list(self.analysis_cell)
        return record

    @classmethod
    def from_record(cls, record: object) -> Workspace:
        """The workspace a stored record describes; what is malformed in it is left out."""
        if not isinstance(record, Mapping):
            return cls()
        return cls(
            selections=_selections(record.get("selections")),
            panel_width=_panel_width(record.get("panel_width")),
            analysis_cell=_pair_of_strings(record.get("analysis_cell")),
            export_files=_strings(record.get("export_files")),
        )


def workspace(store: Store, analyst: str) -> Workspace:
    """Where `analyst` left off, as `store` keeps it (empty for an analyst never seen)."""
    return Workspace.from_record(store.side_records(WORKSPACE_TABLE).get(analyst))


def change_workspace(store: Store, analyst: str, change: Callable[[Workspace], Workspace]) -> None:
    """Save `change(workspace)` as where `analyst` left off (`StoreError` if it cannot be
    written)."""
    changed = change(workspace(store, analyst))
    store.put_side_records(WORKSPACE_TABLE, {analyst: changed.to_record()})


ANY_FORMAT = "*"  # the key of the file last written in any format


def remembered_key(format_name: str, document_id: str | None = None) -> str:
    """The `export_files` key of the file last written as `format_name`: for one
    document (`md sha256:…`), or for any (`md`)."""
    return format_name if document_id is None else f"{format_name} {document_id}"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _selections(value: object) -> dict[str, tuple[int, int]]:
    if not isinstance(value, Mapping):
        return {}
    selections = {}
    for key, span in value.items():
        if (
            isinstance(key, str)
            and isinstance(span, list | tuple)
            and len(span) == 2
            and all(_is_int(end) for end in span)
            and 0 <= span[0] < span[1]
        ):
            selections[key] = (span[0], span[1])
    return selections


def _panel_width(value: object) -> int | None:
    if _is_int(value) and PANEL_WIDTH_MIN <= value <= PANEL_WIDTH_MAX:  # type: ignore[operator]
        return value  # type: ignore[return-value]
    return None


def _pair_of_strings(value: object) -> tuple[str, str] | None:
    pair = isinstance(value, list | tuple) and len(value) == 2
    if pair and all(isinstance(part, str) for part in value):  # type: ignore[union-attr]
        return (value[0], value[1])  # type: ignore[index]
    return None


def _strings(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str) and v}

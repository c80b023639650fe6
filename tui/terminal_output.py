"""What is written to the terminal on each frame: nothing for a column that did not change.

Textual 8.2.8 writes a partial frame as, for each line that changed, each widget's piece
of that line ("chop") that overlaps the changed span. A chop that starts exactly where
the span ends does not overlap it, yet is still cut down to nothing (a new, empty
`Strip`) and written as a cursor move with no text after it. The reader's panel starts
where the reading pane ends, so on every page down each of the pane's 48 lines paid
for one such chop — about as much as writing the line itself. `skip_chops_past_spans`
leaves those chops out: the same text reaches the same cells, with 48 fewer cursor
moves that were followed by nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import textual
from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate

# The Textual whose ChopsUpdate.render_segments this copies, with the one change marked.
_FOR_TEXTUAL = "8.2.8"
TEXTUALS_RENDER_SEGMENTS = ChopsUpdate.render_segments  # as Textual has it


def _render_segments(self: ChopsUpdate, console: Console) -> str:
    """Textual 8.2.8's `ChopsUpdate.render_segments`, but a chop that starts at or past
    the end of the span is skipped (Textual's own test is `x > x2`)."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None:
                continue
            if x >= x2 or end <= x1:  # the change: `x >= x2`, not `x > x2`
                continue
            if x2 > x >= x1 and end <= x2:
                append(move_to(x, y).segment.text)
                append(strip.render(console))
                continue
            strip = strip.crop(0, min(end, x2) - x)
            append(move_to(x, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def installed_textual_version() -> str:
    """The version of the Textual that is imported, as `importlib.metadata` reports it.

    Textual's `__version__` asks `importlib.metadata`, which loads email, zipfile and csv
    (about 6 ms of every start). The version is in the name of the `textual-X.dist-info`
    directory beside the package, where an installer puts it; only when that is not one
    directory (another layout, a stale copy) is `importlib.metadata` asked."""
    site = Path(textual.__file__).parent.parent
    try:
        found = [
            entry.name
            for entry in os.scandir(site)
            if entry.name.startswith("textual-") and entry.name.endswith(".dist-info")
        ]
    except OSError:
        found = []
    if len(found) == 1:
        return found[0].removeprefix("textual-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("textual")


def skip_chops_past_spans() -> None:
    """Make Textual's partial frames skip chops that start where a changed span ends
    (only on the Textual this was written for: another may have changed the method)."""
    if installed_textual_version() == _FOR_TEXTUAL:
        ChopsUpdate.render_segments = _render_segments  # type: ignore[method-assign]

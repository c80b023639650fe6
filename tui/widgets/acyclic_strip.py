"""Lines that reference counting frees: Textual's `Strip` keeps itself in its own caches.

Textual's compositor divides every line it paints at the edges of the regions over it
(`Strip.divide`). A line that one widget covers from edge to edge is divided at its own
width, and `divide` then caches `[self]` in the strip: a reference cycle, so the line
outlives the last cache that held it until the cyclic garbage collector finds it
(`adjust_cell_length` and `crop_extend` cache `self` the same way when nothing changes).
Every line the reader paints went that way. On a page down with 10,000 annotations that
was some 45 strips a key, each a dozen objects (their seven caches among them): 400
young collections, 36 middle and 3 full ones in 300 keys, against 86, 7 and none once
the lines were freed as they were let go; the page down took 0.8 ms less CPU a key.

The Line API widgets draw `AcyclicStrip`s: the same strips, whose answers that are the
strip itself are given without being cached in it. Strips Textual makes from them
(crops, filtered copies) are its own, as before; the reader's lines are rarely cropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.style import Style
from textual.strip import Strip


class AcyclicStrip(Strip):
    """A `Strip` that never holds a reference to itself (see the module's notes)."""

    def divide(self, cuts: Iterable[int]) -> Sequence[Strip]:
        cuts = list(cuts)
        if len(cuts) == 1 and cuts[0] == self.cell_length:
            return [self]
        return super().divide(cuts)

    def adjust_cell_length(self, cell_length: int, style: Style | None = None) -> Strip:
        if cell_length == self.cell_length:
            return self
        return super().adjust_cell_length(cell_length, style)

    def crop_extend(self, start: int, end: int, style: Style | None) -> Strip:
        if start == 0 and end == self.cell_length:
            return self
        return super().crop_extend(start, end, style)

"""What the terminal sends, decoded without ever failing.

Textual 8.2.8's terminal drivers decode stdin with a strict incremental UTF-8 decoder in
their input thread: one byte that is not UTF-8 — a paste from a Latin-1 file, a binary
blob — raises `UnicodeDecodeError` there, the input thread dies and the app exits,
losing the memo being written. Each driver looks `getincrementaldecoder` up in its own
module when its input thread starts; `tolerate_invalid_utf8` gives those modules one
that replaces what is not UTF-8 with U+FFFD, so the paste arrives with a visible mark
where the bad bytes were and the app goes on.
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable
from types import ModuleType

# The driver modules that decode the terminal's bytes (Linux full-screen and inline).
_DRIVER_MODULES = ("textual.drivers.linux_driver", "textual.drivers.linux_inline_driver")


def lenient_incremental_decoder(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
    """`codecs.getincrementaldecoder(encoding)`, its decoders replacing invalid input."""
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def tolerate_invalid_utf8() -> None:
    """Make Textual's terminal drivers decode invalid UTF-8 as U+FFFD, never fail on it."""
    for name in _DRIVER_MODULES:
        module = _imported(name)
        if module is not None and hasattr(module, "getincrementaldecoder"):
            module.getincrementaldecoder = lenient_incremental_decoder


def _imported(name: str) -> ModuleType | None:
    try:
        return __import__(name, fromlist=["_"])
    except ImportError:  # not on this platform
        return None

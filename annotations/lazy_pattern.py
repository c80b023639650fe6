"""Patterns of the `regex` module that are compiled, and `regex` imported, when first used.

Importing `regex` costs about 11 ms of CPU, more than any other module Gloss loaded before
its first frame, while the first screen of a document in a Latin script uses none of its
patterns (grapheme clusters, Unicode properties): they are for selections, word motions,
sentences and the scripts that need them. A module-level `lazy_regex(...)` reads like the
`regex.compile(...)` it stands for and behaves the same once used.
"""

from __future__ import annotations

from typing import Any


class LazyPattern:
    """A `regex` pattern, compiled on the first use of one of its attributes.

    Each attribute asked for (`search`, `finditer`, `pattern`, ...) is then kept on this
    object, so later uses go straight to the compiled pattern's own methods.
    """

    def __init__(self, pattern: str) -> None:
        self._source = pattern

    def __getattr__(self, name: str) -> Any:
        # Only called for what this object does not hold yet.
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            import regex

            compiled = self.__dict__["_compiled"] = regex.compile(self._source)
        value = getattr(compiled, name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"lazy_regex({self._source!r})"


def lazy_regex(pattern: str) -> LazyPattern:
    """`regex.compile(pattern)`, done when the pattern is first used (flags inline:
    `(?s)`, `(?i)`)."""
    return LazyPattern(pattern)

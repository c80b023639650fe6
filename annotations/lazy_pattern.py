"""Patterns of the `regex` module that are compiled, and `regex` imported, when first used.

Importing `regex` costs about 11 ms of CPU, more than any other module Gloss loaded before
its first frame, while the first screen of a document in a Latin script uses none of its
patterns (grapheme clusters, Unicode properties): they are for selections, word motions,
sentences and the scripts that need them. A module-level `lazy_regex(...)` reads like the
`regex.compile(...)` it stands for and behaves the same once used.

The reader compiles them all (`compile_all`) once its first screen is drawn and the
analyst is reading, so that the first key that needs one does not pay for it either.
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
        _MADE.append(self)

    def __getattr__(self, name: str) -> Any:
        # Only called for what this object does not hold yet.
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(self._pattern(), name)
        self.__dict__[name] = value
        return value

    def _pattern(self) -> Any:
        """The compiled pattern, compiled now if it is not yet."""
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            import regex

            compiled = self.__dict__["_compiled"] = regex.compile(self._source)
        return compiled

    def __repr__(self) -> str:
        return f"lazy_regex({self._source!r})"


_MADE: list[LazyPattern] = []  # every pattern made, for `compile_all`


def compile_all() -> None:
    """Compile every lazy pattern made so far (importing `regex`): some 16 ms of CPU,
    for a moment when nobody waits on it."""
    for pattern in _MADE:
        pattern._pattern()


def lazy_regex(pattern: str) -> LazyPattern:
    """`regex.compile(pattern)`, done when the pattern is first used (flags inline:
    `(?s)`, `(?i)`)."""
    return LazyPattern(pattern)

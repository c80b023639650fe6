"""Untrusted text made safe to show: control characters become visible symbols, one for one.

Document text, memos and file names may hold escape sequences (ESC, CSI, OSC — an OSC 52
clipboard write, a title change), bells, backspaces, C1 controls, bidi overrides and (a
file name that is not UTF-8) lone surrogates. None
of them may reach a terminal or a reader's screen as themselves. Each is replaced by one
visible character, so offsets into the text stay the same.
"""

from __future__ import annotations

import functools
import os
import re

# C0 controls show as their Unicode "control picture" (ESC as ␛, BEL as ␇, NUL as ␀).
_TRANSLATION: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_TRANSLATION[0x7F] = "\u2421"  # DEL as ␡
# C1 controls (0x80-0x9F: CSI, OSC, ... in their 8-bit forms) and the invisible
# formatting characters that reorder or hide text show as the replacement character.
for code in range(0x80, 0xA0):
    _TRANSLATION[code] = "\ufffd"
for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0xFFF9, 0xFFFA, 0xFFFB):
    _TRANSLATION[code] = "\ufffd"
# A lone surrogate is no character: it is how Python keeps the bytes of a file name that
# is not UTF-8, and no terminal, file or store can be sent one.
for code in range(0xD800, 0xE000):
    _TRANSLATION[code] = "\ufffd"
# U+2028/2029 are line breaks to some programs and invisible to others.
_TRANSLATION[0x2028] = "\u21b5"
_TRANSLATION[0x2029] = "\u00b6"
del _TRANSLATION[ord("\n")]


def _character_class(codes: list[int]) -> str:
    """A regular expression's class of the characters `codes`, runs of them as ranges: as
    two thousand single characters (the surrogates) it took 3 ms to compile at every start,
    as eight ranges a tenth of that."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return (
        "["
        + "".join(
            re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")
            for first, last in ranges
        )
        + "]"
    )


_NEEDS_TRANSLATION = re.compile(_character_class(list(_TRANSLATION)))


def visible(text: str, *, newline: str | None = None, tab: str | None = None) -> str:
    """`text` with every control character shown as a visible symbol, one for one.

    Newlines stay newlines unless `newline` says what to show instead; tabs show as ␉
    unless `tab` says what to show (a space, say, where the caller lays text out itself).
    Both replacements must be one character to keep offsets.
    """
    for name, replacement in (("newline", newline), ("tab", tab)):
        if replacement is not None and len(replacement) != 1:
            raise ValueError(f"{name} must be one character, to keep offsets")
    # Most text holds nothing to replace: finding that out in C is far cheaper than a
    # translate through a dict (exports call this for every quote, memo and name).
    if _NEEDS_TRANSLATION.search(text) is None and (newline is None or "\n" not in text):
        return text
    return text.translate(_table(newline, tab))


@functools.lru_cache(maxsize=32)
def _table(newline: str | None, tab: str | None) -> dict[int, str]:
    table = dict(_TRANSLATION)
    if newline is not None:
        table[ord("\n")] = newline
    if tab is not None:
        table[ord("\t")] = tab
    return table


def is_safe(text: str) -> bool:
    """True when `text` holds nothing `visible` would replace (newlines and tabs aside)."""
    return not any(ord(ch) in _TRANSLATION for ch in text if ch != "\t")


def path_text(path: str | os.PathLike[str] | bytes) -> str:
    """A file name as text that a store, a file and a terminal can all hold.

    Python keeps the bytes of a name that is not UTF-8 as lone surrogates, which cannot be
    written as UTF-8; those bytes become `\\xNN` escapes (`café` in Latin-1 reads
    `caf\\xe9`), so that the same file always gets the same text. Other names are
    returned as they are.
    """
    raw = os.fspath(path)
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "backslashreplace")
    if _SURROGATE.search(raw) is None:
        return raw
    return os.fsencode(raw).decode("utf-8", "backslashreplace")


_SURROGATE = re.compile("[\ud800-\udfff]")

"""A paste that is not UTF-8, sent by a real terminal (a pty) into the memo editor: the
reader goes on, and the memo is saved with U+FFFD where the bad bytes were."""

from __future__ import annotations

import codecs
import os
import select
import struct
import sys
import time
from pathlib import Path

import pytest

from annotations import Store

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

ROOT = Path(__file__).resolve().parent.parent


def test_the_lenient_decoder_replaces_bad_bytes_and_keeps_split_characters() -> None:
    from tui.terminal_input import lenient_incremental_decoder  # here: the rest runs on main

    decode = lenient_incremental_decoder("utf-8")().decode
    assert decode(b"caf\xe9 \xff") == "caf\ufffd \ufffd"
    é = "é".encode()
    assert decode(é[:1]) == "" and decode(é[1:]) == "é"  # a character split between reads
    with pytest.raises(UnicodeDecodeError):
        codecs.getincrementaldecoder("utf-8")().decode(b"\xff")  # what Textual does alone


def drain(descriptor: int, seconds: float) -> bool:
    """Read what the app draws for `seconds`; False once the app has gone."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([descriptor], [], [], 0.05)
        if ready:
            try:
                if not os.read(descriptor, 65536):
                    return False
            except OSError:
                return False
    return True


def test_a_paste_of_invalid_utf8_keeps_the_reader_and_the_memo(tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    document.write_text("Russia keeps the state. Iran keeps the people.\n", encoding="utf-8")
    store_path = tmp_path / "store.json"
    child, terminal = pty.fork()
    if child == 0:  # the reader, in a terminal of its own
        os.environ.update({"TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none"})
        os.chdir(ROOT)
        arguments = ["--db", str(store_path), "--analyst", "ana", str(document)]
        os.execv(sys.executable, [sys.executable, "-m", "tui.cli", *arguments])
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    try:
        assert drain(terminal, 5)
        os.write(terminal, b"m")
        assert drain(terminal, 2)
        os.write(terminal, b"ok \x1b[200~bad \xff\xfe bytes\x1b[201~")  # a bracketed paste
        assert drain(terminal, 2), "the reader exited on the paste"
        os.write(terminal, b"\x13")  # ctrl+s saves the memo
        assert drain(terminal, 2)
        os.write(terminal, b"q")
        drain(terminal, 5)
    finally:
        _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with Store(store_path, read_only=True) as store:
        (annotation,) = store.annotations()
    assert annotation.memo == "ok bad \ufffd\ufffd bytes"

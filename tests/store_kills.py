"""A child process that SIGKILLs itself at one numbered sync or rename, for the crash tests.

A child script is `KILL_AT_CALL` followed by its own lines: its `sys.argv[3]` is the call
to die at (0: never), `sys.argv[4]` whether "before" or "after" it; `count_calls` wraps
the `os` functions to count, and `calls` holds how many were made.
"""

from __future__ import annotations

import signal
import subprocess
import sys

KILL_AT_CALL = r"""
import os, signal, sys

point, when = int(sys.argv[3]), sys.argv[4]
calls = 0


def counted(real):
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == point and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if calls == point and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return call


def count_calls(*names):
    for name in names:
        setattr(os, name, counted(getattr(os, name)))
"""


def run_killed(script: str, first: str, second: str, point: int, when: str) -> list[str]:
    """Run `KILL_AT_CALL + script` with its two arguments; its output's lines. It must
    die by SIGKILL when `point` is set, and exit cleanly when it is 0."""
    child = subprocess.run(
        [sys.executable, "-c", KILL_AT_CALL + script, first, second, str(point), when],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if point:
        assert child.returncode == -signal.SIGKILL, child.stderr
    else:
        assert child.returncode == 0, child.stderr
    return child.stdout.split("\n")

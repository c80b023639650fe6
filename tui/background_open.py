"""Opening large files in a thread, with the loading screen only when it takes a while.

A book of a few megabytes that the store knows opens in some 15 ms (read, hashed and
decoded once: `annotations.library`). Putting a loading screen up for it and taking it
down again cost as much again before the reader's first words, and flashed. So the app
starts the open in a thread and waits for it a moment (`BackgroundOpen.wait`), the event
loop paused: done by then, the reader is shown at once; not done, the loading screen
goes up and the reader follows when the thread is done (`then`).

Not a Textual worker: a thread worker starts from the event loop, which is paused while
we wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")


class BackgroundOpen(Generic[Result]):
    """`work()` run in a thread of its own; its result or the exception it raised."""

    def __init__(self, work: Callable[[], Result]) -> None:
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._then: Callable[[], None] | None = None
        self._result: Result | None = None
        self._error: BaseException | None = None
        thread = threading.Thread(target=self._run, args=(work,), name="gloss-open", daemon=True)
        thread.start()

    def _run(self, work: Callable[[], Result]) -> None:
        try:
            self._result = work()
        except BaseException as error:  # handed to the main thread, raised there
            self._error = error
        with self._lock:
            self._done.set()
            then = self._then
        if then is not None:
            then()

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for the work to end; whether it has."""
        return self._done.wait(seconds)

    def then(self, in_thread: Callable[[], None], now: Callable[[], None]) -> None:
        """When the work ends: `in_thread()` is called in its thread; if it has ended
        already, `now()` is called here instead."""
        with self._lock:
            if not self._done.is_set():
                self._then = in_thread
                return
        now()

    def result(self) -> Result:
        """What the work returned; what it raised is raised here. Only once it ended."""
        assert self._done.is_set()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]

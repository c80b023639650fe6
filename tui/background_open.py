"""Opening large files in a thread, with the loading screen only when it takes a while.

A book of a few megabytes that the store knows opens in some 15 ms (read, hashed and
decoded once: `annotations.library`). Putting a loading screen up for it and taking it
down again cost as much again before the reader's first words, and flashed. So the app
starts the open in a thread and, if it has not ended a moment later (a timer), puts the
loading screen up; the reader follows when the thread is done (`then`). The event loop
is not paused meanwhile: Textual's own start-up runs beside the thread.

Not a Textual worker: a thread worker starts only once the event loop gets to it, and
this one is started as early as the app mounts.
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

    @property
    def ended(self) -> bool:
        """Whether the work has ended (its result may not have been taken yet)."""
        return self._done.is_set()

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

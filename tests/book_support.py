"""For tests on a book-length document: waiting for the reader it loads in the background."""

from __future__ import annotations

import asyncio

from tui.screens.reader import ReaderScreen


async def open_reader(pilot) -> ReaderScreen:
    """The reader, once a large file has loaded (in a thread, behind a loading screen)."""
    for _ in range(400):
        if isinstance(pilot.app.screen, ReaderScreen):
            break
        await asyncio.sleep(0.025)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReaderScreen)
    return screen

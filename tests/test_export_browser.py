"""The HTML export in a real browser: headless chromium renders it to a PNG that is not blank.

Skipped, saying why, only where no chromium is installed (`.ci/run` installs Debian's).
The highlight colours show only if the page's Content-Security-Policy admits its own
stylesheet, so this also proves the policy's hash is right.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_export_support import bundled_scope

from annotations import Codebook
from annotations.export import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BACKGROUND = (0xFC, 0xFC, 0xFA)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)


def screenshot(page: Path, folder: Path) -> Path:
    png = folder / "page.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            # Colours as written, whatever the machine's display profile.
            "--force-color-profile=srgb",
            f"--user-data-dir={folder / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1200,900",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=90,
    )
    return png


def blend(colour: str, alpha: int, background: tuple[int, int, int]) -> tuple[int, ...]:
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return tuple(round(b + (c - b) * alpha / 255) for c, b in zip(rgb, background, strict=True))


def test_html_export_renders_with_text_and_highlights(tmp_path: Path) -> None:
    from PIL import Image

    scope = bundled_scope()
    page = tmp_path / "notes.html"
    page.write_bytes(render("html", scope))
    image = Image.open(screenshot(page, tmp_path)).convert("RGB")
    assert image.size == (1200, 900)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None
    by_count = sorted(colours, reverse=True)
    # Not blank: the page background is the commonest colour, but far from the only one.
    assert by_count[0][1] == BACKGROUND
    assert len(colours) > 200
    ink = sum(count for count, rgb in colours if max(rgb) < 100)
    assert ink > 5_000  # dark text pixels
    # A Russia highlight (the codebook's colour at alpha 0x4d over the background).
    russia = blend(Codebook.default().color("actor/russia"), 0x4D, BACKGROUND)
    near = sum(
        count
        for count, rgb in colours
        if all(abs(a - b) <= 3 for a, b in zip(rgb, russia, strict=True))
    )
    assert near > 500, f"no highlight in the Russia colour {russia}"

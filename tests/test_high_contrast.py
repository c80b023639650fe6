"""The high-contrast theme: named in config.toml ([theme] name = "gloss-high-contrast"),
`gloss config check` takes it, the reader opens in it, and what it draws reads: every
annotated span's text at least 4.5:1 against its tint, the cursor's at least 7:1 (WCAG
2.1, AA and AAA)."""

from __future__ import annotations

from pathlib import Path

from rich.color import Color
from test_colour_modes import CODED, coded_app

from tui.app import GlossApp
from tui.cli import main
from tui.widgets.reading_pane import ReadingPane

SIZE = (120, 40)
THEME = "gloss-high-contrast"


def settings_with_theme(tmp_path: Path) -> Path:
    folder = tmp_path / "xdg-config" / "gloss"  # conftest's XDG_CONFIG_HOME
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(f'[theme]\nname = "{THEME}"\n', encoding="utf-8")
    return path


def test_config_check_takes_the_high_contrast_theme(tmp_path: Path, capsys) -> None:
    settings_with_theme(tmp_path)
    assert main(["config", "check"]) == 0
    assert main(["config"]) == 0
    assert f"theme: {THEME} (config.toml)" in capsys.readouterr().out


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: Color, second: Color) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_text_reads(app: GlossApp) -> None:
    """Every tinted span's text at least 4.5:1 against its tint, the cursor's 7:1."""
    pane = app.screen.query_one(ReadingPane)
    tinted = cursor = 0
    for y in range(pane.size.height):
        for segment in pane.render_line(y):
            style = segment.style
            if not segment.text.strip() or style is None or style.bgcolor is None:
                continue
            if style.bgcolor.get_truecolor() == (0, 0, 0):
                continue  # plain text on the theme's black
            ratio = contrast(style.color, style.bgcolor)
            if style.bold and not style.underline and len(segment.text) > 20:
                cursor += 1
                assert ratio >= 7.0, (segment.text, ratio)
            elif len(segment.text) > 1:  # text, not a one-cell marker chip
                tinted += 1
                assert ratio >= 4.5, (segment.text, ratio)
    assert cursor and tinted >= len(CODED)


async def test_the_reader_opens_in_the_theme_and_its_text_reads(
    tmp_path: Path, store_path: Path
) -> None:
    settings_with_theme(tmp_path)
    app: GlossApp = coded_app(store_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")  # the cursor on an annotated sentence
        await pilot.pause()
        assert app.theme == THEME
        assert_text_reads(app)


async def test_the_theme_chosen_while_reading_reads_too(store_path: Path) -> None:
    app: GlossApp = coded_app(store_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        app.theme = THEME  # as the palette's "Change theme" sets it
        await pilot.pause()
        assert_text_reads(app)


def test_high_contrast_reader(snap_compare, tmp_path: Path, store_path: Path) -> None:
    settings_with_theme(tmp_path)
    assert snap_compare(coded_app(store_path), press=["j", "j"], terminal_size=SIZE)

"""Not by colour alone: every code's marker in the reading pane's gutter and on its chips in
the panel, overlapping annotations apart, and the reader under NO_COLOR and on a
16-colour terminal (snapshots, each checked to show every code's marker).

Review snapshot changes with `pytest --snapshot-report` before `--snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.color import ColorSystem, ColorType
from rich.segment import Segment
from rich.style import Style
from textual import constants
from textual.color import Color as TextualColor
from textual.filter import LineFilter

from annotations import Codebook, Document, Store
from tui.app import GlossApp
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.code_marks import chip_style
from tui.widgets.reading_pane import ReadingPane

CODEBOOK = Codebook.default()
# Sentence index → tags: every default code once, and two annotations that overlap (the
# whole of paragraph 5 and its second sentence).
CODED = {
    2: ["actor/russia", "interest/military", "relation/divergence"],
    6: ["actor/iran", "interest/institutions", "interest/society"],
    7: ["interest/diplomacy", "interest/economy"],
    8: ["interest/access", "interest/leverage"],
}


def coded_app(store_path: Path, app_class: type[GlossApp] = GlossApp) -> GlossApp:
    document = Document.bundled()
    sentences = document.sentences
    with Store(store_path) as store:
        store.add_document(document)
        for index, tags in CODED.items():
            s = sentences[index]
            store.annotate(document.id, s.start, s.end, tags=tags, analyst="ana")
        paragraph = document.paragraphs[4]
        store.annotate(
            document.id,
            paragraph.start,
            paragraph.end,
            tags=["actor/both", "relation/convergence"],
            analyst="bo",
        )
        second = sentences[5]
        store.annotate(document.id, second.start, second.end, tags=["actor/iran"], analyst="ana")
    return app_class(db=store_path, analyst="ana")


def shown_lines(widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


def gutter_at(app: GlossApp, offset: int) -> str:
    """What the reading pane shows left of the text on the line showing `offset`."""
    pane = app.screen.query_one(ReadingPane)
    lines = shown_lines(pane)
    text_column = lines[0].index("Logo Wide")  # the first paragraph, on the first line
    return lines[pane.line_of(offset) - pane.top_line][:text_column]


def assert_every_marker_shown(app: GlossApp) -> None:
    """The first and the last line of each annotation show its codes' markers in the
    gutter."""
    document = Document.bundled()
    for index, tags in CODED.items():
        sentence = document.sentences[index]
        markers = "".join(CODEBOOK.marker(tag) for tag in tags)
        for offset in (sentence.start, sentence.end - 1):
            assert markers in gutter_at(app, offset), tags
    # Where paragraph 5's second sentence starts, two annotations lie: both groups of
    # markers, a space apart, in the order they start.
    assert "XC I" in gutter_at(app, document.sentences[5].start)


async def test_the_gutter_and_the_panel_show_every_codes_marker(store_path: Path) -> None:
    app = coded_app(store_path)
    # Wide enough for the panel to show every chip of an annotation on its line.
    async with app.run_test(size=(240, 50)) as pilot:
        await pilot.pause()
        assert_every_marker_shown(app)
        panel = "\n".join(shown_lines(app.screen.query_one(AnnotationPanel)))
        for code in CODEBOOK.codes:
            assert f" {CODEBOOK.marker(code.id)} {code.label} " in panel, code.id


async def test_a_new_tag_shows_its_marker_at_once(store_path: Path) -> None:
    app = coded_app(store_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("g", "5")  # the first sentence: economy
        await pilot.pause()
        assert gutter_at(app, 0).split() == ["1", "5"]


# -- NO_COLOR and 16 colours -------------------------------------------------------------


class SixteenColours(LineFilter):
    """What a 16-colour terminal receives: Rich downgrades every colour on output."""

    def apply(self, segments: list[Segment], background: TextualColor) -> list[Segment]:
        shown = []
        for text, style, control in segments:
            if style is not None and (style.color or style.bgcolor):
                style += Style(
                    color=style.color.downgrade(ColorSystem.STANDARD) if style.color else None,
                    bgcolor=(
                        style.bgcolor.downgrade(ColorSystem.STANDARD) if style.bgcolor else None
                    ),
                )
            shown.append(Segment(text, style, control))
        return shown


class SixteenColourApp(GlossApp):
    CSS_PATH = GlossApp.CSS_PATHS

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), SixteenColours()]


def checking_markers(*keys: str):
    async def run_before(pilot) -> None:
        await pilot.press(*keys)
        await pilot.pause()
        assert_every_marker_shown(pilot.app)

    return run_before


def test_no_color_reader(snap_compare, store_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = coded_app(store_path)
    assert app.no_color
    assert snap_compare(app, run_before=checking_markers("j", "j"), terminal_size=(120, 40))


def test_sixteen_colour_reader(snap_compare, store_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "standard")
    app = coded_app(store_path, SixteenColourApp)
    assert snap_compare(app, run_before=checking_markers("j", "j"), terminal_size=(120, 40))


def test_a_chip_on_sixteen_colours_has_the_text_that_reads_on_the_terminals_colour() -> None:
    # Russia's orange is the terminal's yellow there: black reads on it, white does not.
    russia = chip_style(CODEBOOK.color("actor/russia"), "standard")
    assert russia.bgcolor is not None and russia.bgcolor.number == 3
    assert russia.color is not None and russia.color.number == 0
    for code in CODEBOOK.codes:
        style = chip_style(code.color, "standard")
        assert style.bgcolor is not None and style.bgcolor.type == ColorType.STANDARD
        assert style.color is not None and style.color.number in (0, 15)


@pytest.mark.parametrize("colour_system", ["truecolor", "256"])
def test_a_chip_in_more_colours_keeps_the_codebooks_colour(colour_system: str) -> None:
    style = chip_style("#da6800", colour_system)
    assert style.bgcolor is not None and style.bgcolor.triplet is not None
    assert style.bgcolor.triplet.hex == "#da6800"

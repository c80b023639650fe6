"""The annotation panel as an analyst reads it: every tag of an entry shown whole, however
narrow the panel; quotes on up to two lines; the width changed with - and + and kept for
the analyst across runs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, set_cell_size

from annotations import Document, Store
from annotations.codebook import Codebook
from annotations.document import Span
from annotations.text_units import display_line
from tui.app import GlossApp
from tui.layout import wrap_paragraph
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.panel_entry import quote_row_count, quote_rows

SIZE = (140, 40)
ALL_INTERESTS = [code.id for code in Codebook.default().codes if code.id.startswith("interest/")]


def panel_lines(app: GlossApp) -> list[str]:
    panel = app.screen.query_one(AnnotationPanel)
    return [panel.render_line(y).text.rstrip() for y in range(panel.size.height)]


def seeded_store(path: Path, tags: list[str]) -> Document:
    document = Document.bundled()
    with Store(path) as store:
        store.add_document(document)
        at = document.text.index("Over the past four years")
        sentence = document.sentence_at(at)
        store.annotate(
            document.id, sentence.start, sentence.end, tags=tags, analyst="ana", confidence="high"
        )
    return document


async def test_every_tag_is_shown_whole_in_a_narrow_panel(store_path: Path) -> None:
    tags = ["actor/both", *ALL_INTERESTS, "relation/convergence"]
    seeded_store(store_path, tags)
    codebook = Codebook.default()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(10):  # as narrow as it goes
            await pilot.press("minus")
        await pilot.pause()
        lines = panel_lines(app)
        shown = "\n".join(lines)
        for tag in tags:
            code = codebook.code(tag)
            assert f"{codebook.marker(tag)} {code.label}" in shown, code.label
        assert "ana · high" in shown
        panel = app.screen.query_one(AnnotationPanel)
        assert all(len(line) <= panel.content_width for line in lines)


async def test_a_long_quote_takes_two_lines_ending_in_an_ellipsis(store_path: Path) -> None:
    seeded_store(store_path, ["actor/both"])
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = panel_lines(app)
        first = next(i for i, line in enumerate(lines) if "“Over the past" in line)
        assert lines[first + 1].strip().endswith("…”")
        assert "Over the past four years, Russia" in " ".join(lines[first : first + 2])
        assert lines[first + 2].strip() == ""  # the blank line between entries


async def test_the_panel_width_changes_from_the_keyboard_and_is_kept_per_analyst(
    store_path: Path,
) -> None:
    seeded_store(store_path, ["actor/both"])
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.screen.query_one(AnnotationPanel)
        before = panel.outer_size.width
        await pilot.press("minus", "minus")
        await pilot.pause()
        narrower = panel.outer_size.width
        assert narrower == before - 8
        await pilot.press("plus")
        await pilot.pause()
        assert panel.outer_size.width == narrower + 4
        chosen = panel.outer_size.width
    again = GlossApp(db=store_path, analyst="ana")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.screen.query_one(AnnotationPanel).outer_size.width == chosen
    other = GlossApp(db=store_path, analyst="ben")
    async with other.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(other.screen, ReaderScreen)
        assert other.screen.query_one(AnnotationPanel).outer_size.width == before


async def test_of_two_entries_alike_only_the_one_under_the_cursor_is_highlighted(
    store_path: Path,
) -> None:
    # Their chip rows and blank rows are the same text: the highlight must still be drawn
    # on the cursor's entry's rows only, and move with the cursor.
    document = Document.bundled()
    with Store(store_path) as store:
        store.add_document(document)
        first, second = document.sentences[2], document.sentences[3]
        for sentence in (first, second):
            store.annotate(
                document.id, sentence.start, sentence.end, tags=["actor/iran"], analyst="ana"
            )
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        panel = reader.query_one(AnnotationPanel)

        def chip_row_backgrounds() -> list[object]:
            strips = [panel.render_line(y) for y in range(panel.size.height)]
            rows = [s for s in strips if "ana" in s.text]
            assert len(rows) == 2
            return [list(row)[-2].style.bgcolor for row in rows]  # the padding

        for sentence, highlighted in ((first, 0), (second, 1)):
            reader.select_span(sentence.start, sentence.end)
            await pilot.pause()
            backgrounds = chip_row_backgrounds()
            assert backgrounds[highlighted] != backgrounds[1 - highlighted]
        reader.select_span(document.sentences[6].start, document.sentences[6].end)
        await pilot.pause()
        assert len(set(map(str, chip_row_backgrounds()))) == 1


def test_a_quote_one_cell_too_long_wraps_its_last_word_with_the_closing_mark() -> None:
    quote = "Neither ever trusted the other for long."  # 42 cells with its marks
    rows = [row[0].text for row in quote_rows(quote, 41)]
    assert rows == ["“Neither ever trusted the other for", "long.”"]
    rows = [row[0].text for row in quote_rows(quote * 3, 41)]
    assert len(rows) == 2 and rows[1].endswith("…”") and len(rows[1]) <= 41


def _rows_of_the_whole_quote(quote: str, width: int) -> list[str]:
    """The two rows of a long quote as drawn by wrapping all of it: what `quote_rows`
    must show, however little of a long quote it wraps or measures."""
    text = " ".join(quote.split())
    marked = f"“{text}”"
    lines = wrap_paragraph(marked, Span(0, len(marked)), width)
    first = marked[slice(*lines[0])].rstrip()
    if len(lines) == 2:
        return [first, marked[slice(*lines[1])].strip()]
    rest = marked[lines[1][0] : -1].strip()
    if cell_len(rest) > width - 1:
        cut = set_cell_size(rest, width - 2).rstrip()
        space = cut.rfind(" ")
        rest = (cut[:space].rstrip() if space > len(cut) // 2 else cut) + "…"
    return [first, rest + "”"]


_QUOTE_WORDS = st.sampled_from(
    [
        "Moscow",
        "Tehran’s",
        "“shadow",
        "regime”",
        "–",
        "a",
        "institutions,",
        "Москва",
        "تهران",
        "俄罗斯和伊朗",
        "e\u0301",
        "👩\u200d👩\u200d👧",
        "x" * 70,
    ]
)


@settings(max_examples=300, deadline=None)
# Characters of several code points a cell or two wide: a long start of few cells.
@example(words=["e" + "\u0301" * 9] * 60, width=20)
@example(words=["Moscow", "Tehran", "and", "Damascus"] + ["e" + "\u0301" * 9] * 60, width=20)
@given(words=st.lists(_QUOTE_WORDS, min_size=1, max_size=120), width=st.integers(12, 90))
def test_a_long_quote_shows_the_rows_wrapping_all_of_it_would(words: list[str], width: int) -> None:
    quote = " ".join(words)
    if quote_row_count(quote, width) == 1:
        return
    assert [row[0].text for row in quote_rows(quote, width)] == [
        display_line(row) for row in _rows_of_the_whole_quote(quote, width)
    ]

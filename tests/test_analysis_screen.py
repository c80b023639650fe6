"""The analysis screen (`a`): the counts it shows, drilling down to the quotes, going back
to the reader with a quote selected, and the panel filter it honours."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, OptionList, Static

from annotations import Codebook, Document, Store
from annotations.analysis import actor_interest_matrix, relation_matrix
from tui.app import GlossApp
from tui.screens.analysis import AnalysisScreen, PositionStrip, QuotesScreen, TagBars
from tui.screens.reader import ReaderScreen

SIZE = (120, 40)


@pytest.fixture
def seeded(store_path: Path) -> Document:
    """Russia/military twice (one with a memo), Iran/society, Russia/diplomacy with
    divergence by another analyst, and an untagged memo."""
    document = Document.bundled()
    s = document.sentences
    with Store(store_path) as store:
        store.add_document(document)
        for sentence, tags, memo, analyst in (
            (s[2], ["actor/russia", "interest/military"], "Air cover", "ana"),
            (s[5], ["actor/russia", "interest/military"], "", "ana"),
            (s[4], ["actor/iran", "interest/society"], "", "ana"),
            (s[8], ["actor/russia", "interest/diplomacy", "relation/divergence"], "Veto", "bo"),
            (s[9], [], "No tags, a memo", "ana"),
        ):
            store.annotate(
                document.id, sentence.start, sentence.end, tags=tags, memo=memo, analyst=analyst
            )
    return document


def shown(widget: Static) -> str:
    return str(widget.render())


def cell_text(table: DataTable, row: int, column: int) -> str:
    return str(table.get_cell_at(Coordinate(row, column)))


async def open_analysis(pilot) -> AnalysisScreen:
    await pilot.press("a")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, AnalysisScreen)
    return screen


async def test_the_table_shows_the_matrix_and_the_relations(store_path: Path, seeded) -> None:
    codebook = Codebook.default()
    with Store(store_path, read_only=True) as store:
        annotations = store.annotations(seeded.id)
    matrix = actor_interest_matrix(annotations, codebook)
    relations = relation_matrix(annotations, codebook)
    assert relations is not None
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_analysis(pilot)
        table = screen.query_one("#analysis-matrix", DataTable)
        actors, interests = matrix.rows, matrix.columns
        assert [str(column.label) for column in table.columns.values()] == [
            *(a.label for a in actors),
            "all",
            "convergence",
            "divergence",
        ]
        assert table.row_count == len(interests)
        for y, interest in enumerate(interests):
            for x, actor in enumerate(actors):
                expected = matrix.count(actor.id, interest.id)
                assert cell_text(table, y, x) == (str(expected) if expected else "·")
        military = [i.id for i in interests].index("interest/military")
        diplomacy = [i.id for i in interests].index("interest/diplomacy")
        assert cell_text(table, military, 0) == "2"  # Russia × military
        assert cell_text(table, military, len(actors)) == "2"  # military, any actor
        assert cell_text(table, diplomacy, len(actors) + 2) == "1"  # diplomacy × divergence
        assert "5 annotations" in shown(screen.query_one("#analysis-scope", Static))
        assert "by ana 4, bo 1" in shown(screen.query_one("#analysis-scope", Static))


async def test_tag_bars_and_positions_are_drawn(store_path: Path, seeded) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_analysis(pilot)
        bars = str(screen.query_one(TagBars).render()).splitlines()
        russia = next(line for line in bars if line.startswith("Russia"))
        iran = next(line for line in bars if line.startswith("Iran"))
        assert russia.rstrip().endswith("3") and iran.rstrip().endswith("1")
        assert russia.count("█") > iran.count("█") > 0  # three against one
        economy = next(line for line in bars if line.startswith("economy"))
        assert "█" not in economy and economy.rstrip().endswith("0")
        strip = str(screen.query_one(PositionStrip).render()).splitlines()
        assert len(strip) == 3
        # Every annotation is early in the article: the first quarter holds every bar.
        bottom = strip[1]
        quarter = len(bottom) // 4
        assert bottom[:quarter].strip() and not bottom[quarter:].strip()
        assert strip[2].startswith("¶ 1") and strip[2].rstrip().endswith(
            f"¶ {len(seeded.paragraphs)}"
        )


async def test_a_cell_drills_down_to_its_quotes_and_enter_selects_one(
    store_path: Path, seeded
) -> None:
    s = seeded.sentences
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await open_analysis(pilot)  # the cursor starts on military × Russia
        await pilot.press("enter")
        await pilot.pause()
        quotes = app.screen
        assert isinstance(quotes, QuotesScreen)
        assert [(a.start, a.end) for a in quotes.quotes] == [
            (s[2].start, s[2].end),
            (s[5].start, s[5].end),
        ]
        listing = quotes.query_one(OptionList)
        first = str(listing.get_option_at_index(0).prompt)
        assert "Air cover" in first and seeded.text[s[2].start : s[2].start + 20] in first
        await pilot.press("j", "enter")  # the second quote
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.selection == (s[5].start, s[5].end)
        assert reader.pane.has_focus
        await pilot.press("1")  # a tag key acts on exactly that span
        changed = next(a for a in reader.annotations if a.start == s[5].start)
        assert changed.tags == ("actor/russia",)


async def test_arrow_keys_move_between_cells(store_path: Path, seeded) -> None:
    s = seeded.sentences
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await open_analysis(pilot)
        # society is the third interest, Iran the second actor.
        await pilot.press("down", "down", "right", "enter")
        await pilot.pause()
        quotes = app.screen
        assert isinstance(quotes, QuotesScreen)
        assert [(a.start, a.end) for a in quotes.quotes] == [(s[4].start, s[4].end)]
        await pilot.press("escape")  # back to the table, the cursor where it was
        await pilot.pause()
        assert isinstance(app.screen, AnalysisScreen)
        assert app.screen.query_one("#analysis-matrix", DataTable).cursor_coordinate == Coordinate(
            2, 1
        )
        await pilot.press("l", "l", "l", "l", "j", "enter")  # h/j/k/l too: divergence × diplomacy
        await pilot.pause()
        assert isinstance(app.screen, QuotesScreen)
        assert [a.memo for a in app.screen.quotes] == ["Veto"]


async def test_an_empty_cell_says_so_and_escape_returns_to_the_reader(
    store_path: Path, seeded
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        before = reader.selection
        screen = await open_analysis(pilot)
        await pilot.press("down", "enter")  # state institutions × Russia: nothing
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is reader
        assert reader.selection == before


async def test_the_panel_filter_narrows_the_analysis_and_it_says_so(
    store_path: Path, seeded
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", *"@bo", "enter")
        await pilot.pause()
        screen = await open_analysis(pilot)
        scope = shown(screen.query_one("#analysis-scope", Static))
        assert "1 annotation " in scope and "filter" in scope and "@bo" in scope
        table = screen.query_one("#analysis-matrix", DataTable)
        assert cell_text(table, 0, 0) == "·"  # ana's Russia × military is filtered out
        assert [a.analyst for a in screen.annotations] == ["bo"]


def write_codebook(
    path: Path, groups: list[tuple[str, str]], codes: list[tuple[str, str, str]]
) -> Path:
    lines = ['name = "Custom"']
    for group_id, label in groups:
        lines += ["[[groups]]", f'id = "{group_id}"', f'label = "{label}"', "exclusive = false"]
    for code_id, label, key in codes:
        lines += [
            "[[codes]]",
            f'id = "{code_id}"',
            f'label = "{label}"',
            f'key = "{key}"',
            'color = "#36c"',  # the short form a codebook may use
            'description = ""',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_a_custom_codebook_crosses_its_first_two_groups(tmp_path: Path) -> None:
    codebook = write_codebook(
        tmp_path / "codebook.toml",
        [("topic", "Topic"), ("stance", "Stance")],
        [("topic/oil", "oil", "1"), ("topic/arms", "arms", "2"), ("stance/pro", "pro", "3")],
    )
    app = GlossApp(db=tmp_path / "s.json", analyst="ana", codebook=codebook)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "1", "3")
        screen = await open_analysis(pilot)
        title = shown(screen.query(".analysis-title").first(Static))
        assert title.startswith("Stance × Topic —")
        table = screen.query_one("#analysis-matrix", DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["oil", "arms", "all"]
        assert cell_text(table, 0, 0) == "1"


async def test_a_codebook_of_one_group_has_no_table_but_the_rest(tmp_path: Path) -> None:
    codebook = write_codebook(
        tmp_path / "codebook.toml", [("topic", "Topic")], [("topic/oil", "oil", "1")]
    )
    app = GlossApp(db=tmp_path / "s.json", analyst="ana", codebook=codebook)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        screen = await open_analysis(pilot)
        assert not screen.query("#analysis-matrix")
        assert "no two groups" in shown(screen.query_one("#analysis-no-table", Static))
        assert "oil" in str(screen.query_one(TagBars).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)


async def test_a_persian_quote_is_listed_in_display_order(tmp_path: Path) -> None:
    from annotations.text_units import display_line

    multilingual = Path(__file__).parent / "data" / "documents" / "multilingual.txt"
    app = GlossApp(paths=[multilingual], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"منافع روسیه", "enter")
        await pilot.pause()
        await pilot.press("r", "2")
        await open_analysis(pilot)
        await pilot.press("down", "enter")  # state institutions × Russia
        await pilot.pause()
        quotes = app.screen
        assert isinstance(quotes, QuotesScreen)
        prompt = str(quotes.query_one(OptionList).get_option_at_index(0).prompt)
        quote_line = prompt.splitlines()[1]
        assert quote_line.strip() == display_line("“منافع روسیه”")
        assert quote_line.startswith(" ")  # a right-to-left line is set flush right


async def test_a_long_list_of_quotes_fills_as_the_highlight_goes_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QuotesScreen, "BATCH", 3)
    document = Document.bundled()
    sentences = document.sentences[2:12]
    store_path = tmp_path / "s.json"
    with Store(store_path) as store:
        store.add_document(document)
        for s in sentences:
            store.annotate(document.id, s.start, s.end, tags=["actor/iran", "interest/economy"])
    app = GlossApp(db=store_path, analyst="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_analysis(pilot)
        await pilot.press("down", "down", "down", "down", "right", "enter")  # economy × Iran
        await pilot.pause()
        quotes = app.screen
        assert isinstance(quotes, QuotesScreen)
        listing = quotes.query_one(OptionList)
        assert len(quotes.quotes) == 10 and listing.option_count < 10  # not all at once
        for _ in range(10):
            await pilot.press("end")
        assert listing.option_count == 10
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.selection == (sentences[-1].start, sentences[-1].end)


async def test_in_a_short_terminal_shift_tab_then_the_arrows_scroll_the_rest_into_view(
    store_path: Path, seeded
) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=(80, 16)) as pilot:
        screen = await open_analysis(pilot)
        body = screen.query_one("#analysis-body")
        assert screen.query_one("#analysis-matrix", DataTable).has_focus
        assert body.max_scroll_y > 0
        await pilot.press("shift+tab", "end")  # the body is just before the table
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y

"""The analysis screen across documents: scope (this document, marked, the whole store),
the code query, following new tagging, co-occurrence and attribute matrices with their
quotes, agreement beside the matrix and the sentences analysts disagree on."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, OptionList, Static

from annotations import Codebook, Document, Store
from annotations.agreement import agreement
from annotations.attributes import set_attributes
from annotations.disagreements import disagreements
from tui.app import GlossApp
from tui.screens.analysis import AnalysisScreen, QuotesScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen

SIZE = (140, 50)

TEXTS = (
    "Alliances in Syria\n\nIran wants the supply route open. Russia wants the ports.\n",
    "Outlet B\n\nIran's militias moved in. Moscow pressed for talks in Geneva.\n",
    "Ports\n\nRussia keeps Tartous. Iran builds shrines.\n",
)
ATTRIBUTES = (
    {"outlet": "Observer", "date": "2015-10-02"},
    {"outlet": "Monitor", "date": "2016-05-11"},
    {"outlet": "Observer", "date": "2016-01-20"},
)


def span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


@pytest.fixture
def three(store_path: Path) -> list[Document]:
    documents = [Document.from_text(t, title=t.split("\n")[0]) for t in TEXTS]
    first, second, third = TEXTS
    with Store(store_path) as store:
        for document, attributes in zip(documents, ATTRIBUTES, strict=True):
            store.add_document(document)
            set_attributes(store, document.id, attributes)
        a, b, c = (d.id for d in documents)
        iran = span(first, "Iran wants the supply route open.")
        store.annotate(a, *iran, tags=["actor/iran", "interest/access"], analyst="ana")
        store.annotate(a, *iran, tags=["actor/iran", "interest/society"], analyst="bo")
        russia = span(first, "Russia wants the ports.")
        store.annotate(a, *russia, tags=["actor/russia", "interest/access"], analyst="ana")
        store.annotate(
            b, *span(second, "Iran's militias moved in."), tags=["actor/iran", "interest/military"]
        )
        store.annotate(
            c, *span(third, "Russia keeps Tartous."), tags=["actor/russia", "interest/access"]
        )
    return documents


def shown(widget: Static) -> str:
    return str(widget.render())


def cell(table: DataTable, row: int, column: int) -> str:
    return str(table.get_cell_at(Coordinate(row, column)))


def column_of(table: DataTable, label: str) -> int:
    return [str(c.label) for c in table.columns.values()].index(label)


def row_of(table: DataTable, label: str) -> int:
    return [str(r.label) for r in table.rows.values()].index(label)


async def reader_analysis(pilot) -> AnalysisScreen:
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, AnalysisScreen)
    return pilot.app.screen


def reader_app(store_path: Path, tmp_path: Path) -> GlossApp:
    path = tmp_path / "first.txt"
    path.write_text(TEXTS[0], encoding="utf-8")
    return GlossApp([path], db=store_path, analyst="ana")


async def test_s_goes_from_this_document_to_the_whole_store(
    store_path: Path, tmp_path: Path, three
) -> None:
    async with reader_app(store_path, tmp_path).run_test(size=SIZE) as pilot:
        screen = await reader_analysis(pilot)
        heading = shown(screen.query_one("#analysis-heading", Static))
        assert "“Alliances in Syria”" in heading
        assert "3 annotations" in shown(screen.query_one("#analysis-scope", Static))
        await pilot.press("s")
        await pilot.pause()
        assert "the whole store (3 documents)" in shown(screen.query_one("#analysis-heading"))
        assert "5 annotations" in shown(screen.query_one("#analysis-scope", Static))
        table = screen.query_one("#analysis-matrix", DataTable)
        access = row_of(table, "geostrategic access")
        assert cell(table, access, column_of(table, "Russia")) == "2"


async def test_the_library_marks_documents_and_analyses_them(store_path: Path, three) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        library = app.screen
        assert isinstance(library, LibraryScreen)
        await pilot.pause()
        order = library.shown_ids
        await pilot.press("space", "j", "space")  # the second row is skipped by j
        await pilot.pause()
        table = library.query_one(DataTable)
        titles = [str(table.get_row(document_id)[0]) for document_id in order]
        assert [title.startswith("■ ") for title in titles] == [True, False, True]
        assert "2 marked (■)" in shown(library.query_one("#library-heading", Static))
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        assert "2 documents" in shown(screen.query_one("#analysis-heading", Static))
        marked = {order[0], order[2]}
        expected = sum(
            1 for d in three if d.id in marked for _ in Store(store_path).annotations(d.id)
        )
        assert f"{expected} annotations" in shown(screen.query_one("#analysis-scope", Static))
        await pilot.press("s")  # then the whole store
        await pilot.pause()
        assert "the whole store" in shown(screen.query_one("#analysis-heading", Static))


async def test_a_query_narrows_the_analysis_and_a_bad_one_says_where(
    store_path: Path, tmp_path: Path, three
) -> None:
    async with reader_app(store_path, tmp_path).run_test(size=SIZE) as pilot:
        screen = await reader_analysis(pilot)
        await pilot.press("s", "slash", *"iran & !@bo", "enter")
        await pilot.pause()
        scope = shown(screen.query_one("#analysis-scope", Static))
        assert "2 annotations" in scope and "matching iran & !@bo" in scope
        assert {a.analyst for a in screen.annotations} == {"ana", ""}  # "": no analyst named
        assert screen.query_one("#analysis-matrix", DataTable).has_focus
        await pilot.press("slash", "ctrl+a", *"iran & (", "enter")
        await pilot.pause()
        scope = shown(screen.query_one("#analysis-scope", Static))
        assert "bad query at character 8" in scope
        assert "2 annotations" in scope  # the last good query stands


async def test_the_screen_follows_tagging_saved_meanwhile(
    store_path: Path, tmp_path: Path, three
) -> None:
    async with reader_app(store_path, tmp_path).run_test(size=SIZE) as pilot:
        screen = await reader_analysis(pilot)
        assert "3 annotations" in shown(screen.query_one("#analysis-scope", Static))
        # Another running copy (another analyst's terminal) saves a new annotation.
        with Store(store_path) as other:
            other.annotate(
                three[0].id, *span(TEXTS[0], "the ports"), tags=["actor/russia"], analyst="cy"
            )
        await pilot.pause(1.5)
        assert "4 annotations" in shown(screen.query_one("#analysis-scope", Static))
        assert "cy 1" in shown(screen.query_one("#analysis-scope", Static))


async def test_cooccurrence_states_its_overlap_and_drills_down_to_the_quotes(
    store_path: Path, tmp_path: Path, three
) -> None:
    async with reader_app(store_path, tmp_path).run_test(size=SIZE) as pilot:
        screen = await reader_analysis(pilot)
        await pilot.press("2")
        await pilot.pause()
        view = screen.query_one("#analysis-cooccurrence")
        assert "sharing at least one character" in " ".join(shown(s) for s in view.query(Static))
        table = view.query_one(DataTable)
        assert table.has_focus
        # Iran × society: bo's annotation carries both (a pair with itself), and ana's
        # Iran overlaps it: 2 pairs. Iran × access: ana's (itself) and bo's Iran with
        # ana's access on the same span: 2. Russia × access: 1.
        iran, russia = row_of(table, "Iran"), row_of(table, "Russia")
        assert cell(table, iran, column_of(table, "society and religion")) == "2"
        assert cell(table, iran, column_of(table, "geostrategic access")) == "2"
        assert cell(table, russia, column_of(table, "geostrategic access")) == "1"
        assert cell(table, russia, column_of(table, "military")) == "·"
        table.move_cursor(row=iran, column=column_of(table, "society and religion"))
        await pilot.press("enter")
        await pilot.pause()
        quotes = pilot.app.screen
        assert isinstance(quotes, QuotesScreen)
        assert sorted(a.analyst for a in quotes.quotes) == ["ana", "bo"]
        assert "2 overlapping pairs" in shown(quotes.query_one("#quotes-heading", Static))
        await pilot.press("enter")
        await pilot.pause()
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.selection == span(TEXTS[0], "Iran wants the supply route open.")


async def test_the_attribute_matrix_counts_by_outlet_and_by_year(
    store_path: Path, tmp_path: Path, three
) -> None:
    async with reader_app(store_path, tmp_path).run_test(size=SIZE) as pilot:
        screen = await reader_analysis(pilot)
        await pilot.press("s", "3")
        await pilot.pause()
        table = screen.query_one(
            "#analysis-attributes",
        ).query_one(DataTable)
        # Outlet × interest: Observer has documents 1 and 3 (access: ana's two in the
        # first, Russia's in the third = 3); Monitor the second (military 1).
        observer, monitor = row_of(table, "Observer (2)"), row_of(table, "Monitor (1)")
        access = column_of(table, "geostrategic access")
        assert cell(table, observer, access) == "3"
        assert cell(table, monitor, column_of(table, "military")) == "1"
        assert cell(table, monitor, access) == "·"
        await pilot.press("b", "g")  # the next attribute (year), the next group (relation)
        await pilot.press("g")  # ... round to actor
        await pilot.pause()
        assert "year × Actor" in " ".join(
            shown(s) for s in screen.query_one("#analysis-attributes").query(Static)
        )
        assert [str(r.label) for r in table.rows.values()] == ["2015 (1)", "2016 (2)"]
        assert cell(table, row_of(table, "2016 (2)"), column_of(table, "Iran")) == "1"
        assert cell(table, row_of(table, "2015 (1)"), column_of(table, "Iran")) == "2"
        table.move_cursor(row=0, column=column_of(table, "Iran"))
        await pilot.press("enter")
        await pilot.pause()
        quotes = pilot.app.screen
        assert isinstance(quotes, QuotesScreen)
        assert len(quotes.quotes) == 2


async def test_agreement_sits_beside_the_matrix_with_two_analysts(
    store_path: Path, tmp_path: Path, three
) -> None:
    codebook = Codebook.default()
    async with reader_app(store_path, tmp_path).run_test(size=SIZE) as pilot:
        screen = await reader_analysis(pilot)
        figures = shown(screen.query_one("#analysis-agreement", Static))
        with Store(store_path, read_only=True) as store:
            annotations = store.annotations(three[0].id)
        expected = agreement([three[0]], annotations, ["ana", "bo"], codebook)
        assert "Agreement of ana, bo" in figures
        iran = next(c for c in expected.codes if c.code == "actor/iran")
        line = next(line for line in figures.splitlines() if line.startswith("Iran"))
        kappa = "—" if iran.kappa is None else f"{iran.kappa:.2f}"
        assert line.split()[1:] == [kappa, "—" if iran.alpha is None else f"{iran.alpha:.2f}"]


async def test_one_analyst_has_no_agreement_panel(store_path: Path, tmp_path: Path, three) -> None:
    async with reader_app(store_path, tmp_path).run_test(size=SIZE) as pilot:
        screen = await reader_analysis(pilot)
        await pilot.press("slash", *"@ana", "enter")
        await pilot.pause()
        assert not screen.query("#analysis-agreement")


async def test_disagreements_list_the_sentences_and_enter_reads_one(
    store_path: Path, tmp_path: Path, three
) -> None:
    async with reader_app(store_path, tmp_path).run_test(size=SIZE) as pilot:
        screen = await reader_analysis(pilot)
        await pilot.press("4")
        await pilot.pause()
        listing = screen.query_one("#disagreements-list", OptionList)
        first = str(listing.get_option_at_index(0).prompt)
        assert "society and religion: bo (not ana)" in first
        assert "geostrategic access: ana (not bo)" in first
        assert "Iran wants the supply route open." in first
        await pilot.press("j", "enter")  # Russia wants the ports: ana alone
        await pilot.pause()
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.selection == span(TEXTS[0], "Russia wants the ports.")


def test_disagreements_are_the_sentences_the_analysts_split_on(three, store_path: Path) -> None:
    codebook = Codebook.default()
    with Store(store_path, read_only=True) as store:
        annotations = store.annotations(three[0].id)
    found = disagreements([three[0]], annotations, ["ana", "bo"], codebook)
    assert [(d.start, d.end) for d in found] == [
        span(TEXTS[0], "Iran wants the supply route open."),
        span(TEXTS[0], "Russia wants the ports."),
    ]
    first = {split.code: (split.applied_by, split.not_by) for split in found[0].codes}
    assert first == {
        "interest/society": (("bo",), ("ana",)),
        "interest/access": (("ana",), ("bo",)),
    }
    # Both applied Iran to the first sentence: no split there.
    assert "actor/iran" not in first

"""Pages and citations in the reader: the status line says the page, `:` goes to one,
`y` copies a quotation with its citation, `S` edits the source's details — on a PDF the
test makes, as an analyst would use them."""

from __future__ import annotations

from pathlib import Path

import pytest
import source_files as made
from book_support import open_reader

from annotations import Document, Store
from annotations.citation import citation, quotation
from tui.app import GlossApp
from tui.widgets.metadata_form import MetadataForm
from tui.widgets.status_line import StatusLine

SIZE = (120, 40)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return made.report_pdf(tmp_path / "report.pdf")


async def test_status_line_says_the_page_and_colon_goes_to_one(
    report: Path, store_path: Path
) -> None:
    app = GlossApp(paths=[report], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        status = reader.query_one(StatusLine)
        assert "p. 1 · ¶ 1/11" in status.text
        await pilot.press("colon")
        await pilot.pause()
        for key in ("3", "enter"):
            await pilot.press(key)
        await pilot.pause()
        assert "p. 3 · ¶ 9/11" in status.text
        start, _ = reader.selection
        assert reader.document.text[start:].startswith("In paragraph 30,")


async def test_y_copies_the_sentence_with_its_citation(report: Path, store_path: Path) -> None:
    app = GlossApp(paths=[report], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await pilot.press("colon", "2", "enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == (
            f"“{made.paragraph(20).split(' In paragraph')[0]}”"
            " (Jane Roe, Quarterly Review, "
            f"{Document.from_path(report).metadata['date']}, p. 2)"
        )


async def test_y_copies_the_annotation_under_the_cursor(report: Path, store_path: Path) -> None:
    app = GlossApp(paths=[report], db=store_path, analyst="ana", citation_style="markdown")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        # Paragraph 2 selected whole and tagged, then the cursor back on its first sentence.
        await pilot.press("j", "p", "r")
        await pilot.pause()
        await pilot.press("escape", "k", "j")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        body = made.paragraph(10)
        assert reader.selection[1] - reader.selection[0] < len(body)
        assert app.clipboard.startswith(f"> {body}\n>\n> — Jane Roe, *Quarterly Review*, ")
        assert app.clipboard.endswith(", p. 1")


async def test_source_details_are_edited_and_saved(report: Path, store_path: Path) -> None:
    app = GlossApp(paths=[report], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, MetadataForm)
        for _ in range(2):
            await pilot.press("tab")
        for character in "Example Institute":
            await pilot.press(character if character != " " else "space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert reader.document.metadata["publisher"] == "Example Institute"
    with Store(store_path) as store:
        (document,) = store.documents()
        assert document.metadata["publisher"] == "Example Institute"
        assert document.metadata["author"] == "Jane Roe"
        assert citation(document, 0) == (
            f"Jane Roe, Quarterly Review, Example Institute, {document.metadata['date']}, p. 1"
        )


def test_citation_styles(tmp_path: Path) -> None:
    document = Document.from_path(made.saved_page(tmp_path / "page.html"))
    sentence = document.sentences_in(1)[0]
    assert quotation(document, sentence.start, sentence.end, "chicago") == (
        f"“{document.text[sentence.start : sentence.end]}”\n"
        "Ana Lima, “Sanctions and Oil,” The Example Times, 2024-03-05, ¶ 2, "
        "https://news.example.org/2024/sanctions-and-oil."
    )
    assert citation(document, sentence.start, "markdown") == (
        "Ana Lima, *Sanctions and Oil*, The Example Times, 2024-03-05, ¶ 2, "
        "<https://news.example.org/2024/sanctions-and-oil>"
    )


async def test_the_citation_style_is_a_setting(
    report: Path, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('[citation]\nstyle = "chicago"\n', encoding="utf-8")
    monkeypatch.setenv("GLOSS_CONFIG", str(settings))
    app = GlossApp(paths=[report], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == (
            "“Findings of the Review”\nJane Roe, “Quarterly Review,” "
            f"{Document.from_path(report).metadata['date']}, 1."
        )


def test_a_bad_citation_style_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from tui.cli import main

    settings = tmp_path / "config.toml"
    settings.write_text('[citation]\nstyle = "apa"\n', encoding="utf-8")
    monkeypatch.setenv("GLOSS_CONFIG", str(settings))
    assert main(["--db", str(tmp_path / "s.json")]) == 2
    assert capsys.readouterr().err == (
        f"gloss: {settings}, line 2: [citation] style must be one of plain, markdown, "
        "chicago (not 'apa')\n"
    )


async def test_headings_are_drawn_as_headings(report: Path, store_path: Path) -> None:
    from tui.widgets.reading_pane import ReadingPane

    app = GlossApp(paths=[report], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        await pilot.press("j")  # the cursor off the heading, so only its own style shows
        await pilot.pause()
        pane = reader.query_one(ReadingPane)

        def bold_words(y: int) -> set[str]:
            return {
                word
                for segment in pane.render_line(y)
                if segment.style is not None and segment.style.bold
                for word in segment.text.split()
            }

        assert {"Findings", "Review"} <= bold_words(0)  # "Findings of the Review"
        assert not bold_words(10) & {"paragraph", "analysts"}  # paragraph 3: body text


async def test_the_app_asks_for_an_encrypted_pdf_s_password(
    tmp_path: Path, store_path: Path
) -> None:
    import asyncio

    from tui.widgets.password_prompt import PasswordPrompt

    locked = made.encrypted_pdf(tmp_path / "locked.pdf")
    app = GlossApp(paths=[locked], db=store_path, analyst="ana")

    async def prompt(pilot) -> PasswordPrompt:
        for _ in range(200):
            if isinstance(pilot.app.screen, PasswordPrompt):
                return pilot.app.screen
            await asyncio.sleep(0.025)
        raise AssertionError("no password prompt")

    async with app.run_test(size=SIZE) as pilot:
        await prompt(pilot)
        await pilot.press(*"guess", "enter")
        asked = await prompt(pilot)  # wrong: asked again, saying so
        assert "the password is wrong" in asked.reason
        await pilot.press(*"secret", "enter")
        reader = await open_reader(pilot)
        assert reader.document.text == "This report was sent encrypted."


async def test_giving_up_on_the_password_is_one_line(tmp_path: Path, store_path: Path) -> None:
    import asyncio

    from tui.widgets.password_prompt import PasswordPrompt

    locked = made.encrypted_pdf(tmp_path / "locked.pdf")
    app = GlossApp(paths=[locked], db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if isinstance(app.screen, PasswordPrompt):
                break
            await asyncio.sleep(0.025)
        await pilot.press("escape")
        await pilot.pause()
    assert app.error_message == f"{locked}: it is encrypted — give its password (--password)"
    assert app.return_code == 2

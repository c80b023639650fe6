"""The reader driven from the keyboard, as an analyst uses it: what is saved and shown."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from annotations import Document, Store
from tui.app import GlossApp
from tui.cli import main
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_panel import AnnotationPanel
from tui.widgets.memo_editor import MemoEditor
from tui.widgets.reading_pane import ReadingPane

SIZE = (120, 40)


def third_sentence() -> tuple[int, int, str]:
    document = Document.bundled()
    sentence = document.sentences[2]
    return sentence.start, sentence.end, document.text[sentence.start : sentence.end]


def reader(app: GlossApp) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


async def type_memo(pilot, text: str) -> None:
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MemoEditor)
    for character in text:
        await pilot.press(character if character != " " else "space")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_tag_third_sentence_with_memo_survives_restart(store_path: Path, capsys) -> None:
    start, end, quote = third_sentence()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r", "1")
        await type_memo(pilot, "air cover")
        await pilot.press("q")
    # A new app on the same store: the annotation is in the panel.
    again = GlossApp(db=store_path, analyst="ana")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = again.screen.query_one(AnnotationPanel)
        assert [(a.start, a.end, a.tags, a.memo) for a in panel.annotations] == [
            (start, end, ("actor/russia", "interest/military"), "air cover")
        ]
    # And in the json export, with the right quote and offsets.
    assert main(["export", "--format", "json", "--db", str(store_path)]) == 0
    exported = json.loads(capsys.readouterr().out)
    [record] = exported["annotations"]
    assert (record["start"], record["end"], record["quote"]) == (start, end, quote)
    assert quote.startswith("Moscow and Tehran are about to approach")
    assert record["tags"] == ["actor/russia", "interest/military"]
    assert record["memo"] == "air cover"
    assert record["analyst"] == "ana"


async def test_undo_and_redo_every_kind_of_change(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")

    def saved() -> list[tuple[tuple[str, ...], str]]:
        with Store(store_path, read_only=True) as store:
            return [(a.tags, a.memo) for a in store.annotations()]

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r")  # create
        assert saved() == [(("actor/russia",), "")]
        await pilot.press("1")  # tag toggle
        assert saved() == [(("actor/russia", "interest/military"), "")]
        await type_memo(pilot, "note")  # memo edit
        assert saved() == [(("actor/russia", "interest/military"), "note")]
        await pilot.press("delete")  # delete
        assert saved() == []

        await pilot.press("u")
        assert saved() == [(("actor/russia", "interest/military"), "note")]
        await pilot.press("u")
        assert saved() == [(("actor/russia", "interest/military"), "")]
        await pilot.press("u")
        assert saved() == [(("actor/russia",), "")]
        await pilot.press("u")
        assert saved() == []

        await pilot.press("ctrl+r")
        assert saved() == [(("actor/russia",), "")]
        await pilot.press("ctrl+r", "ctrl+r")
        assert saved() == [(("actor/russia", "interest/military"), "note")]
        await pilot.press("ctrl+r")
        assert saved() == []


async def test_toggling_a_tag_twice_removes_it(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "r", "1", "1")
        assert [a.tags for a in reader(app).annotations] == [("actor/russia",)]
        await pilot.press("i")  # actors exclude each other: Iran replaces Russia
        assert [a.tags for a in reader(app).annotations] == [("actor/iran",)]
        await pilot.press("i")  # the last tag off, no memo: the annotation goes
        assert reader(app).annotations == []


async def test_two_overlapping_annotations(store_path: Path) -> None:
    document = Document.bundled()
    paragraph = document.paragraphs[6]  # "Russia and Iran have divided their roles ..."
    first, second = document.sentences_in(6)[:2]
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.select_span(first.start, first.end)
        await pilot.press("p", "i", "4")  # the whole paragraph: Iran + diplomacy
        await pilot.press("j")  # the cursor is a sentence again; move back to the first
        screen.select_span(first.start, first.end)
        await pilot.press("r")
        annotations = screen.annotations
        spans = sorted((a.start, a.end, a.tags) for a in annotations)
        assert spans == [
            (paragraph.start, first.end, ("actor/russia",)),
            (paragraph.start, paragraph.end, ("actor/iran", "interest/diplomacy")),
        ]
        # Both are drawn: the overlap mixes the two actors' colours.
        pane = screen.query_one(ReadingPane)
        line = pane.line_of(first.start) - pane.top_line
        styles = {
            segment.style.bgcolor for segment in pane.render_line(line) if segment.text.strip()
        }
        assert len(styles) >= 2
        assert second.start > first.end


async def test_a_tinted_line_draws_each_run_of_one_style_as_one_segment(
    store_path: Path,
) -> None:
    # Each segment is a style the terminal is sent and a piece Textual cuts on every
    # frame: the gutter's blank markers, untinted text and padding are one run.
    document = Document.bundled()
    second = document.sentences_in(6)[1]
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.select_span(second.start, second.end)
        await pilot.press("r", "1")
        await pilot.pause()
        pane = screen.query_one(ReadingPane)
        tinted = 0
        for y in range(pane.size.height):
            segments = list(pane.render_line(y))[:-1]  # the scrollbar's cell apart
            styles = [segment.style for segment in segments]
            assert all(a != b for a, b in pairwise(styles)), y
            tinted += len(set(styles)) > 1
        assert tinted >= 2


async def test_extend_selection_by_sentence_and_by_word(store_path: Path) -> None:
    document = Document.bundled()
    first, second, third = document.sentences_in(6)[:3]
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.select_span(first.start, first.end)
        await pilot.press("v", "j", "j")
        assert screen.selection == (first.start, third.end)
        await pilot.press("k")
        assert screen.selection == (first.start, second.end)
        await pilot.press("k", "k")  # past the anchor: now it grows backwards
        previous_paragraph_end = document.paragraphs[5].end
        assert screen.selection[0] < previous_paragraph_end < screen.selection[1]
        assert screen.selection[1] == first.end
        await pilot.press("escape")
        assert screen.selection == (first.start, first.end)
        await pilot.press("v", "w", "w")
        words = document.text[first.end : screen.selection[1]].split()
        assert words == ["Both", "rushed"]
        await pilot.press("b")
        assert document.text[first.start : screen.selection[1]].endswith("goals. Both")
        await pilot.press("x")  # tagging ends extending and saves exactly the extended span
        [annotation] = screen.annotations
        assert annotation.quote == document.text[first.start : screen.selection[1]]
        assert annotation.quote.endswith("Both")
        assert screen.cursor.anchor is None


async def test_extending_backwards_by_sentence(store_path: Path) -> None:
    document = Document.bundled()
    before, current = document.sentences_in(6)[:2]
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.select_span(current.start, current.end)
        await pilot.press("v", "k")
        assert screen.selection == (before.start, current.end)
        await pilot.press("k")
        last_of_previous_paragraph = document.sentences_in(5)[-1]
        assert screen.selection == (last_of_previous_paragraph.start, current.end)
        await pilot.press("j")
        assert screen.selection == (before.start, current.end)


async def test_navigation_keys(store_path: Path) -> None:
    document = Document.bundled()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("G")
        last = document.sentences_in(len(document.paragraphs) - 1)[-1]
        assert screen.selection == (last.start, last.end)
        await pilot.press("g")
        assert screen.selection == (0, len("Logo Wide"))
        await pilot.press("J", "J", "J", "J")
        assert screen.selection[0] == document.paragraphs[4].start
        await pilot.press("K")
        assert screen.selection[0] == document.paragraphs[3].start
        await pilot.press("space")
        assert screen.selection[0] > document.paragraphs[5].start
        await pilot.press("p")
        paragraph = document.paragraphs[document.paragraph_index(screen.selection[0])]
        assert screen.selection == (paragraph.start, paragraph.end)


async def test_next_annotation_and_next_unannotated_paragraph(store_path: Path) -> None:
    document = Document.bundled()
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("j", "j", "r", "J", "J", "i")
        tagged = [a.start for a in screen.annotations]
        await pilot.press("g", "right_square_bracket")
        assert screen.selection[0] == tagged[0]
        await pilot.press("right_square_bracket")
        assert screen.selection[0] == tagged[1]
        await pilot.press("left_square_bracket")
        assert screen.selection[0] == tagged[0]
        await pilot.press("greater_than_sign")
        assert screen.selection[0] == document.paragraphs[3].start


async def test_tag_picker_filters_and_toggles(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "t")
        await pilot.pause()
        for character in "econ":
            await pilot.press(character)
        await pilot.press("down", "space", "enter")
        await pilot.pause()
        assert [a.tags for a in reader(app).annotations] == [("interest/economy",)]


async def test_panel_enter_jumps_to_the_span(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("j", "j", "r", "G", "tab", "j", "enter")
        annotation = screen.annotations[0]
        assert screen.selection == (annotation.start, annotation.end)
        assert screen.query_one(ReadingPane).has_focus


async def test_a_click_on_a_panel_entry_goes_to_its_span(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("j", "j", "r", "j", "j", "i", "G")
        first, second = screen.annotations
        panel = screen.query_one(AnnotationPanel)
        await pilot.click(AnnotationPanel, offset=(4, panel.entry_line(1) + 1))
        assert screen.selection == (second.start, second.end)
        await pilot.click(AnnotationPanel, offset=(4, 0))
        assert screen.selection == (first.start, first.end)


async def test_memo_cancel_changes_nothing(store_path: Path) -> None:
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "r", "m")
        await pilot.pause()
        await pilot.press("x", "y", "escape")
        await pilot.pause()
        assert [a.memo for a in reader(app).annotations] == [""]


async def test_another_analysts_annotations_are_shown_not_changed(store_path: Path) -> None:
    document = Document.bundled()
    sentence = document.sentences[2]
    with Store(store_path) as store:
        store.add_document(document)
        store.annotate(document.id, sentence.start, sentence.end, tags=["actor/iran"], analyst="bo")
    app = GlossApp(db=store_path, analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "delete")
        screen = reader(app)
        assert [a.analyst for a in screen.annotations] == ["bo"]
        await pilot.press("r")  # a new annotation of ana's on the same span
        assert sorted((a.analyst, a.tags) for a in screen.annotations) == [
            ("ana", ("actor/russia",)),
            ("bo", ("actor/iran",)),
        ]


def test_codebook_key_collision_is_rejected(tmp_path: Path, capsys) -> None:
    codebook = tmp_path / "codebook.toml"
    codebook.write_text(
        'name = "clash"\n[[groups]]\nid = "actor"\n[[codes]]\nid = "actor/a"\nkey = "j"\n'
        'color = "#ff0000"\n',
        encoding="utf-8",
    )
    assert main(["--codebook", str(codebook), "--db", str(tmp_path / "s.json")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "line 6" in error and "'j'" in error and "one of the reader's keys" in error


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing.txt"], "no such file"),
        (["empty-folder"], "holds no .txt, .md, .pdf, .html, .docx or .epub files"),
    ],
)
def test_bad_paths_are_one_line_errors(tmp_path: Path, capsys, arguments, message) -> None:
    (tmp_path / "empty-folder").mkdir()
    arguments = [str(tmp_path / argument) for argument in arguments]
    assert main([*arguments, "--db", str(tmp_path / "s.json")]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1 and "Traceback" not in error


def test_damaged_store_is_one_line_error_and_untouched(tmp_path: Path, capsys) -> None:
    store_file = tmp_path / "s.json"
    store_file.write_bytes(b'{"documents": {"1": ')
    assert main(["export", "--format", "json", "--db", str(store_file)]) == 2
    error = capsys.readouterr().err
    assert str(store_file) in error and error.count("\n") == 1
    assert store_file.read_bytes() == b'{"documents": {"1": '


def test_damaged_store_stops_the_reader_before_it_opens(tmp_path: Path, capsys) -> None:
    store_file = tmp_path / "s.json"
    store_file.write_bytes(b"\x00\x01 not json")
    assert main(["--db", str(store_file)]) == 2
    error = capsys.readouterr().err
    assert str(store_file) in error and error.count("\n") == 1
    assert store_file.read_bytes() == b"\x00\x01 not json"


async def test_extending_by_word_in_chinese_and_backwards(tmp_path: Path) -> None:
    text = "Россия и Иран союзники. Но надолго ли?\n\n俄罗斯和伊朗是盟友。但能持续多久？\n"
    path = tmp_path / "words.txt"
    path.write_text(text, encoding="utf-8")
    app = GlossApp(paths=[path], db=tmp_path / "s.json", analyst="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        document = screen.document
        second = document.sentences_in(0)[1]  # "Но надолго ли?"
        screen.select_span(second.start, second.end)
        await pilot.press("b")  # trims the end by a word, its "?" with it
        assert text[slice(*screen.selection)] == "Но надолго"
        await pilot.press("escape", "O", "b")  # the start moves: grows left a word at a time
        assert text[slice(*screen.selection)] == "союзники. Но надолго ли?"
        await pilot.press("escape")
        chinese = document.sentences_in(1)[0]  # "俄罗斯和伊朗是盟友。"
        screen.select_span(chinese.start, chinese.end)
        await pilot.press("v", "w")  # an ideograph is a word of its own
        assert text[slice(*screen.selection)] == "俄罗斯和伊朗是盟友。但"

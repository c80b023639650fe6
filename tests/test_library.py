"""The library: opening files and folders, following revised files, orphans, summaries."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_safe_text import Tmux, tmux_server
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from annotations import Codebook, Store
from annotations.document import Document
from annotations.errors import DocumentError, StoreError
from annotations.library import (
    current_documents,
    current_version,
    describe,
    expand_paths,
    mark_opened,
    open_document,
    open_paths,
    orphans,
    reattach,
    summaries,
)
from tui.app import GlossApp
from tui.screens.library import LibraryScreen

DOCUMENTS = Path(__file__).parent / "data" / "documents"

FIRST = (
    "A report on alliances\n"
    "Russia's interests lie in state institutions, the army and the security services.\n"
    "Iran's interests lie in people: militias, shrines and the demography of the region.\n"
    "The two will part ways once the war is over, the author argues at some length.\n"
)


def span_of(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- opening ------------------------------------------------------------------------------


def test_a_file_opens_once_and_again_unchanged(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "report.txt", FIRST)
    first = open_paths(store, [path])
    assert [d.title for d in first.documents] == ["A report on alliances"]
    again = open_paths(store, [path])
    assert again.documents[0].id == first.documents[0].id
    assert again.opened[0].previous is None and again.opened[0].summary() is None
    assert len(store.documents()) == 1


def test_a_large_file_opens_and_reopens_without_its_bytes_beside_its_text(
    store: Store, tmp_path: Path
) -> None:
    """A 16 MB file is read a piece at a time, first into the store (which writes its
    text beside itself, a piece at a time) and again once the store knows it."""
    import tracemalloc

    line = "Россия и Иран: брак по расчёту закончится. " * 200 + "\n"
    path = write(tmp_path / "book.txt", line * 1000)  # two bytes a character
    size = path.stat().st_size
    for _ in ("first open", "reopen"):
        tracemalloc.start()
        try:
            document = open_paths(store, [path]).documents[0]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        text_size = len(document.text) * 2  # held at two bytes a character
        assert peak < text_size + size * 3 // 4, (peak, text_size, size)
    assert len(store.documents()) == 1


def test_a_folder_opens_its_text_files_sorted_and_skips_bad_ones(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "sources"
    write(folder / "b.md", "# Second\n\nMarkdown text.\n")
    write(folder / "a.txt", "First\n\nPlain text.\n")
    write(folder / "sub" / "c.txt", "Third\n")
    write(folder / ".hidden.txt", "Hidden\n")
    write(folder / ".git" / "x.txt", "Also hidden\n")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "latin.txt").write_bytes("Café\n".encode("latin-1"))
    (folder / "empty.md").write_bytes(b"")
    result = open_paths(store, [folder])
    assert [d.title for d in result.documents] == ["First", "Second", "Third"]
    assert sorted(path.name for path, _ in result.skipped) == ["empty.md", "latin.txt"]
    reasons = dict((path.name, reason) for path, reason in result.skipped)
    assert "--encoding" in reasons["latin.txt"] and "empty" in reasons["empty.md"]


def test_an_explicit_bad_file_stops_everything_before_anything_is_stored(
    store: Store, tmp_path: Path
) -> None:
    good = write(tmp_path / "good.txt", "Good\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    with pytest.raises(DocumentError, match="binary"):
        open_paths(store, [good, bad])
    with pytest.raises(DocumentError, match="no such file"):
        open_paths(store, [tmp_path / "missing.txt"])
    assert store.documents() == []


def test_folders_without_any_openable_text_are_errors(store: Store, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(DocumentError, match=r"holds no \.txt, \.md, \.pdf"):
        open_paths(store, [tmp_path / "empty"])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.txt").write_bytes(b"\xff\xfe\x00\xd8")  # broken UTF-16
    with pytest.raises(DocumentError, match="none of the 1 files could be opened"):
        open_paths(store, [tmp_path / "bad"])


def test_an_encoding_applies_to_every_file(store: Store, tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Café crème\n".encode("latin-1"))
    result = open_paths(store, [tmp_path], encoding="latin-1")
    assert result.documents[0].text == "Café crème\n"


def test_the_same_text_under_two_names_opens_once(store: Store, tmp_path: Path) -> None:
    one = write(tmp_path / "one.txt", FIRST)
    two = write(tmp_path / "two.txt", FIRST)
    assert len(open_paths(store, [one, two]).opened) == 1


def test_expand_paths_marks_what_was_named(tmp_path: Path) -> None:
    named = write(tmp_path / "named.txt", "x\n")
    write(tmp_path / "folder" / "inside.md", "y\n")
    assert expand_paths([named, tmp_path / "folder"]) == [
        (named, True),
        (tmp_path / "folder" / "inside.md", False),
    ]


# -- revised files ------------------------------------------------------------------------


def revise(store: Store, tmp_path: Path) -> tuple[Path, Document, dict[str, str]]:
    """A file with three annotations, then revised: one moves, one changes, one is cut."""
    path = write(tmp_path / "report.txt", FIRST)
    old = open_paths(store, [path]).documents[0]
    ids = {}
    for name, fragment in (
        ("moves", "the army and the security services"),
        ("changes", "militias, shrines and the demography of the region"),
        ("goes", "once the war is over"),
    ):
        ids[name] = store.annotate(old.id, *span_of(old.text, fragment), tags=["actor/iran"]).id
    revised = (
        "A report on alliances\n"
        "A new opening paragraph, inserted by the editor.\n"
        "Russia's interests lie in state institutions, the army and the security services.\n"
        "Iran's interests lie in people: militias, shrines and the demographics of the region.\n"
        "The two will part ways, the author argues at some length.\n"
    )
    write(path, revised)
    return path, old, ids


def test_a_revised_file_carries_its_annotations_over(store: Store, tmp_path: Path) -> None:
    path, old, ids = revise(store, tmp_path)
    opened = open_paths(store, [path]).opened[0]
    new = opened.document
    assert new.id != old.id and opened.previous == store.document(old.id)
    assert (opened.moved, opened.changed, opened.orphaned) == (1, 1, 1)
    assert opened.summary() == (
        "The text changed since it was last opened: 1 moved, 1 changed, 1 orphaned"
    )
    moved = store.annotation(ids["moves"])
    assert moved.document == new.id and moved.tags == ("actor/iran",)
    assert new.text[moved.start : moved.end] == "the army and the security services"
    assert moved.prefix == new.text[moved.start - 32 : moved.start]
    changed = store.annotation(ids["changes"])
    assert changed.quote == "militias, shrines and the demographics of the region"
    # The orphan is kept, on the old version, and listed for the new one.
    orphan = store.annotation(ids["goes"])
    assert orphan.document == old.id
    assert [a.id for a in orphans(store, new.id)] == [ids["goes"]]
    assert store.document(old.id).metadata["superseded_by"] == new.id
    assert current_version(store, path) == store.document(new.id)


def test_orphans_are_described_in_one_safe_line(store: Store, tmp_path: Path) -> None:
    path, _, ids = revise(store, tmp_path)
    opened = open_document(store, path)
    assert [a.id for a in opened.orphans] == [ids["goes"]]
    assert describe(opened.orphans[0]) == f"{ids['goes'][:8]} “once the war is over” (actor/iran)"
    hostile = opened.orphans[0].evolve(quote="\x1b]0;x\x07 " + "long " * 20, tags=())
    line = describe(hostile)
    assert "\x1b" not in line and "\n" not in line and line.endswith("…” (no tags)")


def test_an_orphan_is_reattached_to_a_new_selection(store: Store, tmp_path: Path) -> None:
    path, _, ids = revise(store, tmp_path)
    new = open_paths(store, [path]).documents[0]
    start, end = span_of(new.text, "will part ways")
    attached = reattach(store, ids["goes"], new.id, start, end)
    assert attached.id == ids["goes"] and attached.document == new.id
    assert attached.quote == "will part ways" and attached.tags == ("actor/iran",)
    assert orphans(store, new.id) == []
    assert store.annotation(ids["goes"]).document == new.id


def test_reattaching_widens_to_whole_clusters_and_refuses_bad_spans(
    store: Store, tmp_path: Path
) -> None:
    path, _, ids = revise(store, tmp_path)
    new = open_paths(store, [path]).documents[0]
    with pytest.raises(StoreError, match="not inside"):
        reattach(store, ids["goes"], new.id, 10, 10_000)
    with pytest.raises(StoreError, match="no annotation"):
        reattach(store, "nope", new.id, 0, 5)
    family = write(tmp_path / "family.txt", "A family: 👨\u200d👩\u200d👧 here.\n")
    document = open_paths(store, [family]).documents[0]
    inside = document.text.index("\u200d") + 1
    attached = reattach(store, ids["goes"], document.id, inside, inside + 1)
    assert attached.quote == "👨\u200d👩\u200d👧"


def test_a_file_put_back_as_it_was_gets_its_old_version_back(store: Store, tmp_path: Path) -> None:
    path, old, ids = revise(store, tmp_path)
    new = open_paths(store, [path]).documents[0]
    write(path, FIRST)
    reverted = open_paths(store, [path]).opened[0]
    assert reverted.document.id == old.id
    assert not reverted.document.metadata.get("superseded_by")
    assert store.document(new.id).metadata["superseded_by"] == old.id
    # The annotation that was orphaned is the old version's own again.
    assert store.annotation(ids["goes"]).document == old.id
    assert orphans(store, old.id) == []
    assert store.annotation(ids["moves"]).document == old.id


def test_a_lookup_by_path_or_title_finds_the_current_version(store: Store, tmp_path: Path) -> None:
    path, old, _ = revise(store, tmp_path)
    new = open_paths(store, [path]).documents[0]
    assert old.title == new.title  # both versions answer to the path and the title
    assert store.find_document(str(path)) == store.document(new.id)
    assert store.find_document(new.title) == store.document(new.id)
    write(path, FIRST)  # put back as it was: the first version is current again
    open_paths(store, [path])
    assert store.find_document(str(path)) == store.document(old.id)
    assert store.find_document(old.title) == store.document(old.id)


def test_what_was_re_anchored_is_saved(store_path: Path, tmp_path: Path) -> None:
    with Store(store_path) as store:
        path, _, ids = revise(store, tmp_path)
        new_id = open_document(store, path).document.id
    with Store(store_path) as store:
        assert store.annotation(ids["moves"]).document == new_id
        assert [a.id for a in orphans(store, new_id)] == [ids["goes"]]


def test_a_multilingual_file_revised_keeps_its_annotations(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "multilingual.txt"
    shutil.copy(DOCUMENTS / "multilingual.txt", path)
    old = open_paths(store, [path]).documents[0]
    fragments = ["союзники поневоле", "منافع ایران در مردم", "没有人知道", "👨\u200d👩\u200d👧"]
    ids = [store.annotate(old.id, *span_of(old.text, f)).id for f in fragments]
    write(path, "Заголовок: новая версия\n\n" + old.text.replace("Emoji too", "Emoji as well"))
    opened = open_paths(store, [path]).opened[0]
    assert opened.orphaned == 0
    new = opened.document
    for annotation_id, fragment in zip(ids, fragments, strict=True):
        annotation = store.annotation(annotation_id)
        assert new.text[annotation.start : annotation.end] == fragment


# -- the library list ---------------------------------------------------------------------


def test_summaries_count_annotations_paragraphs_and_last_opened(
    store: Store, tmp_path: Path
) -> None:
    path, _, _ = revise(store, tmp_path)
    other = write(tmp_path / "other.txt", "Other\n\nOne.\n\nTwo.\n\nThree.\n")
    result = open_paths(store, [path, other])
    new, plain = result.documents
    mark_opened(store, new.id, when="2026-01-02T03:04:05Z")
    lines = {line.id: line for line in summaries(store)}
    assert set(lines) == {new.id, plain.id}  # the superseded version is not listed
    line = lines[new.id]
    assert (line.annotations, line.orphans, line.paragraphs) == (2, 1, 5)
    assert line.annotated_paragraphs == 2 and line.share_annotated == pytest.approx(0.4)
    assert line.last_opened == "2026-01-02T03:04:05Z"
    assert lines[plain.id].share_annotated == 0.0 and lines[plain.id].last_opened is None
    assert len(summaries(store, include_superseded=True)) == 3
    assert {d.id for d in current_documents(store)} == {new.id, plain.id}


def test_an_annotation_across_paragraphs_counts_each_of_them(store: Store) -> None:
    document = store.add_document(Document.from_text("One.\nTwo.\nThree.\nFour.\n"))
    store.annotate(document.id, 2, 12)  # from "One." into "Three."
    (line,) = summaries(store)
    assert line.annotated_paragraphs == 3


def test_put_many_saves_all_or_nothing(store_path: Path) -> None:
    with Store(store_path) as store:
        document = store.add_document(Document.from_text("Some text here.\n"))
        first = store.annotate(document.id, 0, 4)
        moved = first.evolve(start=5, end=9, quote="text")
        stray = moved.evolve(id="other", document="sha256:unknown")
        with pytest.raises(StoreError, match="no document sha256:unknown"):
            store.put_many([moved, stray])
        assert store.annotation(first.id).start == 0
        store.put_many([moved])
    with Store(store_path) as store:
        assert store.annotation(first.id).quote == "text"


# -- the library screen (Pilot) ------------------------------------------------------------


class Host(App[None]):
    """Pushes the library on mount and keeps what it dismissed with."""

    CSS_PATH = GlossApp.CSS_PATHS  # styled as in Gloss

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.results: list[str | None] = []
        self.chosen: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(LibraryScreen(self.store), self.results.append)

    def on_library_screen_document_chosen(self, message: LibraryScreen.DocumentChosen) -> None:
        self.chosen.append(message.document_id)


async def loaded(pilot: Pilot) -> None:
    """Wait for the library's list, which is read in a thread."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def library_store(store: Store) -> list[Document]:
    documents = [
        store.add_document(Document.from_text("Alpha report\n\nOne.\n\nTwo.\n")),
        store.add_document(
            Document.from_text("[bold]Beta[/bold] \x1b]0;pwned\x07 [@click=app.quit]x[/]\n")
        ),
        store.add_document(Document.from_text("Gamma notes\n")),
    ]
    store.annotate(documents[0].id, 0, 5, tags=["actor/iran"])
    mark_opened(store, documents[2].id, when="2026-03-01T10:00:00Z")
    mark_opened(store, documents[0].id, when="2026-02-01T10:00:00Z")
    return documents


async def test_the_library_lists_documents_most_recent_first_and_enter_opens_one(
    store: Store,
) -> None:
    alpha, beta, gamma = library_store(store)
    app = Host(store)
    async with app.run_test(size=(100, 20)) as pilot:
        await loaded(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.shown_ids == [gamma.id, alpha.id, beta.id]
        table = screen.query_one(DataTable)
        assert [str(cell) for cell in table.get_row(alpha.id)] == [
            "Alpha report",
            "1",
            "33 %",
            "",
            "2026-02-01 10:00",
        ]
        await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [alpha.id]
    assert app.chosen == [alpha.id]


async def test_hostile_titles_show_as_typed_and_do_nothing(store: Store) -> None:
    _, beta, _ = library_store(store)
    app = Host(store)
    async with app.run_test(size=(120, 20)) as pilot:
        await loaded(pilot)
        title = str(app.screen.query_one(DataTable).get_row(beta.id)[0])
        assert title == "[bold]Beta[/bold] ␛]0;pwned␇ [@click=app.quit]x[/]"
        await pilot.click(DataTable, offset=(10, 3))
        await pilot.pause()
        assert app.is_running


async def test_slash_filters_and_escape_clears(store: Store) -> None:
    alpha, beta, gamma = library_store(store)
    app = Host(store)
    async with app.run_test(size=(100, 20)) as pilot:
        await loaded(pilot)
        screen = app.screen
        await pilot.press("slash", "g", "a", "m")
        await pilot.pause()
        assert screen.shown_ids == [gamma.id]
        await pilot.press("escape")
        await pilot.pause()
        assert screen.shown_ids == [gamma.id, alpha.id, beta.id]
        await pilot.press("slash", "j", "k")  # letters in the filter, not moves
        await pilot.pause()
        assert screen.query_one("#library-filter", Input).value == "jk"
        assert screen.shown_ids == []
        await pilot.press("backspace", "backspace", "b", "e", "t", "a", "enter")
        await pilot.pause()
        assert screen.shown_ids == [beta.id]
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [beta.id]


async def test_keys_typed_fast_after_slash_all_reach_the_filter(store: Store) -> None:
    _, _, gamma = library_store(store)
    app = Host(store)
    async with app.run_test(size=(100, 20)) as pilot:
        await loaded(pilot)
        # All queued at once, as a terminal delivers "/gam" typed quickly or pasted.
        for key, character in (("slash", "/"), ("g", "g"), ("a", "a"), ("m", "m")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#library-filter", Input).value == "gam"
        assert app.screen.shown_ids == [gamma.id]


async def test_an_empty_library_says_how_to_add_documents(store: Store) -> None:
    app = Host(store)
    async with app.run_test(size=(100, 20)) as pilot:
        await loaded(pilot)
        empty = app.screen.query_one("#library-empty", Static)
        assert empty.display and "gloss FOLDER" in str(empty.render())


# -- in a real terminal -------------------------------------------------------------------


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    yield from tmux_server(tmp_path)


def test_a_multilingual_document_annotated_in_tmux_exports_exactly_its_spans(
    tmux: Tmux, tmp_path: Path
) -> None:
    gloss = Path(sys.executable).with_name("gloss")
    source = DOCUMENTS / "multilingual.txt"
    environment = {"GLOSS_DB": str(tmp_path / "store.json"), "GLOSS_ANALYST": "tmux"}
    tmux.start(f"{gloss} {source}", environment)
    tmux.wait_for("Russia and Iran in four languages")
    # Sentence by sentence: Russian (r), Persian (i), Chinese (x), the emoji line (c).
    for keys in (["j"], ["r"], ["j"] * 4, ["i"], ["j"] * 6, ["x"], ["j"] * 3, ["c"]):
        for key in keys:
            tmux.run("send-keys", "-t", "t", key)
            time.sleep(0.15)
    tmux.wait_for("4 annotations")
    tmux.run("send-keys", "-t", "t", "q")
    exported = subprocess.run(
        [str(gloss), "export", "--format", "json", "--db", str(tmp_path / "store.json")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    records = json.loads(exported)["annotations"]
    text = source.read_text(encoding="utf-8")
    assert [(r["tags"], r["quote"]) for r in records] == [
        (["actor/russia"], "Россия и Иран — союзники поневоле."),
        (["actor/iran"], "روسیه و ایران متحدند."),
        (["actor/both"], "俄罗斯和伊朗是盟友。"),
        (
            ["relation/convergence"],
            "Emoji too: 🇷🇺🤝🇮🇷 a handshake, 👨\u200d👩\u200d👧 a family, ❤️ a heart, "
            "and café written as cafe\u0301.",
        ),
    ]
    for record in records:
        assert text[record["start"] : record["end"]] == record["quote"]


def test_the_library_screen_snapshot(store: Store, snap_compare) -> None:
    library_store(store)
    assert snap_compare(Host(store), terminal_size=(100, 12), run_before=loaded)


def test_export_of_a_revised_file_uses_its_current_version(store: Store, tmp_path: Path) -> None:
    from annotations.export import select_file

    path, _, ids = revise(store, tmp_path)
    new = open_paths(store, [path]).documents[0]  # the reader re-anchored it
    scope, report = select_file(store, Codebook.default(), path)
    assert report is None  # nothing left to re-anchor: the stored version is the file's text
    assert {a.id for a in scope.annotations} == {ids["moves"], ids["changes"]}
    assert {a.document for a in scope.annotations} == {new.id}
    assert [a.id for a in scope.orphans] == [ids["goes"]]  # left on the first version
    # Changed again on disk: re-anchored from the current version, not the first one.
    write(path, "Preface.\n" + new.text)
    scope, report = select_file(store, Codebook.default(), path)
    assert report is not None and report.moved == 2 and report.orphaned == 0
    assert {a.id for a in scope.annotations} == {ids["moves"], ids["changes"]}


async def test_the_library_shows_each_source_and_edits_it(store: Store, tmp_path: Path) -> None:
    import source_files as made

    page = open_paths(store, [made.saved_page(tmp_path / "page.html")]).documents[0]
    app = Host(store)
    async with app.run_test(size=(120, 20)) as pilot:
        await loaded(pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row(page.id)[0]) == (
            "Sanctions and Oil  Ana Lima · The Example Times · 2024-03-05 · HTML"
        )
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("tab", "end", "ctrl+u")  # the author: replaced
        await pilot.press(*[c if c != " " else "space" for c in "Ana Lima-Souza"], "ctrl+s")
        await loaded(pilot)
        assert str(app.screen.query_one(DataTable).get_row(page.id)[0]).startswith(
            "Sanctions and Oil  Ana Lima-Souza · The Example Times"
        )
    assert store.document(page.id).metadata["author"] == "Ana Lima-Souza"

"""`gloss export` and `gloss import` from the command line, and the json round trip."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_export_support import FORMULA, HOSTILE_MEMO, hostile_annotations, hostile_document

from annotations import Annotation, Codebook, Document, Store
from annotations.export import FORMAT_NAMES, render, select
from tui.cli import main


@pytest.fixture
def filled_store(store_path: Path) -> Path:
    """A store with the hostile document (10 annotations) and a second, quiet one."""
    document = hostile_document()
    with Store(store_path) as store:
        store.add_document(document)
        for annotation in hostile_annotations(document):
            store.put(annotation)
        quiet = store.add_document(Document.from_text("Nothing here.\n", title="Quiet"))
        store.annotate(quiet.id, 0, 7, tags=["actor/russia"], analyst="ben")
    return store_path


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, bytes, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out.encode("utf-8"), captured.err


def run_binary(capfdbinary: pytest.CaptureFixture[bytes], *arguments: str):
    code = main(list(arguments))
    captured = capfdbinary.readouterr()
    return code, captured.out, captured.err.decode("utf-8")


@pytest.mark.parametrize("name", [n for n in FORMAT_NAMES if n != "qdpx"])
def test_every_text_format_goes_to_stdout(capfdbinary, filled_store: Path, name: str) -> None:
    code, out, err = run_binary(capfdbinary, "export", "--db", str(filled_store), "-f", name)
    assert code == 0, err
    assert out
    assert err == ""


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_goes_to_a_file(capsys, filled_store: Path, tmp_path: Path, name) -> None:
    output = tmp_path / f"notes.{name}"
    code, out, err = run(capsys, "export", "--db", str(filled_store), "-f", name, "-o", str(output))
    assert code == 0, err
    assert out == b""
    assert err.strip() == f"wrote 11 annotations to {output}"
    assert output.stat().st_size > 100
    if name == "qdpx":
        assert zipfile.ZipFile(output).namelist()[0] == "project.qde"


def test_filters_narrow_by_document_tag_and_analyst(capfdbinary, filled_store: Path) -> None:
    def rows(*filters: str) -> list[dict[str, str]]:
        code, out, err = run_binary(
            capfdbinary, "export", "--db", str(filled_store), "-f", "csv", *filters
        )
        assert code == 0, err
        return list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"), newline="")))

    assert len(rows()) == 11
    assert {r["document title"] for r in rows("--document", "Quiet")} == {"Quiet"}
    assert len(rows("--tag", "actor/russia")) == 4
    assert {r["analyst"] for r in rows("--analyst", "ben")} == {"ben"}
    assert len(rows("--analyst", "ben")) == 4
    both = rows("--tag", "actor/russia", "--analyst", "ben")
    assert [r["document title"] for r in both] == [both[0]["document title"], "Quiet"]
    assert len(rows("--document", "Quiet", "--analyst", "ana")) == 0


def test_the_document_may_be_named_by_id_prefix(capfdbinary, filled_store: Path) -> None:
    prefix = hostile_document().id[7:19]
    code, out, err = run_binary(
        capfdbinary, "export", "--db", str(filled_store), "-f", "json", "--document", prefix
    )
    assert code == 0, err
    data = json.loads(out)
    assert [d["id"] for d in data["documents"]] == [hostile_document().id]
    assert len(data["annotations"]) == 10


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-f", "pdf"], "unknown export format 'pdf' (choose from md, csv, json"),
        (["-f", "qdpx"], "--format qdpx writes a zip: name the file with -o FILE"),
        (["-f", "md", "-o", "/no/such/folder/notes.md"], "cannot write (no folder"),
        (["-f", "md", "--document", "nothing-like-it"], "no document 'nothing-like-it'"),
        (["-f", "md", "--codebook", "/no/such/codebook.toml"], "no such codebook file"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    capsys, filled_store: Path, arguments: list[str], message: str
) -> None:
    code, out, err = run(capsys, "export", "--db", str(filled_store), *arguments)
    assert code == 2
    assert out == b""
    assert err.count("\n") == 1 and err.startswith("gloss: ")
    assert message in err
    assert "Traceback" not in err


def test_an_unwritable_file_is_one_clear_line(capsys, filled_store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        target = folder / "notes.md"
        if os.access(folder, os.W_OK):
            # Root writes anywhere; sysfs refuses even root.
            if not Path("/sys/kernel").is_dir():
                pytest.skip("no folder this user cannot write to")
            target = Path("/sys/gloss-notes.md")
        code, out, err = run(
            capsys, "export", "--db", str(filled_store), "-f", "md", "-o", str(target)
        )
    finally:
        folder.chmod(0o700)
    assert code == 2 and out == b""
    assert err == f"gloss: {target}: cannot write (Permission denied)\n"
    assert not target.exists()


def test_a_folder_as_output_is_refused(capsys, filled_store: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, "export", "--db", str(filled_store), "-f", "md", "-o", str(tmp_path))
    assert code == 2
    assert "is a folder; name a file to write" in err


def test_an_empty_store_is_one_clear_line(capsys, store_path: Path) -> None:
    Store(store_path).close()
    code, out, err = run(capsys, "export", "--db", str(store_path), "-f", "md")
    assert code == 2 and out == b""
    assert err == "gloss: the store holds no documents: nothing to export\n"


def test_a_missing_store_is_one_clear_line(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "export", "--db", str(tmp_path / "none.json"), "-f", "md")
    assert code == 2
    assert "no store here yet" in err and err.count("\n") == 1


def test_a_store_with_documents_but_no_annotations_exports(capfdbinary, store_path) -> None:
    with Store(store_path) as store:
        store.add_document(Document.from_text("Quiet text.\n", title="Quiet"))
    code, out, err = run_binary(capfdbinary, "export", "--db", str(store_path), "-f", "md")
    assert code == 0, err
    assert b"*No annotations.*" in out


def test_hostile_text_survives_the_command_line(capfdbinary, filled_store: Path) -> None:
    code, out, _ = run_binary(capfdbinary, "export", "--db", str(filled_store), "-f", "csv")
    assert code == 0
    text = out.decode("utf-8-sig")
    assert "\"'" + FORMULA.replace('"', '""') + '"' in text
    assert "\x1b" not in text


# -- the json round trip ------------------------------------------------------------------


def test_cli_round_trip_export_import_export(capsys, filled_store: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    empty = tmp_path / "empty.json"
    assert run(capsys, "export", "--db", str(filled_store), "-f", "json", "-o", str(first))[0] == 0
    code, _, err = run(capsys, "import", "--db", str(empty), str(first))
    assert code == 0, err
    assert "imported 11 new annotations and 2 new documents" in err
    assert run(capsys, "export", "--db", str(empty), "-f", "json", "-o", str(second))[0] == 0
    assert json.loads(first.read_bytes()) == json.loads(second.read_bytes())
    assert first.read_bytes() == second.read_bytes()
    assert HOSTILE_MEMO in {a["memo"] for a in json.loads(first.read_bytes())["annotations"]}


CODES = [code.id for code in Codebook.default().codes] + ["custom/tag"]
# Any text at all: controls, escapes, bidi, astral characters — but no lone surrogates,
# which no file can hold.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@st.composite
def stores(draw):
    documents = []
    for number in range(draw(st.integers(1, 2))):
        text = draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=200))
        document = Document.from_text(text + f" {number}", title=draw(any_text) or None)
        documents.append(document)
    documents = list({d.id: d for d in documents}.values())
    annotations = []
    for identifier in draw(st.lists(st.uuids(version=4), max_size=6, unique=True)):
        document = draw(st.sampled_from(documents))
        start = draw(st.integers(0, len(document.text) - 1))
        end = draw(st.integers(start + 1, len(document.text)))
        stamp = draw(st.sampled_from(["2024-01-01T00:00:00Z", "2025-06-30T12:34:56Z", ""]))
        annotation = Annotation.create(
            document=document.id,
            text=document.text,
            start=start,
            end=end,
            tags=draw(st.lists(st.sampled_from(CODES), unique=True, max_size=4)),
            memo=draw(any_text),
            confidence=draw(st.sampled_from([None, "low", "moderate", "high"])),
            analyst=draw(any_text),
        )
        annotations.append(annotation.evolve(id=str(identifier), created=stamp, modified=stamp))
    return documents, annotations


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(stores())
def test_json_round_trip_gives_the_same_records(data) -> None:
    documents, annotations = data
    codebook = Codebook.default()
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "a.json") as store:
            for document in documents:
                store.add_document(document)
            for annotation in annotations:
                store.put(annotation)
            exported = render("json", select(store, codebook))
        with Store(Path(folder) / "b.json") as empty:
            empty.import_records(json.loads(exported))
            again = render("json", select(empty, codebook))
    assert json.loads(again) == json.loads(exported)
    assert again == exported
    records = json.loads(exported)
    assert sorted(a["id"] for a in records["annotations"]) == sorted(a.id for a in annotations)


def test_document_path_exports_the_file_as_it_is_now(capfdbinary, tmp_path: Path) -> None:
    paragraphs = [
        "Over the past four years, Russia and Iran have shared striking parallels.",
        "Russia's support focused chiefly on the Syrian army and its institutions.",
        "Iran has largely supported Shiite militias and small armies of its own.",
        "Theirs is a marriage of convenience that will not last long, says the author.",
    ]
    article = tmp_path / "article.txt"
    article.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    store_file = tmp_path / "store.json"
    with Store(store_file) as store:
        document = store.add_document(Document.from_path(article))
        for span in document.paragraphs[1:]:
            store.annotate(document.id, span.start, span.end, tags=["actor/both"], analyst="ana")
    # The file changes: a paragraph is added at the top, one annotated paragraph removed.
    changed = ["An inserted paragraph.", paragraphs[0], paragraphs[1], paragraphs[3]]
    article.write_text("\n\n".join(changed) + "\n", encoding="utf-8")
    code, out, err = run_binary(
        capfdbinary, "export", "--db", str(store_file), "-f", "json", "--document", str(article)
    )
    assert code == 0, err
    data = json.loads(out)
    text = data["documents"][0]["text"]
    assert "An inserted paragraph." in text
    placed = [a for a in data["annotations"] if not a.get("orphan")]
    quotes = [text[a["start"] : a["end"]] for a in placed]
    assert quotes == [paragraphs[1], paragraphs[3]]
    assert [a["quote"] for a in placed] == quotes
    # The one that could not be placed is there too, marked, on the version it was made on.
    (orphan,) = [a for a in data["annotations"] if a.get("orphan")]
    assert orphan["quote"] == paragraphs[2] and orphan["document"] == document.id
    previous = data["documents"][1]
    assert previous["id"] == document.id and previous["text"][orphan["start"] :].startswith(
        paragraphs[2]
    )
    lines = err.splitlines()
    assert "changed since it was annotated" in lines[0] and "1 orphaned" in lines[0]
    assert "orphan:" in lines[1] and "Iran has largely supported" in lines[1]
    assert lines[2].startswith("included 1 orphaned annotation, marked as orphans")
    assert len(lines) == 3
    # The store itself is not changed by an export.
    with Store(store_file) as store:
        assert len(store.annotations()) == 3


def test_document_path_not_in_the_store_is_one_clear_line(capsys, filled_store, tmp_path):
    stranger = tmp_path / "stranger.txt"
    stranger.write_text("Never opened in gloss.\n", encoding="utf-8")
    code, _, err = run(
        capsys, "export", "--db", str(filled_store), "-f", "md", "--document", str(stranger)
    )
    assert code == 2
    assert (
        err == f"gloss: {stranger}: not in the store — open it with gloss and annotate it first\n"
    )


REPORT = (
    "A report on alliances\n"
    "Russia's interests lie in state institutions, the army and the security services.\n"
    "Iran's interests lie in people: militias, shrines and the demography of the region.\n"
    "The two will part ways once the war is over, the author argues at some length.\n"
)


@pytest.fixture
def revised(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A store where a report was annotated, revised and re-opened: one annotation could
    not be placed and stayed, an orphan, on the first version."""
    from annotations.library import open_paths

    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    store_file = tmp_path / "store.json"
    ids = {}
    with Store(store_file) as store:
        old = open_paths(store, [path]).documents[0]
        for name, fragment in (("kept", "the army"), ("orphan", "once the war is over")):
            start = old.text.index(fragment)
            made = store.annotate(old.id, start, start + len(fragment), tags=["actor/both"])
            ids[name] = made.id
        path.write_text(REPORT.replace("once the war is over, ", ""), encoding="utf-8")
        assert open_paths(store, [path]).opened[0].orphaned == 1
    return store_file, path, ids


@pytest.mark.parametrize("by", ["path", "title"])
def test_a_document_export_carries_its_earlier_orphans_marked(
    capfdbinary, revised, by: str
) -> None:
    store_file, path, ids = revised
    reference = str(path) if by == "path" else "A report on alliances"
    code, out, err = run_binary(
        capfdbinary, "export", "--db", str(store_file), "-f", "json", "--document", reference
    )
    assert code == 0, err
    data = json.loads(out)
    by_id = {a["id"]: a for a in data["annotations"]}
    assert set(by_id) == {ids["kept"], ids["orphan"]}
    assert by_id[ids["orphan"]]["orphan"] is True and "orphan" not in by_id[ids["kept"]]
    current, older = data["documents"]
    assert by_id[ids["kept"]]["document"] == current["id"]
    assert by_id[ids["orphan"]]["document"] == older["id"]
    assert older["metadata"]["superseded_by"] == current["id"]
    assert err.count("\n") == 1
    assert err.startswith("included 1 orphaned annotation, marked as orphans")
    assert "press o in the reader to re-attach them" in err

    code, out, err = run_binary(
        capfdbinary, "export", "--db", str(store_file), "-f", "csv", "--document", reference
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert [(r["quote"], r["orphan"]) for r in rows] == [
        ("the army", ""),
        ("once the war is over", "yes"),
    ]
    assert err.startswith("included 1 orphaned annotation")


def test_formats_that_cannot_mark_orphans_say_so(capfdbinary, revised) -> None:
    store_file, path, _ = revised
    code, out, err = run_binary(
        capfdbinary, "export", "--db", str(store_file), "-f", "md", "--document", str(path)
    )
    assert code == 0, err
    assert b"once the war is over" not in out
    assert err.count("\n") == 1
    assert err.startswith("1 orphaned annotation not included (--format md cannot mark them")
    assert "press o in the reader" in err


def test_orphans_exported_and_imported_are_orphans_again(capsys, revised, tmp_path) -> None:
    from annotations.library import current_version, orphans

    store_file, path, ids = revised
    exported = tmp_path / "report.json"
    code, _, err = run(
        capsys, "export", "--db", str(store_file), "--document", str(path), "-o", str(exported)
    )
    assert code == 0, err
    other = tmp_path / "colleague.json"
    assert run(capsys, "import", "--db", str(other), str(exported))[0] == 0
    with Store(other) as store:
        current = current_version(store, path)
        assert current is not None
        assert [a.id for a in orphans(store, current.id)] == [ids["orphan"]]
        assert [a.id for a in store.annotations(current.id)] == [ids["kept"]]

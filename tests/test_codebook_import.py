"""Two analysts' stores merged after one of them changed the codebook: the retagging of a
merge or move is not taken for newer work, old ids come in as the codes they became,
and a store takes the codebook its imports carry."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from annotations import Codebook, Document, Store
from annotations import codebook_edits as edits
from annotations.codebook_store import codebook_in_force, stored_codebook
from annotations.editing import Editor
from annotations.export import render, select
from tui.cli import main

TEXT = "One sentence here. Another one there. A third for luck.\n"
EARLIER = "2026-01-01T00:00:00Z"


def export_json(store: Store, path: Path) -> Path:
    path.write_bytes(render("json", select(store, codebook_in_force(store, Codebook.default()))))
    return path


def test_a_merge_in_one_store_is_not_newer_than_the_other_analysts_work(
    tmp_path: Path, capsys
) -> None:
    ana_path, ben_path = tmp_path / "ana.json", tmp_path / "ben.json"
    document = Document.from_text(TEXT, title="t")
    with Store(ben_path) as ben:
        ben.add_document(document)
        codebook_in_force(ben, Codebook.default())
        # Made a while ago: ben's later edit is later by the clock's seconds.
        x, y = (
            replace(
                ben.annotate(document.id, *span, tags=["actor/both"], analyst="ben"),
                created=EARLIER,
                modified=EARLIER,
            )
            for span in ((0, 18), (19, 37))
        )
        ben.put_many([x, y])
        first = export_json(ben, tmp_path / "ben-1.json")
    assert main(["import", str(first), "--db", str(ana_path)]) == 0
    with Store(ana_path) as ana:
        Editor(ana, document, "ana").edit_codebook(edits.merge_codes, "actor/both", "actor/iran")
    with Store(ben_path) as ben:
        ben.update(x.id, memo="ben, later: both, surely")  # a real edit, after ana's merge
        second = export_json(ben, tmp_path / "ben-2.json")
    capsys.readouterr()
    assert main(["import", str(second), "--db", str(ana_path)]) == 0
    said = capsys.readouterr().err
    # y: unchanged (its old tag read as the code it became); x: ben's later memo wins.
    assert "1 updated, 1 unchanged, 1 conflicts" in said
    with Store(ana_path, read_only=True) as ana:
        found = {a.id: a for a in ana.annotations()}
        assert found[x.id].memo == "ben, later: both, surely"
        assert {a.tags for a in found.values()} == {("actor/iran",)}
        assert found[y.id].modified == y.modified


def test_a_fresh_store_takes_the_codebook_its_import_carries(tmp_path: Path, capsys) -> None:
    source = tmp_path / "source.json"
    document = Document.from_text(TEXT, title="t")
    with Store(source) as store:
        store.add_document(document)
        codebook_in_force(store, Codebook.default())
        editor = Editor(store, document, "ana")
        change = editor.edit_codebook(edits.add_code, "actor", "Turkey", memo="NATO's ally")
        editor.toggle_tag((0, 18), "actor/turkey", change.codebook)
        exported = export_json(store, tmp_path / "project.json")
    carried = json.loads(exported.read_text())["codebook"]["codes"]
    assert {c["id"]: c.get("memo") for c in carried}["actor/turkey"] == "NATO's ally"
    fresh = tmp_path / "fresh.json"
    assert main(["import", str(exported), "--db", str(fresh)]) == 0
    with Store(fresh, read_only=True) as store:
        assert stored_codebook(store).code("actor/turkey").memo == "NATO's ally"


def test_a_store_with_a_codebook_adds_the_codes_an_import_carries(tmp_path: Path, capsys) -> None:
    document = Document.from_text(TEXT, title="t")
    other = tmp_path / "other.json"
    with Store(other) as store:
        store.add_document(document)
        codebook_in_force(store, Codebook.default())
        editor = Editor(store, document, "ben")
        made = editor.edit_codebook(
            edits.add_code, "interest", "air power", keys=["a"], parent="interest/military"
        )
        editor.toggle_tag((0, 18), "interest/military/air-power", made.codebook)
        exported = export_json(store, tmp_path / "ben.json")
    mine = tmp_path / "mine.json"
    with Store(mine) as store:
        store.add_document(document)
        changed = edits.set_keys(Codebook.default(), "actor/russia", ["r", "a"]).codebook
        codebook_in_force(store, changed)
    assert main(["import", str(exported), "--db", str(mine)]) == 0
    with Store(mine, read_only=True) as store:
        codebook = stored_codebook(store)
        added = codebook.code("interest/military/air-power")
        assert added is not None and added.keys == ()  # "a" is taken here: left off
        assert codebook.code("actor/russia").keys == ("r", "a")
        assert store.annotations()[0].tags == ("interest/military/air-power",)

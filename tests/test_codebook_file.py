"""A codebook change is written back into the TOML file the codebook came from, keeping
its comments and layout, touching only what the change changed."""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import Codebook, Document, Store
from annotations import codebook_edits as edits
from annotations.codebook_file import write_back
from annotations.codebook_store import codebook_in_force
from annotations.editing import Editor
from annotations.errors import CodebookError

COMMENTED = """\
# Our project's codebook. Keep the keys on the home row.
name = "Syria project"  # shown in the help

[[groups]]
id = "actor"
label = "Actor"
exclusive = true

[[groups]]
id = "interest"   # what is at stake
label = "Interest"

# --- actors ---------------------------------------------------------------
[[codes]]
id = "actor/russia"
label = "Russia"
key = "r"            # r for Russia
color = "#da6800"
description = "Russia"

[[codes]]
id = "actor/iran"
label = "Iran"
keys = ["i", "ш"]
color = "#24a482"
# The IRGC counts as Iran.
description = "Iran"

# --- interests ------------------------------------------------------------
[[codes]]
id = "interest/military"
label = "military"
key = "1"
color = "#c06045"
description = "forces, bases"

[[codes]]
id = "interest/bases"
label = "bases"
key = "2"
color = "#2a72ff"
description = "Tartous, Hmeimim"
"""


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.fixture
def file(tmp_path: Path) -> Path:
    path = tmp_path / "codebook.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    return path


def test_a_rename_and_a_memo_change_only_their_lines(file: Path) -> None:
    codebook = Codebook.load(file)
    renamed = edits.rename_code(codebook, "actor/russia", "Russian Federation").codebook
    described = edits.describe_code(renamed, "actor/iran", memo="Includes the IRGC.").codebook
    write_back(file, codebook, described)
    text = file.read_text(encoding="utf-8")
    assert changed_lines(COMMENTED, text) == [
        '-label = "Russia"',
        '+label = "Russian Federation"',
        '+memo = "Includes the IRGC."',
    ]
    assert Codebook.load(file) == described


def test_new_keys_keep_the_line_comment_of_the_table(file: Path) -> None:
    codebook = Codebook.load(file)
    keyed = edits.set_keys(codebook, "actor/russia", ["r", "к"]).codebook
    write_back(file, codebook, keyed)
    text = file.read_text(encoding="utf-8")
    assert "# Our project's codebook. Keep the keys on the home row." in text
    assert 'keys = ["r", "к"]' in text and 'key = "r"' not in text
    assert Codebook.load(file).code("actor/russia").keys == ("r", "к")


def test_a_nested_code_merge_and_alias_keep_every_comment(file: Path) -> None:
    codebook = Codebook.load(file)
    step = edits.add_code(codebook, "interest", "air power", parent="interest/military")
    step = edits.merge_codes(step.codebook, "interest/bases", "interest/military")
    write_back(file, codebook, step.codebook)
    text = file.read_text(encoding="utf-8")
    for comment in ("# r for Russia", "# The IRGC counts as Iran.", "# what is at stake"):
        assert comment in text
    assert 'id = "interest/bases"' not in text
    assert '"interest/bases" = "interest/military"' in text
    again = Codebook.load(file)
    assert again == step.codebook
    assert again.code("interest/military/air-power").parent == "interest/military"
    assert text.index("interest/military/air-power") > text.index('id = "interest/military"')


def test_a_field_edited_by_hand_meanwhile_is_kept(file: Path) -> None:
    codebook = Codebook.load(file)
    file.write_text(COMMENTED.replace("forces, bases", "forces, bases, militias"), "utf-8")
    write_back(file, codebook, edits.set_color(codebook, "interest/military", "#112233").codebook)
    code = Codebook.load(file).code("interest/military")
    assert (code.color, code.description) == ("#112233", "forces, bases, militias")


def test_a_file_gone_bad_is_left_as_it_is(file: Path) -> None:
    codebook = Codebook.load(file)
    file.write_text("name = [", encoding="utf-8")
    with pytest.raises(CodebookError, match="cannot write the change back"):
        write_back(file, codebook, edits.rename_code(codebook, "actor/iran", "IR").codebook)
    assert file.read_text(encoding="utf-8") == "name = ["


def test_a_change_in_the_app_writes_the_file_and_undo_writes_it_back(
    file: Path, store_path: Path
) -> None:
    with Store(store_path) as store:
        document = store.add_document(Document.from_text("One. Two.\n", title="t"))
        codebook_in_force(store, Codebook.load(file), file=file, chosen=True)
        editor = Editor(store, document, "ana")
        change = editor.edit_codebook(edits.move_code, "interest/bases", "actor")
        assert change.file_not_updated is None
        assert Codebook.load(file).code("actor/bases") is not None
        editor.undo()
    assert file.read_text(encoding="utf-8") == COMMENTED


CODE_IDS = ["actor/russia", "actor/iran", "interest/military", "interest/bases"]
step = st.one_of(
    st.tuples(st.just("rename"), st.sampled_from(CODE_IDS), st.text("ab Ж", min_size=1)),
    st.tuples(st.just("add"), st.sampled_from(["actor", "interest"]), st.text("xyz", min_size=1)),
    st.tuples(st.just("nest"), st.sampled_from(CODE_IDS), st.sampled_from(CODE_IDS)),
    st.tuples(st.just("move"), st.sampled_from(CODE_IDS), st.sampled_from(["actor", "interest"])),
    st.tuples(st.just("merge"), st.sampled_from(CODE_IDS), st.sampled_from(CODE_IDS)),
    st.tuples(st.just("memo"), st.sampled_from(CODE_IDS), st.text("m\nn", max_size=3)),
)


def edited(codebook: Codebook, kind: str, first: str, second: str) -> Codebook:
    resolved = codebook.resolve(first)
    operations = {
        "rename": lambda: edits.rename_code(codebook, resolved, second),
        "add": lambda: edits.add_code(codebook, first, second),
        "nest": lambda: edits.nest_code(codebook, resolved, codebook.resolve(second)),
        "move": lambda: edits.move_code(codebook, resolved, second),
        "merge": lambda: edits.merge_codes(codebook, resolved, codebook.resolve(second)),
        "memo": lambda: edits.describe_code(codebook, resolved, memo=second),
    }
    try:
        return operations[kind]().codebook
    except CodebookError:
        return codebook  # refused (a code into itself, a label of spaces): nothing changes


@settings(max_examples=60, deadline=None)
@given(st.lists(step, max_size=8))
def test_any_sequence_of_changes_written_back_reads_as_the_codebook(steps) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "codebook.toml"
        file.write_text(COMMENTED, encoding="utf-8")
        codebook = Codebook.load(file)
        for kind, first, second in steps:
            changed = edited(codebook, kind, first, second)
            write_back(file, codebook, changed)
            codebook = changed
            assert Codebook.load(file) == codebook
        assert "# The IRGC counts as Iran." in file.read_text(encoding="utf-8") or (
            codebook.code("actor/iran") is None
        )


def test_a_marker_is_written_back_and_removed_again(file: Path) -> None:
    codebook = Codebook.load(file)
    marked = edits.set_marker(codebook, "actor/iran", "◆").codebook
    write_back(file, codebook, marked)
    assert Codebook.load(file).code("actor/iran").marker == "◆"
    write_back(file, marked, codebook)
    assert file.read_text(encoding="utf-8") == COMMENTED

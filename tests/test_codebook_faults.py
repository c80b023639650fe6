"""Codebook files that are not what they seem: special files, a byte order mark, nesting
deeper than the parser follows, and a codebook of thousands of codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotations import Codebook
from annotations.errors import CodebookError
from tui.cli import main

SMALL = 'name = "x"\n[[groups]]\nid = "g"\n[[codes]]\nid = "g/a"\nkey = "1"\n'


def gloss(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Gloss in a process of its own: should it wait on a FIFO, the test fails, not hangs."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *arguments], capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize(
    "arguments",
    [
        ["codebook", "check", "{file}"],
        ["codebook", "show", "--codebook", "{file}"],
        ["stats", "--codebook", "{file}", "--db", "{store}"],
        ["{document}", "--codebook", "{file}", "--db", "{store}"],
    ],
)
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_special_file_as_codebook_is_refused_not_waited_on(
    tmp_path: Path, arguments: list[str], special: str
) -> None:
    if special == "fifo":
        file = tmp_path / "codebook.toml"
        os.mkfifo(file)
    else:
        file = Path(special)
        if not file.exists():
            pytest.skip("no /dev/zero here")
    document = tmp_path / "a.txt"
    document.write_text("Some text.\n", encoding="utf-8")
    store = tmp_path / "gloss.json"
    finished = gloss(*(a.format(file=file, document=document, store=store) for a in arguments))
    assert (finished.returncode, finished.stderr) == (2, f"gloss: {file}: is not a regular file\n")


def test_a_codebook_starting_with_a_byte_order_mark_is_read(capsys, tmp_path: Path) -> None:
    file = tmp_path / "bom.toml"
    file.write_bytes(b"\xef\xbb\xbf" + SMALL.encode("utf-8"))
    assert main(["codebook", "check", str(file)]) == 0
    assert capsys.readouterr().out == f"ok: {file}: 1 group, 1 code\n"
    assert [code.id for code in Codebook.load(file).codes] == ["g/a"]


def test_a_byte_order_mark_keeps_the_line_numbers(tmp_path: Path) -> None:
    file = tmp_path / "bom.toml"
    file.write_bytes(b"\xef\xbb\xbf" + SMALL.replace('key = "1"', 'key = "j"').encode("utf-8"))
    with pytest.raises(CodebookError, match=r", line 6: code 'g/a': key 'j'"):
        Codebook.load(file, reserved={"j"})


@pytest.mark.parametrize(
    "value",
    ["[" * 5000 + "]" * 5000, "{ a = " * 5000 + "1" + " }" * 5000],
    ids=["arrays", "inline tables"],
)
def test_a_codebook_nested_5000_deep_is_one_line(capsys, tmp_path: Path, value: str) -> None:
    file = tmp_path / "deep.toml"
    file.write_text(SMALL + f"deep = {value}\n", encoding="utf-8")
    assert main(["codebook", "check", str(file)]) == 2
    assert capsys.readouterr().err == f"gloss: {file}: arrays or tables nested too deeply\n"


def big_codebook(codes: int) -> str:
    lines = ['name = "big"', "[[groups]]", 'id = "g"']
    for index in range(codes):
        key = chr(0x4E00 + index)
        lines += ["[[codes]]", f'id = "g/c{index}"', f'key = "{key}"', 'color = "#112233"']
    return "\n".join(lines) + "\n"


def test_errors_at_the_end_of_a_codebook_of_5000_codes_name_their_line() -> None:
    # The table lines are found once for the whole file (benchmarks/bench_codebook.py
    # measures that the check now grows with the codebook); they must still be right.
    text = big_codebook(5000)
    assert len(Codebook.from_toml(text).codes) == 5000
    duplicate_key = text + '[[codes]]\nid = "g/last"\nkey = "一"\n'
    last_line = len(text.splitlines()) + 3
    with pytest.raises(CodebookError, match=rf"line {last_line}: code 'g/last': key '一' is"):
        Codebook.from_toml(duplicate_key)
    duplicate_id = text + '[[codes]]\nid = "g/c7"\nkey = "#"\n'
    with pytest.raises(CodebookError, match=rf"line {last_line - 2}: code 'g/c7' is defined twice"):
        Codebook.from_toml(duplicate_id)

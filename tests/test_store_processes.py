"""Two running copies on one store: both save at the same time, neither loses the other's work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from annotations import Document, Store

SAVES = 150

CHILD = r"""
import sys
from annotations import Store

path, document_id, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Store(path, journal_limit=8_000) as store:  # small: it compacts while the other saves
    print("ready", flush=True)
    sys.stdin.readline()
    made = [store.annotate(document_id, i % 30, i % 30 + 4, analyst="child").id
            for i in range(count)]
    first = made[0]
    store.update(first, memo="child edit")
print("\n".join(made), flush=True)
"""


def test_two_processes_saving_at_once_keep_all_of_both(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    with Store(path) as store:
        document = store.add_document(Document.from_text("Words to mark here. " * 10 + "\n"))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), document.id, str(SAVES)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    with Store(path, journal_limit=8_000) as store:
        assert child.stdout.readline().strip() == "ready"
        child.stdin.write("go\n")
        child.stdin.flush()
        mine = [
            store.annotate(document.id, i % 30, i % 30 + 4, analyst="parent").id
            for i in range(SAVES)
        ]
        output, errors = child.communicate(timeout=60)
        assert child.returncode == 0, errors
        theirs = output.split()
        assert len(theirs) == SAVES
        store.refresh()
        seen = {a.id for a in store.annotations()}
        assert seen == set(mine) | set(theirs)
        assert store.annotation(theirs[0]).memo == "child edit"
        store.update(theirs[0], memo="parent edit after the child's")
    with Store(path) as store:
        assert len(store.annotations(analyst="child")) == SAVES
        assert len(store.annotations(analyst="parent")) == SAVES
        assert store.annotation(theirs[0]).memo == "parent edit after the child's"

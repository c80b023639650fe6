"""Crash safety: a process saving in a loop is killed with SIGKILL at random moments.

After every kill the store must open, and every save whose call returned (the child
printed "ok" after it) must be there. The journal limit is tiny, so compactions run — and
are killed — in the middle of the saves too.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from annotations import Annotation, Document, Store

ROUNDS = 24

CHILD = r"""
import sys
from annotations import Store

path, document_id = sys.argv[1], sys.argv[2]
store = Store(path, journal_limit=6_000)
print("ready", flush=True)
live = []
step = 0
while True:
    step += 1
    if step % 6 == 3 and live:
        target = live[-1]
        memo = f"v{step}"
        print("try-update", target, flush=True)
        store.update(target, memo=memo)
        print("ok-update", target, memo, flush=True)
    elif step % 6 == 5 and live:
        target = live.pop(0)
        print("try-delete", target, flush=True)
        store.delete(target)
        print("ok-delete", target, flush=True)
    else:
        annotation = store.annotate(document_id, step % 40, step % 40 + 5, memo="v0")
        live.append(annotation.id)
        print("ok-create", annotation.id, "v0", flush=True)
"""


class Expectations:
    """What acknowledged saves promise about the store; unacknowledged ones may go either way."""

    def __init__(self) -> None:
        self.memos: dict[str, str] = {}
        self.deleted: set[str] = set()
        self.uncertain: set[str] = set()

    def take(self, lines: list[str]) -> None:
        for line in lines:
            words = line.split()
            if not words:
                continue
            kind, annotation_id = words[0], words[1] if len(words) > 1 else ""
            if kind in ("try-update", "try-delete"):
                self.uncertain.add(annotation_id)
            elif kind == "ok-create" and len(words) == 3:
                self.memos[annotation_id] = words[2]
            elif kind == "ok-update" and len(words) == 3:
                self.memos[annotation_id] = words[2]
                self.uncertain.discard(annotation_id)
            elif kind == "ok-delete":
                self.memos.pop(annotation_id, None)
                self.deleted.add(annotation_id)
                self.uncertain.discard(annotation_id)

    def check(self, store: Store) -> int:
        present = {a.id: a for a in store.annotations()}
        for annotation_id in self.deleted:
            assert annotation_id not in present, f"deleted {annotation_id} came back"
        for annotation_id, memo in self.memos.items():
            if annotation_id in self.uncertain:
                continue
            assert annotation_id in present, f"acknowledged {annotation_id} was lost"
            assert present[annotation_id].memo == memo, f"update of {annotation_id} lost"
        return len(self.memos)


def test_sigkill_at_random_moments_never_loses_an_acknowledged_save(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    with Store(path) as store:
        document = store.add_document(Document.from_text("A sentence to mark. " * 20 + "\n"))
    randomness = random.Random(20261126)
    expectations = Expectations()
    checked = 0
    for round_number in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), document.id],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if round_number % 6 == 5:
            time.sleep(randomness.uniform(0.0, 0.3))  # sometimes while it is still opening
        else:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
            time.sleep(randomness.uniform(0.005, 0.25))
        child.send_signal(signal.SIGKILL)
        output, errors = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, errors
        expectations.take(output.splitlines())
        with Store(path) as store:  # must open, and must hold every acknowledged save
            checked = expectations.check(store)
    assert checked > 50  # the children did save a good deal before being killed


IMPORTER = r"""
import json, sys
from annotations import Store

path, batches = sys.argv[1], sys.argv[2:]
with Store(path) as store:
    print("ready", flush=True)
    for batch in batches:
        with open(batch, encoding="utf-8") as handle:
            store.import_records(json.load(handle))
        print("ok", batch, flush=True)
"""


def test_an_import_killed_midway_is_there_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "gloss.json"
    document = Document.from_text("A sentence to mark. " * 200 + "\n")
    with Store(tmp_path / "source.json") as source:
        source.add_document(document)
    batches: list[tuple[Path, set[str]]] = []
    for number in range(8):
        records = [
            Annotation.create(
                document=document.id, text=document.text, start=i % 300, end=i % 300 + 9
            ).to_record()
            for i in range(3_000)
        ]
        batch = tmp_path / f"batch-{number}.json"
        batch.write_text(
            json.dumps({"gloss": 1, "documents": [document.to_record()], "annotations": records})
        )
        batches.append((batch, {r["id"] for r in records}))
    randomness = random.Random(7)
    acknowledged: set[str] = set()
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", IMPORTER, str(path), *(str(b) for b, _ in batches)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        time.sleep(randomness.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate(timeout=30)
        acknowledged |= {line.split()[1] for line in output.splitlines() if line.startswith("ok")}
        with Store(path) as store:
            present = {a.id for a in store.annotations()}
        for batch, ids in batches:
            inside = ids & present
            assert inside in (set(), ids), f"{batch.name} is there in part"
            if str(batch) in acknowledged:
                assert inside == ids, f"acknowledged {batch.name} is missing"

"""The store at 1,000 / 10,000 / 100,000 annotations over 100 documents, against TinyDB's
default `JSONStorage` holding the same records (same tables) in the same run.

Measures one save (a cycle of create, tag, memo, delete; Gloss's saves are fdatasync'ed
before they return, the baseline's are not synced at all), opening the store, and
`gloss import` of 100,000 annotations into an empty store (a separate process, as a user
runs it); and what a change to a 5 MB document's metadata writes to the journal (what a
re-anchoring does). Prints a Markdown table. Run alone:
`python benchmarks/bench_store.py [--quick]`.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB

from annotations import Document, Store
from annotations.model import Annotation
from annotations.storage import journal_path

DOCUMENTS = 100
SIZES = (1_000, 10_000, 100_000)
SEED = 5
T = TypeVar("T")


def make_records(count: int) -> dict:
    randomness = random.Random(SEED)
    documents = [
        Document.from_text(
            f"Document {k}. " + "Russia keeps the institutions; Iran keeps the people. " * 90,
            title=f"Report {k}",
        )
        for k in range(DOCUMENTS)
    ]
    annotations = []
    for index in range(count):
        document = documents[index % DOCUMENTS]
        start = randomness.randrange(0, len(document.text) - 80)
        annotations.append(
            Annotation.create(
                document=document.id,
                text=document.text,
                start=start,
                end=start + randomness.randrange(20, 80),
                tags=("actor/russia", "interest/institutions"),
                memo=f"memo {index}",
                analyst="ana",
            ).to_record()
        )
    return {
        "gloss": 1,
        "documents": [d.to_record() for d in documents],
        "annotations": annotations,
    }


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(samples: list[float], function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    samples.append(time.perf_counter() - started)
    return result


def measure_gloss(folder: Path, data: dict, cycles: int) -> dict:
    path = folder / "gloss.json"
    started = time.perf_counter()
    with Store(path) as store:
        store.import_records(data)
    built = time.perf_counter() - started
    opens = []
    for _ in range(3):
        started = time.perf_counter()
        store = Store(path)
        opens.append(time.perf_counter() - started)
        store.close()
    document_ids = [d["id"] for d in data["documents"]]
    randomness = random.Random(SEED)
    saves: list[float] = []
    floor = DiskFloor(folder)
    with Store(path) as store:
        for _ in range(cycles):
            annotation = timed(saves, store.annotate, randomness.choice(document_ids), 10, 40)
            floor.sample()
            timed(saves, store.update, annotation.id, tags=["actor/iran"])
            floor.sample()
            timed(saves, store.update, annotation.id, memo="a memo")
            floor.sample()
            timed(saves, store.delete, annotation.id)
            floor.sample()
    floor.close()
    return {
        "saves": saves,
        "floor": floor.samples,
        "open": statistics.median(opens),
        "built": built,
    }


def measure_tinydb(folder: Path, data: dict, cycles: int) -> dict:
    """The same tables in one plain TinyDB file with the default JSONStorage."""
    path = folder / "tinydb.json"
    by_document: dict[str, list[dict]] = {}
    for record in data["annotations"]:
        by_document.setdefault(record["document"], []).append(record)
    # Written in one go, as TinyDB would lay it out (inserting table by table would
    # rewrite the whole file a hundred times).
    tables: dict[str, dict[str, dict]] = {
        "meta": {"1": {"schema": 1}},
        "documents": {str(i): d for i, d in enumerate(data["documents"], 1)},
    }
    for document_id, records in by_document.items():
        tables["annotations:" + document_id] = {str(i): r for i, r in enumerate(records, 1)}
    path.write_text(json.dumps(tables))
    opens = []
    for _ in range(3):
        started = time.perf_counter()
        db = TinyDB(path)
        db.storage.read()  # what opening costs: parse the whole file
        opens.append(time.perf_counter() - started)
        db.close()
    document_ids = list(by_document)
    randomness = random.Random(SEED)
    saves: list[float] = []
    db = TinyDB(path)
    for _ in range(cycles):
        table = db.table("annotations:" + randomness.choice(document_ids))
        doc_id = timed(saves, table.insert, dict(data["annotations"][0], memo=""))
        timed(saves, table.update, {"tags": ["actor/iran"]}, doc_ids=[doc_id])
        timed(saves, table.update, {"memo": "a memo"}, doc_ids=[doc_id])
        timed(saves, table.remove, doc_ids=[doc_id])
    db.close()
    return {"saves": saves, "open": statistics.median(opens)}


def measure_cli_import(folder: Path, data: dict) -> float:
    export = folder / "export.json"
    export.write_text(json.dumps(data, ensure_ascii=False))
    target = folder / "imported.json"
    gloss = Path(sys.executable).with_name("gloss")
    command = [str(gloss)] if gloss.exists() else [sys.executable, "-m", "tui.cli"]
    started = time.perf_counter()
    subprocess.run([*command, "import", "--db", str(target), str(export)], check=True)
    elapsed = time.perf_counter() - started
    with Store(target, read_only=True) as store:
        assert sum(store.count(d.id) for d in store.documents()) == len(data["annotations"])
    return elapsed


def measure_metadata_change(folder: Path) -> tuple[int, int, float]:
    """(text length, bytes journalled, median seconds) of `set_document_metadata` on a
    5 MB document: the `superseded_by` that every re-anchoring writes."""
    text = "Russia keeps the institutions; Iran keeps the people. " * 100_000
    samples: list[float] = []
    with Store(folder / "metadata.json") as store:
        document = store.add_document(Document.from_text(text, title="A book"))
        journal = journal_path(store.path)
        before = journal.stat().st_size
        timed(samples, store.set_document_metadata, document.id, superseded_by="0")
        # One change's bytes: later ones may start a compaction that empties the journal.
        written = journal.stat().st_size - before
        for index in range(1, 20):
            timed(samples, store.set_document_metadata, document.id, superseded_by=str(index))
    return len(text), written, statistics.median(samples)


class DiskFloor:
    """A bare 500-byte append + fdatasync, timed right after each Gloss save: what any
    durable save costs on this (shared) disk at that moment."""

    def __init__(self, folder: Path) -> None:
        self.descriptor = os.open(folder / "floor.bin", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        self.samples: list[float] = []

    def sample(self) -> None:
        started = time.perf_counter()
        os.write(self.descriptor, b"x" * 499 + b"\n")
        os.fdatasync(self.descriptor)
        self.samples.append(time.perf_counter() - started)

    def close(self) -> None:
        os.close(self.descriptor)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    sizes = SIZES[:2] if quick else SIZES
    rows = []
    import_seconds = None
    for size in sizes:
        data = make_records(size)
        with tempfile.TemporaryDirectory(prefix="bench-store-") as name:
            folder = Path(name)
            gloss = measure_gloss(folder, data, cycles=100)
            baseline_cycles = {1_000: 100, 10_000: 25}.get(size, 5)
            baseline = measure_tinydb(folder, data, cycles=baseline_cycles)
            if size == 100_000:
                import_seconds = measure_cli_import(folder, data)
        rows.append((size, gloss, baseline))
        print(f"measured {size:,}", file=sys.stderr, flush=True)
    print("| annotations | store | save median | save p99 | saves timed | open |")
    print("|---:|---|---:|---:|---:|---:|")
    for size, gloss, baseline in rows:
        for label, result in (("Gloss (journal, fsync)", gloss), ("TinyDB JSONStorage", baseline)):
            saves = result["saves"]
            print(
                f"| {size:,} | {label} | {ms(statistics.median(saves))} | "
                f"{ms(percentile(saves, 0.99))} | {len(saves)} | {ms(result['open'])} |"
            )
    print()
    for size, gloss, baseline in rows:
        ratio = statistics.median(baseline["saves"]) / statistics.median(gloss["saves"])
        print(
            f"- {size:,}: a Gloss save is {ratio:,.0f}x faster than the baseline's (median); "
            f"import_records into an empty store took {gloss['built']:.2f} s"
        )
    for size, gloss, _ in rows:
        floor = gloss["floor"]
        print(
            f"- disk floor at {size:,} (a bare 500-byte append + fdatasync after each save): "
            f"median {ms(statistics.median(floor))}, p99 {ms(percentile(floor, 0.99))}"
        )
    if import_seconds is not None:
        print(
            f"- `gloss import` of 100,000 annotations (new process, empty store): "
            f"{import_seconds:.2f} s"
        )
    with tempfile.TemporaryDirectory(prefix="bench-store-") as name:
        length, written, seconds = measure_metadata_change(Path(name))
    print(
        f"- a metadata change of a {length / 1e6:.1f} MB document (superseded_by): "
        f"{written:,} bytes journalled, {ms(seconds)} median"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

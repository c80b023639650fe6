"""Documents and re-anchoring at scale: a 5 MB document, thousands of annotations.

Run alone: `python benchmarks/bench_library.py` (or `python benchmarks/run.py library`).
Each row is compared with a baseline measured in the same run, the least the same job
could cost: splitting the text into lines for opening, one `str.find` of each quote for
re-anchoring, saving each annotation with `Store.put` for re-opening a revised file.
CPU seconds (`time.process_time`), median of 3 runs; wall seconds beside them.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations import Store
from annotations.anchoring import reanchor
from annotations.document import Document
from annotations.library import open_paths
from annotations.model import Annotation

SIZE = 5_000_000
RUNS = 3


def measure(job: Callable[[], object]) -> tuple[float, float]:
    """Median CPU and wall seconds of `job` over RUNS runs."""
    cpu, wall = [], []
    for _ in range(RUNS):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        job()
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return statistics.median(cpu), statistics.median(wall)


def big_text(wrapped: bool) -> str:
    article = Document.bundled().text
    copies = []
    for number in range(SIZE // len(article) + 1):
        copy = article.replace("Russia", f"Russia-{number}")
        if wrapped:
            copy = "\n\n".join(textwrap.fill(p, 72) for p in copy.split("\n") if p.strip())
        copies.append(copy)
    return "\n\n".join(copies)[:SIZE]


def sample_annotations(document: Document, count: int) -> list[Annotation]:
    rng = random.Random(7)
    annotations = []
    for _ in range(count):
        span = document.sentence_at(rng.randrange(len(document.text)))
        annotations.append(
            Annotation.create(
                document=document.id, text=document.text, start=span.start, end=span.end
            )
        )
    return annotations


def row(name: str, gloss: tuple[float, float], baseline: tuple[float, float]) -> str:
    ratio = gloss[0] / baseline[0] if baseline[0] else float("inf")
    return (
        f"| {name} | {gloss[0]:.3f} | {gloss[1]:.3f} | {baseline[0]:.3f} | {baseline[1]:.3f} "
        f"| {ratio:.1f} |"
    )


def main() -> None:
    lines = [
        "| job | Gloss CPU s | Gloss wall s | baseline CPU s | baseline wall s | × baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for wrapped in (False, True):
        text = big_text(wrapped)
        label = "hard-wrapped" if wrapped else "a paragraph per line"

        def open_document(text: str = text) -> None:
            document = Document.from_text(text)
            assert document.paragraphs
            document.sentence_at(len(text) // 2)

        def baseline_open(text: str = text) -> None:
            hashlib.sha256(text.encode()).hexdigest()
            text.splitlines()

        lines.append(
            row(
                f"open 5 MB, {label} (id, paragraphs, one sentence)",
                measure(open_document),
                measure(baseline_open),
            )
        )

    text = big_text(False)
    document = Document.from_text(text)
    annotations = sample_annotations(document, 2_000)
    middle = len(text) // 2
    edits = {
        "unchanged": text,
        "a paragraph inserted in the middle": text[:middle]
        + "\nA new paragraph.\n"
        + text[middle:],
        "a word replaced everywhere": text.replace("Syria", "the Syrian Arab Republic"),
    }
    for name, new_text in edits.items():

        def gloss_job(new_text: str = new_text) -> None:
            reanchor(annotations, new_text, len(text))

        def baseline_job(new_text: str = new_text) -> None:
            for annotation in annotations:
                new_text.find(annotation.quote)

        report = reanchor(annotations, new_text, len(text))
        lines.append(
            row(
                f"re-anchor 2,000 annotations, 5 MB, {name} ({report.summary()})",
                measure(gloss_job),
                measure(baseline_job),
            )
        )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        small = big_text(False)[:500_000]
        cpu_gloss, cpu_base = [], []
        wall_gloss, wall_base = [], []
        for run in range(RUNS):
            with Store(Path(folder) / f"store-{run}.json") as store:
                path.write_text(small, encoding="utf-8")
                old = open_paths(store, [path]).documents[0]
                store.put_many(sample_annotations(old, 1_000))
                path.write_text("A new first line.\n" + small, encoding="utf-8")
                cpu, wall = time.process_time(), time.perf_counter()
                opened = open_paths(store, [path]).opened[0]
                cpu_gloss.append(time.process_time() - cpu)
                wall_gloss.append(time.perf_counter() - wall)
                assert opened.moved == 1_000, opened.summary()
                moved = store.annotations(opened.document.id)
                cpu, wall = time.process_time(), time.perf_counter()
                for annotation in moved:
                    store.put(annotation)
                cpu_base.append(time.process_time() - cpu)
                wall_base.append(time.perf_counter() - wall)
        lines.append(
            row(
                "re-open a revised 500 KB file with 1,000 annotations (re-anchor + save)",
                (statistics.median(cpu_gloss), statistics.median(wall_gloss)),
                (statistics.median(cpu_base), statistics.median(wall_base)),
            )
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()

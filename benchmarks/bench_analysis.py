"""Analysis across a project: what a live analysis screen recomputes over the whole store,
and coding from search, against floors measured in the same run.

Data: bench_query's 100 documents of about 50 KB with 1,000 annotations each (100,000; 1
to 4 codes, four analysts), and a `year` attribute on each document (2012–2021).

- **Co-occurrence** of every code with every code, and actor × interest, over the
  100,000 annotations. Floor: `analysis.code_counts` (one pass over every annotation's
  tags: any matrix reads at least that much).
- **By attribute**: year × every code. Floor: the same `code_counts`.
- **Disagreements** between two analysts (the sentences they split over, every code) and
  `agreement` (gloss agree's figures) over the same documents.
- **Coding from search** in a store of the 100 documents and their 100,000 annotations:
  `search_project` for “supply route”, `coding_targets` (sentence units), `code_targets`
  (one durable write) and `undo_coding` (one write). Floor: `Store.put_many` of as many
  new annotations, the write alone.

Medians of 5 runs (coding: 3) of CPU time, wall beside it. There are no targets in the
issue for these: the figures say whether a screen can recompute them on every change.

    .venv/bin/python benchmarks/bench_analysis.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_query import DOCUMENTS, build

from annotations import Annotation, Codebook, Store
from annotations.agreement import agreement
from annotations.analysis import code_counts
from annotations.attribute_matrix import attribute_matrix
from annotations.cooccurrence import all_codes, cooccurrence, group_codes
from annotations.disagreements import disagreements
from annotations.project_search import search_project
from annotations.search import Search
from annotations.search_coding import code_targets, coding_targets, undo_coding

RUNS = 5
CODING_RUNS = 3


def measure(work: Callable[[], object], runs: int = RUNS) -> tuple[float, float, object]:
    cpu, wall = [], []
    result: object = None
    for _ in range(runs):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        result = work()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return statistics.median(cpu), statistics.median(wall), result


def row(name: str, floor_cpu: float, cpu: float, wall: float, what: str) -> None:
    print(f"| {name} | {floor_cpu:.3f} | {cpu:.3f} | {wall:.3f} | {cpu / floor_cpu:.1f} | {what} |")


def matrices(documents, annotations: dict[str, list[Annotation]]) -> None:
    codebook = Codebook.default()
    every = [a for d in documents for a in annotations[d.id]]
    floor_cpu, _, _ = measure(lambda: code_counts(every, codebook))
    print(f"\n### Matrices: {len(every):,} annotations in {DOCUMENTS} documents\n")
    print("| computation | floor CPU s (code_counts) | Gloss CPU s | wall s | × floor | size |")
    print("|---|---:|---:|---:|---:|---|")
    codes = all_codes(codebook, every)
    cpu, wall, full = measure(lambda: cooccurrence(every, codes))
    pairs = sum(full.count(r, c) for r in codes for c in codes if r < c)  # type: ignore[attr-defined]
    row(
        "co-occurrence, all codes",
        floor_cpu,
        cpu,
        wall,
        f"{len(codes)}×{len(codes)}, {pairs:,} pairs",
    )
    actors, interests = group_codes(codebook, "actor"), group_codes(codebook, "interest")
    cpu, wall, _ = measure(lambda: cooccurrence(every, actors, interests))
    row("co-occurrence, actor × interest", floor_cpu, cpu, wall, f"{len(actors)}×{len(interests)}")
    years = {d.id: {"year": str(2012 + number % 10)} for number, d in enumerate(documents)}
    cpu, wall, _ = measure(lambda: attribute_matrix(every, years, "year", codes))
    row("year × every code", floor_cpu, cpu, wall, f"10×{len(codes)}")
    cpu, wall, found = measure(lambda: disagreements(documents, every, ["ana", "ben"], codebook))
    row("disagreements, ana and ben", floor_cpu, cpu, wall, f"{len(found):,} units")  # type: ignore[arg-type]
    cpu, wall, _ = measure(lambda: agreement(documents, every, ["ana", "ben"], codebook))
    row("agreement, ana and ben", floor_cpu, cpu, wall, "kappa and alpha per code")


def coding(documents, annotations: dict[str, list[Annotation]]) -> None:
    codebook = Codebook.default()
    every = [a for d in documents for a in annotations[d.id]]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.json"
        with Store(path) as store:
            store.import_records(
                {
                    "gloss": 1,
                    "documents": [d.to_record() for d in documents],
                    "annotations": [a.to_record() for a in every],
                }
            )
            search = Search.compile("supply route")
            cpu, wall, matches = measure(
                lambda: search_project(search, documents, store.annotations), CODING_RUNS
            )
            print(f"\n### Coding from search: a store of {len(every):,} annotations\n")
            print("| step | floor CPU s (put_many) | Gloss CPU s | wall s | × floor | size |")
            print("|---|---:|---:|---:|---:|---|")
            found = coding_targets(
                matches,  # type: ignore[arg-type]
                documents,
                store.annotations,
                "interest/access",
                unit="sentence",
                analyst="eve",
            )
            made = [
                Annotation.create(
                    document=t.document,
                    text=store.document(t.document).text,
                    start=t.start,
                    end=t.end,
                    tags=("interest/access",),
                    analyst="floor",
                )
                for t in found
            ]

            def floor() -> None:
                store.put_many(made)
                store.put_many([], removing=[a.id for a in made])

            floor_cpu, _, _ = measure(floor, CODING_RUNS)
            floor_cpu /= 2  # the floor wrote twice: in and out again
            row("search “supply route”", floor_cpu, cpu, wall, f"{len(matches):,} matches")  # type: ignore[arg-type]
            cpu, wall, _ = measure(
                lambda: coding_targets(
                    matches,  # type: ignore[arg-type]
                    documents,
                    store.annotations,
                    "interest/access",
                    unit="sentence",
                    analyst="eve",
                ),
                CODING_RUNS,
            )
            row("coding_targets (sentences)", floor_cpu, cpu, wall, f"{len(found):,} places")
            code_cpu, code_wall, undo_cpu, undo_wall = [], [], [], []
            for _ in range(CODING_RUNS):
                started_cpu, started_wall = time.process_time(), time.perf_counter()
                change = code_targets(
                    store, found, "interest/access", analyst="eve", codebook=codebook
                )
                code_cpu.append(time.process_time() - started_cpu)
                code_wall.append(time.perf_counter() - started_wall)
                started_cpu, started_wall = time.process_time(), time.perf_counter()
                undo_coding(store, change)
                undo_cpu.append(time.process_time() - started_cpu)
                undo_wall.append(time.perf_counter() - started_wall)
            median = statistics.median
            row(
                "code_targets (one write)",
                floor_cpu,
                median(code_cpu),
                median(code_wall),
                f"{change.coded:,} coded",
            )
            row(
                "undo_coding (one write)",
                floor_cpu,
                median(undo_cpu),
                median(undo_wall),
                "store as before",
            )


def main() -> int:
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    documents, annotations = build()
    matrices(documents, annotations)
    coding(documents, annotations)
    print(f"\nload average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

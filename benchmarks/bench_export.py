"""Export speed: 10,000 annotations to every format, against a baseline in the same run.

The target (issue 4): each format in at most 1 s for 10,000 annotations. The baseline is
`json.dumps` of the same records — the least any export of this data can cost.

Data: the bundled article repeated 10 times (one document of ~100,000 characters) with
10,000 annotations on its sentences (1 to 4 tags, a memo on every other one, three
analysts), and — the worst case for the HTML page's highlight sweep — the same number of
annotations piled on the bundled article alone. Medians of 5 runs of CPU time (the verdict,
as DESIGN §10 asks: wall time also measures whatever else the machine is doing) and wall
time beside it.

    .venv/bin/python benchmarks/bench_export.py
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable

from annotations import Annotation, Codebook, Document
from annotations.export import FORMAT_NAMES, ExportScope, make_scope, render

ANNOTATIONS = 10_000
RUNS = 5
TARGET_SECONDS = 1.0


def build_scope(repeats: int, seed: int = 4) -> ExportScope:
    article = Document.bundled()
    document = Document.from_text(
        "\n\n".join([article.text] * repeats), title=article.title, metadata=article.metadata
    )
    codebook = Codebook.default()
    codes = [code.id for code in codebook.codes]
    sentences = document.sentences
    chance = random.Random(seed)
    annotations = []
    for number in range(ANNOTATIONS):
        first = chance.randrange(len(sentences))
        last = min(len(sentences) - 1, first + chance.choice((0, 0, 0, 1, 2)))
        annotation = Annotation.create(
            document=document.id,
            text=document.text,
            start=sentences[first].start,
            end=sentences[last].end,
            tags=codebook.ordered(chance.sample(codes, chance.randint(1, 4))),
            memo=f"Memo {number}: a note about this claim.\nSecond line." if number % 2 else "",
            confidence=chance.choice((None, "low", "moderate", "high")),
            analyst=chance.choice(("ana", "ben", "chen")),
        )
        annotations.append(annotation)
    return make_scope([document], annotations, codebook)


def measure(work: Callable[[], object]) -> tuple[float, float, int]:
    cpu, wall = [], []
    size = 0
    for _ in range(RUNS):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        result = work()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
        size = len(result) if isinstance(result, (bytes, str)) else 0
    return statistics.median(cpu), statistics.median(wall), size


def table(name: str, scope: ExportScope) -> bool:
    records = {
        "documents": [d.to_record() for d in scope.documents],
        "annotations": [a.to_record() for a in scope.annotations],
    }
    base_cpu, base_wall, base_size = measure(lambda: json.dumps(records, ensure_ascii=False))
    print(
        f"\n### {name}: {len(scope.annotations):,} annotations, "
        f"{sum(len(d.text) for d in scope.documents):,} characters\n"
    )
    print("| format | CPU s (median) | wall s | × baseline | output | CPU ≤ 1 s |")
    print("|---|---:|---:|---:|---:|:---:|")
    print(
        f"| baseline: json.dumps | {base_cpu:.3f} | {base_wall:.3f} | 1.0 | "
        f"{base_size / 1e6:.1f} MB | |"
    )
    ok = True
    for format_name in FORMAT_NAMES:
        cpu, wall, size = measure(lambda f=format_name: render(f, scope))
        within = cpu <= TARGET_SECONDS
        ok &= within
        print(
            f"| {format_name} | {cpu:.3f} | {wall:.3f} | {cpu / base_cpu:.1f} | "
            f"{size / 1e6:.1f} MB | {'yes' if within else '**no**'} |"
        )
    return ok


def main() -> int:
    ok = table("Article × 10", build_scope(repeats=10))
    ok &= table("Bundled article alone (heavy overlap)", build_scope(repeats=1))
    print("\nAll formats within 1 s." if ok else "\nSome format took more than 1 s.")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

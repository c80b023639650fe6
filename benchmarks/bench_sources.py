"""Opening a 300-page text PDF: the first time (converted) and after (found in the store).

Run alone: `python benchmarks/bench_sources.py` (or `python benchmarks/run.py sources`).
The PDF is made here (fpdf2, the test extra): the bundled article's paragraphs over and
over, four to a page, 300 pages, a page number on each. The baseline is the same text
opened from a `.txt` — what reading it costs with no conversion at all. Each job is what
`gloss FILE` does before the reader draws: open the store, open the file into it
(`library.open_paths`), read its annotations. CPU and wall seconds, median of 3 runs, each
in a new store (first open) or the store the first open left (reopen); the "new process"
rows run the first open in a fresh interpreter, imports included (CPU counted from the
child's resource usage).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from source_files import text_pdf

from annotations import Store
from annotations.document import Document
from annotations.library import open_paths

PAGES = 300
PER_PAGE = 4
RUNS = 3


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(job: Callable[[int], object]) -> tuple[float, float]:
    """Median CPU and wall seconds of `job(run)` over RUNS runs."""
    cpu, wall = [], []
    for run in range(RUNS):
        cpu_start, wall_start = cpu_seconds(), time.perf_counter()
        job(run)
        cpu.append(cpu_seconds() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return statistics.median(cpu), statistics.median(wall)


def paragraphs() -> list[str]:
    article = Document.bundled()
    texts = [article.text[s.start : s.end] for s in article.paragraphs][2:]
    return [f"{texts[n % len(texts)]} ({n})" for n in range(PAGES * PER_PAGE)]


def open_into(store_path: Path, path: Path) -> int:
    with Store(store_path) as store:
        (document,) = open_paths(store, [path]).documents
        store.annotations(document.id)
        return len(document.paragraphs)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="gloss-bench-sources-"))
    pdf = text_pdf(folder / "report.pdf", paragraphs(), per_page=PER_PAGE)
    first = Document.from_path(pdf)
    txt = folder / "report.txt"
    txt.write_text(first.text, encoding="utf-8")
    print(
        f"{PAGES} pages, {pdf.stat().st_size / 1e6:.1f} MB PDF, {len(first.text):,} characters,"
        f" {len(first.paragraphs):,} paragraphs\n"
    )
    rows = []
    for label, path in (("PDF", pdf), (".txt (baseline)", txt)):
        stores = [folder / f"{path.suffix[1:]}-{run}.json" for run in range(RUNS)]

        def job(run: int, stores: list[Path] = stores, path: Path = path) -> None:
            open_into(stores[run], path)

        rows.append((f"{label}: first open", *measure(job)))
        rows.append((f"{label}: reopen", *measure(job)))
    # What `gloss report.pdf` pays on a first open, imports included: a fresh interpreter.
    script = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); "
        "from bench_sources import open_into; from pathlib import Path; "
        "open_into(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    for label, path in (("PDF", pdf), (".txt (baseline)", txt)):

        def fresh(run: int, path: Path = path) -> None:
            store = folder / f"fresh-{path.suffix[1:]}-{run}.json"
            subprocess.run([sys.executable, "-c", script, str(store), str(path)], check=True)

        rows.append((f"{label}: first open, new process (imports too)", *measure(fresh)))
    print("| job | CPU s | wall s |")
    print("|---|---:|---:|")
    for label, cpu, wall in rows:
        print(f"| {label} | {cpu:.3f} | {wall:.3f} |")


if __name__ == "__main__":
    main()

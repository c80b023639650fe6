"""`bench_reader.py`'s Gloss figures for this checkout and an older one, side by side.

Issue 17 asks that the reader is never slower than before on any figure of
`bench_reader.py`; this shows it. Each run is `bench_reader.py --child gloss` of one tree
(its own code on `PYTHONPATH`) in a fresh process, the two trees alternated run by run
(which goes first swaps each round), each on a fresh copy of its store: the 10,000
annotations are seeded by each tree's own code, so each reads a store it wrote. The book,
the 1 MB line and the 200,000 lines are made once, by this tree. Figures are medians, and
"after ÷ before" is this tree's over the older one's.

Not part of `make bench` (its name is not `bench_*`): it needs an older checkout.

    git archive d406c8c | tar -x -C /tmp/before
    python benchmarks/compare_reader.py --before /tmp/before
    python benchmarks/compare_reader.py --before /tmp/before --rounds 9 --cases empty
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_reader import make_book, make_long_line, make_many_lines  # noqa: E402

CASES = ("empty", "10k", "1MB line", "200k lines")
SEED = (
    "import sys\nfrom pathlib import Path\nsys.path.insert(0, sys.argv[1])\n"
    "from bench_reader import seed_annotations\n"
    "seed_annotations(Path(sys.argv[2]), Path(sys.argv[3]), 10_000)\n"
)


def in_tree(tree: Path, arguments: list[str]) -> str:
    """Run `python ARGUMENTS` in TREE with its code first on the path; its output. (In
    TREE: `python -c` puts the working directory before `PYTHONPATH`.)"""
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=tree,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def run_case(tree: Path, document: Path, seeded: Path | None, folder: Path) -> dict[str, float]:
    """One `--child gloss` run of TREE on DOCUMENT, on a copy of SEEDED's store (or none)."""
    run_folder = Path(tempfile.mkdtemp(dir=folder))
    store = run_folder / "store.json"
    if seeded is not None:
        for part in seeded.parent.glob(f"{seeded.name}*"):
            copy = shutil.copytree if part.is_dir() else shutil.copy
            copy(part, run_folder / part.name.replace(seeded.name, store.name))
    output = in_tree(
        tree,
        [
            str(tree / "benchmarks" / "bench_reader.py"),
            "--child",
            "gloss",
            str(document),
            str(store),
        ],
    )
    shutil.rmtree(run_folder)
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the older checkout")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", nargs="*", choices=CASES, default=list(CASES))
    options = parser.parse_args()
    # As a user's install runs: modules compiled once, not at every start.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    trees = {"before": options.before.resolve(), "after": HERE.parent}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        book = make_book(folder)
        documents = {
            "empty": book,
            "10k": book,
            "1MB line": make_long_line(folder),
            "200k lines": make_many_lines(folder),
        }
        seeded: dict[str, Path] = {}
        for label, tree in trees.items():
            (folder / label).mkdir()
            seeded[label] = folder / label / "10k.json"
            in_tree(tree, ["-c", SEED, str(tree / "benchmarks"), str(seeded[label]), str(book)])
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        for round_ in range(options.rounds):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for label in order:
                for case in options.cases:
                    store = seeded[label] if case == "10k" else None
                    figures = run_case(trees[label], documents[case], store, folder)
                    results.setdefault((case, label), []).append(figures)
            print(f"round {round_ + 1} done", file=sys.stderr, flush=True)
    print(f"before: {trees['before']}; after: {trees['after']}; {options.rounds} runs each")
    for case in options.cases:
        before, after = results[(case, "before")], results[(case, "after")]
        print(f"\n### {case}\n\n| figure | before | after | after ÷ before |\n|---|---:|---:|---:|")
        for figure in before[0]:
            if figure not in after[0]:
                continue  # a figure only one tree's bench_reader reports
            old = statistics.median(run[figure] for run in before)
            new = statistics.median(run[figure] for run in after)
            ratio = f"{new / old:.2f}" if old else "—"
            print(f"| {figure} | {old:.4g} | {new:.4g} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

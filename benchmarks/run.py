"""`make bench`: run every benchmark module (benchmarks/bench_*.py) in turn.

Each module runs on its own, compares Gloss with a baseline measured in the same run, and
prints a Markdown table; `python benchmarks/run.py NAME` runs only the modules whose name
holds NAME. Results are written down by hand in benchmarks/README.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = argv[1:]
    failures = 0
    for module in sorted(HERE.glob("bench_*.py")):
        if wanted and not any(name in module.stem for name in wanted):
            continue
        print(f"\n## {module.stem}\n", flush=True)
        failures += subprocess.call([sys.executable, str(module)]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

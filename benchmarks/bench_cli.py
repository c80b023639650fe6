"""The command line at 100,000 annotations, each command a new process as a user runs it.

`gloss import` of a json export into an empty store; `gloss export` as json, jsonld and
qdpx (to a file); `gloss stats -f json`; `gloss agree ana ben -f json`. For each: wall
time, the process's CPU (user + system, from `wait4`) and its peak memory (`ru_maxrss`).

Floors, measured in the same rounds, each a new process too: what reading and writing the
same JSON costs with no Gloss in the way —

- **msgspec floor**: read the file, `msgspec.json.decode`, `msgspec.json.encode`, write
  and `fsync` the result (for import: the export file; for the store's commands: the
  store's snapshot);
- **stdlib floor**: the same with `json.loads` and `json.dumps` (the C encoder).

Every command runs with `PYTHONDONTWRITEBYTECODE` unset, as in a user's install.

Data: 100 documents of about 5 KB, 100,000 annotations on them (two codes each, a memo
each, analysts ana and ben alternating), made once per run. Rounds are interleaved; the
table gives medians.

    python benchmarks/bench_cli.py              # three rounds, 100,000 annotations
    python benchmarks/bench_cli.py --rounds 5 --annotations 20000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DOCUMENTS = 100
SEED = 17
TARGETS = {
    "gloss import": ("cpu", 1.5, "s"),
    "gloss export -f json": ("cpu", 1.0, "s"),
    "gloss export -f jsonld": ("rss", 300.0, "MB"),
}

FLOOR = """
import os, sys
source, target, kind = sys.argv[1], sys.argv[2], sys.argv[3]
with open(source, "rb") as file:
    raw = file.read()
if kind == "msgspec":
    import msgspec
    out = msgspec.json.encode(msgspec.json.decode(raw))
else:
    import json
    out = json.dumps(json.loads(raw), ensure_ascii=False).encode("utf-8")
with open(target, "wb") as file:
    file.write(out)
    file.flush()
    os.fsync(file.fileno())
"""


@dataclass
class Measure:
    wall_s: float
    cpu_s: float
    rss_mb: float


def run(command: list[str], stdout: Path | None = None) -> Measure:
    """Run COMMAND as a child; its wall time, CPU time and peak memory."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if stdout:
        out.close()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: exit {process.returncode}: {error.strip()}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def make_export(path: Path, count: int) -> None:
    """A json export of DOCUMENTS documents and COUNT annotations, as `gloss import` takes."""
    from annotations.document import Document
    from annotations.model import Annotation

    randomness = random.Random(SEED)
    documents = [
        Document.from_text(
            f"Report {k}. " + "Russia keeps the institutions; Iran keeps the people. " * 90,
            title=f"Report {k}",
        )
        for k in range(DOCUMENTS)
    ]
    actors = ["actor/russia", "actor/iran", "actor/both"]
    interests = ["interest/military", "interest/institutions", "interest/society"]
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
                tags=(randomness.choice(actors), randomness.choice(interests)),
                memo=f"memo {index}",
                analyst=("ana", "ben")[index % 2],
            ).to_record()
        )
    data = {
        "gloss": 1,
        "documents": [d.to_record() for d in documents],
        "annotations": annotations,
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def commands(folder: Path, gloss: list[str], export: Path, store: Path, round_: int) -> dict:
    python = sys.executable
    floor = folder / "floor.py"
    out = folder / "out"
    fresh = folder / f"fresh-{round_}.json"
    db = ["--db", str(store)]
    return {
        "msgspec floor, export file": [python, str(floor), str(export), str(out), "msgspec"],
        "stdlib floor, export file": [python, str(floor), str(export), str(out), "json"],
        "gloss import": [*gloss, "import", "--db", str(fresh), str(export)],
        "msgspec floor, store file": [python, str(floor), str(store), str(out), "msgspec"],
        "stdlib floor, store file": [python, str(floor), str(store), str(out), "json"],
        "gloss export -f json": [*gloss, "export", "-f", "json", *db, "-o", f"{out}.json"],
        "gloss export -f jsonld": [*gloss, "export", "-f", "jsonld", *db, "-o", f"{out}.jsonld"],
        "gloss export -f qdpx": [*gloss, "export", "-f", "qdpx", *db, "-o", f"{out}.qdpx"],
        "gloss stats -f json": [*gloss, "stats", "-f", "json", *db],
        "gloss agree ana ben -f json": [*gloss, "agree", "ana", "ben", "-f", "json", *db],
    }


def floor_of(name: str) -> str:
    return "msgspec floor, export file" if "import" in name else "msgspec floor, store file"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--only", nargs="*", help="commands to run (a word of their name)")
    options = parser.parse_args()
    # As a user's install runs: Gloss's modules compiled once, not at every start (this
    # machine sets PYTHONDONTWRITEBYTECODE; every command would compile every module).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    executable = Path(sys.executable).with_name("gloss")
    gloss = [str(executable)] if executable.exists() else [sys.executable, "-m", "tui.cli"]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "floor.py").write_text(FLOOR, encoding="utf-8")
        export = folder / "export.json"
        make_export(export, options.annotations)
        store = folder / "store.json"
        run([*gloss, "import", "--db", str(store), str(export)])
        results: dict[str, list[Measure]] = {}
        for round_ in range(options.rounds):
            for label, command in commands(folder, gloss, export, store, round_).items():
                if options.only and not any(word in label for word in options.only):
                    continue
                results.setdefault(label, []).append(run(command, folder / "stdout"))
                fresh = folder / f"fresh-{round_}.json"
                if label == "gloss import":
                    for companion in folder.glob(f"{fresh.name}*"):
                        if companion.is_dir():
                            shutil.rmtree(companion)
                        else:
                            companion.unlink()
            print(f"round {round_ + 1} done", file=sys.stderr, flush=True)
        sizes = {
            "export file": export.stat().st_size / 1e6,
            "store file": store.stat().st_size / 1e6,
        }
    load_after = os.getloadavg()
    print(
        f"{options.annotations:,} annotations on {DOCUMENTS} documents; export file "
        f"{sizes['export file']:.1f} MB, store file {sizes['store file']:.1f} MB; "
        f"{options.rounds} rounds; load average before "
        f"{' '.join(f'{x:.2f}' for x in load_before)}, after "
        f"{' '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} cores\n"
    )
    print(
        "| command | wall s (median) | per round | CPU s | peak RSS MB "
        "| wall ÷ floor | CPU ÷ floor | target (on CPU: DESIGN §10) |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---|")
    for label, measures in results.items():
        wall = statistics.median(m.wall_s for m in measures)
        rounds = " ".join(f"{m.wall_s:.2f}" for m in measures)
        cpu = statistics.median(m.cpu_s for m in measures)
        rss = statistics.median(m.rss_mb for m in measures)
        ratio = cpu_ratio = "—"
        floor = results.get(floor_of(label))
        if label.startswith("gloss") and floor:
            ratio = f"{wall / statistics.median(m.wall_s for m in floor):.2f}×"
            cpu_ratio = f"{cpu / statistics.median(m.cpu_s for m in floor):.2f}×"
        target = ""
        if label in TARGETS:
            what, limit, unit = TARGETS[label]
            value = cpu if what == "cpu" else rss
            verdict = "met" if value <= limit else "not met"
            target = f"{'≤'} {limit:g} {unit} {'(peak) ' if what == 'rss' else ''}— {verdict}"
        print(
            f"| {label} | {wall:.2f} | {rounds} | {cpu:.2f} | {rss:.0f} | {ratio} "
            f"| {cpu_ratio} | {target} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

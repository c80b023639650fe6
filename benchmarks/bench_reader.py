"""Reader speed on a book-length document, against Textual's TextArea in the same run.

The document is the bundled article repeated 500 times (about 5 MB). Each configuration
runs in a fresh process (so peak memory is its own), headless at 160x50, at least five
times; figures are medians. Per key, two CPU times of the process:

- **key → frame**: from sending the key until the app has handed the first frame showing
  its effect to the driver (`App._display`) — what a key costs before the analyst sees it;
- **press + pause** (DESIGN §10's measure): around `pilot.press()` + `pilot.pause()`, which
  adds the pilot's own bookkeeping after the frame (a callback through every widget's
  message queue, twice), whatever the app does.

Wall time around press + pause is ~80 ms of the pilot's idle waits whatever the app does,
so it is not reported per key; the wall time from key to frame is, for page down.

Garbage collection falls wherever the collector's counters say: a full collection inside
the one resize adds 20–30 ms to it, one inside a key is dropped by the median. So the
collector's CPU over the whole run (open, keys, resize) and its full collections are
reported on rows of their own: moving a collection from one figure to another shows.

    python benchmarks/bench_reader.py            # the table
    python benchmarks/bench_reader.py --runs 7   # more runs
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZE = (160, 50)
REPEAT = 500
KEY_PRESSES = 12
GLOSS_KEYS = {"next sentence": "j", "next paragraph": "J", "page down": "pagedown", "end": "G"}
BASELINE_KEYS = {
    "next sentence": "down",
    "next paragraph": "down",
    "page down": "pagedown",
    "end": "G",
}


TABLE_ROWS = [
    "open (wall s)",
    "open (cpu s)",
    *(f"{name}, key → frame (cpu ms)" for name in GLOSS_KEYS),
    "page down, key → frame (wall ms)",
    *(f"{name}, press + pause (cpu ms)" for name in GLOSS_KEYS),
    "resize (cpu ms)",
    "resize (wall ms)",
    "garbage collection, whole run (cpu ms)",
    "full collections, whole run",
    "peak RSS (MB)",
]


def make_book(folder: Path) -> Path:
    from annotations.document import Document

    article = Document.bundled().text
    path = folder / "book.txt"
    path.write_text("\n\n".join([article] * REPEAT), encoding="utf-8")
    return path


def make_long_line(folder: Path) -> Path:
    path = folder / "one-line.txt"
    words = ("Moscow Tehran Damascus institutions people interests convenience " * 20_000)[
        :1_000_000
    ]
    path.write_text(words + ".\n", encoding="utf-8")
    return path


def make_many_lines(folder: Path) -> Path:
    path = folder / "lines.txt"
    path.write_text("\n".join(f"word{i}" for i in range(200_000)) + "\n", encoding="utf-8")
    return path


def seed_annotations(db: Path, book: Path, count: int) -> None:
    from annotations.document import Document
    from annotations.model import Annotation
    from annotations.store import Store

    document = Document.from_path(book)
    rng = random.Random(7)
    sentences = document.sentences
    tags = ["actor/russia", "actor/iran", "actor/both"]
    interests = ["interest/military", "interest/institutions", "interest/economy"]
    with Store(db) as store:
        store.add_document(document)
        records = []
        for sentence in rng.sample(sentences, min(count, len(sentences))):
            records.append(
                Annotation.create(
                    document=document.id,
                    text=document.text,
                    start=sentence.start,
                    end=sentence.end,
                    tags=(rng.choice(tags), rng.choice(interests)),
                    memo="benchmark memo" if rng.random() < 0.3 else "",
                    analyst="bench",
                ).to_record()
            )
        store.import_records({"gloss": 1, "documents": [], "annotations": records})


# -- one measured run, in its own process ----------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started.

    Read from /proc (VmHWM), which starts afresh at exec: `ru_maxrss` would carry over
    the peak of the parent that forked us, which built the 5 MB book and the store.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _watch_frames(app) -> list[tuple[float, float]]:
    """Record (cpu, wall) each time the app hands a frame with changes to its driver."""
    frames: list[tuple[float, float]] = []
    display = app._display

    def display_and_record(screen, update) -> None:
        display(screen, update)
        if update is not None:
            frames.append((time.process_time(), time.perf_counter()))

    app._display = display_and_record
    return frames


class _CollectorTime:
    """The CPU of the garbage collector's runs while it is installed, and how many were
    full (generation 2) collections."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.full = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.cpu += time.process_time() - self._started
            self.full += info["generation"] == 2


async def _measure(app, ready, keys: dict[str, str]) -> dict[str, float]:
    collector = _CollectorTime()
    gc.callbacks.append(collector)
    try:
        results = await _measure_keys(app, ready, keys)
    finally:
        gc.callbacks.remove(collector)
    results["garbage collection, whole run (cpu ms)"] = collector.cpu * 1000
    results["full collections, whole run"] = collector.full
    results["peak RSS (MB)"] = peak_rss_mb()
    return results


async def _measure_keys(app, ready, keys: dict[str, str]) -> dict[str, float]:
    results: dict[str, float] = {}
    frames = _watch_frames(app)
    started_wall = time.perf_counter()
    started_cpu = time.process_time()
    async with app.run_test(size=SIZE) as pilot:
        while not ready(app):
            await asyncio.sleep(0.005)
        await pilot.pause()
        results["open (wall s)"] = time.perf_counter() - started_wall
        results["open (cpu s)"] = time.process_time() - started_cpu
        for name, key in keys.items():
            to_frame_cpu: list[float] = []
            to_frame_wall: list[float] = []
            around_cpu: list[float] = []
            for index in range(KEY_PRESSES):
                press = key if name != "end" else ("G" if index % 2 == 0 else "g")
                frames.clear()
                c0, w0 = time.process_time(), time.perf_counter()
                await pilot.press(press)
                await pilot.pause()
                around_cpu.append(time.process_time() - c0)
                # A key that changes nothing on screen (`j` on the last sentence) draws no
                # frame: count all it cost, the most it can have.
                frame_cpu, frame_wall = (
                    frames[0] if frames else (time.process_time(), time.perf_counter())
                )
                to_frame_cpu.append(frame_cpu - c0)
                to_frame_wall.append(frame_wall - w0)
            results[f"{name}, key → frame (cpu ms)"] = statistics.median(to_frame_cpu) * 1000
            results[f"{name}, key → frame (wall ms)"] = statistics.median(to_frame_wall) * 1000
            results[f"{name}, press + pause (cpu ms)"] = statistics.median(around_cpu) * 1000
        c0, w0 = time.process_time(), time.perf_counter()
        await pilot.resize_terminal(120, 50)
        await pilot.pause()
        results["resize (cpu ms)"] = (time.process_time() - c0) * 1000
        results["resize (wall ms)"] = (time.perf_counter() - w0) * 1000
    return results


def run_gloss(book: Path, db: Path) -> dict[str, float]:
    from tui.app import GlossApp
    from tui.screens.reader import ReaderScreen

    def ready(app) -> bool:
        return isinstance(app.screen, ReaderScreen) and app.screen.is_mounted

    app = GlossApp(paths=[book], db=db, analyst="bench")
    return asyncio.run(_measure(app, ready, GLOSS_KEYS))


def run_textarea(book: Path) -> dict[str, float]:
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets import TextArea

    class Baseline(App):
        BINDINGS = [Binding("G", "document_end"), Binding("g", "document_start")]

        def compose(self):
            text = book.read_text(encoding="utf-8")
            yield TextArea(text, read_only=True)

        def on_mount(self):
            self.query_one(TextArea).focus()

        def action_document_end(self):
            area = self.query_one(TextArea)
            area.move_cursor(area.document.end)

        def action_document_start(self):
            self.query_one(TextArea).move_cursor((0, 0))

    app = Baseline()
    return asyncio.run(_measure(app, lambda a: bool(a.query(TextArea)), BASELINE_KEYS))


def _run_bare(book: Path, view_base: type, *, css: str = "") -> dict[str, float]:
    """A bare Line API view on `view_base` returning ready-made 140-character strips (no
    wrapping, no cursor, no highlights) beside a panel, a status line and a footer, as
    Gloss's screen is laid out. The view scrolls through `show_line(top)`."""
    from rich.segment import Segment
    from textual.app import App
    from textual.binding import Binding
    from textual.containers import Horizontal
    from textual.strip import Strip
    from textual.widgets import Footer, Static

    text = book.read_text(encoding="utf-8")
    lines = [text[i : i + 140] for i in range(0, len(text), 140)]

    class Bare(view_base, can_focus=True, inherit_bindings=False):
        BINDINGS = [
            Binding("j", "move(1)"),
            Binding("J", "move(5)"),
            Binding("pagedown", "move(48)"),
            Binding("G", "to(-1)"),
            Binding("g", "to(0)"),
        ]

        def on_mount(self) -> None:
            self.prepare(len(lines))

        def action_move(self, lines_down: int) -> None:
            self.show_line(self.top() + lines_down, len(lines))

        def action_to(self, line: int) -> None:
            self.show_line(len(lines) if line < 0 else 0, len(lines))

        def render_line(self, y: int) -> Strip:
            index = self.top() + y
            line = lines[index] if index < len(lines) else ""
            return Strip([Segment(line)]).adjust_cell_length(self.size.width)

    class Baseline(App):
        CSS = css

        def compose(self):
            with Horizontal():
                yield Bare()
                yield Static("panel")
            yield Static("status")
            yield Footer()

        def on_mount(self):
            self.query_one(Bare).focus()

    app = Baseline()
    return asyncio.run(_measure(app, lambda a: bool(a.query(Bare)), GLOSS_KEYS))


def run_bare_scroll_view(book: Path) -> dict[str, float]:
    """A floor: what Textual's own ScrollView costs per key on this machine."""
    from textual.geometry import Size
    from textual.scroll_view import ScrollView

    class ScrollingByTextual(ScrollView):
        def prepare(self, count: int) -> None:
            self.virtual_size = Size(140, count)

        def top(self) -> int:
            return int(self.scroll_y)

        def show_line(self, line: int, count: int) -> None:
            self.scroll_to(y=min(line, self.max_scroll_y), animate=False, immediate=True)

    return _run_bare(book, ScrollingByTextual)


def run_bare_widget(book: Path) -> dict[str, float]:
    """The floor for Gloss's design: a plain Line API `Widget` that keeps its own top line
    and redraws itself (no ScrollView, no scrollbar widget)."""
    from textual.widget import Widget

    class ScrollingItself(Widget):
        top_line = 0

        def prepare(self, count: int) -> None:
            pass

        def top(self) -> int:
            return self.top_line

        def show_line(self, line: int, count: int) -> None:
            self.top_line = min(line, count - self.size.height)
            self.refresh()

    return _run_bare(book, ScrollingItself, css="Bare { width: 2fr; }")


def child(arguments: list[str]) -> None:
    kind, book, db = arguments
    if kind == "gloss":
        results = run_gloss(Path(book), Path(db))
    elif kind == "bare":
        results = run_bare_scroll_view(Path(book))
    elif kind == "bare-widget":
        results = run_bare_widget(Path(book))
    else:
        results = run_textarea(Path(book))
    print(json.dumps(results))


# -- the table ---------------------------------------------------------------------------


def measure(kind: str, book: Path, db: Path, runs: int) -> dict[str, float]:
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(book), str(db)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        samples.append(json.loads(output.strip().splitlines()[-1]))
    return {name: statistics.median(s[name] for s in samples) for name in samples[0]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=3)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return 0
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        book = make_book(folder)
        size_mb = book.stat().st_size / 1e6
        annotated_db = folder / "annotated.json"
        seed_annotations(annotated_db, book, 10_000)
        columns = {
            "TextArea(read_only)": measure("textarea", book, folder / "unused.json", options.runs),
            "bare ScrollView": measure("bare", book, folder / "unused.json", options.runs),
            "bare Widget (floor)": measure("bare-widget", book, folder / "u.json", options.runs),
            "Gloss": measure("gloss", book, folder / "empty.json", options.runs),
            "Gloss, 10,000 annotations": measure("gloss", book, annotated_db, options.runs),
        }
        print(f"{size_mb:.1f} MB document, {SIZE[0]}x{SIZE[1]}, median of {options.runs} runs\n")
        print("| measure | " + " | ".join(columns) + " | TextArea ÷ Gloss | 10k ÷ none |")
        print("|---|" + "---:|" * (len(columns) + 2))
        baseline, _, _, gloss, annotated = columns.values()
        for name in TABLE_ROWS:
            ratio = baseline[name] / gloss[name] if gloss[name] else float("inf")
            growth = annotated[name] / gloss[name] if gloss[name] else float("inf")
            cells = " | ".join(f"{column[name]:.3g}" for column in columns.values())
            print(f"| {name} | {cells} | {ratio:.1f}× | {growth:.2f}× |")
        print()
        for label, maker in (
            ("1 MB single line", make_long_line),
            ("200,000 lines", make_many_lines),
        ):
            path = maker(folder)
            stress = measure("gloss", path, folder / f"{path.stem}.json", 3)
            figures = ", ".join(
                f"{name} {stress[name]:.3g}"
                for name in (
                    "open (wall s)",
                    "page down, key → frame (cpu ms)",
                    "end, key → frame (cpu ms)",
                    "resize (cpu ms)",
                    "garbage collection, whole run (cpu ms)",
                )
            )
            print(f"- {label}: {figures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

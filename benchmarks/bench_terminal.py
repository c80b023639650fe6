"""Speed as a person feels it: each contender in a real terminal (tmux), on the same file.

A person does not use Textual's pilot: they start a program in a terminal, wait for the
words, press a key and wait for the screen to change. This benchmark does the same in tmux,
driven through one control-mode client (`tmux -C`), so that sending a key and reading the
screen fork no process and cost the contender nothing:

- **launch → first words**: from asking tmux to start the program until a phrase from the
  document's opening is on the screen (the screen read every 10 ms); the median of
  `--launches` starts in each round (5: one start is one draw of this VM's noise), the
  contenders' starts interleaved;
- **one key → screen changed**: from sending PageDown until tmux has output from the
  program that changes what `capture-pane` shows (median and p90 of 30 keys);
- **CPU per key**: the process tree's time on a CPU (`/proc/PID/task/*/schedstat`, in
  nanoseconds) from the key until the program has been quiet for 150 ms;
- **idle CPU**: the same over two quiet seconds, per second;
- **peak RSS**: the tree's `VmHWM`, summed, read just before the program is stopped.

Contenders, in interleaved rounds (each round starts every contender `--launches` times in
turn, then runs each once for its keys; each round's turn begins one contender later):
Gloss; Gloss with 10,000 annotations; a `TextArea(read_only=True)` app; the **floor** — a
Textual app with one binding that reads the file and draws its lines, the least any
Textual program showing this document pays; `less`; `vim`. A contender that is not
installed is reported as missing. Nothing is installed.

    python benchmarks/bench_terminal.py                # three rounds, the 5 MB book
    python benchmarks/bench_terminal.py --rounds 5 --keys 30 --launches 5
"""

from __future__ import annotations

import argparse
import os
import queue
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench_reader import make_book, seed_annotations  # noqa: E402

COLUMNS, ROWS = 160, 50
# A phrase from the document's second paragraph, on the first screen of every contender.
FIRST_WORDS = "Marriage of Convenience"
LAUNCH_POLL = 0.010
KEY_TIMEOUT = 5.0
QUIET = 0.150

TEXTAREA_APP = """
import sys
from pathlib import Path
from textual.app import App
from textual.widgets import TextArea

class Reader(App):
    def compose(self):
        yield TextArea(Path(sys.argv[1]).read_text(encoding="utf-8"), read_only=True)

Reader().run()
"""

# The floor: read and decode the file, split it into lines, draw the ones in view, and page
# down on one binding. Lines are not wrapped: wrapping is work Gloss does and the floor
# does not, so the floor stays a floor.
FLOOR_APP = """
import sys
from pathlib import Path
from rich.segment import Segment
from textual.app import App
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

class Lines(Widget, can_focus=True):
    BINDINGS = [Binding("pagedown", "page", "page")]

    def __init__(self, lines):
        super().__init__()
        self.lines = lines
        self.top = 0

    def render_line(self, y):
        index = self.top + y
        text = self.lines[index] if index < len(self.lines) else ""
        return Strip([Segment(text[: self.size.width])])

    def action_page(self):
        self.top = min(self.top + self.size.height, max(len(self.lines) - 1, 0))
        self.refresh()

class Floor(App):
    CSS = "Lines { height: 1fr; }"

    def compose(self):
        yield Lines(Path(sys.argv[1]).read_text(encoding="utf-8").splitlines())

Floor().run()
"""


# -- the terminal --------------------------------------------------------------------------


class ControlClient:
    """One `tmux -C` client: commands in, their replies and the panes' output out.

    tmux answers each command between `%begin` and `%end` (or `%error`) lines, and between
    replies sends notifications; `%output %PANE DATA` says a pane's program wrote to it.
    A thread reads them all: replies go to one queue, output times to another.
    """

    def __init__(self, socket: str) -> None:
        self.process = subprocess.Popen(
            ["tmux", "-L", socket, "-C", "attach-session", "-t", "bench"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        self.replies: queue.Queue[tuple[bool, list[str]]] = queue.Queue()
        self.output: queue.Queue[float] = queue.Queue()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        # attach-session's own reply comes first, unasked.
        self.replies.get(timeout=10)

    def _read(self) -> None:
        assert self.process.stdout is not None
        block: list[str] | None = None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            if block is not None:
                if line.startswith(("%end ", "%error ")):
                    self.replies.put((line.startswith("%end"), block))
                    block = None
                else:
                    block.append(line)
            elif line.startswith("%begin "):
                block = []
            elif line.startswith("%output "):
                self.output.put(time.perf_counter())

    def command(self, text: str) -> list[str]:
        with self.lock:
            assert self.process.stdin is not None
            self.process.stdin.write(text + "\n")
            self.process.stdin.flush()
            ok, lines = self.replies.get(timeout=30)
        if not ok:
            raise RuntimeError(f"tmux: {text}: {' '.join(lines)}")
        return lines

    def screen(self, pane: str) -> str:
        return "\n".join(self.command(f"capture-pane -p -t {pane}"))

    def drain_output(self) -> None:
        while True:
            try:
                self.output.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait(timeout=10)


class Terminal:
    """A tmux server of our own (its own socket), one 160x50 window per contender."""

    def __init__(self) -> None:
        self.socket = f"gloss-bench-{os.getpid()}"
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", "bench",
                   "-x", str(COLUMNS), "-y", str(ROWS), "sleep 1000000")  # fmt: skip
        # `window-size manual` would pin the size, but crashes tmux 3.3a's server at the
        # next new-window with a control client attached: the client claims 160x50 instead.
        self._tmux("set-option", "-g", "default-size", f"{COLUMNS}x{ROWS}")
        self._tmux("set-option", "-g", "status", "off")
        self._tmux("set-option", "-g", "escape-time", "0")
        self.client = ControlClient(self.socket)
        self.client.command(f"refresh-client -C {COLUMNS}x{ROWS}")

    def _tmux(self, *arguments: str) -> None:
        subprocess.run(["tmux", "-L", self.socket, *arguments], check=True)

    def start(self, command: str) -> tuple[str, int]:
        """Start COMMAND in a new window; its pane and the pid of the pane's process."""
        line = self.client.command(
            "new-window -d -t bench -P -F '#{pane_id} #{pane_pid}' " + shlex.quote(command)
        )[0]
        pane, pid = line.split()
        return pane, int(pid)

    def stop(self, pane: str, pid: int | None = None) -> None:
        """Close the pane; with PID, wait (up to 2 s) for its process to be gone, so that
        what it does as it ends is not counted against the next contender."""
        self.client.command(f"kill-pane -t {pane}")
        if pid is not None:
            wait_until(lambda: not Path(f"/proc/{pid}").exists(), timeout=2.0, poll=0.01)

    def close(self) -> None:
        self.client.close()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False)


# -- what /proc says of a process tree -------------------------------------------------------


def tree(pid: int) -> list[int]:
    """PID and every process below it."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def cpu_ns(pid: int) -> int:
    """Nanoseconds on a CPU of the tree's every thread so far."""
    total = 0
    for process in tree(pid):
        for task in Path(f"/proc/{process}/task").glob("*"):
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, IndexError, ValueError):
                continue
    return total


def peak_rss_mb(pid: int) -> float:
    kilobytes = 0
    for process in tree(pid):
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                kilobytes += int(line.split()[1])
    return kilobytes / 1024


# -- one contender, once ----------------------------------------------------------------------


@dataclass
class Contender:
    name: str
    command: str
    key: str = "PageDown"


@dataclass
class Run:
    launch_s: float  # the median of `launches_s`
    launches_s: list[float] = field(default_factory=list)
    key_ms: list[float] = field(default_factory=list)
    key_cpu_ms: list[float] = field(default_factory=list)
    idle_cpu_ms_per_s: float = 0.0
    peak_rss_mb: float = 0.0


def wait_until(condition: Callable[[], bool], timeout: float, poll: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return condition()


def wait_quiet(terminal: Terminal, quiet: float = QUIET) -> None:
    """Until the program has written nothing for QUIET seconds."""
    while True:
        try:
            terminal.client.output.get(timeout=quiet)
        except queue.Empty:
            return


def press(terminal: Terminal, pane: str, key: str) -> float | None:
    """Send KEY; seconds until the screen shows a change, or None if it never does."""
    before = terminal.client.screen(pane)
    wait_quiet(terminal, 0.05)
    terminal.client.drain_output()
    sent = time.perf_counter()
    terminal.client.command(f"send-keys -t {pane} {key}")
    deadline = sent + KEY_TIMEOUT
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        try:
            first = terminal.client.output.get(timeout=remaining)
        except queue.Empty:
            return None
        # Output arrives in bursts; the screen is read once the burst has been taken in.
        terminal.client.drain_output()
        if terminal.client.screen(pane) != before:
            return first - sent


def launch(terminal: Terminal, contender: Contender) -> tuple[str, int, float] | None:
    """Start the contender: its pane, its pid and the seconds to its first words (None,
    said on stderr, if they never appear)."""
    terminal.client.drain_output()
    started = time.perf_counter()
    pane, pid = terminal.start(contender.command)
    shown = wait_until(
        lambda: FIRST_WORDS in terminal.client.screen(pane), timeout=60, poll=LAUNCH_POLL
    )
    if not shown:
        print(f"  {contender.name}: the first words never appeared", file=sys.stderr)
        terminal.stop(pane, pid)
        return None
    return pane, pid, time.perf_counter() - started


def launch_only(terminal: Terminal, contender: Contender) -> float | None:
    """Seconds from start to the first words, the contender stopped once they show."""
    started = launch(terminal, contender)
    if started is None:
        return None
    pane, pid, seconds = started
    terminal.stop(pane, pid)
    return seconds


def run_once(terminal: Terminal, contender: Contender, keys: int) -> Run | None:
    started = launch(terminal, contender)
    if started is None:
        return None
    pane, pid, seconds = started
    run = Run(launch_s=seconds, launches_s=[seconds])
    wait_quiet(terminal, 0.5)
    for _ in range(keys):
        cpu_before = cpu_ns(pid)
        latency = press(terminal, pane, contender.key)
        wait_quiet(terminal)
        if latency is None:
            print(f"  {contender.name}: a key changed nothing", file=sys.stderr)
            break
        run.key_ms.append(latency * 1000)
        run.key_cpu_ms.append((cpu_ns(pid) - cpu_before) / 1e6)
    idle_before, idle_started = cpu_ns(pid), time.perf_counter()
    time.sleep(2.0)
    run.idle_cpu_ms_per_s = (cpu_ns(pid) - idle_before) / 1e6 / (time.perf_counter() - idle_started)
    run.peak_rss_mb = peak_rss_mb(pid)
    terminal.stop(pane, pid)
    return run


# -- the contenders ---------------------------------------------------------------------------


def contenders(
    folder: Path, book: Path, gloss: str, python: str, before: Path | None = None
) -> list[Contender]:
    empty_db = folder / "empty.json"
    busy_db = folder / "10k.json"
    seed_annotations(busy_db, book, 10_000)
    textarea = folder / "textarea_app.py"
    textarea.write_text(TEXTAREA_APP, encoding="utf-8")
    floor = folder / "floor_app.py"
    floor.write_text(FLOOR_APP, encoding="utf-8")
    quoted = shlex.quote(str(book))
    # Each launch as an analyst of its own (the shell's pid): Gloss reopens a document
    # where its analyst left it, which after a measured run is pages past the first words.
    gloss = f'{gloss} --analyst "bench-$$"'
    found = [
        Contender("Gloss", f"{gloss} --db {empty_db} {quoted}"),
        Contender("Gloss + 10k", f"{gloss} --db {busy_db} {quoted}"),
        Contender("TextArea", f"{python} {textarea} {quoted}"),
        Contender("floor", f"{python} {floor} {quoted}"),
    ]
    if before is not None:
        # The same venv, the other tree's code first on the path: an A/B in one run.
        older = (
            f'env PYTHONPATH={shlex.quote(str(before))} {python} -m tui.cli --analyst "bench-$$"'
        )
        found[2:2] = [
            Contender("Gloss before", f"{older} --db {folder / 'empty-before.json'} {quoted}"),
            Contender("Gloss + 10k before", f"{older} --db {folder / '10k-before.json'} {quoted}"),
        ]
        seed_with_tree(before, python, folder / "10k-before.json", book)
    if shutil.which("less"):
        found.append(Contender("less", f"less {quoted}"))
    if shutil.which("vim"):
        found.append(Contender("vim", f"vim -N -u NONE -i NONE -n {quoted}"))
    return found


def seed_with_tree(tree: Path, python: str, db: Path, book: Path) -> None:
    """Seed `db` with 10,000 annotations by the code at `tree`: a store written by this
    code may be of a schema the older code cannot read (6 keeps a 5 MB text in a file of
    its own)."""
    script = (
        "import sys; from pathlib import Path; "
        f"sys.path[:0] = [{str(tree)!r}, {str(tree / 'benchmarks')!r}]; "
        "from bench_reader import seed_annotations; "
        f"seed_annotations(Path({str(db)!r}), Path({str(book)!r}), 10_000)"
    )
    subprocess.run([python, "-c", script], check=True, env={**os.environ, "PYTHONPATH": str(tree)})


def rotated(contenders: list[Contender], by: int) -> list[Contender]:
    """The contenders in turn, starting `by` places on."""
    if not contenders:
        return contenders
    by %= len(contenders)
    return contenders[by:] + contenders[:by]


def missing_contenders() -> list[str]:
    return [name for name in ("less", "vim") if shutil.which(name) is None]


# -- the table --------------------------------------------------------------------------------


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def median_key_ms(run: Run) -> float:
    return statistics.median(run.key_ms)


def median_key_cpu_ms(run: Run) -> float:
    return statistics.median(run.key_cpu_ms)


MEASURES: list[tuple[str, Callable[[Run], float], str]] = [
    ("launch → first words (s)", lambda run: run.launch_s, "{:.3f}"),
    ("one PageDown → screen changed, median (ms)", median_key_ms, "{:.1f}"),
    ("one PageDown → screen changed, p90 (ms)", lambda run: p90(run.key_ms), "{:.1f}"),
    ("one PageDown, CPU of the process tree (ms)", median_key_cpu_ms, "{:.2f}"),
    ("idle CPU (ms per s)", lambda run: run.idle_cpu_ms_per_s, "{:.2f}"),
    ("peak RSS (MB)", lambda run: run.peak_rss_mb, "{:.0f}"),
]


def table(names: list[str], rounds: list[dict[str, Run]]) -> str:
    lines = [
        "| measure (median of rounds) | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for label, value, form in MEASURES:
        cells = []
        for name in names:
            values = [value(runs[name]) for runs in rounds if name in runs]
            cells.append(form.format(statistics.median(values)) if values else "—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios(rounds: list[dict[str, Run]]) -> str:
    """Gloss against the floor and TextArea, and 10k against none, per round."""
    pairs = [
        ("Gloss ÷ floor", "Gloss", "floor"),
        ("Gloss ÷ TextArea", "Gloss", "TextArea"),
        ("Gloss + 10k ÷ Gloss", "Gloss + 10k", "Gloss"),
        ("Gloss ÷ Gloss before", "Gloss", "Gloss before"),
        ("10k ÷ 10k before", "Gloss + 10k", "Gloss + 10k before"),
    ]
    pairs = [pair for pair in pairs if any(pair[1] in runs and pair[2] in runs for runs in rounds)]
    lines = [
        "| ratio, per round → median | " + " | ".join(label for label, _, _ in pairs) + " |",
        "|---|" + "---:|" * len(pairs),
    ]
    for label, value, _ in MEASURES[:4]:
        cells = []
        for _, top, bottom in pairs:
            per_round = [
                value(runs[top]) / value(runs[bottom])
                for runs in rounds
                if top in runs and bottom in runs and value(runs[bottom]) > 0
            ]
            shown = " ".join(f"{ratio:.2f}" for ratio in per_round)
            cells.append(f"{shown} → **{statistics.median(per_round):.2f}×**" if per_round else "—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument(
        "--launches",
        type=int,
        default=5,
        help="starts of each contender per round; the round's launch figure is their median",
    )
    parser.add_argument("--only", nargs="*", help="contenders to run, by name")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="TREE",
        help="also run Gloss from another checkout of the code (git archive of an older "
        "commit): 'Gloss before' and 'Gloss + 10k before' in the same rounds",
    )
    options = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed: this benchmark needs a real terminal", file=sys.stderr)
        return 1
    # An editable install recompiles Gloss on every start with this set (the machine sets it).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    gloss = str(Path(sys.executable).with_name("gloss"))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        book = make_book(folder)
        everyone = contenders(folder, book, gloss, sys.executable, options.before)
        if options.only:
            everyone = [c for c in everyone if c.name in options.only]
        names = [contender.name for contender in everyone]
        load_before = os.getloadavg()
        terminal = Terminal()
        try:
            # One unmeasured start of each, so that bytecode and the page cache are warm.
            for contender in everyone:
                run_once(terminal, contender, keys=1)
            rounds: list[dict[str, Run]] = []
            for number in range(1, options.rounds + 1):
                # The starts first, the contenders' interleaved; then one run of keys each.
                # Each round begins one contender later: on this VM the one started right
                # after another was measurably slower, and a fixed order gave that seat to
                # the same contender every round.
                seated = rotated(everyone, number - 1)
                launches: dict[str, list[float]] = {c.name: [] for c in everyone}
                for _ in range(options.launches - 1):
                    for contender in seated:
                        seconds = launch_only(terminal, contender)
                        if seconds is not None:
                            launches[contender.name].append(seconds)
                runs = {}
                for contender in seated:
                    run = run_once(terminal, contender, options.keys)
                    if run is not None:
                        run.launches_s[:0] = launches[contender.name]
                        run.launch_s = statistics.median(run.launches_s)
                        runs[contender.name] = run
                print(f"round {number} done", file=sys.stderr, flush=True)
                rounds.append(runs)
        finally:
            terminal.close()
        load_after = os.getloadavg()
    print(
        f"{options.rounds} rounds, {options.launches} starts and {options.keys} PageDowns "
        f"each, {COLUMNS}x{ROWS}, "
        f"the bundled article repeated (5 MB); load average before "
        f"{' '.join(f'{x:.2f}' for x in load_before)}, after "
        f"{' '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} cores\n"
    )
    print(table(names, rounds))
    print()
    print(ratios(rounds))
    for name in missing_contenders():
        print(f"\n{name}: not installed, not measured")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

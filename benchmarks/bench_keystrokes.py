"""How many keys an analyst needs to select exactly each claim of a coding, and tag it.

    python benchmarks/bench_keystrokes.py CODING.json [--document PATH] [--replay]
                                          [--format text|json]

CODING.json holds annotations in the shape of `gloss export --format json`'s (`quote`,
`start`, `end`, `tags`; `documents` optional, else the bundled article). For each claim in
document order, from where the previous claim left the reader, the planner finds the
shortest sequence of Gloss's own keys that selects exactly the claim's span — moving,
selecting, clause and word keys, the other end, and searching (`/`, each character of the
query and `enter` counted) — then the claim's tag keys. It moves a cursor with
`annotations.navigation`, the functions the reader's keys call, in a uniform-cost search
over cursors. It prints each sequence in `tmux send-keys` syntax with its count, and the
minimum, median, mean, maximum and total.

`--replay` starts Gloss in tmux on a fresh store, types every sequence, quits, exports
the store as json and checks that the annotations are the coding's: the same spans with
the same tags. `--format json` prints `{"claims": [{"quote", "keys", "count"}, ...],
"median", "mean", "total", "replayed"}` (replayed: true, false, or null without
`--replay`).
"""

from __future__ import annotations

import argparse
import heapq
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from annotations import navigation  # noqa: E402
from annotations.codebook import Codebook  # noqa: E402
from annotations.document import Document  # noqa: E402
from annotations.navigation import Cursor  # noqa: E402
from annotations.search import DocumentSearch  # noqa: E402
from tui import keys  # noqa: E402

# The reader's keys a sequence may use, as tui/keys.py binds them: each calls the
# navigation function its action names (`move('next_clause')` is
# `navigation.MOVES["next_clause"]`, `extend` is `navigation.extend`).
PLANNED = (
    "move.next_sentence",
    "move.previous_sentence",
    "move.next_paragraph",
    "select.extend",
    "select.word_forward",
    "select.word_back",
    "select.phrase_forward",
    "select.phrase_back",
    "select.next_clause",
    "select.previous_clause",
    "select.switch_end",
)
Move = Callable[[Document, Cursor], Cursor]


def planned_moves() -> dict[str, Move]:
    """Each planned key (as typed: `)`, `O`) and the navigation function it calls."""
    moves: dict[str, Move] = {}
    for action_id in PLANNED:
        action = keys.BY_ID[action_id]
        key = keys.show_key(action.keys.split(",")[0])
        if action.action == "extend":
            moves[key] = lambda _, cursor: navigation.extend(cursor)
        else:
            name = action.action.removeprefix("move('").removesuffix("')")
            moves[key] = navigation.MOVES[name]
    return moves


MOVES = planned_moves()
# How tmux send-keys names a key, where it differs from the character.
TMUX_NAME = {"/": "/", "enter": "Enter", ";": "\\;"}
LONGEST_QUERY = 24
MOST_KEYS = 40
MOST_STATES = 150_000


@dataclass(frozen=True, slots=True)
class Claim:
    quote: str
    start: int
    end: int
    tags: tuple[str, ...]


def state_of(cursor: Cursor) -> tuple[tuple[int, int], bool, int]:
    """What a cursor is for the keys: the anchor only matters to `esc`, never planned."""
    return cursor.selection, cursor.extending, cursor.head if cursor.extending else 0


def plan(
    document: Document,
    search: DocumentSearch,
    cursor: Cursor,
    claim: Claim,
    *,
    searching: bool = True,
) -> list[str] | None:
    """The shortest list of keys (a search is "/", its characters, "enter") taking `cursor`
    to a selection of exactly `[claim.start, claim.end)`."""
    target = (claim.start, claim.end)
    frontier: list[tuple[int, int, Cursor, list[str]]] = [(0, 0, cursor, [])]
    best: dict[tuple, int] = {}
    tie = 0
    while frontier:
        cost, _, current, keys = heapq.heappop(frontier)
        if current.selection == target:
            return keys
        state = state_of(current)
        if best.get(state, MOST_KEYS + 1) < cost or len(best) > MOST_STATES:
            continue
        for step, moved in successors(document, search, current, claim, searching):
            new_cost = cost + len(step)
            if new_cost > MOST_KEYS:
                continue
            moved_state = state_of(moved)
            if best.get(moved_state, MOST_KEYS + 1) <= new_cost:
                continue
            best[moved_state] = new_cost
            tie += 1
            heapq.heappush(frontier, (new_cost, tie, moved, keys + step))
    return None


def successors(
    document: Document, search: DocumentSearch, cursor: Cursor, claim: Claim, searching: bool
):
    for key, move in MOVES.items():
        yield [key], move(document, cursor)
    if not searching:
        return
    # Searches that land on the claim: its start (to select from), or while extending
    # its end (or its start, when it lies before the other end).
    text = document.text
    if cursor.extending:
        wanted = [(claim.start, None), (None, claim.end)]
        origin = cursor.head
    else:
        wanted = [(claim.start, None)]
        origin = cursor.selection[0]
    for start, end in wanted:
        query = shortest_query(text, search, origin, start, end)
        if query is None:
            continue
        matches = search.find(query) or []
        index = search.first_from(matches, origin) % len(matches)
        match = matches[index]
        if cursor.extending:
            moved = navigation.extend_to_match(document, cursor, match)
        else:
            moved = navigation.select(*match)
        yield ["/", *query, "enter"], moved


def shortest_query(
    text: str, search: DocumentSearch, origin: int, start: int | None, end: int | None
) -> str | None:
    """The shortest query whose first match at or after `origin` (around the end) starts at
    `start` (or ends at `end`)."""
    for length in range(1, LONGEST_QUERY + 1):
        query = text[start : start + length] if start is not None else text[end - length : end]
        if len(query) < length or query != query.strip() or "\n" in query:
            if query != query.strip():
                continue
            return None
        matches = search.find(query) or []
        if not matches:
            continue
        match = matches[search.first_from(matches, origin) % len(matches)]
        if (start is not None and match[0] == start) or (end is not None and match[1] == end):
            return query
    return None


def load_coding(path: Path) -> tuple[list[Claim], Path | None]:
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data["annotations"] if isinstance(data, dict) else data
    claims = [Claim(r["quote"], r["start"], r["end"], tuple(r["tags"])) for r in records]
    document_path = None
    if isinstance(data, dict) and data.get("document"):
        document_path = (path.parent / data["document"]).resolve()
    return sorted(claims, key=lambda c: (c.start, c.end)), document_path


def plan_coding(
    document: Document, codebook: Codebook, claims: list[Claim]
) -> tuple[list[list[str]], dict[int, int]]:
    """The keys of each claim, and for a claim whose keys search, how many keys it takes
    without searching (so a search is never the only way to trim)."""
    keys_of = {code.id: code.key for code in codebook.codes}
    search = DocumentSearch(document.text)
    cursor = navigation.first_sentence(document)
    sequences = []
    without_search: dict[int, int] = {}
    for number, claim in enumerate(claims):
        if document.text[claim.start : claim.end] != claim.quote:
            raise SystemExit(f"claim {claim.quote[:40]!r}: quote is not the text at {claim.start}")
        keys = plan(document, search, cursor, claim)
        if keys is None:
            raise SystemExit(f"claim {claim.quote[:40]!r}: no sequence of {MOST_KEYS} keys found")
        tags = [keys_of[tag] for tag in claim.tags]
        if "/" in keys:
            # A search only where it saves keys: at a tie, the keys that select without one.
            plain = plan(document, search, cursor, claim, searching=False)
            if plain is not None and len(plain) <= len(keys):
                keys = plain
            else:
                without_search[number] = len(plain) + len(tags) if plain is not None else -1
        sequences.append(keys + tags)
        cursor = navigation.select(claim.start, claim.end)  # a tag key ends extending
    return sequences, without_search


def tmux_words(keys: list[str]) -> list[str]:
    """`tmux send-keys` arguments for keys: a search's characters as one literal `-l`."""
    words, literal = [], []
    for key in keys:
        if len(key) == 1 and literal is not None and words and words[-1] == "/":
            literal.append(key)
            continue
        if literal:
            words.append("-l " + shlex.quote("".join(literal)))
            literal = []
        words.append(TMUX_NAME.get(key, shlex.quote(key)))
    if literal:
        words.append("-l " + shlex.quote("".join(literal)))
    return words


def send(session: str, keys: list[str]) -> None:
    """Type keys into the tmux session, a search's characters literally."""
    index = 0
    while index < len(keys):
        key = keys[index]
        if key == "/":
            end = keys.index("enter", index)
            subprocess.run(["tmux", "send-keys", "-t", session, "/"], check=True)
            time.sleep(0.15)
            subprocess.run(
                ["tmux", "send-keys", "-t", session, "-l", "".join(keys[index + 1 : end])],
                check=True,
            )
            time.sleep(0.15)
            subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
            index = end + 1
        else:
            subprocess.run(["tmux", "send-keys", "-t", session, "-l", key], check=True)
            index += 1
        time.sleep(0.08)


def settle(session: str) -> None:
    previous = None
    for _ in range(40):
        time.sleep(0.2)
        screen = subprocess.run(
            ["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, text=True
        ).stdout
        if screen == previous:
            return
        previous = screen


def replay(document_path: Path | None, claims: list[Claim], sequences: list[list[str]]) -> bool:
    """Type the sequences into Gloss in tmux; True when the store then holds the coding."""
    if shutil.which("tmux") is None:
        print("replay: tmux is not installed", file=sys.stderr)
        return False
    gloss = str(Path(sys.executable).with_name("gloss"))
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "replay.json"
        command = [gloss, "--db", str(db), "--analyst", "planner"]
        if document_path is not None:
            command.insert(1, str(document_path))
        session = f"keystrokes{id(claims) % 100000}"
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                "160",
                "-y",
                "50",
                shlex.join(command),
            ],
            check=True,
        )
        try:
            time.sleep(1.5)
            settle(session)
            for keys in sequences:
                send(session, keys)
                settle(session)
            send(session, ["q"])
            time.sleep(1.0)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        exported = subprocess.run(
            [gloss, "export", "--format", "json", "--db", str(db)], capture_output=True, text=True
        )
        if exported.returncode != 0:
            print(f"replay: export failed: {exported.stderr.strip()}", file=sys.stderr)
            return False
        saved = {
            (a["start"], a["end"], tuple(sorted(a["tags"])))
            for a in json.loads(exported.stdout)["annotations"]
        }
        wanted = {(c.start, c.end, tuple(sorted(c.tags))) for c in claims}
        for missing in sorted(wanted - saved):
            print(f"replay: not saved as coded: {missing}", file=sys.stderr)
        for extra in sorted(saved - wanted):
            print(f"replay: saved but not in the coding: {extra}", file=sys.stderr)
        return saved == wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "coding", type=Path, nargs="?", default=HERE / "data" / "article-coding.json"
    )
    parser.add_argument("--document", type=Path)
    parser.add_argument("--replay", action="store_true")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        claims, coded_document = load_coding(args.coding)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"{args.coding}: not a coding ({error})", file=sys.stderr)
        return 2
    document_path = args.document or coded_document
    document = Document.from_path(document_path) if document_path else Document.bundled()
    sequences, without_search = plan_coding(document, Codebook.default(), claims)
    counts = [len(keys) for keys in sequences]
    replayed = replay(document_path, claims, sequences) if args.replay else None
    summary = {
        "median": statistics.median(counts),
        "mean": round(statistics.mean(counts), 2),
        "total": sum(counts),
    }
    if args.format == "json":
        print(
            json.dumps(
                {
                    "claims": [
                        {"quote": c.quote, "keys": k, "count": len(k)}
                        for c, k in zip(claims, sequences, strict=True)
                    ],
                    **summary,
                    "replayed": replayed,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for number, (claim, keys) in enumerate(zip(claims, sequences, strict=True)):
            quote = claim.quote if len(claim.quote) <= 60 else claim.quote[:57] + "…"
            plain = without_search.get(number)
            note = "" if plain is None else f" (without a search: {plain})"
            print(f"{len(keys):3}  tmux send-keys {' '.join(tmux_words(keys))}   # {quote}{note}")
        print(
            f"claims {len(counts)}  min {min(counts)}  median {summary['median']}  "
            f"mean {summary['mean']}  max {max(counts)}  total {summary['total']}  "
            f"with a search {len(without_search)}"
            + (
                ""
                if replayed is None
                else f"  replayed {'exactly' if replayed else 'NOT as coded'}"
            )
        )
    return 0 if replayed is not False else 1


if __name__ == "__main__":
    sys.exit(main())

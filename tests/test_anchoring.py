"""Re-anchoring: annotations follow their text when the document changes, or are orphaned."""

from __future__ import annotations

import os
import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from annotations.anchoring import Anchoring, anchor, reanchor, relocate
from annotations.document import Document
from annotations.model import Annotation
from annotations.text_units import is_grapheme_boundary

ARTICLE = Document.bundled().text


def annotate(text: str, start: int, end: int, **fields: object) -> Annotation:
    return Annotation.create(document="sha256:old", text=text, start=start, end=end, **fields)


def occurrences(text: str, fragment: str) -> int:
    """How many times `fragment` occurs, overlapping ones included."""
    return sum(text.startswith(fragment, i) for i in range(len(text)))


def span_of(text: str, fragment: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


# -- examples ----------------------------------------------------------------------------


def test_unchanged_text_is_exact() -> None:
    start, end = span_of(ARTICLE, "Marriage of Convenience")
    assert anchor(annotate(ARTICLE, start, end), ARTICLE) == Anchoring("exact", start, end)


def test_text_inserted_before_moves_the_annotation() -> None:
    start, end = span_of(ARTICLE, "Marriage of Convenience")
    new_text = "A new first line.\n" + ARTICLE
    result = anchor(annotate(ARTICLE, start, end), new_text)
    assert result == Anchoring("moved", start + 18, end + 18)


def test_a_typo_fixed_inside_the_quote_is_changed_in_place() -> None:
    text = "Intro. Russia's interests lie in institutons, Iran's in people. Outro."
    start, end = span_of(text, "Russia's interests lie in institutons")
    new_text = text.replace("institutons", "institutions")
    result = anchor(annotate(text, start, end), new_text)
    assert result.status == "changed"
    assert new_text[result.start : result.end] == "Russia's interests lie in institutions"


def test_a_quote_rewritten_beyond_recognition_is_an_orphan_not_moved_to_its_twin() -> None:
    text = (
        "First: the regime must survive at any cost. Then the rest of the argument. "
        "Later: the regime must survive at any cost. The end of the story."
    )
    start, end = span_of(text, "the regime must survive at any cost")
    new_text = text.replace(
        "First: the regime must survive at any cost.", "First: nothing at all of it."
    )
    result = anchor(annotate(text, start, end), new_text)
    assert result.status == "orphan"


def test_a_deleted_paragraph_orphans_its_annotations() -> None:
    text = "Keep this.\nThe paragraph that goes away entirely.\nKeep that too."
    start, end = span_of(text, "paragraph that goes away")
    new_text = "Keep this.\nKeep that too."
    assert anchor(annotate(text, start, end), new_text).status == "orphan"


def test_with_several_copies_the_one_with_the_same_context_wins() -> None:
    text = "Alpha says Russia. Beta says Russia. Gamma says Russia."
    start, end = span_of(text, "Russia", 2)
    new_text = text.replace("Alpha", "Alpha and Omega")
    result = anchor(annotate(text, start, end), new_text)
    assert result.status == "moved"
    assert new_text[result.start - 10 : result.end] == "Beta says Russia"


def test_a_paragraph_moved_elsewhere_takes_its_annotation_along() -> None:
    paragraphs = ARTICLE.split("\n")
    index = next(i for i, p in enumerate(paragraphs) if len(p) > 100 and ARTICLE.count(p) == 1)
    moved = paragraphs[index + 3]
    text = ARTICLE
    start, end = span_of(text, moved[:60])
    new_text = "\n".join(
        [*paragraphs[:index], moved, *paragraphs[index : index + 3], *paragraphs[index + 4 :]]
    )
    result = anchor(annotate(text, start, end), new_text)
    assert result.status == "moved"
    assert new_text[result.start : result.end] == moved[:60]


def test_fuzzy_matching_finds_a_lightly_edited_quote_whose_context_changed_too() -> None:
    text = "Some words before it. The Russian air force provided decisive cover. After."
    start, end = span_of(text, "The Russian air force provided decisive cover")
    new_text = "Other words in front. The Russian air force provided a decisive cover. Afterwards."
    result = anchor(annotate(text, start, end), new_text)
    assert result.status == "changed"
    assert "air force provided a decisive cover" in new_text[result.start : result.end]


def test_a_change_made_all_through_a_long_text_is_followed_to_its_end() -> None:
    # Every "Syria" grows by 19 characters: by the end the text has moved 380,000 on.
    text = "Syria is mentioned here. " * 20_000 + "At the very end: a unique Syria claim. Fin."
    start, end = span_of(text, "a unique Syria claim")
    new_text = text.replace("Syria", "the Syrian Arab Republic")
    annotation = annotate(text, start, end)
    result = anchor(annotation, new_text, old_length=len(text))
    assert result.status == "changed"
    assert new_text[result.start : result.end] == "a unique the Syrian Arab Republic claim"
    assert reanchor([annotation], new_text, len(text)).changed == 1


def test_reanchor_counts_and_lists_orphans() -> None:
    text = "One sentence here. Two sentence here. Three sentence here."
    kept = annotate(text, *span_of(text, "One sentence"))
    lost = annotate(text, *span_of(text, "Two sentence here"))
    new_text = "Zero. One sentence here. Three sentence here."
    report = reanchor([kept, lost], new_text)
    assert (report.moved, report.orphaned, report.exact, report.changed) == (1, 1, 0, 0)
    assert report.orphans == [lost]
    assert report.summary() == "1 moved, 1 orphaned"


def test_relocate_takes_the_new_text_and_keeps_what_the_analyst_wrote() -> None:
    text = "Old text with a quote in it."
    annotation = annotate(text, *span_of(text, "quote"), tags=["actor/iran"], memo="memo")
    new_text = "New text, and a quote here."
    moved = relocate(annotation, "sha256:new", new_text, *span_of(new_text, "quote"))
    assert (moved.id, moved.tags, moved.memo, moved.modified) == (
        annotation.id,
        annotation.tags,
        annotation.memo,
        annotation.modified,
    )
    assert moved.document == "sha256:new"
    assert (moved.quote, moved.prefix, moved.suffix) == ("quote", "New text, and a ", " here.")


def test_multilingual_annotations_survive_an_edit_elsewhere() -> None:
    text = "Россия и Иран.\nروسیه و ایران 👨‍👩‍👧 متحدند.\n中国很大。"
    start, end = span_of(text, "ایران 👨‍👩‍👧")
    new_text = "Заголовок.\n" + text
    result = anchor(annotate(text, start, end), new_text)
    assert new_text[result.start : result.end] == "ایران 👨‍👩‍👧"


# -- properties --------------------------------------------------------------------------

# Small alphabets make repeats (the hard case) common; a few multi-code-point clusters.
PIECES = st.sampled_from([*"abcab  .\n", "Ж", "ی", "中", "e\u0301", "👍🏽", "🇫🇷"])
TEXTS = st.lists(PIECES, min_size=1, max_size=150).map("".join)
INSERTS = st.lists(PIECES, min_size=1, max_size=12).map("".join)


@st.composite
def annotated_texts(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(TEXTS)
    boundaries = [0] + [i for i in range(1, len(text) + 1) if is_grapheme_boundary(text, i)]
    start = draw(st.sampled_from(boundaries[:-1]))
    end = draw(st.sampled_from([b for b in boundaries if b > start]))
    return text, start, end


def context_elsewhere(new_text: str, annotation: Annotation, start: int, end: int) -> bool:
    """True when the annotation's old prefix and suffix also stand, in that order and a
    quote's length apart, around other words than its own: a second "slot" for it. Then
    the text itself is ambiguous and the nearer slot may win (see anchoring's step 1).
    In prose a 32-character context rarely repeats; in the tiny alphabets here it does."""
    prefix, suffix = annotation.prefix, annotation.suffix
    if min(len(prefix), len(suffix)) < 8:
        return False
    reach = 2 * len(annotation.quote) + 256
    for p in range(len(new_text) + 1):
        if not new_text.startswith(prefix, p):
            continue
        gap_start = p + len(prefix)
        for q in range(gap_start, min(len(new_text), gap_start + reach) + 1):
            if new_text.startswith(suffix, q) and (gap_start, q) != (start, end):
                return True
    return False


@settings(max_examples=400, deadline=None)
@given(annotated_texts(), INSERTS, st.data())
@example(("abab", 1, 3), "b", None)
def test_inserting_outside_an_annotation_never_loses_it(
    case: tuple[str, int, int], inserted: str, data: st.DataObject | None
) -> None:
    text, start, end = case
    if data is None:
        position = 0
    else:
        position = data.draw(
            st.sampled_from(
                [
                    i
                    for i in range(len(text) + 1)
                    if (i <= start or i >= end) and is_grapheme_boundary(text, i)
                ]
            )
        )
    new_text = text[:position] + inserted + text[position:]
    expected = start + len(inserted) if position <= start else start
    old_length = len(text) if data is not None and data.draw(st.booleans()) else None
    annotation = annotate(text, start, end)
    assume(not context_elsewhere(new_text, annotation, expected, expected + end - start))
    result = anchor(annotation, new_text, old_length)
    assert result.placed
    assert new_text[result.start : result.end] == text[start:end]
    if occurrences(new_text, text[start:end]) == 1:
        assert result.start == expected


@settings(max_examples=400, deadline=None)
@given(annotated_texts(), st.data())
def test_deleting_outside_an_annotation_never_loses_it(
    case: tuple[str, int, int], data: st.DataObject
) -> None:
    text, start, end = case
    assume(start > 0 or end < len(text))
    before = start > 0 and (end == len(text) or data.draw(st.booleans()))
    if before:
        cut_start = data.draw(st.integers(0, start - 1))
        cut_end = data.draw(st.integers(cut_start + 1, start))
    else:
        cut_start = data.draw(st.integers(end, len(text) - 1))
        cut_end = data.draw(st.integers(cut_start + 1, len(text)))
    # Edits fall between grapheme clusters (a cut inside one changes the annotated
    # characters themselves: "e" + accent cut to the accent alone joins the "a" before it).
    assume(is_grapheme_boundary(text, cut_start) and is_grapheme_boundary(text, cut_end))
    new_text = text[:cut_start] + text[cut_end:]
    expected = start - (cut_end - cut_start) if before else start
    annotation = annotate(text, start, end)
    assume(not context_elsewhere(new_text, annotation, expected, expected + end - start))
    result = anchor(annotation, new_text, data.draw(st.sampled_from([None, len(text)])))
    assert result.placed
    assert new_text[result.start : result.end] == text[start:end]
    if occurrences(new_text, text[start:end]) == 1:
        assert result.start == expected


@settings(max_examples=400, deadline=None)
@given(annotated_texts(), st.data(), st.lists(PIECES, max_size=3).map("".join))
def test_a_small_edit_inside_re_anchors_there_or_orphans_never_elsewhere(
    case: tuple[str, int, int], data: st.DataObject, replacement: str
) -> None:
    text, start, end = case
    edit_start = data.draw(st.integers(start, end))
    edit_end = data.draw(st.integers(edit_start, min(end, edit_start + 3)))
    assume((edit_start, edit_end) != (start, end))  # a small edit, not a replacement
    new_text = text[:edit_start] + replacement + text[edit_end:]
    new_end = end - (edit_end - edit_start) + len(replacement)
    result = anchor(
        annotate(text, start, end), new_text, data.draw(st.sampled_from([None, len(text)]))
    )
    if result.placed:
        # It overlaps the words it was attached to, as they are now: never elsewhere.
        assert result.start < new_end and result.end > start
        assert is_grapheme_boundary(new_text, result.start)
        assert is_grapheme_boundary(new_text, result.end)
        if result.status in ("exact", "moved"):
            assert new_text[result.start : result.end] == text[start:end]


# -- realistic revisions of the bundled article -------------------------------------------

ARTICLE_DOCUMENT = Document.bundled()
SENTENCES = ARTICLE_DOCUMENT.sentences
WORDS = [m.span() for m in re.finditer(r"\w+", ARTICLE)]


@st.composite
def revisions(draw: st.DrawFn) -> tuple[int, int, int, int, str]:
    """An annotation (a sentence or a few words) and one editor's change: a word replaced,
    a sentence deleted, or a sentence of the article pasted somewhere (a repeat)."""
    if draw(st.booleans()):
        sentence = draw(st.sampled_from(SENTENCES))
        start, end = sentence.start, sentence.end
    else:
        first = draw(st.integers(0, len(WORDS) - 6))
        start, end = WORDS[first][0], WORDS[first + draw(st.integers(0, 5))][1]
    kind = draw(st.sampled_from(["word", "delete", "paste"]))
    if kind == "word":
        a, b = draw(st.sampled_from(WORDS))
        replacement = draw(st.sampled_from(["Moscow", "Tehran", "the", "", "regime's"]))
    elif kind == "delete":
        sentence = draw(st.sampled_from(SENTENCES))
        a, b, replacement = sentence.start, sentence.end, ""
    else:
        a = b = draw(st.sampled_from(SENTENCES)).start
        pasted = draw(st.sampled_from(SENTENCES))
        replacement = ARTICLE[pasted.start : pasted.end] + " "
    return start, end, a, b, replacement


@settings(max_examples=300, deadline=None)
@given(revisions())
def test_revisions_of_a_real_article_never_attach_an_annotation_to_the_wrong_words(
    revision: tuple[int, int, int, int, str],
) -> None:
    start, end, a, b, replacement = revision
    new_text = ARTICLE[:a] + replacement + ARTICLE[b:]
    delta = len(replacement) - (b - a)
    annotation = annotate(ARTICLE, start, end)
    result = anchor(annotation, new_text, len(ARTICLE))
    if b <= start or a >= end:  # the edit is outside the annotation
        expected = start + delta if b <= start else start
        assert result.placed
        assert new_text[result.start : result.end] == annotation.quote
        if occurrences(new_text, annotation.quote) == 1:
            assert result.start == expected
    elif result.placed:  # the edit touched it: there, or nowhere...
        region_start = min(start, a)
        region_end = max(end + delta, a + len(replacement))
        if not (result.start < region_end and result.end > region_start):
            # ...unless its words were cut and a twin stands elsewhere: the same (or all
            # but the same) words, with 8 characters of the old context right beside them
            # (the article repeats its title: a cut title's notes go to its twin).
            found = new_text[result.start : result.end]
            assert found == annotation.quote or fuzz.ratio(found, annotation.quote) >= 90
            before = new_text[max(0, result.start - len(annotation.prefix)) : result.start]
            after = new_text[result.end : result.end + len(annotation.suffix)]
            agree_before = len(os.path.commonprefix([before[::-1], annotation.prefix[::-1]]))  # noqa: RUF071
            agree_after = len(os.path.commonprefix([after, annotation.suffix]))  # noqa: RUF071
            assert agree_before + agree_after >= 8

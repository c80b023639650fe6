"""The language of a text, when its source does not say: py3langid, whose model ships in
its wheel (no download, no network)."""

from __future__ import annotations

from functools import cache
from typing import Any

_SAMPLE = 20_000  # characters: enough for a sure answer, cheap on a book
_LEAST_CONFIDENCE = 0.9


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is written in ("en", "ru", "fa"), or None
    when the text is too short or mixed for a confident answer."""
    sample = text[:_SAMPLE]
    if len(sample.split()) < 5:
        return None
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= _LEAST_CONFIDENCE else None

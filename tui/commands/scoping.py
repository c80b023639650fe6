"""What the commands that read the store cover: one document, a chosen set, the
documents whose attributes match, or the whole store (annotations/scope.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotations.attributes import documents_where
from annotations.codebook import Codebook
from annotations.errors import StoreError
from annotations.export import ExportScope, select, select_file
from annotations.scope import Scope
from annotations.store import Store


def read_scope(
    store: Store,
    codebook: Codebook,
    document: str | Sequence[str] | None,
    analyst: str | None = None,
    where: Sequence[str] = (),
) -> ExportScope:
    """What `stats`, `query` and `agree` count: one document (a file read as `gloss export`
    reads it), a chosen set, the documents whose attributes match `where` (NAME=VALUE), or
    the whole store."""
    references = [document] if isinstance(document, str) else list(document or ())
    if len(references) == 1 and not where and Path(references[0]).expanduser().is_file():
        # A file is read as it is now, as gloss export reads it (re-anchored if it changed).
        path = Path(references[0]).expanduser()
        scope, _ = select_file(store, codebook, path, analyst=analyst)
        return scope
    if len(references) == 1 and not where:
        return select(store, codebook, document=references[0], analyst=analyst)
    chosen = Scope.from_references(store, references)
    if where:
        conditions = parse_conditions(where)
        matching = {d.id for d in documents_where(store, conditions)}
        kept = [d.id for d in chosen.documents(store) if d.id in matching]
        if not kept:
            shown = ", ".join(f"{name}={value}" for name, value in conditions.items())
            raise StoreError(f"no document in the scope has {shown}")
        chosen = Scope.of_documents(kept)
    return chosen.export_scope(store, codebook, analyst=analyst)


def parse_conditions(pairs: Sequence[str]) -> dict[str, str]:
    """`--where NAME=VALUE ...` as a dict; `StoreError` for one without `=`."""
    conditions: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise StoreError(f"--where expects NAME=VALUE, not {pair!r}")
        conditions[name] = value
    return conditions

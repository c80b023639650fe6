"""Property tests: any sequence of saves, through two copies, compactions and reopening,
leaves the store holding exactly what a plain dict model says."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import Document, Store, StoreSaveError
from annotations import store as store_module

TEXT = "One sentence here. Another one there. A third for luck.\n"

operation = st.tuples(
    st.sampled_from(["create", "memo", "tags", "delete", "reopen", "switch", "compact"]),
    st.integers(min_value=0, max_value=30),
    st.text(alphabet="abc ✓\u0627\n", max_size=6),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(operation, max_size=30))
def test_any_sequence_of_saves_matches_the_model(steps: list[tuple[int, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gloss.json"
        copies = [Store(path, journal_limit=1_500), Store(path, journal_limit=1_500)]
        document = copies[0].add_document(Document.from_text(TEXT))
        model: dict[str, str] = {}
        order: list[str] = []
        active = 0
        try:
            for kind, number, text in steps:
                store = copies[active]
                if kind == "create":
                    start = number % 40
                    made = store.annotate(document.id, start, start + 3, memo=text)
                    model[made.id] = text
                    order.append(made.id)
                elif kind in ("memo", "tags", "delete") and order:
                    target = order[number % len(order)]
                    if kind == "memo":
                        store.update(target, memo=text)
                        model[target] = text
                    elif kind == "tags":
                        store.update(target, tags=["actor/iran"] if text else [])
                    else:
                        store.delete(target)
                        order.remove(target)
                        del model[target]
                elif kind == "reopen":
                    store.close()
                    copies[active] = Store(path, journal_limit=1_500)
                elif kind == "switch":
                    active = 1 - active
                elif kind == "compact":
                    store.compact()
                checked = copies[active]
                checked.refresh()
                assert {a.id: a.memo for a in checked.annotations()} == model
            for store in copies:
                store.refresh()
                assert {a.id: a.memo for a in store.annotations()} == model
        finally:
            for store in copies:
                store.close()
        with Store(path, read_only=True) as reopened:
            assert {a.id: a.memo for a in reopened.annotations()} == model


def test_a_store_whose_lock_cannot_be_made_keeps_saves_until_it_can(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(store_path) as store:
        document = store.add_document(Document.from_text(TEXT))
    real_open = os.open

    def read_only_folder(name, flags, *args):  # type: ignore[no-untyped-def]
        if str(name).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(name, flags, *args)

    monkeypatch.setattr(store_module.os, "open", read_only_folder)
    store = Store(store_path)
    with pytest.raises(StoreSaveError, match="read-only"):
        kept = store.annotate(document.id, 0, 3, memo="kept")
    (kept,) = store.annotations()
    assert store.pending == 1
    assert store.retry() is False
    monkeypatch.undo()
    assert store.retry() is True
    store.close()
    with Store(store_path) as reopened:
        assert reopened.annotation(kept.id).memo == "kept"

"""Shared fixtures: every test gets its own store and never touches the user's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import Codebook, Document, Store


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user data folder or inherits the caller's names."""
    monkeypatch.setenv("GLOSS_DB", str(tmp_path / "default-store.json"))
    monkeypatch.setenv("GLOSS_ANALYST", "tester")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("GLOSS_CONFIG", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.json"


@pytest.fixture
def article() -> Document:
    return Document.bundled()


@pytest.fixture
def codebook() -> Codebook:
    return Codebook.default()


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled article 500 times over: about 5 MB."""
    article = Document.bundled().text
    path = tmp_path_factory.mktemp("book") / "book.txt"
    path.write_text("\n\n".join([article] * 500), encoding="utf-8")
    return path


@pytest.fixture
def store(store_path: Path):
    with Store(store_path) as opened:
        yield opened

"""The examples in docs/examples are what Gloss makes today from their own json.

If this fails after a change to an exporter, rebuild them: `python docs/examples/build.py`.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from annotations import Codebook, Store
from annotations.export import FORMAT_NAMES, render, select

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


@pytest.fixture(scope="module")
def examples_scope(tmp_path_factory: pytest.TempPathFactory):
    records = json.loads((EXAMPLES / "russia-iran.json").read_bytes())
    with Store(tmp_path_factory.mktemp("examples") / "store.json") as store:
        store.import_records(records)
        scope = select(store, Codebook.default())
    return scope


def test_the_examples_have_at_least_twelve_annotations(examples_scope) -> None:
    assert len(examples_scope.annotations) >= 12
    assert examples_scope.title.startswith("Russia and Iran")


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_the_committed_example_is_up_to_date(examples_scope, name: str) -> None:
    made = render(name, replace(examples_scope, generated="2024-11-26T08:00:00Z"))
    committed = (EXAMPLES / f"russia-iran.{name}").read_bytes()
    if name == "qdpx":
        made_zip, committed_zip = (
            zipfile.ZipFile(io.BytesIO(made)),
            zipfile.ZipFile(io.BytesIO(committed)),
        )
        assert made_zip.namelist() == committed_zip.namelist()
        for entry in made_zip.namelist():
            assert made_zip.read(entry) == committed_zip.read(entry), (
                f"{entry} differs: run python docs/examples/build.py"
            )
    else:
        assert made == committed, f"russia-iran.{name} is stale: run python docs/examples/build.py"

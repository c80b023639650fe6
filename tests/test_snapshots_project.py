"""SVG snapshots of the screens across documents: the co-occurrence and attribute
matrices of the analysis screen and the search screen, at 160×50 and 80×24.

Review changes with `pytest --snapshot-report` (snapshot_report.html) before accepting
them with `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import Document, Store
from annotations.attributes import set_attributes
from tui.app import GlossApp

SIZES = [(160, 50), (80, 24)]
IDS = ["160x50", "80x24"]

DOCUMENTS = (
    (
        "Alliances in Syria\n\nThe supply route to Hezbollah runs through Syria. Iran wants "
        "the supply route open.\n\nRussia wants the ports and the air bases. Both want Assad "
        "to stay.\n",
        {"outlet": "Syrian Observer", "date": "2015-10-02"},
    ),
    (
        "Outlet B on the war\n\nThe supply route was cut in 2016, the report says. Iran's "
        "militias moved in.\n\nMoscow pressed for talks in Geneva.\n",
        {"outlet": "Al-Monitor", "date": "2016-05-11"},
    ),
    (
        "Ports and bases\n\nA third report on the Mediterranean ports. Russia keeps "
        "Tartous.\n\nIran builds shrines and schools.\n",
        {"outlet": "Syrian Observer", "date": "2016-01-20"},
    ),
)
CODINGS = (
    (0, "Iran wants the supply route open.", ["actor/iran", "interest/access"], "ana", ""),
    (0, "Iran wants the supply route open.", ["actor/iran", "interest/society"], "bo", ""),
    (0, "Russia wants the ports", ["actor/russia", "interest/military"], "ana", "bases too"),
    (0, "Both want Assad to stay.", ["actor/both", "relation/convergence"], "ana", ""),
    (1, "Iran's militias moved in.", ["actor/iran", "interest/military"], "ana", ""),
    (1, "Moscow pressed for talks", ["actor/russia", "interest/diplomacy"], "bo", "supply route?"),
    (2, "Russia keeps Tartous.", ["actor/russia", "interest/access"], "ana", ""),
    (2, "Iran builds shrines", ["actor/iran", "interest/society"], "ana", ""),
)


def project_app(store_path: Path) -> GlossApp:
    """Three documents with outlets and dates, coded by two analysts."""
    with Store(store_path) as store:
        documents = []
        for text, attributes in DOCUMENTS:
            document = store.add_document(Document.from_text(text, title=text.split("\n")[0]))
            set_attributes(store, document.id, attributes)
            documents.append(document)
        for index, fragment, tags, analyst, memo in CODINGS:
            document = documents[index]
            start = document.text.index(fragment)
            store.annotate(
                document.id, start, start + len(fragment), tags=tags, analyst=analyst, memo=memo
            )
    return GlossApp(db=store_path, analyst="ana")


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_cooccurrence_matrix(snap_compare, store_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(project_app(store_path), press=["a", "2"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_attribute_matrix(snap_compare, store_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(project_app(store_path), press=["a", "3"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_search_screen(snap_compare, store_path: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("F", *"supply route", "enter")
        await pilot.app.workers.wait_for_complete()  # the search runs in a thread
        await pilot.pause()
        await pilot.press("j", "space")  # the second match marked, the third highlighted
        await pilot.pause()

    assert snap_compare(project_app(store_path), run_before=run_before, terminal_size=size)

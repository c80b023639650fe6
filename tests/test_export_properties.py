"""Properties of every export over any text at all: valid where a schema applies, and never a
raw control character in the formats people open."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from lxml import etree
from test_export_support import scopes

from annotations.export import render

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data/refi-qda/Project.xsd")))
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scopes())
def test_qdpx_is_always_valid_and_positions_hold(scope) -> None:
    with zipfile.ZipFile(io.BytesIO(render("qdpx", scope))) as archive:
        tree = etree.parse(io.BytesIO(archive.read("project.qde")))
        texts = [archive.read(n).decode("utf-8") for n in archive.namelist() if "sources/" in n]
    SCHEMA.assertValid(tree)
    selections = tree.findall(
        ".//{urn:QDA-XML:project:1.0}TextSource/{urn:QDA-XML:project:1.0}PlainTextSelection"
    )
    # One selection per span and analyst, as QDA tools hold them.
    places = {(a.start, a.end, a.analyst): a for a in scope.annotations}
    assert len(selections) == len(places)
    for annotation, selection in zip(places.values(), selections, strict=True):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert texts[0][start:end] == annotation.quote


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scopes())
def test_text_formats_never_hold_a_raw_control_character(scope) -> None:
    for name in ("md", "html"):
        assert RAW_CONTROL.search(render(name, scope).decode("utf-8")) is None, name
    csv_text = render("csv", scope).decode("utf-8-sig").replace("\r\n", "\n")
    assert RAW_CONTROL.search(csv_text) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scopes())
def test_json_and_jsonld_keep_every_character(scope) -> None:
    records = json.loads(render("json", scope))
    assert [a["memo"] for a in records["annotations"]] == [a.memo for a in scope.annotations]
    assert records["documents"][0]["text"] == scope.documents[0].text
    collection = json.loads(render("jsonld", scope))
    for annotation, item in zip(scope.annotations, collection["first"]["items"], strict=True):
        quote, position = item["target"]["selector"]
        assert quote["exact"] == annotation.quote
        assert (position["start"], position["end"]) == (annotation.start, annotation.end)

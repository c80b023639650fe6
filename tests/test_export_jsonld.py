"""W3C Web Annotation export: every object passes the MUST assertions of the W3C test suite.

The suite's JSON Schemas and its harness logic are copied into tests/data/w3c (W3C test
suite licence, BSD); `validate_w3c.py` runs them as the suite's own JSONtest harness does.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_export_support import HOSTILE_MEMO, bundled_scope, hostile_scope, scopes

from annotations.export import render
from annotations.export.jsonld import document_uri

W3C = Path(__file__).parent / "data" / "w3c"


def load_validator():
    spec = importlib.util.spec_from_file_location("validate_w3c", W3C / "validate_w3c.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up while they are being made.
    sys.modules.setdefault("validate_w3c", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def w3c():
    validator = load_validator()
    suite = validator.Suite(W3C / "web-annotation-tests")
    musts = {kind: suite.load_test(path)[1] for kind, path in validator.MUST_TESTS.items()}
    return validator, suite, musts


def failures(w3c, exported: dict) -> dict[str, list[str]]:
    validator, suite, musts = w3c
    # The harness checks dates and URIs as the W3C's (ajv) does only with these installed.
    assert {"uri", "date-time"} <= set(validator.FORMAT_CHECKER.checkers)
    found = validator.objects_to_check(exported)
    assert found
    result = {}
    for kind, label, obj in found:
        outcomes: list = []
        suite.run(musts[kind], obj, outcomes)
        assert len(outcomes) >= 10
        bad = [f"{o.file}: {o.detail}" for o in outcomes if not o.passed and not o.skipped]
        if bad:
            result[label] = bad
    return result


@pytest.mark.parametrize("make_scope", [bundled_scope, hostile_scope])
def test_every_object_passes_the_w3c_must_assertions(w3c, make_scope) -> None:
    exported = json.loads(render("jsonld", make_scope()))
    assert failures(w3c, exported) == {}


def test_the_validator_rejects_a_broken_annotation(w3c) -> None:
    # The harness is not a rubber stamp: a target without a source, a bad date fail.
    exported = json.loads(render("jsonld", bundled_scope()))
    item = exported["first"]["items"][0]
    item["created"] = "yesterday"
    del item["target"]["source"]
    item["body"][0]["purpose"] = "liking"
    assert failures(w3c, exported)


def test_collection_embeds_one_page_with_every_annotation() -> None:
    scope = bundled_scope()
    exported = json.loads(render("jsonld", scope))
    assert exported["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert exported["type"] == "AnnotationCollection"
    assert exported["total"] == len(scope.annotations) == 14
    page = exported["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    assert len(page["items"]) == 14


def test_annotations_carry_tags_memo_confidence_and_both_selectors() -> None:
    scope = hostile_scope()
    document = scope.documents[0]
    exported = json.loads(render("jsonld", scope))
    for annotation, item in zip(scope.annotations, exported["first"]["items"], strict=True):
        assert item["id"] == f"urn:uuid:{annotation.id}"
        bodies = item.get("body", [])
        tags = [b["value"] for b in bodies if b["purpose"] == "tagging"]
        assert tags == list(annotation.tags)
        assert all(b["type"] == "TextualBody" for b in bodies)
        memos = [b["value"] for b in bodies if b["purpose"] == "commenting"]
        assert memos == ([annotation.memo] if annotation.memo else [])
        if annotation.confidence:
            assert {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": f"confidence: {annotation.confidence}",
            } in bodies
        target = item["target"]
        assert target["source"]["id"] == document_uri(document)
        quote, position = target["selector"]
        assert quote["type"] == "TextQuoteSelector"
        assert quote["exact"] == document.text[position["start"] : position["end"]]
        assert position == {
            "type": "TextPositionSelector",
            "start": annotation.start,
            "end": annotation.end,
        }
        if annotation.analyst:
            assert item["creator"] == {"type": "Person", "name": annotation.analyst}
    assert any(
        b["value"] == HOSTILE_MEMO for i in exported["first"]["items"] for b in i.get("body", [])
    )


def test_document_uri_is_the_rfc6920_name_of_the_text_hash() -> None:
    scope = bundled_scope()
    uri = document_uri(scope.documents[0])
    assert uri.startswith("ni:///sha-256;")
    digest = base64.urlsafe_b64decode(uri.split(";", 1)[1] + "=")
    assert "sha256:" + digest.hex() == scope.documents[0].id


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(scopes())
def test_any_text_gives_w3c_valid_annotations(w3c, scope) -> None:
    assert failures(w3c, json.loads(render("jsonld", scope))) == {}

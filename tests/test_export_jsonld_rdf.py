"""The jsonld export as JSON-LD processors read it: pyld expands it to RDF with the W3C
context from tests/data (nothing is fetched), rdflib parses the same file, the two graphs
are isomorphic, and the graph holds every annotation at its exact text with its tags,
memo, confidence and analyst."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from test_export_support import bundled_scope, hostile_scope

from annotations.export import render

# rdflib 7 warns about its own use of ConjunctiveGraph while parsing; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"
CONTEXT = json.loads((Path(__file__).parent / "data" / "w3c" / "anno.jsonld").read_text())
OA = Namespace("http://www.w3.org/ns/oa#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
DCTERMS = Namespace("http://purl.org/dc/terms/")


def offline_loader(url, options=None):
    if url.rstrip("/") != CONTEXT_URL:
        raise AssertionError(f"the test fetches nothing, but pyld asked for {url}")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


def graphs(data: bytes) -> tuple[Graph, Graph]:
    """The export's RDF as pyld makes it (N-Quads into rdflib) and as rdflib's own JSON-LD
    parser makes it (given the context inline, so that it fetches nothing)."""
    document = json.loads(data)
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": offline_loader}
    )
    by_pyld = Graph().parse(data=nquads, format="nquads")
    inline = dict(document, **{"@context": CONTEXT["@context"]})
    by_rdflib = Graph().parse(data=json.dumps(inline), format="json-ld")
    return by_pyld, by_rdflib


@pytest.mark.parametrize("make", [hostile_scope, bundled_scope])
def test_pyld_and_rdflib_read_every_annotation(make) -> None:
    scope = make()
    by_pyld, by_rdflib = graphs(render("jsonld", scope))
    assert isomorphic(by_pyld, by_rdflib)
    graph = by_pyld
    for annotation in scope.annotations:
        node = URIRef(f"urn:uuid:{annotation.id}")
        assert (node, RDF.type, OA.Annotation) in graph
        (target,) = graph.objects(node, OA.hasTarget)
        selectors = list(graph.objects(target, OA.hasSelector))
        exact = {str(o) for s in selectors for o in graph.objects(s, OA.exact)}
        assert exact == {annotation.quote}
        starts = {o.toPython() for s in selectors for o in graph.objects(s, OA.start)}
        ends = {o.toPython() for s in selectors for o in graph.objects(s, OA.end)}
        assert (starts, ends) == ({annotation.start}, {annotation.end})
        bodies = list(graph.objects(node, OA.hasBody))
        by_purpose: dict[str, list[str]] = {}
        for body in bodies:
            purpose = str(next(graph.objects(body, OA.hasPurpose))).rsplit("#", 1)[-1]
            by_purpose.setdefault(purpose, []).append(str(next(graph.objects(body, RDF.value))))
        assert sorted(by_purpose.get("tagging", [])) == sorted(annotation.tags)
        assert by_purpose.get("commenting", []) == ([annotation.memo] if annotation.memo else [])
        expected_confidence = (
            [f"confidence: {annotation.confidence}"] if annotation.confidence else []
        )
        assert by_purpose.get("assessing", []) == expected_confidence
        (creator,) = graph.objects(node, DCTERMS.creator)
        assert (creator, FOAF.name, Literal(annotation.analyst)) in graph

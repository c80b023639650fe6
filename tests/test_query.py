"""Code queries (annotations/query.py): hand-worked examples over a small table of
annotations, the errors a person sees, and the laws of the algebra as properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import Annotation, Codebook
from annotations.query import MAX_DEPTH, Query, QueryError

CODEBOOK = Codebook.default()


def annotation(
    name: str, tags: tuple[str, ...], *, analyst: str = "ana", quote: str = "", memo: str = ""
) -> Annotation:
    quote = quote or f"Quote {name}."
    return Annotation(
        id=name,
        document="doc",
        start=0,
        end=len(quote),
        quote=quote,
        prefix="",
        suffix="",
        tags=tags,
        memo=memo,
        analyst=analyst,
    )


# The hand-worked examples below are counted from this table.
TABLE = [
    annotation("a", ("actor/iran", "interest/society"), analyst="ben"),
    annotation("b", ("actor/iran", "interest/society", "relation/convergence")),
    annotation("c", ("actor/russia", "interest/military"), quote="Along the supply route."),
    annotation("d", ("actor/russia",), analyst="Ben", memo="Check the Supply  Route claim."),
    annotation("e", ("interest/economy",), analyst="chen", quote="Le café de Damas."),
    annotation("f", ("imported/tag",), analyst="dana smith"),
    annotation("g", ()),
]


def ids(expression: str, annotations: list[Annotation] = TABLE) -> list[str]:
    return [a.id for a in Query.parse(expression, CODEBOOK).filter(annotations)]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("iran & society & !convergence", ["a"]),
        ("iran & society", ["a", "b"]),
        ("iran society", ["a", "b"]),  # side by side: and
        ("russia | iran", ["a", "b", "c", "d"]),
        ("!actor", ["e", "f", "g"]),  # a group: any of its codes
        ("(russia | iran) & !society", ["c", "d"]),
        ("russia | iran & society", ["a", "b", "c", "d"]),  # & binds tighter than |
        ("!(russia | iran) & !economy", ["f", "g"]),
        ("@ben", ["a", "d"]),  # the analyst's name, case aside
        ('@"Dana Smith"', ["f"]),
        ("@ben & russia", ["d"]),
        ('"supply route"', ["c", "d"]),  # the quote, or the memo, as / finds it
        ("cafe", ["e"]),  # accents aside, as /
        ("DAMAS", ["e"]),
        ("imported/tag", ["f"]),  # a tag the codebook does not know
        ("!!iran", ["a", "b"]),
        ("iran -convergence", ["a"]),  # a leading "-" is not, as in the panel filter
        ("-(russia | iran) & -economy", ["f", "g"]),
    ],
)
def test_hand_worked_examples(expression: str, expected: list[str]) -> None:
    assert ids(expression) == expected


@pytest.mark.parametrize(
    "expression",
    ["actor/iran", "iran", "IRAN", "i", "Iran", "ш", "ه"],  # its key under three layouts
)
def test_a_code_by_id_name_key_or_label(expression: str) -> None:
    assert ids(expression) == ["a", "b"]


def test_a_code_by_a_word_of_its_label() -> None:
    # "society and religion", "geostrategic access", "state institutions"
    assert ids("religion") == ["a", "b"]
    assert ids("geostrategic | institutions") == []
    assert ids("military") == ["c"]


def test_a_word_that_is_no_code_is_text() -> None:
    assert ids("along") == ["c"]
    assert ids("claim") == ["d"]  # in the memo
    assert ids("nowhere") == []


def test_a_codebook_of_its_own() -> None:
    codebook = Codebook.from_toml(
        'name = "x"\n[[groups]]\nid = "theme"\n[[codes]]\nid = "theme/supply"\n'
        'label = "Supply lines"\nkey = "s"\ncolor = "#123456"\n'
    )
    table = [
        annotation("p", ("theme/supply",)),
        annotation("q", (), quote="A supply route."),
    ]
    assert [a.id for a in Query.parse("supply", codebook).filter(table)] == ["p"]
    assert [a.id for a in Query.parse('"supply"', codebook).filter(table)] == ["q"]
    assert [a.id for a in Query.parse("lines | route", codebook).filter(table)] == ["p", "q"]


def test_the_query_written_out_in_full() -> None:
    assert str(Query.parse("iran society|!(a|b)", CODEBOOK)) == "iran & society | !(a | b)"
    assert str(Query.parse('@"x y" "say \\"so\\""', CODEBOOK)) == '@"x y" & "say \\"so\\""'


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "bad query at character 1: the query is empty"),
        ("   ", "bad query at character 1: the query is empty"),
        ("iran &", 'bad query at character 7: expected a code, an @analyst or "text", not the end'),
        (
            "iran & | society",
            "bad query at character 8: expected a code, an @analyst or \"text\", not '|'",
        ),
        ("(iran | russia", "bad query at character 1: this ( is never closed"),
        ("iran)", "bad query at character 5: a ) without its ("),
        ('iran & "supply', "bad query at character 8: this quote is never closed"),
        ("@ & iran", "bad query at character 1: @ needs an analyst's name"),
        ('""', "bad query at character 1: nothing to search for in this text"),
        (
            "(" * (MAX_DEPTH + 1) + "iran",
            f"bad query at character {MAX_DEPTH + 1}: nested more than {MAX_DEPTH} deep",
        ),
    ],
)
def test_errors_name_the_character(expression: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        Query.parse(expression, CODEBOOK)
    assert str(raised.value) == message


def test_a_deep_nest_of_nots_is_an_error_not_a_crash() -> None:
    with pytest.raises(QueryError):
        Query.parse("!" * 100_000 + "iran", CODEBOOK)


# -- properties ----------------------------------------------------------------------------

ATOMS = [
    "iran",
    "russia",
    "actor/both",
    "society",
    "military",
    "convergence",
    "d",
    "actor",
    "@ben",
    "@ana",
    '"supply route"',
    "claim",
    "cafe",
    "imported/tag",
]


def expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        st.sampled_from(ATOMS),
        lambda inner: st.one_of(
            st.builds(lambda a, b: f"({a} & {b})", inner, inner),
            st.builds(lambda a, b: f"({a} | {b})", inner, inner),
            st.builds(lambda a: f"!{a}", inner),
            st.builds(lambda a, b: f"({a} {b})", inner, inner),
        ),
        max_leaves=8,
    )


CODES = [code.id for code in CODEBOOK.codes] + ["imported/tag"]
annotations_strategy = st.lists(
    st.builds(
        annotation,
        name=st.uuids().map(str),
        tags=st.lists(st.sampled_from(CODES), max_size=4, unique=True).map(tuple),
        analyst=st.sampled_from(["ana", "ben", "BEN", "chen", ""]),
        quote=st.sampled_from(["", "on the supply route", "Café", "nothing"]),
        memo=st.sampled_from(["", "a CLAIM", "supply\nroute"]),
    ),
    max_size=30,
)


def matching(expression: str, annotations: list[Annotation]) -> set[str]:
    return set(ids(expression, annotations))


@settings(max_examples=150, deadline=None)
@given(expressions(), expressions(), annotations_strategy)
def test_and_is_a_subset_of_each_side(a: str, b: str, table: list[Annotation]) -> None:
    both = matching(f"({a}) & ({b})", table)
    assert both <= matching(a, table)
    assert both <= matching(b, table)
    assert both == matching(a, table) & matching(b, table)


@settings(max_examples=150, deadline=None)
@given(expressions(), expressions(), annotations_strategy)
def test_or_is_symmetric_and_the_union(a: str, b: str, table: list[Annotation]) -> None:
    assert matching(f"{a} | {b}", table) == matching(f"{b} | {a}", table)
    assert matching(f"{a} | {b}", table) == matching(a, table) | matching(b, table)


@settings(max_examples=150, deadline=None)
@given(expressions(), annotations_strategy)
def test_not_not_is_itself_and_not_is_the_complement(a: str, table: list[Annotation]) -> None:
    assert matching(f"!!{a}", table) == matching(a, table)
    everyone = {x.id for x in table}
    assert matching(f"!({a})", table) == everyone - matching(a, table)


@settings(max_examples=150, deadline=None)
@given(expressions(), annotations_strategy)
def test_the_query_written_out_means_the_same(a: str, table: list[Annotation]) -> None:
    written = str(Query.parse(a, CODEBOOK))
    assert matching(written, table) == matching(a, table)

"""The compiled read path answers exactly what the interpreter answers (issue 15).

Every document runs twice over HTTP for every kind of caller — once compiled (CH_COMPILE_READS
on), once on the interpreter (off) — and the two JSON bodies must be equal after sorting keys.
The documents: every GraphQL document constant of the test suite and of bench/ whose root is
compilable, with variables made for this hub; and documents hypothesis writes over the
compiled fields (any subset, aliases, __typename, fragments, page sizes, cursors, filters).
"""

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import get_settings
from app.metrics import GRAPHQL_OPERATIONS
from tests.compiled import world as worlds
from tests.helpers import GraphQLClient

COMPILABLE_ROOTS = {"opportunities", "recommendedOpportunities", "node"}
CALLERS = ["anonymous", "member", "applicant", "poster", "organisation staff", "hub admin"]


@pytest.fixture(scope="module")
async def world() -> worlds.World:
    return await worlds.build()


def canonical(body: dict[str, Any]) -> str:
    """The body with keys sorted; of extensions.cost, what the operation costs (both paths
    must charge the same), not what is left of the budget, which each request moves."""
    cost = body.get("extensions", {}).get("cost")
    if cost is not None:
        body = {**body, "extensions": {**body["extensions"], "cost": cost["requested"]}}
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def compiled_count() -> float:
    return float(GRAPHQL_OPERATIONS.labels(path="compiled")._value.get())


async def both(
    gql: GraphQLClient, world: worlds.World, caller: str, query: str, variables: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """(compiled answer, interpreted answer, whether the first was compiled)."""
    person = world.callers[caller]
    headers = {} if person else {"CH-Hub": world.hub.slug}
    config = get_settings()
    before = compiled_count()
    compiled = await gql.raw(query, variables, as_=person, headers=headers)
    ran_compiled = compiled_count() > before
    config.compile_reads = False
    try:
        interpreted = await gql.raw(query, variables, as_=person, headers=headers)
    finally:
        config.compile_reads = True
    return compiled, interpreted, ran_compiled


# --- the suite's own documents -----------------------------------------------------------------


def _suite_documents() -> Iterator[tuple[str, str]]:
    """(name, document) of every module-level GraphQL query constant in tests/ and bench/
    whose operation selects a compilable root."""
    import bench
    import tests

    for package in (tests, bench):
        root = Path(package.__path__[0])
        for path in sorted(root.rglob("*.py")):
            if "node_modules" in path.parts or path.parts[-2] == "compiled":
                continue
            text = path.read_text(errors="replace")
            if "opportunities" not in text and "node(" not in text:
                continue  # no document of a compiled root: not worth importing
            relative = path.relative_to(root.parent).with_suffix("")
            name = ".".join(relative.parts).removesuffix(".__init__")
            try:
                module = importlib.import_module(name)
            except Exception:  # a module that needs what this machine lacks (node, npm)
                continue
            for attr, value in vars(module).items():
                if attr.isupper() and isinstance(value, str) and _targets(value):
                    yield f"{name}.{attr}", value


def _targets(text: str) -> bool:
    try:
        document = parse(text)
    except Exception:
        return False
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            if definition.operation.value != "query":
                return False
            roots = {getattr(s, "name", None) for s in definition.selection_set.selections}
            if {getattr(r, "value", None) for r in roots} & COMPILABLE_ROOTS:
                return True
    return False


SUITE_DOCUMENTS = sorted(_suite_documents())


def _variables(text: str, world: worlds.World, n: int) -> dict[str, Any]:
    """Values for the document's variables, by name and type, for this hub."""
    document = parse(text)
    values: dict[str, Any] = {}
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        for var in definition.variable_definitions or ():
            name = var.variable.name.value
            named: Any = getattr(var.type, "type", var.type)
            type_text = str(named.name.value)
            if type_text == "Int":
                values[name] = (2, 5, 20)[n % 3]
            elif type_text == "ID":
                values[name] = world.gid(world.opportunities[n % len(world.opportunities)])
            elif type_text == "OpportunityFilter":
                values[name] = ({"kind": "OFFER"}, None, {"categoryIds": world.category_ids[:1]})[
                    n % 3
                ]
            elif type_text == "OpportunitySort":
                values[name] = ("NEWEST", "SOONEST")[n % 2]
    return values


def test_the_suite_has_documents_for_the_compiled_roots() -> None:
    names = [name for name, _ in SUITE_DOCUMENTS]
    assert any("bench" in n for n in names), names
    assert len(names) >= 3, names


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("name", "document"), SUITE_DOCUMENTS, ids=[n for n, _ in SUITE_DOCUMENTS])
async def test_every_suite_document_answers_the_same_compiled(
    gql: GraphQLClient, world: worlds.World, caller: str, name: str, document: str
) -> None:
    for n in range(3):
        variables = _variables(document, world, n)
        compiled, interpreted, _ = await both(gql, world, caller, document, variables)
        assert canonical(compiled) == canonical(interpreted), (name, variables)


# --- the list and the detail the issue names -----------------------------------------------------

LIST = """
query List($first: Int, $after: String, $filter: OpportunityFilter, $sort: OpportunitySort!) {
  opportunities(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges {
      cursor
      node {
        id title kind status urgency places placesLeft acceptedCount remote areaName
        startsAt endsAt publishedAt createdAt expiresAt recurrence requiredChecks minAge
        autoAccept address contactDetails location { lat lng } viewerApplication { status }
        category { id name slug } organisation { id name kind website contactEmail area }
        skills { id name slug category } poster { id displayName email }
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
DETAIL = """
query Detail($id: ID!, $first: Int) {
  node(id: $id) {
    id
    ... on Opportunity {
      title address contactDetails location { lat lng }
      organisation { name } category { name } skills { name }
      applications(first: $first) {
        edges { cursor node { id status message createdAt decidedAt
                              applicant { id displayName email } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}"""


@pytest.mark.parametrize("caller", CALLERS)
async def test_the_list_answers_the_same_compiled_for_every_caller(
    gql: GraphQLClient, world: worlds.World, caller: str
) -> None:
    cases: list[dict[str, Any]] = [
        {"first": 5, "sort": "NEWEST"},
        {"first": 0, "sort": "NEWEST"},
        {"sort": "SOONEST"},
        {"first": 3, "after": "YXJyYXljb25uZWN0aW9uOjI=", "sort": "NEWEST"},
        {
            "first": 50,
            "filter": {"kind": "REQUEST", "organisationId": world.organisation_ids[0]},
            "sort": "NEWEST",
        },
        {"first": 4, "filter": {"categoryIds": world.category_ids[:2]}, "sort": "SOONEST"},
        {"first": 100, "filter": {"text": "listing"}, "sort": "RELEVANCE"},
    ]
    for variables in cases:
        compiled, interpreted, ran = await both(gql, world, caller, LIST, variables)
        assert "errors" not in interpreted, interpreted
        assert ran, variables
        assert canonical(compiled) == canonical(interpreted), variables


@pytest.mark.parametrize("caller", CALLERS)
async def test_the_detail_answers_the_same_compiled_for_every_caller(
    gql: GraphQLClient, world: worlds.World, caller: str
) -> None:
    for opportunity in world.opportunities[:6] + world.opportunities[-1:]:
        for first in (None, 1, 20):
            variables = {"id": world.gid(opportunity), "first": first}
            compiled, interpreted, ran = await both(gql, world, caller, DETAIL, variables)
            assert canonical(compiled) == canonical(interpreted), (caller, variables)
            # Only the poster's side may see applications: others get FORBIDDEN, which the
            # interpreter gives (the compiled statement hands over to it).
            if caller in ("poster", "organisation staff") and opportunity.organisation_id:  # type: ignore[attr-defined]
                assert ran, variables


# --- documents hypothesis writes over the compiled fields --------------------------------------

SCALARS = [
    "id", "kind", "status", "title", "description", "remote", "areaName", "startsAt", "endsAt",
    "recurrence", "places", "acceptedCount", "requiredChecks", "minAge", "urgency", "autoAccept",
    "publishedAt", "expiresAt", "createdAt", "placesLeft", "address", "contactDetails",
    "viewerCanManage", "__typename",
]  # fmt: skip
RELATIONS = {
    "category": ["id", "slug", "name", "__typename"],
    "organisation": [
        "id", "name", "slug", "kind", "description", "createdAt", "website", "area",
        "contactEmail",
    ],
    "skills": ["id", "slug", "name", "category"],
    "poster": ["id", "displayName", "bio", "interests", "travelKm", "isProxy", "createdAt",
               "email", "emailVerified"],
    "viewerApplication": ["id", "status", "message", "createdAt", "decidedAt"],
    "location": ["lat", "lng"],
}  # fmt: skip
APPLICATION = ["id", "status", "message", "createdAt", "decidedAt", "__typename"]
APPLICANT = ["id", "displayName", "email", "createdAt"]
names = st.sampled_from([f"a{n}" for n in range(6)])


@st.composite
def selection(draw: st.DrawFn, fields: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=6, unique=True))
    out = []
    for name in chosen:
        alias = draw(st.one_of(st.none(), names))
        out.append(f"{alias}: {name}" if alias else name)
    return " ".join(out)


@st.composite
def opportunity_selection(draw: st.DrawFn, *, detail: bool) -> tuple[str, str]:
    parts = [draw(selection(SCALARS))]
    for relation in draw(st.lists(st.sampled_from(sorted(RELATIONS)), max_size=3, unique=True)):
        parts.append(f"{relation} {{ {draw(selection(RELATIONS[relation]))} }}")
    if detail and draw(st.booleans()):
        first = draw(st.sampled_from(["", "(first: 1)", "(first: 2)", "(first: $n)"]))
        status = draw(st.sampled_from(["", "status: ACCEPTED", "status: PENDING"]))
        args = first
        if status:
            args = f"({first[1:-1]}, {status})" if first else f"({status})"
        node = draw(selection(APPLICATION))
        if draw(st.booleans()):
            node += f" applicant {{ {draw(selection(APPLICANT))} }}"
        parts.append(
            f"applications{args} {{ edges {{ cursor node {{ {node} }} }}"
            " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }"
        )
    body = " ".join(parts)
    if draw(st.booleans()):  # the same fields through a named fragment
        return "...F", f"fragment F on Opportunity {{ {body} }}"  # type: ignore[return-value]
    return body, ""


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[str, Any], str]:
    caller = draw(st.sampled_from(CALLERS))
    if draw(st.booleans()):
        body, fragment = draw(opportunity_selection(detail=False))
        page = draw(st.sampled_from(["edges { cursor node { BODY } }", "edges { node { BODY } }"]))
        info = draw(st.sampled_from(["", "pageInfo { hasNextPage endCursor }", "__typename"]))
        filt = draw(st.sampled_from(["", "filter: {kind: OFFER}", "filter: $f", "sort: SOONEST"]))
        query = (
            "query Q($first: Int, $after: String, $f: OpportunityFilter) {"
            f" opportunities(first: $first, after: $after {', ' + filt if filt else ''})"
            f" {{ {page.replace('BODY', body)} {info} }} }} {fragment}"
        )
        if draw(st.booleans()):  # the member's feed instead of the list
            query = (
                "query Q($first: Int, $after: String) {"
                " recommendedOpportunities(first: $first, after: $after)"
                f" {{ {page.replace('BODY', body)} {info} }} }} {fragment}"
            )
        variables = {
            "first": draw(st.sampled_from([None, 0, 1, 3, 20])),
            "after": draw(st.sampled_from([None, "YXJyYXljb25uZWN0aW9uOjA=", "YXJyYXljb25uZWN0aW9uOjEw"])),
            "f": draw(st.sampled_from([None, {"kind": "REQUEST"}, {"urgency": "URGENT"}])),
        }  # fmt: skip
    else:
        body, fragment = draw(opportunity_selection(detail=True))
        query = (
            "query Q($id: ID!, $n: Int) { node(id: $id) { id __typename"
            f" ... on Opportunity {{ {body} }} }} }} {fragment}"
        )
        variables = {"id": draw(st.integers(0, 13)), "n": draw(st.sampled_from([None, 0, 1, 5]))}
    return query, variables, caller


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=documents())
async def test_generated_documents_answer_the_same_compiled(
    gql: GraphQLClient, world: worlds.World, case: tuple[str, dict[str, Any], str]
) -> None:
    query, variables, caller = case
    if "id" in variables:
        variables = {**variables, "id": world.gid(world.opportunities[variables["id"]])}
    if "recommendedOpportunities" in query:
        variables = {k: v for k, v in variables.items() if k != "f"}
    compiled, interpreted, _ = await both(gql, world, caller, query, variables)
    assert canonical(compiled) == canonical(interpreted), (query, variables, caller)


# --- what has no compiled form falls back ------------------------------------------------------


async def test_a_root_typename_alone_and_beside_a_list(
    gql: GraphQLClient, world: worlds.World
) -> None:
    for document in ("{ __typename }", "{ t: __typename opportunities(first: 1) { __typename } }"):
        compiled, interpreted, ran = await both(gql, world, "member", document, {})
        assert ran and canonical(compiled) == canonical(interpreted), compiled


WITH_DISTANCE = """
query { opportunities(first: 3, filter: {near: {lat: 53.48, lng: -2.24}}) {
  edges { node { id title distanceKm } } } }"""
WITH_DIRECTIVE = """
query ($yes: Boolean!) { opportunities(first: 3) { edges { node { id title @include(if: $yes) } } } }
"""


@pytest.mark.parametrize("document", [WITH_DISTANCE, WITH_DIRECTIVE])
async def test_a_field_without_a_compiled_form_falls_back_and_answers(
    gql: GraphQLClient, world: worlds.World, document: str
) -> None:
    # when
    before = compiled_count()
    answer = await gql(document, {"yes": True}, headers={"CH-Hub": world.hub.slug})
    # then: the interpreter answered, with the right rows
    assert compiled_count() == before
    edges = answer["opportunities"]["edges"]
    assert len(edges) == 3 and all(e["node"]["title"].startswith("Listing") for e in edges)
    if "distanceKm" in document:
        assert all(isinstance(e["node"]["distanceKm"], float) for e in edges)

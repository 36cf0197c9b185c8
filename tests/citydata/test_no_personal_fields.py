"""No personal field in any city data answer: walks every type the city data root fields can
return (and the wards mutation's payload) and checks each field.

A field may only be a plain value (String, Int, Float, Boolean, Date, DateTime, an enum; JSON:
the dashboard document, whose record keys test_dashboard_keys checks) or a city data value type; no ID (it could name a member or an organisation), no Node, no type of
another module, and no field whose name says it is about someone or somewhere exact.
"""

import re

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)

from schema import schema

ROOTS = ("cityData", "cityGaps", "cityTrends", "cityWards", "cityDataDictionary")
MUTATIONS = ("uploadCityWards",)
PLAIN = {"String", "Int", "Float", "Boolean", "Date", "DateTime", "JSON"}
PERSONAL = re.compile(
    r"member|person|people|user|email|phone|displayname|birth|^age|ageband|home|address|contact|lat$"
    r"|lng$|latitude|longitude|poster|applicant|volunteer$|borrower|booker|tester|author"
    r"|owner|token|^id$|ids$",
    re.IGNORECASE,
)


def unwrap(kind: object) -> object:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def walk() -> dict[str, GraphQLObjectType]:
    graphql_schema = schema._schema
    query, mutation = graphql_schema.query_type, graphql_schema.mutation_type
    assert query is not None and mutation is not None
    start = [query.fields[name].type for name in ROOTS]
    start += [mutation.fields[name].type for name in MUTATIONS]
    seen: dict[str, GraphQLObjectType] = {}
    stack = [unwrap(t) for t in start]
    while stack:
        kind = stack.pop()
        if isinstance(kind, GraphQLObjectType) and kind.name not in seen:
            seen[kind.name] = kind
            stack.extend(unwrap(f.type) for f in kind.fields.values())
    return seen


def test_city_data_answers_hold_no_personal_field() -> None:
    types = walk()
    # the walk reached every answer type
    assert {"CityDataAnswer", "CityDataRow", "CityGap", "CityTrendPoint", "CityWard",
            "CityDataDictionary", "UploadCityWardsPayload", "CityWardsError"} <= set(types)  # fmt: skip
    for name, kind in types.items():
        assert name.startswith(("City", "UploadCityWards")), f"{name}: another module's type"
        assert not kind.interfaces, f"{name} implements {kind.interfaces}: a Node?"
        for field_name, field in kind.fields.items():
            assert not PERSONAL.search(field_name), f"{name}.{field_name} looks personal"
            leaf = unwrap(field.type)
            if isinstance(leaf, GraphQLScalarType):
                assert leaf.name in PLAIN, f"{name}.{field_name}: {leaf.name}"
            else:
                assert isinstance(leaf, GraphQLEnumType | GraphQLObjectType), field_name


def test_dashboard_keys() -> None:
    from app.citydata.metrics import COLUMNS

    keys = [name for name, _ in COLUMNS]
    assert not [k for k in keys if PERSONAL.search(k)]

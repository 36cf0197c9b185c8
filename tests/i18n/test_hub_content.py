"""Hub content in the reader's language: hub admins translate taxonomy names (categories,
skills, badges, asset categories); readers get theirs with a fallback to the name as written,
or choose with `locale`; the compiled read path stays for British English readers only."""

from typing import Any

from app.metrics import GRAPHQL_OPERATIONS
from app.opportunities.models import Category
from app.people.models import Role, Skill
from schema.relay import encode_id

PROFILE = (
    """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { errors { code } } }"""
)
SET = """mutation($input: SetNameTranslationInput!) {
  setNameTranslation(input: $input) { names { locale name } errors { code field message } } }"""
OPPORTUNITIES = """{ opportunities(first: 5) { edges { node { title category { name } } } } }"""
CATEGORY = """query($id: ID!) { node(id: $id) { ... on Category {
  name spanish: name(locale: "es") english: name(locale: "en-GB") } } }"""


def _compiled() -> float:
    return float(GRAPHQL_OPERATIONS.labels(path="compiled")._value.get())


def _input(kind: str, type_name: str, pk: int, locale: str, name: str | None) -> Any:
    gid = str(encode_id(type_name, pk))
    return {"input": {"kind": kind, "id": gid, "locale": locale, "name": name}}


async def test_hub_admins_translate_names_and_readers_get_their_language(
    gql: Any, hub: Any, make_person: Any, alice: Any, post: Any, category: Any, skill: Any
) -> None:
    # given: a hub admin, and an Italian reader
    admin = await make_person(roles=[Role.HUB_ADMIN])
    italian = await make_person()
    data = await gql(PROFILE, {"input": {"locale": "it"}}, as_=italian)
    assert data["updateProfile"]["errors"] == []
    await post(alice)

    # when: the admin translates the category into Italian, and a skill into Spanish
    data = await gql(
        SET, _input("CATEGORY", "Category", category.id, "it", "Giardinaggio"), as_=admin
    )
    assert data["setNameTranslation"] == {
        "names": [{"locale": "it", "name": "Giardinaggio"}],
        "errors": [],
    }
    data = await gql(
        SET, _input("SKILL", "Skill", skill.id, "es-ES", "Primeros auxilios"), as_=admin
    )
    assert data["setNameTranslation"]["names"] == [{"locale": "es", "name": "Primeros auxilios"}]

    # then: each reader reads their language, or the name as written
    compiled = _compiled()
    english = await gql(OPPORTUNITIES, as_=alice)
    assert english["opportunities"]["edges"][0]["node"]["category"]["name"] == "Gardening"
    assert _compiled() == compiled + 1  # British English: still the compiled path
    data = await gql(OPPORTUNITIES, as_=italian)
    assert data["opportunities"]["edges"][0]["node"]["category"]["name"] == "Giardinaggio"
    assert _compiled() == compiled + 1  # another language: the interpreter
    gid = str(encode_id("Category", category.id))
    data = await gql(CATEGORY, {"id": gid}, as_=italian)
    assert data["node"] == {"name": "Giardinaggio", "spanish": "Gardening", "english": "Gardening"}
    data = await gql(CATEGORY, {"id": gid}, headers={"CH-Hub": hub.slug, "Accept-Language": "it"})
    assert data["node"]["name"] == "Gardening"  # the hub speaks British English before that
    assert (await Skill.get(id=skill.id)).name_translations == {"es": "Primeros auxilios"}

    # and a translation is removed with null
    data = await gql(SET, _input("CATEGORY", "Category", category.id, "it", None), as_=admin)
    assert data["setNameTranslation"]["names"] == []
    assert (await Category.get(id=category.id)).name_translations is None


async def test_bad_translations_are_refused_and_nothing_is_written(
    gql: Any, make_person: Any, other_hub: Any, category: Any
) -> None:
    admin = await make_person(roles=[Role.HUB_ADMIN])
    member = await make_person()
    cases = [
        (member, _input("CATEGORY", "Category", category.id, "it", "X"), "FORBIDDEN", None),
        (
            admin,
            _input("CATEGORY", "Category", category.id, "en-GB", "X"),
            "UNSUPPORTED_LOCALE",
            "locale",
        ),
        (
            admin,
            _input("CATEGORY", "Category", category.id, "fr", "X"),
            "UNSUPPORTED_LOCALE",
            "locale",
        ),
        (admin, _input("CATEGORY", "Category", category.id, "it", ""), "INVALID", "name"),
        (admin, _input("CATEGORY", "Category", category.id, "it", "x" * 81), "INVALID", "name"),
        (admin, _input("CATEGORY", "Skill", category.id, "it", "X"), "INVALID", "id"),
        (admin, _input("CATEGORY", "Category", 10**12, "it", "X"), "NOT_FOUND", "id"),
    ]
    foreign = await Category.create(hub_id=other_hub.id, slug="theirs", name="Theirs")
    cases.append((admin, _input("CATEGORY", "Category", foreign.id, "it", "X"), "NOT_FOUND", "id"))
    for person, variables, code, field in cases:
        data = await gql(SET, variables, as_=person)
        [error] = data["setNameTranslation"]["errors"]
        assert (error["code"], error["field"]) == (code, field), variables
    for row in (category, foreign):
        assert (await Category.get(id=row.id)).name_translations is None


async def test_a_new_hubs_default_categories_come_translated(hub: Any) -> None:
    care = await Category.get(hub_id=hub.id, slug="care")
    assert care.name == "Care and befriending"
    assert care.name_translations == {"it": "Assistenza e compagnia", "es": "Cuidados y compañía"}

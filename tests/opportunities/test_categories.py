"""A new hub comes with the default categories; members post at once; admins rename them."""

import uuid
from typing import Any

from app.hubs import service as hubs
from app.opportunities.categories import DEFAULT_CATEGORIES, create_defaults
from app.opportunities.models import Category
from app.people.models import Role
from tests.helpers import create_person

CATEGORIES = "query Categories { categories(first: 50) { edges { node { id slug name } } } }"
CREATE = """
mutation Create($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) {
    opportunity { id category { slug name } } errors { code field message }
  }
}"""
UPDATE_CATEGORY = """
mutation UpdateCategory($input: UpdateCategoryInput!) {
  updateCategory(input: $input) { category { id slug name } errors { code field message } }
}"""
OPPORTUNITY_CATEGORY = """
query OpportunityCategory($id: ID!) { node(id: $id) { ... on Opportunity { category { name } } } }
"""


async def test_a_new_hub_comes_with_default_categories_that_admins_rename(gql: Any) -> None:
    # given: a hub just created, as the create-hub command does it
    hub = await hubs.create_hub(name="Fresh hub", slug=f"fresh-{uuid.uuid4().hex[:8]}")
    admin = await create_person(hub=hub, roles=[Role.HUB_ADMIN])
    member = await create_person(hub=hub, display_name="New member")
    # when: anyone lists its categories
    listed = await gql(CATEGORIES, headers={"CH-Hub": hub.slug})
    # then: the documented defaults, by name
    nodes = [e["node"] for e in listed["categories"]["edges"]]
    assert sorted((n["slug"], n["name"]) for n in nodes) == sorted(DEFAULT_CATEGORIES)
    assert [n["name"] for n in nodes] == sorted(name for _, name in DEFAULT_CATEGORIES)
    by_slug = {n["slug"]: n["id"] for n in nodes}

    # when: a member posts on day one
    fields = {"kind": "REQUEST", "title": "Walk my dog", "categoryId": by_slug["care"]}
    created = (await gql(CREATE, {"input": {"fields": fields}}, as_=member))["createOpportunity"]
    # then
    assert created["errors"] == []
    assert created["opportunity"]["category"] == {"slug": "care", "name": "Care and befriending"}

    # when: the admin renames the category (name, then slug)
    renamed = (
        await gql(
            UPDATE_CATEGORY,
            {"input": {"categoryId": by_slug["care"], "name": "Care and company"}},
            as_=admin,
        )
    )["updateCategory"]
    reslugged = (
        await gql(
            UPDATE_CATEGORY,
            {"input": {"categoryId": by_slug["care"], "slug": "care-and-company"}},
            as_=admin,
        )
    )["updateCategory"]
    # then: the opportunity keeps its category, under the new name
    assert renamed["errors"] == []
    assert renamed["category"] == {
        "id": by_slug["care"],
        "slug": "care",
        "name": "Care and company",
    }
    assert reslugged["category"]["slug"] == "care-and-company"
    seen = await gql(OPPORTUNITY_CATEGORY, {"id": created["opportunity"]["id"]}, as_=member)
    assert seen["node"]["category"] == {"name": "Care and company"}

    # when: a member tries, a slug is taken, an unknown id, bad text
    attempts = [
        (member, {"categoryId": by_slug["food-support"], "name": "Mine now"}),
        (admin, {"categoryId": by_slug["food-support"], "slug": "digital"}),
        (admin, {"categoryId": "Q2F0ZWdvcnk6OTk5OTk5OTk5", "name": "Ghost"}),
        (admin, {"categoryId": by_slug["food-support"], "name": ""}),
        (admin, {"categoryId": by_slug["food-support"], "slug": "Not A Slug"}),
    ]
    answers = [
        (await gql(UPDATE_CATEGORY, {"input": changes}, as_=person))["updateCategory"]
        for person, changes in attempts
    ]
    # then: typed errors, and nothing changed
    assert [(a["errors"][0]["code"], a["errors"][0]["field"]) for a in answers] == [
        ("FORBIDDEN", None),
        ("INVALID", "slug"),
        ("NOT_FOUND", "categoryId"),
        ("INVALID", "name"),
        ("INVALID", "slug"),
    ]
    food = await Category.get(hub_id=hub.id, slug="food-support")
    assert food.name == "Food support"


async def test_default_categories_are_added_once(hub: Any) -> None:
    # given: a hub that has its defaults, one of them renamed
    await Category.filter(hub_id=hub.id, slug="other").update(name="Anything else")
    before = await Category.filter(hub_id=hub.id).count()
    # when: the defaults are added again (an older hub brought up to date, the demo loader)
    added = await create_defaults(hub.id)
    # then: nothing new, nothing renamed back
    assert added == []
    assert await Category.filter(hub_id=hub.id).count() == before == len(DEFAULT_CATEGORIES)
    assert (await Category.get(hub_id=hub.id, slug="other")).name == "Anything else"

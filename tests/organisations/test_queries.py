"""Reading organisations: public profiles in the hub, contact email and members for insiders."""

from typing import Any

import pytest

from app.people.models import Role
from tests.organisations.conftest import gid

BY_SLUG = """
query BySlug($slug: String!) {
  organisation(slug: $slug) { id name slug kind website area contactEmail viewerRole }
}"""
LIST = """
query List($first: Int, $after: String, $kind: OrganisationKind, $search: String) {
  organisations(first: $first, after: $after, kind: $kind, search: $search) {
    edges { cursor node { name slug kind } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""
MEMBERS = """
query Members($slug: String!, $first: Int, $after: String) {
  organisation(slug: $slug) {
    viewerRole
    members(first: $first, after: $after) {
      edges { node { role joinedAt member { id displayName } organisation { slug } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""
NODE = """
query Node($id: ID!) {
  node(id: $id) { id ... on Organisation { name contactEmail } }
}"""


async def _names(gql: Any, variables: dict[str, Any], **kwargs: Any) -> list[str]:
    data = await gql(LIST, variables, **kwargs)
    return [e["node"]["name"] for e in data["organisations"]["edges"]]


async def test_a_profile_by_slug_is_public_within_the_hub(
    gql: Any, hub: Any, alice: Any, make_person: Any, make_org: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    await make_org(
        alice,
        name="Hulme Repair Cafe",
        kind="community_group",
        website="http://repair.example.org",
        contact_email="fix@example.org",
        area="Hulme",
    )
    # when
    anonymous = await gql(BY_SLUG, {"slug": "hulme-repair-cafe"}, headers={"CH-Hub": hub.slug})
    member = await gql(BY_SLUG, {"slug": "hulme-repair-cafe"}, as_=bob)
    owner = await gql(BY_SLUG, {"slug": "hulme-repair-cafe"}, as_=alice)
    # then: everyone sees the profile; only signed-in members the contact email
    public = {
        "name": "Hulme Repair Cafe",
        "slug": "hulme-repair-cafe",
        "kind": "COMMUNITY_GROUP",
        "website": "http://repair.example.org",
        "area": "Hulme",
    }
    assert anonymous["organisation"] == {
        **public,
        "id": anonymous["organisation"]["id"],
        "contactEmail": None,
        "viewerRole": None,
    }
    assert member["organisation"]["contactEmail"] == "fix@example.org"
    assert member["organisation"]["viewerRole"] is None
    assert owner["organisation"]["viewerRole"] == "OWNER"


async def test_without_a_hub_there_is_nothing_to_see(gql: Any, alice: Any, make_org: Any) -> None:
    # given
    await make_org(alice)
    # when
    by_slug = await gql(BY_SLUG, {"slug": "food-bank"})
    listed = await gql(LIST, {})
    unknown_hub = await gql(LIST, {}, headers={"CH-Hub": "no-such-hub"})
    # then
    assert by_slug["organisation"] is None
    assert listed["organisations"]["edges"] == []
    assert unknown_hub["organisations"]["edges"] == []


async def test_the_list_is_ordered_by_name_and_pages(
    gql: Any, hub: Any, alice: Any, make_org: Any
) -> None:
    # given
    for name in ("Delta", "Alpha", "Charlie", "Bravo", "Alpha"):
        await make_org(alice, name=name)
    # when
    first = await gql(LIST, {"first": 2}, headers={"CH-Hub": hub.slug})
    after = first["organisations"]["pageInfo"]["endCursor"]
    rest = await gql(LIST, {"first": 10, "after": after}, headers={"CH-Hub": hub.slug})
    # then
    page = first["organisations"]
    assert [(e["node"]["name"], e["node"]["slug"]) for e in page["edges"]] == [
        ("Alpha", "alpha"),
        ("Alpha", "alpha-2"),
    ]
    assert page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["name"] for e in rest["organisations"]["edges"]] == [
        "Bravo",
        "Charlie",
        "Delta",
    ]
    assert rest["organisations"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": rest["organisations"]["edges"][-1]["cursor"],
    }


async def test_the_list_filters_by_kind_and_searches_names(
    gql: Any, alice: Any, make_org: Any
) -> None:
    # given
    await make_org(alice, name="Moss Side Food Bank", kind="charity")
    await make_org(alice, name="Moss Side Primary", kind="school")
    await make_org(alice, name="Levenshulme 100% Bakery", kind="business")
    # when / then
    assert await _names(gql, {"kind": "SCHOOL"}, as_=alice) == ["Moss Side Primary"]
    assert await _names(gql, {"search": "moss"}, as_=alice) == [
        "Moss Side Food Bank",
        "Moss Side Primary",
    ]
    assert await _names(gql, {"search": "food", "kind": "SCHOOL"}, as_=alice) == []
    # LIKE wildcards in the search are plain characters
    assert await _names(gql, {"search": "100%"}, as_=alice) == ["Levenshulme 100% Bakery"]
    assert await _names(gql, {"search": "_"}, as_=alice) == []


async def test_members_are_listed_for_the_organisations_people(
    gql: Any, alice: Any, make_person: Any, make_org: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    carol = await make_person(display_name="Carol")
    dan = await make_person(display_name="Dan")
    await make_org(alice, staff=[bob, dan], admins=[carol])
    # when: staff look, two at a time
    first = await gql(MEMBERS, {"slug": "food-bank", "first": 2}, as_=bob)
    cursor = first["organisation"]["members"]["pageInfo"]["endCursor"]
    rest = await gql(MEMBERS, {"slug": "food-bank", "first": 2, "after": cursor}, as_=bob)
    # then: owners first, then admins, then staff (oldest first)
    seen = [
        (e["node"]["member"]["displayName"], e["node"]["role"])
        for data in (first, rest)
        for e in data["organisation"]["members"]["edges"]
    ]
    assert seen == [("Alice", "OWNER"), ("Carol", "ADMIN"), ("Bob", "STAFF"), ("Dan", "STAFF")]
    assert first["organisation"]["viewerRole"] == "STAFF"
    assert first["organisation"]["members"]["pageInfo"]["hasNextPage"] is True
    assert rest["organisation"]["members"]["pageInfo"]["hasNextPage"] is False
    edge = first["organisation"]["members"]["edges"][0]["node"]
    assert edge["member"]["id"] == alice.gid
    assert edge["organisation"] == {"slug": "food-bank"}
    assert edge["joinedAt"]


async def test_hub_admins_see_members_of_any_organisation(
    gql: Any, alice: Any, make_person: Any, make_org: Any
) -> None:
    admin = await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])
    await make_org(alice)
    data = await gql(MEMBERS, {"slug": "food-bank"}, as_=admin)
    assert [e["node"]["role"] for e in data["organisation"]["members"]["edges"]] == ["OWNER"]


@pytest.mark.parametrize("viewer", ["member", "moderator", "anonymous"])
async def test_members_are_hidden_from_everyone_else(
    gql: Any, hub: Any, alice: Any, make_person: Any, make_org: Any, viewer: str
) -> None:
    # given
    await make_org(alice)
    kwargs: dict[str, Any] = {"headers": {"CH-Hub": hub.slug}}
    if viewer != "anonymous":
        roles = [Role.MODERATOR] if viewer == "moderator" else []
        kwargs = {"as_": await make_person(display_name="Other", roles=roles)}
    # when
    body = await gql.raw(MEMBERS, {"slug": "food-bank"}, **kwargs)
    # then: the profile is there, the members field is an error
    assert body["data"]["organisation"] == {"viewerRole": None, "members": None}
    [error] = body["errors"]
    assert error["path"] == ["organisation", "members"]
    code = "UNAUTHENTICATED" if viewer == "anonymous" else "FORBIDDEN"
    assert error["extensions"]["code"] == code


async def test_node_resolves_organisations_of_the_hub(
    gql: Any, hub: Any, alice: Any, make_org: Any
) -> None:
    org = await make_org(alice, contact_email="x@example.org")
    anonymous = await gql(NODE, {"id": gid("Organisation", org.id)}, headers={"CH-Hub": hub.slug})
    member = await gql(NODE, {"id": gid("Organisation", org.id)}, as_=alice)
    assert anonymous["node"] == {
        "id": gid("Organisation", org.id),
        "name": "Food Bank",
        "contactEmail": None,
    }
    assert member["node"]["contactEmail"] == "x@example.org"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 101}, "Argument 'first' cannot be higher than 100."),
        ({"first": -1}, "Argument 'first' must be a non-negative integer."),
        ({"after": "not a cursor"}, None),
        ({"after": "YXJyYXljb25uZWN0aW9uOi01"}, "Not a valid cursor."),  # offset -5
        ({"search": "x" * 121}, "search: At most 120 characters."),
    ],
)
async def test_bad_list_arguments_are_bad_user_input(
    gql: Any, alice: Any, make_org: Any, variables: dict[str, Any], message: str | None
) -> None:
    await make_org(alice)
    body = await gql.raw(LIST, variables, as_=alice)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in (None, body["errors"][0]["message"])


async def test_a_before_cursor_alone_cannot_ask_for_everything(
    gql: Any, alice: Any, make_org: Any
) -> None:
    from strawberry.relay import to_base64

    await make_org(alice)
    query = "query($b: String) { organisations(before: $b) { edges { node { slug } } } }"
    members = (
        'query($b: String) { organisation(slug: "food-bank") '
        "{ members(before: $b) { edges { node { role } } } } }"
    )
    for document in (query, members):
        body = await gql.raw(document, {"b": to_base64("arrayconnection", 100_000)}, as_=alice)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

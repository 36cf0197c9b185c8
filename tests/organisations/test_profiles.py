"""createOrganisation and updateOrganisation: who may, what is kept, what is refused."""

from typing import Any

from app.audit.models import AuditEvent
from app.auth import cache as auth_cache
from app.organisations.models import Organisation, OrganisationMember, OrganisationRole
from app.people.models import Member
from tests.organisations.conftest import gid

CREATE = """
mutation Create($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    organisation {
      id name slug kind description website contactEmail area viewerRole createdAt
    }
    errors { code field message }
  }
}"""
UPDATE = """
mutation Update($input: UpdateOrganisationInput!) {
  updateOrganisation(input: $input) {
    organisation { id name slug kind description website contactEmail area }
    errors { code field message }
  }
}"""


def _create(**overrides: Any) -> dict[str, Any]:
    return {"input": {"name": "Ancoats Food Bank", "kind": "CHARITY", **overrides}}


async def test_a_member_creates_an_organisation_and_owns_it(gql: Any, alice: Any) -> None:
    # when
    data = await gql(
        CREATE,
        _create(
            description="Food parcels\nevery Tuesday.",
            website="https://food.example.org/about",
            contactEmail="Hello@Food.example.org",
            area="Ancoats",
        ),
        as_=alice,
    )
    # then
    payload = data["createOrganisation"]
    assert payload["errors"] == []
    org = payload["organisation"]
    assert {k: org[k] for k in ("name", "slug", "kind", "area", "viewerRole")} == {
        "name": "Ancoats Food Bank",
        "slug": "ancoats-food-bank",
        "kind": "CHARITY",
        "area": "Ancoats",
        "viewerRole": "OWNER",
    }
    assert org["description"] == "Food parcels\nevery Tuesday."
    assert org["website"] == "https://food.example.org/about"
    assert org["contactEmail"] == "hello@food.example.org"
    row = await Organisation.get(slug="ancoats-food-bank", hub_id=alice.member.hub_id)
    assert org["id"] == gid("Organisation", row.id)
    owner = await OrganisationMember.get(organisation_id=row.id)
    assert (owner.member_id, owner.role) == (alice.member.id, OrganisationRole.OWNER)
    event = await AuditEvent.get(action="organisation.create", object_id=row.id)
    assert event.actor_id == alice.member.id


async def test_optional_fields_come_back_as_null(gql: Any, alice: Any) -> None:
    data = await gql(CREATE, _create(kind="SCHOOL"), as_=alice)
    org = data["createOrganisation"]["organisation"]
    assert (org["kind"], org["description"]) == ("SCHOOL", "")
    assert org["website"] is org["contactEmail"] is org["area"] is None


async def test_generated_slugs_are_made_unique_in_the_hub(
    gql: Any, alice: Any, make_person: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    # when: the same name three times (and once with an explicit slug)
    first = await gql(CREATE, _create(), as_=alice)
    second = await gql(CREATE, _create(), as_=bob)
    explicit = await gql(CREATE, _create(slug="ancoats-food-bank-3"), as_=bob)
    third = await gql(CREATE, _create(name="Ancoats  FOOD bank!"), as_=alice)
    # then
    slugs = [
        d["createOrganisation"]["organisation"]["slug"] for d in (first, second, explicit, third)
    ]
    assert slugs == [
        "ancoats-food-bank",
        "ancoats-food-bank-2",
        "ancoats-food-bank-3",
        "ancoats-food-bank-4",
    ]


async def test_a_long_name_still_gets_a_short_unique_slug(gql: Any, alice: Any) -> None:
    name = "A" * 59 + " b " + "c" * 50
    first = (await gql(CREATE, _create(name=name), as_=alice))["createOrganisation"]
    second = (await gql(CREATE, _create(name=name), as_=alice))["createOrganisation"]
    assert first["organisation"]["slug"] == "a" * 59
    assert second["organisation"]["slug"] == "a" * 58 + "-2"


async def test_an_explicit_slug_that_is_taken_is_refused(gql: Any, alice: Any) -> None:
    # given
    await gql(CREATE, _create(slug="food"), as_=alice)
    # when
    again = (await gql(CREATE, _create(name="Other", slug="food"), as_=alice))["createOrganisation"]
    # then
    assert again["organisation"] is None
    assert again["errors"] == [
        {
            "code": "DUPLICATE_SLUG",
            "field": "slug",
            "message": "Another organisation in this hub has this slug.",
        }
    ]
    assert await Organisation.filter(hub_id=alice.member.hub_id).count() == 1


async def test_the_same_slug_is_fine_in_another_hub(gql: Any, alice: Any, other_hub: Any) -> None:
    from tests.helpers import create_person

    # given
    zed = await create_person(hub=other_hub, display_name="Zed")
    await gql(CREATE, _create(slug="food"), as_=alice)
    # when
    elsewhere = (await gql(CREATE, _create(slug="food"), as_=zed))["createOrganisation"]
    # then
    assert elsewhere["errors"] == []
    assert elsewhere["organisation"]["slug"] == "food"


async def test_creating_needs_a_signed_in_member(gql: Any, hub: Any) -> None:
    body = await gql.raw(CREATE, _create(), headers={"CH-Hub": hub.slug})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await Organisation.filter(hub_id=hub.id).count() == 0


async def test_creating_needs_a_verified_email(gql: Any, alice: Any) -> None:
    # given: the account lost its verification after signing in (e.g. an email change)
    await Member.filter(id=alice.member.id).update(email_verified_at=None)
    await auth_cache.forget(member_id=alice.member.id)  # a queryset update sends no signal
    # when
    data = await gql(CREATE, _create(), as_=alice)
    # then
    assert data["createOrganisation"]["errors"][0]["code"] == "FORBIDDEN"
    assert await Organisation.filter(hub_id=alice.member.hub_id).count() == 0


async def test_owners_and_admins_update_only_the_fields_given(
    gql: Any, alice: Any, make_person: Any, make_org: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    org = await make_org(
        alice, admins=[bob], website="https://a.example.org", area="Hulme", description="Old"
    )
    # when: an admin renames it and clears the area; the owner changes the kind
    renamed = await gql(
        UPDATE,
        {"input": {"organisationId": gid("Organisation", org.id), "name": "New", "area": None}},
        as_=bob,
    )
    rekinded = await gql(
        UPDATE,
        {"input": {"organisationId": gid("Organisation", org.id), "kind": "COMMUNITY_GROUP"}},
        as_=alice,
    )
    # then
    assert renamed["updateOrganisation"]["errors"] == []
    result = rekinded["updateOrganisation"]["organisation"]
    assert {k: result[k] for k in ("name", "slug", "kind", "description", "website", "area")} == {
        "name": "New",
        "slug": "food-bank",
        "kind": "COMMUNITY_GROUP",
        "description": "Old",
        "website": "https://a.example.org",
        "area": None,
    }
    actions = await AuditEvent.filter(object_id=org.id, action="organisation.update").count()
    assert actions == 2


async def test_a_slug_can_change_but_not_to_a_taken_one(
    gql: Any, alice: Any, make_org: Any
) -> None:
    # given
    org = await make_org(alice, name="One")
    await make_org(alice, name="Two")
    org_id = gid("Organisation", org.id)
    # when
    taken = await gql(UPDATE, {"input": {"organisationId": org_id, "slug": "two"}}, as_=alice)
    moved = await gql(UPDATE, {"input": {"organisationId": org_id, "slug": "uno"}}, as_=alice)
    # then
    assert taken["updateOrganisation"]["errors"][0]["code"] == "DUPLICATE_SLUG"
    assert moved["updateOrganisation"]["organisation"]["slug"] == "uno"


async def test_staff_and_outsiders_cannot_update(
    gql: Any, alice: Any, make_person: Any, make_org: Any
) -> None:
    # given
    staff = await make_person(display_name="Staff")
    outsider = await make_person(display_name="Outsider")
    org = await make_org(alice, staff=[staff])
    # when
    results = [
        await gql(
            UPDATE,
            {"input": {"organisationId": gid("Organisation", org.id), "name": "Mine"}},
            as_=who,
        )
        for who in (staff, outsider)
    ]
    # then
    for data in results:
        assert data["updateOrganisation"]["organisation"] is None
        assert data["updateOrganisation"]["errors"][0]["code"] == "FORBIDDEN"
    assert (await Organisation.get(id=org.id)).name == "Food Bank"


async def test_hub_admins_do_not_edit_other_peoples_organisations(
    gql: Any, alice: Any, make_person: Any, make_org: Any
) -> None:
    from app.people.models import Role

    admin = await make_person(display_name="Hub admin", roles=[Role.HUB_ADMIN])
    org = await make_org(alice)
    data = await gql(
        UPDATE, {"input": {"organisationId": gid("Organisation", org.id), "name": "X"}}, as_=admin
    )
    assert data["updateOrganisation"]["errors"][0]["code"] == "FORBIDDEN"


async def test_an_update_with_nothing_new_records_nothing(
    gql: Any, alice: Any, make_org: Any
) -> None:
    org = await make_org(alice)
    data = await gql(
        UPDATE,
        {"input": {"organisationId": gid("Organisation", org.id), "name": " Food Bank "}},
        as_=alice,
    )
    assert data["updateOrganisation"]["errors"] == []
    assert not await AuditEvent.filter(object_id=org.id, action="organisation.update").exists()

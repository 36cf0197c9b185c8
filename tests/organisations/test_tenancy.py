"""Tenancy: nothing of one hub's organisations is visible or changeable from another hub."""

from typing import Any

import pytest

from app.organisations.models import Organisation, OrganisationMember
from app.people.models import Role
from tests.helpers import create_person
from tests.organisations.conftest import gid

NODE = "query($id: ID!) { node(id: $id) { id } }"
BY_SLUG = 'query { organisation(slug: "food-bank") { id } }'
LIST = "query { organisations(first: 50) { edges { node { id slug } } } }"
UPDATE = """
mutation($input: UpdateOrganisationInput!) {
  updateOrganisation(input: $input) { organisation { id } errors { code field } }
}"""
ADD = """
mutation($input: AddOrganisationMemberInput!) {
  addOrganisationMember(input: $input) { membership { role } errors { code field } }
}"""
CHANGE = """
mutation($input: ChangeOrganisationMemberRoleInput!) {
  changeOrganisationMemberRole(input: $input) { membership { role } errors { code field } }
}"""
REMOVE = """
mutation($input: RemoveOrganisationMemberInput!) {
  removeOrganisationMember(input: $input) { organisation { id } errors { code field } }
}"""


@pytest.fixture
async def zed(other_hub: Any) -> Any:
    """A hub admin of the other hub (the most powerful outsider)."""
    return await create_person(hub=other_hub, display_name="Zed", roles=[Role.HUB_ADMIN])


async def test_another_hub_sees_none_of_the_organisations(
    gql: Any, hub: Any, alice: Any, make_org: Any, zed: Any, other_hub: Any
) -> None:
    # given: an organisation here, and one with the same slug there
    org = await make_org(alice)
    await make_org(zed)
    theirs = await Organisation.get(hub_id=other_hub.id)
    # when / then: as a signed-in member of the other hub
    assert (await gql(NODE, {"id": gid("Organisation", org.id)}, as_=zed))["node"] is None
    assert (await gql(BY_SLUG, as_=zed))["organisation"] == {"id": gid("Organisation", theirs.id)}
    listed = (await gql(LIST, as_=zed))["organisations"]["edges"]
    assert [e["node"]["id"] for e in listed] == [gid("Organisation", theirs.id)]
    # and: anonymously through the other hub's header
    header = {"CH-Hub": other_hub.slug}
    assert (await gql(NODE, {"id": gid("Organisation", org.id)}, headers=header))["node"] is None
    # and: the CH-Hub header does not widen a signed-in member's hub
    here = {"CH-Hub": hub.slug}
    assert (await gql(NODE, {"id": gid("Organisation", org.id)}, as_=zed, headers=here))[
        "node"
    ] is None
    assert (await gql(BY_SLUG, as_=zed, headers=here))["organisation"] == {
        "id": gid("Organisation", theirs.id)
    }


async def test_another_hub_cannot_change_the_organisations(
    gql: Any, alice: Any, make_person: Any, make_org: Any, zed: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    org = await make_org(alice, staff=[bob])
    org_id = gid("Organisation", org.id)
    before = await OrganisationMember.filter(organisation_id=org.id).count()
    # when
    updated = await gql(UPDATE, {"input": {"organisationId": org_id, "name": "Ours"}}, as_=zed)
    added = await gql(
        ADD, {"input": {"organisationId": org_id, "memberId": zed.gid, "role": "OWNER"}}, as_=zed
    )
    changed = await gql(
        CHANGE,
        {"input": {"organisationId": org_id, "memberId": bob.gid, "role": "OWNER"}},
        as_=zed,
    )
    removed = await gql(
        REMOVE, {"input": {"organisationId": org_id, "memberId": alice.gid}}, as_=zed
    )
    # then: to the other hub, the organisation does not exist
    for data in (updated, added, changed, removed):
        [payload] = data.values()
        assert payload["errors"] == [{"code": "NOT_FOUND", "field": "organisationId"}]
    assert (await Organisation.get(id=org.id)).name == "Food Bank"
    assert await OrganisationMember.filter(organisation_id=org.id).count() == before


async def test_members_of_another_hub_cannot_be_added(
    gql: Any, alice: Any, make_org: Any, zed: Any
) -> None:
    org = await make_org(alice)
    data = await gql(
        ADD,
        {
            "input": {
                "organisationId": gid("Organisation", org.id),
                "memberId": zed.gid,
                "role": "STAFF",
            }
        },
        as_=alice,
    )
    assert data["addOrganisationMember"]["errors"] == [{"code": "NOT_FOUND", "field": "memberId"}]
    assert not await OrganisationMember.filter(member_id=zed.member.id).exists()

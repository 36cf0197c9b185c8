"""No N+1: a page of organisations with their members costs the same SQL whatever its size."""

from typing import Any

from app.auth import service as auth
from app.organisations import service
from app.people.models import Role
from tests.helpers import count_sql, create_person
from tests.organisations.conftest import actor_of

PAGE = """
query Page($first: Int!) {
  organisations(first: $first) {
    edges {
      node {
        name contactEmail viewerRole
        members(first: 10) { edges { node { role member { displayName } } } }
      }
    }
  }
}"""


async def test_organisations_with_members_cost_the_same_sql_for_5_or_50(gql: Any, hub: Any) -> None:
    # given: 50 organisations with 3 people each, made through the services
    admin = await create_person(hub=hub, display_name="Hub admin", roles=[Role.HUB_ADMIN])
    owner = await create_person(hub=hub, display_name="Owner")
    staff = [await create_person(hub=hub, display_name=f"Staff {i}") for i in range(2)]
    actor = await actor_of(owner)
    for i in range(50):
        org = await service.create_organisation(actor=actor, name=f"Org {i:02}", kind="charity")
        for person in staff:
            await service.add_member(
                actor=actor, organisation_id=org.id, member_id=person.member.id, role="staff"
            )
    # when (the token seen before, as an app's is: no statement to authenticate)
    await auth.authenticate(admin.token)
    counts = {}
    for first in (5, 50):
        with count_sql() as sql:
            data = await gql(PAGE, {"first": first}, as_=admin)
        counts[first] = len(sql.statements)
        # then: every organisation came back with its three people
        edges = data["organisations"]["edges"]
        assert len(edges) == first
        assert all(len(e["node"]["members"]["edges"]) == 3 for e in edges)
        assert edges[0]["node"]["members"]["edges"][0]["node"] == {
            "role": "OWNER",
            "member": {"displayName": "Owner"},
        }
    # then: the same statements for both; organisations + roles + members + people
    assert counts[5] == counts[50] == 4, counts

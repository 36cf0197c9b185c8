"""`Member.organisations` as schema/people would mount it, on a small schema of its own."""

from typing import Any

import strawberry

from app.organisations import service
from app.people.models import Member as MemberModel
from app.people.models import Role
from schema.context import Context
from schema.loaders import Loaders
from schema.organisations.types import member_organisations_field
from tests.organisations.conftest import actor_of

ORGANISATIONS_OF = """
query Of($id: Int!, $first: Int) {
  member(id: $id) {
    organisations(first: $first) { edges { node { role organisation { slug } } } }
  }
}"""


@strawberry.type
class MemberWithOrganisations:
    organisations = member_organisations_field()


@strawberry.type
class Query:
    @strawberry.field
    async def member(self, id: int) -> MemberWithOrganisations:
        return await MemberModel.get(id=id)  # type: ignore[return-value]


SCHEMA = strawberry.Schema(query=Query)


async def _slugs(viewer: Any, member: Any, first: int = 10) -> Any:
    actor = await actor_of(viewer) if viewer else None
    hub_id = member.member.hub_id
    result = await SCHEMA.execute(
        ORGANISATIONS_OF,
        variable_values={"id": member.member.id, "first": first},
        context_value=Context(
            request=None,  # type: ignore[arg-type]
            response=None,
            actor=actor,
            hub_id=hub_id,
            loaders=Loaders(hub_id),
        ),
    )
    if result.errors:
        return result.errors[0].message
    edges = result.data["member"]["organisations"]["edges"]  # type: ignore[index]
    return [(e["node"]["organisation"]["slug"], e["node"]["role"]) for e in edges]


async def test_a_member_sees_all_their_own_and_others_only_the_shared_ones(
    alice: Any, make_person: Any, make_org: Any
) -> None:
    # given: Bob is in three organisations; Carol shares one of them with him
    bob = await make_person(display_name="Bob")
    carol = await make_person(display_name="Carol")
    admin = await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])
    await make_org(alice, name="One", staff=[bob])
    await make_org(alice, name="Two", admins=[bob, carol])
    await make_org(bob, name="Three")
    # when / then
    everything = [("one", "STAFF"), ("two", "ADMIN"), ("three", "OWNER")]
    assert await _slugs(bob, bob) == everything
    assert await _slugs(admin, bob) == everything
    assert await _slugs(carol, bob) == [("two", "ADMIN")]
    assert await _slugs(bob, bob, first=2) == everything[:2]
    assert await _slugs(None, bob) == "Sign in first."


async def test_windows_of_several_keys_load_in_one_statement(
    alice: Any, make_person: Any, make_org: Any
) -> None:
    from tests.helpers import count_sql

    # given
    people = [await make_person(display_name=f"P{i}") for i in range(4)]
    one = await make_org(alice, name="One", staff=people)
    two = await make_org(alice, name="Two")
    # when: overlapping windows of the same organisation, and another organisation
    with count_sql() as sql:
        pages = await service.membership_windows(
            hub_id=alice.member.hub_id,
            by="organisation",
            windows=[(one.id, 0, 2), (one.id, 2, 10), (two.id, 0, 5), (one.id, 1, 1)],
        )
    # then
    assert len(sql.statements) == 1
    members = [[m.member_id for m in page] for page in pages]
    everyone = [alice.member.id, *(p.member.id for p in people)]
    assert members == [everyone[:2], everyone[2:], [alice.member.id], everyone[1:2]]

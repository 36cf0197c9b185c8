"""Fixtures of the organisations tests: organisations made through the service (fast)."""

from typing import Any

import pytest

from app.actor import Actor
from app.organisations import service
from app.organisations.models import Organisation
from app.people.models import MemberRole, Role
from tests.helpers import Person


async def actor_of(person: Person) -> Actor:
    """The service-level actor of a signed-in test person, with their hub roles."""
    roles = await MemberRole.filter(member_id=person.member.id).values_list("role", flat=True)
    return Actor(member=person.member, roles=frozenset(Role(str(r)) for r in roles))


@pytest.fixture
def make_org() -> Any:
    """`await make_org(owner, name="Food Bank", kind="charity", staff=[bob], admins=[carol])`."""

    async def make(
        owner: Person,
        *,
        name: str = "Food Bank",
        kind: str = "charity",
        staff: list[Person] = (),  # type: ignore[assignment]
        admins: list[Person] = (),  # type: ignore[assignment]
        owners: list[Person] = (),  # type: ignore[assignment]
        **fields: Any,
    ) -> Organisation:
        actor = await actor_of(owner)
        org = await service.create_organisation(actor=actor, name=name, kind=kind, **fields)
        for role, people in (("staff", staff), ("admin", admins), ("owner", owners)):
            for person in people:
                await service.add_member(
                    actor=actor, organisation_id=org.id, member_id=person.member.id, role=role
                )
        return org

    return make


def gid(type_name: str, pk: int) -> str:
    from schema.relay import encode_id

    return str(encode_id(type_name, pk))

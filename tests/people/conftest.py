"""Fixtures of the people tests: people with roles, global IDs, row snapshots."""

from typing import Any

import pytest
from tortoise import Tortoise

from app.actor import Actor
from app.people.models import MemberRole, Role
from tests.helpers import Person, create_person

# The tables of the people module (and the audit log, which every change writes to).
PEOPLE_TABLES = (
    "member",
    "member_role",
    "skill",
    "member_skill",
    "trust_check",
    "proxy_link",
    "audit_event",
)


def gid(type_name: str, pk: int | str) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, str(pk)))


async def actor_of(person: Person) -> Actor:
    """The service-level actor of a signed-in test person, with their hub roles."""
    roles = await MemberRole.filter(member_id=person.member.id).values_list("role", flat=True)
    return Actor(member=person.member, roles=frozenset(Role(str(r)) for r in roles))


async def snapshot(hub_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of the people tables (and audit log) of one hub, to prove nothing was written."""
    conn = Tortoise.get_connection("default")
    return {
        table: await conn.execute_query_dict(
            f'SELECT * FROM "{table}" WHERE hub_id = $1 ORDER BY id', [hub_id]
        )
        for table in PEOPLE_TABLES
    }


@pytest.fixture
async def admin(make_person: Any) -> Person:
    return await make_person(display_name="Hub admin", roles=[Role.HUB_ADMIN])


@pytest.fixture
async def moderator(make_person: Any) -> Person:
    return await make_person(display_name="Moderator", roles=[Role.MODERATOR])


@pytest.fixture
async def coordinator(make_person: Any) -> Person:
    return await make_person(display_name="Coordinator", roles=[Role.COORDINATOR])


@pytest.fixture
async def bob(make_person: Any) -> Person:
    return await make_person(display_name="Bob")


@pytest.fixture
async def zed(other_hub: Any) -> Person:
    """A hub admin, moderator and coordinator of the other hub: the most powerful outsider."""
    roles = [Role.HUB_ADMIN, Role.MODERATOR, Role.COORDINATOR]
    return await create_person(hub=other_hub, display_name="Zed", roles=roles)

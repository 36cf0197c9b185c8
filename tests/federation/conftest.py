"""Fixtures of the federation tests: two hubs of one installation, their admins, a link."""

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from tortoise import Tortoise

from app.actor import Actor
from app.federation import links
from app.federation.models import HubLink
from app.people.models import Role
from tests.credits.conftest import fund_member
from tests.helpers import Person, create_person


def actor(person: Person, *roles: Role) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER, *roles}))


@dataclass
class Pair:
    hub: Any
    other: Any
    admin: Person  # of hub
    other_admin: Person  # of other
    payer: Person  # member of hub
    payee: Person  # member of other

    async def link(
        self,
        *,
        rate: tuple[int, int] = (1, 1),
        limit: int = 1000,
        other_limit: int = 1000,
        categories: list[str] | None = None,
    ) -> tuple[HubLink, HubLink]:
        """An active link: `limit` is what hub extends to other's members, `other_limit`
        what other extends to hub's members (each in its own credits)."""
        mine = await links.propose(
            actor=actor(self.admin, Role.HUB_ADMIN),
            partner_slug=self.other.slug,
            rate_numerator=rate[0],
            rate_denominator=rate[1],
            credit_limit=limit,
            partner_credit_limit=other_limit,
            categories=categories,
        )
        theirs = await HubLink.get(pair=mine.pair, hub_id=self.other.id)
        await links.accept(actor=actor(self.other_admin, Role.HUB_ADMIN), link_id=theirs.id)
        return await HubLink.get(id=mine.id), await HubLink.get(id=theirs.id)


@pytest.fixture
async def pair(hub: Any, other_hub: Any) -> Pair:
    admin = await create_person(hub=hub, display_name="Admin A", roles=[Role.HUB_ADMIN])
    other_admin = await create_person(hub=other_hub, display_name="Admin B", roles=[Role.HUB_ADMIN])
    payer = await create_person(hub=hub, display_name="Paola")
    payee = await create_person(hub=other_hub, display_name="Pedro")
    return Pair(hub, other_hub, admin, other_admin, payer, payee)


async def books(hub_id: int) -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT coalesce(sum(balance), 0)::bigint AS total FROM account WHERE hub_id = $1", [hub_id]
    )
    return int(rows[0]["total"])


async def written(hub_ids: list[int]) -> dict[str, int]:
    """Rows of the ledger, audit and idempotency tables in these hubs (for 'nothing written')."""
    conn = Tortoise.get_connection("default")
    counts = {}
    for table in ("transfer", "entry", "audit_event", "idempotency_key", "account"):
        rows = await conn.execute_query_dict(
            f"SELECT count(*)::int AS n FROM {table} WHERE hub_id = ANY($1::bigint[])", [hub_ids]
        )
        counts[table] = rows[0]["n"]
    return counts


def key() -> str:
    return uuid.uuid4().hex


fund = fund_member

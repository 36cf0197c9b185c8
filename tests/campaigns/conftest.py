"""Fixtures of the campaign tests: funded members, a supplier and a council, campaigns opened
through the service, and the ledger's invariants after settlement."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.campaigns import service
from app.campaigns.models import Campaign, CampaignKind
from app.credits import ledger
from app.credits.models import Account, SystemAccount, TransferKind
from app.organisations import service as organisations
from app.people.models import Role
from schema.relay import encode_id


def actor_of(person: Any, *roles: Role) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER, *roles}))


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def fund_account(account: Account, amount: int) -> Account:
    async with in_transaction():
        await ledger.post(
            source=await ledger.system_account(account.hub_id, SystemAccount.ISSUANCE),
            destination=account,
            amount=amount,
            kind=TransferKind.ADJUSTMENT,
            memo="test funding",
        )
    return await Account.get(id=account.id)


async def fund(hub_id: int, member_id: int, amount: int) -> Account:
    return await fund_account(await ledger.member_account(hub_id, member_id), amount)


async def books(hub_id: int) -> dict[str, int]:
    """Sum of balances (0 in double entry), holds open, and accounts below their limit."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT coalesce(sum(balance), 0)::bigint AS total, coalesce(sum(held), 0)::bigint AS held,"
        " count(*) FILTER (WHERE overdraft_limit IS NOT NULL"
        "   AND balance - held < -overdraft_limit)::int AS below"
        " FROM account WHERE hub_id = $1",
        [hub_id],
    )
    pending = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT coalesce(sum(amount), 0)::bigint AS pending FROM transfer"
        " WHERE hub_id = $1 AND status = 'pending'",
        [hub_id],
    )
    entries = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT coalesce(sum(amount), 0)::bigint AS entries FROM entry WHERE hub_id = $1",
        [hub_id],
    )
    return {
        "total": int(rows[0]["total"]),
        "held": int(rows[0]["held"]),
        "below": int(rows[0]["below"]),
        "pending": int(pending[0]["pending"]),
        "entries": int(entries[0]["entries"]),
    }


@pytest.fixture
def organisation() -> Any:
    async def make(person: Any, name: str, kind: str = "business") -> Any:
        return await organisations.create_organisation(actor=actor_of(person), name=name, kind=kind)

    return make


def soon(minutes: int = 60) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


@pytest.fixture
def open_campaign() -> Any:
    """`await open_campaign(owner, kind=..., **fields)`: created and opened by the service."""

    async def make(
        owner: Any, *, kind: CampaignKind = CampaignKind.PROJECT, **fields: Any
    ) -> Campaign:
        fields.setdefault("title", "Community garden")
        fields.setdefault("deadline", soon())
        if kind == CampaignKind.PROJECT:
            fields.setdefault("target", 1000)
        campaign = await service.create_campaign(
            actor=actor_of(owner), given=service.CampaignInput(kind=kind, **fields)
        )
        return await service.open_campaign(actor=actor_of(owner), campaign_id=campaign.id)

    return make

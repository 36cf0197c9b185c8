"""Fixtures of the trial tests: a business with credits, members made straight in the
database (fast: no sign-in), trials made and opened through the service."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import h3
import pytest
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.credits import ledger
from app.credits.models import Account, SystemAccount, TransferKind
from app.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationRole,
)
from app.people.models import Member, Role
from app.trials import service
from app.trials.models import Trial, TrialStatus

MANCHESTER = (53.4808, -2.2426)


def actor_of(member: Member) -> Actor:
    return Actor(member=member, roles=frozenset({Role.MEMBER}))


async def member(
    hub: Any,
    *,
    name: str = "Tester",
    home: tuple[float, float] | None = MANCHESTER,
    born: date | None = date(1990, 6, 1),
    interests: list[str] | None = None,
) -> Member:
    return await Member.create(
        hub_id=hub.id,
        email=f"{uuid.uuid4().hex[:10]}@example.org",
        display_name=name,
        email_verified_at=datetime.now(UTC),
        home_lat=home[0] if home else None,
        home_lng=home[1] if home else None,
        home_cell=h3.latlng_to_cell(*home, 8) if home else None,
        date_of_birth=born,
        interests=interests or [],
    )


async def fund_organisation(hub_id: int, organisation_id: int, amount: int) -> Account:
    account = await ledger.organisation_account(hub_id, organisation_id)
    async with in_transaction():
        await ledger.post(
            source=await ledger.system_account(hub_id, SystemAccount.ISSUANCE),
            destination=account,
            amount=amount,
            kind=TransferKind.ADJUSTMENT,
            memo="test funding",
        )
    return await Account.get(id=account.id)


async def balance(hub_id: int, *, member_id: int | None = None, org_id: int | None = None) -> int:
    if member_id is not None:
        account = await ledger.member_account(hub_id, member_id)
    else:
        assert org_id is not None
        account = await ledger.organisation_account(hub_id, org_id)
    return (await Account.get(id=account.id)).balance


@pytest.fixture
async def business(hub: Any) -> Any:
    """(owner member, business organisation) with 10,000 credits."""
    owner = await member(hub, name="Owner")
    org = await Organisation.create(
        hub_id=hub.id,
        slug=f"shop-{uuid.uuid4().hex[:6]}",
        name="Corner Shop",
        kind=OrganisationKind.BUSINESS,
    )
    await OrganisationMember.create(
        hub_id=hub.id, organisation_id=org.id, member_id=owner.id, role=OrganisationRole.OWNER
    )
    await fund_organisation(hub.id, org.id, 10_000)
    return owner, org


def trial_input(org: Organisation, **fields: Any) -> service.TrialInput:
    fields.setdefault("title", "Taste our new oat milk")
    fields.setdefault("product", "Oat milk")
    fields.setdefault("places", 10)
    fields.setdefault("dimensions", ["Taste", "Value", "Packaging"])
    fields.setdefault("closes_at", datetime.now(UTC) + timedelta(days=14))
    return service.TrialInput(organisation_id=org.id, **fields)


@pytest.fixture
def open_trial(business: Any) -> Any:
    """`await open_trial(**fields)`: a trial of the business, created and recruiting."""

    async def make(**fields: Any) -> Trial:
        owner, org = business
        trial = await service.create_trial(actor=actor_of(owner), given=trial_input(org, **fields))
        return await service.move_trial(
            actor=actor_of(owner), trial_id=trial.id, to=TrialStatus.RECRUITING
        )

    return make

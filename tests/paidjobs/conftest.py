"""Fixtures of the paid-job tests: an employer (owner and organisation) and jobs posted
through the service."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationRole,
)
from app.paidjobs import service
from app.paidjobs.models import Contract, PaidJob, PayPeriod
from tests.trials.conftest import MANCHESTER, actor_of, member


async def make_employer(hub: Any, name: str = "Corner Shop") -> tuple[Any, Organisation]:
    owner = await member(hub, name="Employer")
    org = await Organisation.create(
        hub_id=hub.id,
        slug=f"org-{uuid.uuid4().hex[:6]}",
        name=name,
        kind=OrganisationKind.BUSINESS,
    )
    await OrganisationMember.create(
        hub_id=hub.id, organisation_id=org.id, member_id=owner.id, role=OrganisationRole.OWNER
    )
    return owner, org


@pytest.fixture
async def employer(hub: Any) -> tuple[Any, Organisation]:
    return await make_employer(hub)


def job_input(org: Organisation, **fields: Any) -> service.JobInput:
    fields.setdefault("title", "Barista")
    fields.setdefault("description", "Coffee and kindness")
    fields.setdefault("pay_min", 1200)
    fields.setdefault("pay_max", 1500)
    fields.setdefault("pay_period", PayPeriod.HOUR)
    fields.setdefault("contract", Contract.PART_TIME)
    fields.setdefault("closes_at", datetime.now(UTC) + timedelta(days=10))
    if not fields.get("remote"):
        fields.setdefault("near", MANCHESTER)
    return service.JobInput(organisation_id=org.id, **fields)


@pytest.fixture
def post_job(employer: Any) -> Any:
    async def make(**fields: Any) -> PaidJob:
        owner, org = employer
        return await service.post_job(actor=actor_of(owner), given=job_input(org, **fields))

    return make

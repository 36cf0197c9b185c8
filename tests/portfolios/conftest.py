"""Fixtures of the hours, reviews and portfolio tests: engagements made through the services.

Reuses the opportunities fixtures (a category, a skill, `post`) by importing them.
"""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.opportunities import applications
from app.organisations import service as organisations
from app.portfolios import hours
from app.portfolios.models import HoursRecord
from schema.relay import encode_id
from tests.opportunities.conftest import actor_of, category, post, skill  # noqa: F401


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def hub_today(hub: Any) -> date:
    """Today in the hub's time zone: the day hours are logged against."""
    return datetime.now(ZoneInfo(hub.timezone)).date()


@pytest.fixture
def engage(post: Any) -> Any:  # noqa: F811
    """`await engage(poster, applicant, kind=..., **fields)` → (opportunity, accepted application).

    For a REQUEST (the default) the applicant volunteers; for an OFFER the poster does.
    """

    async def make(poster: Any, applicant: Any, **fields: Any) -> tuple[Any, Any]:
        opportunity = await post(poster, auto_accept=True, **fields)
        application = await applications.apply(
            actor=actor_of(applicant), opportunity_id=opportunity.id
        )
        assert application.status == "accepted"
        return opportunity, application

    return make


@pytest.fixture
def logged(hub: Any) -> Any:
    """`await logged(volunteer, application, minutes)`: a pending hours record (service)."""

    async def make(volunteer: Any, application: Any, minutes: int = 60) -> HoursRecord:
        return await hours.log_hours(
            actor=actor_of(volunteer),
            application_id=application.id,
            worked_on=hub_today(hub),
            minutes=minutes,
        )

    return make


@pytest.fixture
def delivered(engage: Any, logged: Any) -> Any:
    """`await delivered(poster, volunteer, minutes, **fields)`: a REQUEST the volunteer did,
    with one hours record verified by the poster → (opportunity, application, record)."""

    async def make(
        poster: Any, volunteer: Any, minutes: int = 60, **fields: Any
    ) -> tuple[Any, Any, HoursRecord]:
        opportunity, application = await engage(poster, volunteer, **fields)
        record = await logged(volunteer, application, minutes)
        verified = await hours.verify_hours(actor=actor_of(poster), record_id=record.id)
        return opportunity, application, verified

    return make


@pytest.fixture
def organisation() -> Any:
    """`await organisation(owner, name, staff=[...])`: an organisation and its staff."""

    async def make(owner: Any, name: str = "Food Bank", staff: tuple[Any, ...] = ()) -> Any:
        org = await organisations.create_organisation(
            actor=actor_of(owner), name=name, kind="charity"
        )
        for person in staff:
            await organisations.add_member(
                actor=actor_of(owner),
                organisation_id=org.id,
                member_id=person.member.id,
                role="staff",
            )
        return org

    return make

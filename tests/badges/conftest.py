"""Fixtures of the badge tests: a hub's records written directly as rows (hours, reviews,
completed shares, captured pledges), so each rule kind is checked against records it can count
by hand; hub admins and badges made through the service."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.actor import Actor
from app.assets.impact_models import ImpactRecord
from app.assets.models import Asset, AssetCategory
from app.assets.sharing_models import Booking, GiveawayRequest, Loan
from app.badges import service
from app.badges.models import BadgeClass
from app.campaigns.models import Campaign, CampaignKind, CampaignStatus, Pledge, PledgeStatus
from app.credits import ledger
from app.opportunities.models import Application, Category, Opportunity
from app.people.models import Role
from app.portfolios.models import HoursRecord, Review
from schema.relay import encode_id

NOW = datetime.now(UTC)


def actor_of(person: Any, *roles: Role) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER, *roles}))


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


class Records:
    """Writes a hub's history as rows, each as the flows that own them would leave it."""

    def __init__(self, hub: Any, poster: Any) -> None:
        self.hub, self.poster = hub, poster
        self._category: Category | None = None
        self._asset_category: AssetCategory | None = None

    async def category(self) -> Category:
        if self._category is None:
            self._category = await Category.filter(hub_id=self.hub.id).order_by("id").first()
        assert self._category is not None
        return self._category

    async def opportunity(
        self, *, category_id: int | None = None, organisation_id: int | None = None,
        ends: datetime | None = None,
    ) -> Opportunity:  # fmt: skip
        return await Opportunity.create(
            hub_id=self.hub.id, kind="request", status="published", title="Help",
            category_id=category_id or (await self.category()).id,
            poster_id=self.poster.member.id, organisation_id=organisation_id,
            starts_at=(ends or NOW) - timedelta(hours=2), ends_at=ends or NOW - timedelta(hours=1),
            places=100,
        )  # fmt: skip

    async def place(self, volunteer: Any, opportunity: Opportunity) -> Application:
        return await Application.create(
            hub_id=self.hub.id, opportunity_id=opportunity.id,
            applicant_id=volunteer.member.id, status="accepted",
        )  # fmt: skip

    async def hours(
        self, volunteer: Any, minutes: int, *, on: date | None = None,
        opportunity: Opportunity | None = None, status: str = "verified",
    ) -> HoursRecord:  # fmt: skip
        opportunity = opportunity or await self.opportunity()
        application = await Application.get_or_none(
            opportunity_id=opportunity.id, applicant_id=volunteer.member.id
        ) or await self.place(volunteer, opportunity)
        return await HoursRecord.create(
            hub_id=self.hub.id, application_id=application.id, opportunity_id=opportunity.id,
            volunteer_id=volunteer.member.id, worked_on=on or NOW.date(), minutes=minutes,
            status=status,
        )  # fmt: skip

    async def review(self, subject: Any, author: Any, rating: int) -> Review:
        opportunity = await self.opportunity()
        application = await self.place(subject, opportunity)
        return await Review.create(
            hub_id=self.hub.id, application_id=application.id, author_id=author.member.id,
            subject_id=subject.member.id, rating=rating,
        )  # fmt: skip

    async def asset(self, kind: str, owner: Any = None, organisation: Any = None) -> Asset:
        if self._asset_category is None:
            self._asset_category = await AssetCategory.get(hub_id=self.hub.id, slug="furniture")
        return await Asset.create(
            hub_id=self.hub.id, kind=kind, status="draft", title=f"{kind} thing",
            category_id=self._asset_category.id,
            owner_kind="organisation" if organisation else "member",
            owner_member_id=None if organisation else (owner or self.poster).member.id,
            owner_organisation_id=organisation.id if organisation else None,
            listed_by_id=(owner or self.poster).member.id, lat=53.48, lng=-2.24,
        )  # fmt: skip

    async def share(
        self, kind: str, *, owner: Any = None, owner_org: Any = None, to: Any,
        to_org: Any = None, diverted_g: int = 0, co2e_g: int = 0, value_minor: int = 0,
        at: datetime | None = None,
    ) -> ImpactRecord:  # fmt: skip
        """A completed share (giveaway, loan or bookable) and its impact record."""
        at = at or NOW
        asset = await self.asset(kind, owner, owner_org)
        hub_id, member = self.hub.id, to.member.id
        cause: dict[str, Any]
        if kind == "giveaway":
            request = await GiveawayRequest.create(
                hub_id=hub_id, asset_id=asset.id, requester_id=member, status="declined"
            )
            cause = {"giveaway_request_id": request.id}
        elif kind == "loan":
            loan = await Loan.create(
                hub_id=hub_id, asset_id=asset.id, borrower_id=member,
                starts_at=at - timedelta(days=3), due_at=at, status="declined",
            )  # fmt: skip
            cause = {"loan_id": loan.id}
        else:
            booking = await Booking.create(
                hub_id=hub_id, asset_id=asset.id, booker_id=member, starts_at=at - timedelta(
                    hours=2), ends_at=at - timedelta(hours=1), status="declined",
            )  # fmt: skip
            cause = {"booking_id": booking.id}
        return await ImpactRecord.create(
            hub_id=hub_id, **cause, asset_id=asset.id, category_id=asset.category_id,
            quantity=1, diverted_g=diverted_g, co2e_g=co2e_g, value_minor=value_minor,
            owner_kind="organisation" if owner_org else "member",
            owner_member_id=None if owner_org else (owner or self.poster).member.id,
            owner_organisation_id=owner_org.id if owner_org else None,
            receiver_member_id=member, receiver_organisation_id=to_org.id if to_org else None,
            occurred_at=at,
        )  # fmt: skip

    async def backed(
        self, backer: Any, *, status: PledgeStatus = PledgeStatus.CAPTURED,
        organisation: Any = None,
    ) -> Pledge:  # fmt: skip
        """A campaign (succeeded, unless the pledge is not captured) the backer pledged to."""
        recipient = await ledger.member_account(self.hub.id, self.poster.member.id)
        campaign = await Campaign.create(
            hub_id=self.hub.id, kind=CampaignKind.PROJECT, title="Garden",
            status=CampaignStatus.SUCCEEDED if status == PledgeStatus.CAPTURED
            else CampaignStatus.OPEN,
            owner_member_id=self.poster.member.id, created_by_id=self.poster.member.id,
            recipient_account_id=recipient.id, target=10, deadline=NOW, hold_group=uuid.uuid4(),
        )  # fmt: skip
        account = await ledger.member_account(self.hub.id, backer.member.id)
        return await Pledge.create(
            hub_id=self.hub.id, campaign_id=campaign.id, member_id=backer.member.id,
            organisation_id=organisation.id if organisation else None, account_id=account.id,
            status=status, amount=10,
        )  # fmt: skip


@pytest.fixture
async def admin(make_person: Any) -> Any:
    return await make_person(display_name="Ada Admin", roles=[Role.HUB_ADMIN])


@pytest.fixture
async def records(hub: Any, admin: Any) -> Records:
    return Records(hub, admin)


@pytest.fixture
def badge(hub: Any, admin: Any) -> Any:
    """`await badge(metric, threshold, **fields)`: a badge defined by a hub admin."""

    async def make(metric: str, threshold: int, **fields: Any) -> BadgeClass:
        fields.setdefault("name", f"{metric} {threshold} {uuid.uuid4().hex[:6]}")
        fields.setdefault("description", "A test badge.")
        return await service.create_badge_class(
            actor=actor_of(admin, Role.HUB_ADMIN),
            given=service.BadgeInput(metric=metric, threshold=threshold, **fields),
        )

    return make

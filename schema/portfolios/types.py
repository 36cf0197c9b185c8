"""GraphQL types of hours records, reviews and portfolios."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.config import get_settings
from app.opportunities.models import Opportunity as OpportunityModel
from app.people.models import Member as MemberModel
from app.portfolios import service
from app.portfolios.errors import PortfolioErrorCode as PortfolioErrorCodeEnum
from app.portfolios.models import HoursRecord as HoursRecordModel
from app.portfolios.models import HoursStatus as HoursStatusEnum
from app.portfolios.models import Review as ReviewModel
from schema.assets.impact_types import ProfileImpactType
from schema.context import Info
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.opportunities.types import Opportunity
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOpportunity = Annotated["Opportunity", strawberry.lazy("schema.opportunities.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]

HoursStatus = strawberry.enum(HoursStatusEnum, name="HoursStatus")
PortfolioErrorCode = strawberry.enum(PortfolioErrorCodeEnum, name="PortfolioErrorCode")


@strawberry.type(description="Why an hours, review or portfolio mutation did not go through.")
class PortfolioError:
    code: PortfolioErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@orm_node(HoursRecordModel)
@strawberry.type(name="HoursRecord", description="Time a volunteer gave, and its verification.")
class HoursRecord(relay.Node):
    id: relay.NodeID[int]
    worked_on: date
    minutes: int
    note: str
    status: HoursStatus  # type: ignore[valid-type]
    dispute_reason: str
    resolution_note: str
    reviewed_at: datetime | None
    created_at: datetime

    @strawberry.field
    async def volunteer(self, root: HoursRecordModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.volunteer_id)  # type: ignore[return-value]

    @strawberry.field
    async def opportunity(self, root: HoursRecordModel, info: Info) -> LazyOpportunity | None:
        return await info.context.loaders.by_id(OpportunityModel).load(root.opportunity_id)  # type: ignore[return-value]


@orm_node(ReviewModel)
@strawberry.type(name="Review", description="A rating (1-5) and comment after delivery.")
class Review(relay.Node):
    id: relay.NodeID[int]
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    async def author(self, root: ReviewModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.author_id)  # type: ignore[return-value]

    @strawberry.field
    async def subject(self, root: ReviewModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.subject_id)  # type: ignore[return-value]


@strawberry.type(description="Minutes under one category or skill.")
class HoursBreakdown:
    slug: str
    name: str
    minutes: int


@strawberry.type(
    description="Verified hours in one hub: the portfolio's own account's, or those of an"
    " account in another hub that its member linked (both emails proven)."
)
class HubHours:
    hub_name: str
    hub_slug: str
    linked: bool = strawberry.field(description="False for this account's own hub.")
    minutes: int
    services_delivered: int
    fetched_at: datetime | None = strawberry.field(
        default=None,
        description="A linked account on a partner installation: when these hours were"
        " fetched from there. Null for this installation's hubs (always current).",
    )


@strawberry.type(description="Ratings received: count, average and how many of each star.")
class RatingSummary:
    count: int
    average: float | None
    one: int
    two: int
    three: int
    four: int
    five: int

    @classmethod
    def of(cls, ratings: service.Ratings) -> "RatingSummary":
        d = ratings.distribution
        return cls(
            count=ratings.count,
            average=ratings.average,
            one=d[1],
            two=d[2],
            three=d[3],
            four=d[4],
            five=d[5],
        )


@strawberry.type(name="PortfolioBadge", description="A badge the member holds (not revoked).")
class PortfolioBadge:
    name: str
    description: str
    points: int
    awarded_at: datetime
    assertion_url: str = strawberry.field(description="Its Open Badges 2.0 assertion.")
    baked_image_url: str = strawberry.field(description="The PNG with the assertion baked in.")


@strawberry.type(description="The verified record of what a member gave.")
class Portfolio:
    total_minutes: int
    services_delivered: int
    by_category: list[HoursBreakdown]
    by_skill: list[HoursBreakdown]
    organisations_helped: list[LazyOrganisation]
    ratings: RatingSummary
    reviews: list[Review]
    history: list[HoursRecord]
    share_url: str | None = strawberry.field(
        description="The CV's link while the portfolio is public; null while private (for its"
        " owner too). rotatePortfolioShareLink replaces it."
    )
    public: bool
    badges: list[PortfolioBadge] = strawberry.field(description="Oldest first.")
    points: int = strawberry.field(description="The points of the badges held.")
    level: str | None = strawberry.field(description="The hub's level those points reach.")
    impact: ProfileImpactType = strawberry.field(
        description="What the member's shares diverted and saved (as Member.impact)."
    )
    hours_by_hub: list[HubHours] = strawberry.field(
        description="Verified hours per hub: this account's first, then each linked account's"
        " (requestAccountLink), by hub name."
    )
    combined_minutes: int = strawberry.field(
        description="Verified minutes of this account and its linked accounts together."
    )

    @classmethod
    def of(cls, p: service.Portfolio, *, public: bool, share_url: str | None) -> "Portfolio":
        base = f"{get_settings().public_url}/badges/assertions"
        return cls(
            total_minutes=p.total_minutes,
            services_delivered=p.services_delivered,
            by_category=[HoursBreakdown(**vars(b)) for b in p.by_category],
            by_skill=[HoursBreakdown(**vars(b)) for b in p.by_skill],
            organisations_helped=p.organisations_helped,  # type: ignore[arg-type]
            ratings=RatingSummary.of(p.ratings),
            reviews=p.reviews,  # type: ignore[arg-type]
            history=p.history,  # type: ignore[arg-type]
            public=public,
            share_url=share_url,
            badges=[
                PortfolioBadge(
                    name=b.name,
                    description=b.description,
                    points=b.points,
                    awarded_at=b.awarded_at,
                    assertion_url=f"{base}/{b.uid}.json",
                    baked_image_url=f"{base}/{b.uid}.png",
                )
                for b in p.badges
            ],
            points=p.points,
            level=p.level,
            impact=ProfileImpactType.of(p.impact),
            hours_by_hub=[
                HubHours(
                    hub_name=h.hub_name,
                    hub_slug=h.hub_slug,
                    linked=not h.own,
                    minutes=h.minutes,
                    services_delivered=h.services,
                    fetched_at=h.fetched_at,
                )
                for h in p.hours_by_hub
            ],
            combined_minutes=p.combined_minutes,
        )

"""GraphQL types of badges, awards, levels, standings, leaderboards, impact months and success
stories."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.badges import openbadges
from app.badges.errors import BadgeErrorCode as BadgeErrorCodeEnum
from app.badges.leaderboards import Entry
from app.badges.levels import Standing
from app.badges.metrics import Metric as MetricEnum
from app.badges.models import Award as AwardModel
from app.badges.models import BadgeClass as BadgeClassModel
from app.badges.models import HolderKind as HolderKindEnum
from app.badges.models import Period as PeriodEnum
from app.badges.models import StoryStatus as StoryStatusEnum
from app.badges.models import SuccessStory as SuccessStoryModel
from app.impact.profiles import MonthImpact
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from schema.assets.impact_types import MoneyTotal
from schema.context import Info
from schema.relay import orm_node
from schema.translated import translated_name

if TYPE_CHECKING:
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]

BadgeErrorCode = strawberry.enum(BadgeErrorCodeEnum, name="BadgeErrorCode")
BadgeMetric = strawberry.enum(
    MetricEnum,
    name="BadgeMetric",
    description="What a badge's rule counts. Units: VERIFIED_HOURS whole hours; KG_DIVERTED"
    " kilograms; REVIEW_AVERAGE hundredths of a star (450 = 4.5, from 3 reviews);"
    " RELIABILITY per cent of accepted places delivered (from 5 places); ACTIVE_STREAK_MONTHS"
    " consecutive months with verified hours; the others are counts. A first is threshold 1.",
)
BadgeHolderKind = strawberry.enum(HolderKindEnum, name="BadgeHolderKind")
BadgePeriod = strawberry.enum(
    PeriodEnum,
    name="BadgePeriod",
    description="ALL_TIME, PAST_YEAR (365 days), PAST_MONTH (30 days).",
)
StoryStatus = strawberry.enum(StoryStatusEnum, name="SuccessStoryStatus")


@strawberry.type(description="Why a badge mutation did not go through (nothing was written).")
class BadgeError:
    code: BadgeErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@orm_node(BadgeClassModel)
@strawberry.type(
    name="BadgeClass",
    description="A badge of the hub: a rule over a holder's record (metric >= threshold) and"
    " the points it adds toward levels. Public, also as an Open Badges 2.0 BadgeClass.",
)
class BadgeClass(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str = translated_name()
    description: str
    metric: BadgeMetric  # type: ignore[valid-type]
    threshold: int
    holder_kind: BadgeHolderKind  # type: ignore[valid-type]
    period: BadgePeriod  # type: ignore[valid-type]
    points: int
    active: bool

    @strawberry.field(description="The badge's image (PNG).")
    def image_url(self, root: BadgeClassModel) -> str:
        return openbadges.image_url(root)

    @strawberry.field(description="Its Open Badges 2.0 BadgeClass (JSON-LD).")
    def open_badge_url(self, root: BadgeClassModel) -> str:
        return openbadges.badge_url(root)


@orm_node(AwardModel)
@strawberry.type(
    name="BadgeAward",
    description="A badge given to a member or an organisation, once; an Open Badges 2.0"
    " assertion with hosted verification.",
)
class BadgeAward(relay.Node):
    id: relay.NodeID[int]
    awarded_at: datetime
    revoked_at: datetime | None
    revocation_reason: str

    @strawberry.field
    async def badge_class(self, root: AwardModel, info: Info) -> BadgeClass | None:
        return await info.context.loaders.by_id(BadgeClassModel).load(root.badge_class_id)  # type: ignore[return-value]

    @strawberry.field
    async def member(self, root: AwardModel, info: Info) -> LazyMember | None:
        if root.member_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.member_id)  # type: ignore[return-value]

    @strawberry.field
    async def organisation(self, root: AwardModel, info: Info) -> LazyOrganisation | None:
        if root.organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]

    @strawberry.field(description="Its Open Badges 2.0 assertion (JSON-LD, hosted).")
    def assertion_url(self, root: AwardModel) -> str:
        return openbadges.assertion_url(root)

    @strawberry.field(description="The badge as a PNG with the assertion baked in.")
    def baked_image_url(self, root: AwardModel) -> str:
        return openbadges.baked_url(root)


@strawberry.type(name="BadgeLevel", description="A named level reached at minPoints.")
class BadgeLevel:
    name: str
    min_points: int


@strawberry.type(name="BadgeStanding", description="Points of the badges held, and the level.")
class BadgeStanding:
    points: int
    level: str | None
    next_level: str | None
    next_level_points: int | None

    @staticmethod
    def of(found: Standing) -> "BadgeStanding":
        return BadgeStanding(
            points=found.points,
            level=found.level,
            next_level=found.next_level,
            next_level_points=found.next_level_points,
        )


@strawberry.type(name="LeaderboardEntry", description="A member who opted in, by points.")
class LeaderboardEntry:
    rank: int
    display_name: str
    points: int
    badges: int

    @staticmethod
    def of(entry: Entry) -> "LeaderboardEntry":
        return LeaderboardEntry(
            rank=entry.rank, display_name=entry.display_name, points=entry.points,
            badges=entry.badges,
        )  # fmt: skip


@strawberry.type(
    name="ImpactMonth",
    description="An organisation's impact in one calendar month (UTC): social, environmental,"
    " economic.",
)
class ImpactMonth:
    month: str = strawberry.field(description="YYYY-MM.")
    hours_received_minutes: int = strawberry.field(description="Volunteers' verified time.")
    hours_given_minutes: int = strawberry.field(description="Its people's time on its offers.")
    people_helped: int
    opportunities_filled: int
    kilograms_diverted: float
    co2e_kilograms: float
    value_saved: list[MoneyTotal]
    credits_received: int = strawberry.field(description="Credits spent with it.")

    @staticmethod
    def of(m: MonthImpact) -> "ImpactMonth":
        return ImpactMonth(
            month=m.month,
            hours_received_minutes=m.hours_received_minutes,
            hours_given_minutes=m.hours_given_minutes,
            people_helped=m.people_helped,
            opportunities_filled=m.opportunities_filled,
            kilograms_diverted=m.diverted_g / 1000,
            co2e_kilograms=m.co2e_g / 1000,
            value_saved=[MoneyTotal.of(v) for v in m.value_saved],
            credits_received=m.credits_received,
        )


@orm_node(SuccessStoryModel)
@strawberry.type(
    name="SuccessStory",
    description="An organisation's story of its own completed work, shown once approved.",
)
class SuccessStory(relay.Node):
    id: relay.NodeID[int]
    title: str
    body: str
    status: StoryStatus  # type: ignore[valid-type]
    created_at: datetime

    @strawberry.field
    async def organisation(self, root: SuccessStoryModel, info: Info) -> LazyOrganisation | None:
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]

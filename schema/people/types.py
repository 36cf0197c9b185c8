"""GraphQL types of members, skills and trust checks. Private fields resolve for few people."""

from datetime import date, datetime
from typing import Any

import h3
import strawberry
from strawberry import relay

from app.people.errors import PeopleErrorCode as PeopleErrorCodeEnum
from app.people.models import CheckKind as CheckKindEnum
from app.people.models import CheckStatus as CheckStatusEnum
from app.people.models import Member as MemberModel
from app.people.models import Role as RoleEnum
from app.people.models import Skill as SkillModel
from app.people.models import TrustCheck as TrustCheckModel
from schema.context import Info
from schema.organisations.types import member_organisations_field
from schema.people import loaders
from schema.relay import orm_node

Role = strawberry.enum(RoleEnum, name="Role")
CheckKind = strawberry.enum(CheckKindEnum, name="CheckKind")
CheckStatus = strawberry.enum(CheckStatusEnum, name="CheckStatus")
PeopleErrorCode = strawberry.enum(PeopleErrorCodeEnum, name="PeopleErrorCode")


@strawberry.type(description="Why a people mutation did not do what was asked.")
class PeopleError:
    code: PeopleErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


def is_self(root: MemberModel, info: Info) -> bool:
    actor = info.context.actor
    return actor is not None and actor.member_id == root.id


def is_staff(info: Info) -> bool:
    actor = info.context.actor
    return actor is not None and actor.has_role(RoleEnum.MODERATOR, RoleEnum.HUB_ADMIN)


@strawberry.type(description="A weekly slot when the member can usually help (hub time zone).")
class AvailabilitySlot:
    weekday: int = strawberry.field(description="1 = Monday ... 7 = Sunday (ISO).")
    start: str = strawberry.field(name="from", description="HH:MM")
    end: str = strawberry.field(name="to", description="HH:MM")


@strawberry.type
class NotificationPreferences:
    email: bool
    in_app: bool
    digest: str = strawberry.field(description="none, daily or weekly")
    quiet_from: str | None
    quiet_to: str | None


@strawberry.type(description="A point (WGS84).")
class HomeLocation:
    lat: float
    lng: float


@orm_node(SkillModel)
@strawberry.type(name="Skill", description="A skill from the hub's taxonomy.")
class Skill(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    category: str


def _check_visible(row: TrustCheckModel, info: Info) -> bool:
    actor = info.context.actor
    return actor is not None and (actor.member_id == row.member_id or is_staff(info))


@orm_node(TrustCheckModel, visible=_check_visible)
@strawberry.type(name="TrustCheck", description="A check such as DBS, verified by a moderator.")
class TrustCheck(relay.Node):
    id: relay.NodeID[int]
    kind: CheckKind  # type: ignore[valid-type]
    reference: str
    expires_on: date | None
    status: CheckStatus  # type: ignore[valid-type]
    reviewed_at: datetime | None
    review_note: str
    created_at: datetime

    @strawberry.field
    async def member(self, root: TrustCheckModel, info: Info) -> "Member | None":
        return await info.context.loaders.by_id(MemberModel).load(root.member_id)  # type: ignore[return-value]


@strawberry.type(description="Ratings received after delivery.")
class MemberRating:
    count: int
    average: float | None


@orm_node(MemberModel)
@strawberry.type(name="Member", description="A person in a hub.")
class Member(relay.Node):
    id: relay.NodeID[int]
    display_name: str
    bio: str
    interests: list[str]
    travel_km: int = strawberry.field(description="How far they will travel to help.")
    is_proxy: bool = strawberry.field(description="Managed by a coordinator for someone offline.")
    created_at: datetime
    organisations = member_organisations_field()

    @strawberry.field(
        description="Coarse H3 cell (resolution 7, ~5 km²) around home, not the point."
    )
    def area_cell(self, root: MemberModel) -> str | None:
        return str(h3.cell_to_parent(root.home_cell, 7)) if root.home_cell else None

    @strawberry.field(description="Only visible to the member themself.")
    def email(self, root: MemberModel, info: Info) -> str | None:
        return root.email if is_self(root, info) else None

    @strawberry.field(description="Only visible to the member themself.")
    def email_verified(self, root: MemberModel, info: Info) -> bool | None:
        return root.email_verified_at is not None if is_self(root, info) else None

    @strawberry.field(description="Exact home: only visible to the member themself.")
    def home_location(self, root: MemberModel, info: Info) -> HomeLocation | None:
        if not is_self(root, info) or root.home_lat is None or root.home_lng is None:
            return None
        return HomeLocation(lat=root.home_lat, lng=root.home_lng)

    @strawberry.field(description="Only visible to the member themself.")
    def date_of_birth(self, root: MemberModel, info: Info) -> date | None:
        return root.date_of_birth if is_self(root, info) else None

    @strawberry.field
    def availability(self, root: MemberModel) -> list[AvailabilitySlot]:
        return [
            AvailabilitySlot(weekday=s["weekday"], start=s["from"], end=s["to"])
            for s in root.availability or []
        ]

    @strawberry.field(description="Only visible to the member themself.")
    def notification_preferences(
        self, root: MemberModel, info: Info
    ) -> NotificationPreferences | None:
        if not is_self(root, info):
            return None
        p: dict[str, Any] = {
            "email": True,
            "in_app": True,
            "digest": "none",
            "quiet_from": None,
            "quiet_to": None,
        } | (root.notification_prefs or {})
        return NotificationPreferences(**p)

    @strawberry.field
    async def skills(self, root: MemberModel, info: Info) -> list[Skill]:
        return await loaders.skills_by_member(info).load(root.id)  # type: ignore[no-any-return]

    @strawberry.field(description="Visible to the member themself, moderators and hub admins.")
    async def roles(self, root: MemberModel, info: Info) -> list[Role] | None:  # type: ignore[valid-type]
        if not (is_self(root, info) or is_staff(info)):
            return None
        return await loaders.roles_by_member(info).load(root.id)  # type: ignore[no-any-return]

    @strawberry.field(description="Visible to the member themself, moderators and hub admins.")
    async def trust_checks(self, root: MemberModel, info: Info) -> list[TrustCheck] | None:
        if not (is_self(root, info) or is_staff(info)):
            return None
        return await loaders.checks_by_member(info).load(root.id)  # type: ignore[no-any-return]

    @strawberry.field(description="Ratings received after delivered engagements.")
    async def rating(self, root: MemberModel, info: Info) -> MemberRating:
        count, average = await loaders.ratings_by_member(info).load(root.id)
        return MemberRating(count=count, average=average)

"""GraphQL types of members, skills and trust checks. Private fields resolve for few people."""

from datetime import date, datetime

import h3
import strawberry
from strawberry import relay

from app.people import service
from app.people.errors import PeopleErrorCode as PeopleErrorCodeEnum
from app.people.models import CheckKind as CheckKindEnum
from app.people.models import CheckStatus as CheckStatusEnum
from app.people.models import Digest as DigestEnum
from app.people.models import Member as MemberModel
from app.people.models import Role as RoleEnum
from app.people.models import Skill as SkillModel
from app.people.models import TrustCheck as TrustCheckModel
from app.people.models import Weekday as WeekdayEnum
from schema.assets.impact_types import ProfileImpactType, impact_of
from schema.context import Info
from schema.organisations.types import member_organisations_field
from schema.people import loaders
from schema.relay import orm_node
from schema.translated import translated_name

Role = strawberry.enum(RoleEnum, name="Role")
CheckKind = strawberry.enum(CheckKindEnum, name="CheckKind")
CheckStatus = strawberry.enum(CheckStatusEnum, name="CheckStatus")
PeopleErrorCode = strawberry.enum(PeopleErrorCodeEnum, name="PeopleErrorCode")
Weekday = strawberry.enum(WeekdayEnum, name="Weekday", description="A day of the week.")
DigestFrequency = strawberry.enum(
    DigestEnum, name="DigestFrequency", description="How often matches come as an email digest."
)


@strawberry.type(description="Why a people mutation did not do what was asked.")
class PeopleError:
    code: PeopleErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@strawberry.type(description="A weekly slot when the member can usually help (hub time zone).")
class AvailabilitySlot:
    weekday: Weekday  # type: ignore[valid-type]
    start: str = strawberry.field(description="HH:MM, 24-hour.")
    end: str = strawberry.field(description="HH:MM, 24-hour; after `start`.")


@strawberry.type(description="How the member wants to hear about matches.")
class NotificationPreferences:
    email: bool
    in_app: bool
    digest: DigestFrequency  # type: ignore[valid-type]
    quiet_hours_start: str | None = strawberry.field(description="HH:MM: nothing is sent from…")
    quiet_hours_end: str | None = strawberry.field(description="…until HH:MM (may be next day).")


@strawberry.type(description="A point (WGS84).")
class HomeLocation:
    lat: float
    lng: float


@orm_node(SkillModel)
@strawberry.type(name="Skill", description="A skill from the hub's taxonomy.")
class Skill(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str = translated_name()
    category: str


@orm_node(TrustCheckModel)
@strawberry.type(
    name="TrustCheck",
    description="A check such as a DBS certificate, verified by a moderator. Visible to its "
    "member and moderators only.",
)
class TrustCheck(relay.Node):
    id: relay.NodeID[int]
    kind: CheckKind  # type: ignore[valid-type]
    expires_on: date | None
    status: CheckStatus  # type: ignore[valid-type]
    reviewed_at: datetime | None
    review_note: str
    created_at: datetime

    reference: str = strawberry.field(description="Certificate or document number.")

    @strawberry.field(description="Verified and not expired: it counts today.")
    def valid(self, root: TrustCheckModel) -> bool:
        return service.is_valid(root)

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

    @strawberry.field(
        description="What their sharing diverted and saved (shared assets): for signed-in"
        " members of the hub."
    )
    async def impact(self, root: MemberModel, info: Info) -> ProfileImpactType | None:
        return await impact_of(info, "member", root.id)

    @strawberry.field(description="Only visible to the member themself.")
    def email(self, root: MemberModel) -> str | None:
        return root.email

    @strawberry.field(description="Only visible to the member themself.")
    def email_verified(self, root: MemberModel) -> bool | None:
        return root.email_verified_at is not None

    @strawberry.field(description="Exact home: only visible to the member themself.")
    def home_location(self, root: MemberModel) -> HomeLocation | None:
        if root.home_lat is None or root.home_lng is None:
            return None
        return HomeLocation(lat=root.home_lat, lng=root.home_lng)

    @strawberry.field(description="Only visible to the member themself.")
    def date_of_birth(self, root: MemberModel) -> date | None:
        return root.date_of_birth

    @strawberry.field(
        description="The language they chose (en-GB, it, es); null: the hub's. Only visible to"
        " the member themself."
    )
    def locale(self, root: MemberModel) -> str | None:
        return root.locale

    @strawberry.field(
        description="When they can usually help, by weekday and time; for signed-in members."
    )
    def availability(self, root: MemberModel) -> list[AvailabilitySlot] | None:
        return [
            AvailabilitySlot(weekday=WeekdayEnum(s["weekday"]), start=s["from"], end=s["to"])
            for s in root.availability or []
        ]

    @strawberry.field(description="Only visible to the member themself.")
    def notification_preferences(self, root: MemberModel) -> NotificationPreferences | None:
        prefs = service.notification_prefs(root)
        return NotificationPreferences(
            email=prefs["email"],
            in_app=prefs["in_app"],
            digest=DigestEnum(prefs["digest"]),
            quiet_hours_start=prefs["quiet_from"],
            quiet_hours_end=prefs["quiet_to"],
        )

    @strawberry.field(description="Skills from the hub's taxonomy, by name.")
    async def skills(self, root: MemberModel, info: Info) -> list[Skill]:
        return await loaders.skills_by_member(info).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Visible to the member themself, moderators and hub admins.")
    async def roles(self, root: MemberModel, info: Info) -> list[Role] | None:  # type: ignore[valid-type]
        return await loaders.roles_by_member(info).load(root.id)

    @strawberry.field(description="Newest first. Visible to the member themself and moderators.")
    async def trust_checks(self, root: MemberModel, info: Info) -> list[TrustCheck] | None:
        return await loaders.checks_by_member(info).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Ratings received after delivered engagements.")
    async def rating(self, root: MemberModel, info: Info) -> MemberRating:
        count, average = await loaders.ratings_by_member(info).load(root.id)
        return MemberRating(count=count, average=average)

"""Members of a hub: profile, roles, skills, trust checks and proxy links."""

from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint
from tortoise.signals import post_delete, post_save

from app.auth import cache as auth_cache
from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub


class Role(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"
    MODERATOR = "moderator"
    ANALYST = "analyst"
    HUB_ADMIN = "hub_admin"
    ASSET_MANAGER = "asset_manager"  # manages the hub's own (council) shared assets
    # The council's officers (app/civic): the body responsible for problem reports no
    # organisation takes, and the one that must answer ideas that reach their threshold.
    COUNCIL = "council"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    # An API client's own identity (app/oauth/service_identity.py): it cannot sign in, is
    # never matched, paid or listed among active members; its client-credentials tokens act as it.
    SERVICE = "service"


class CheckKind(StrEnum):
    DBS_BASIC = "dbs_basic"
    DBS_ENHANCED = "dbs_enhanced"
    FIRST_AID = "first_aid"
    FOOD_HYGIENE = "food_hygiene"
    IDENTITY = "identity"
    DRIVING_LICENCE = "driving_licence"


class CheckStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Weekday(IntEnum):
    """ISO weekday numbers, as stored in `Member.availability`."""

    MON = 1
    TUE = 2
    WED = 3
    THU = 4
    FRI = 5
    SAT = 6
    SUN = 7


class Digest(StrEnum):
    """How often a member gets the email digest of matches (`notification_prefs["digest"]`)."""

    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"


class Member(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name="members", on_delete=fields.RESTRICT
    )
    hub_id: int
    email = fields.CharField(max_length=254, null=True)
    password_hash = fields.CharField(max_length=255, null=True)
    email_verified_at = fields.DatetimeField(null=True)
    display_name = fields.CharField(max_length=80)
    bio = fields.TextField(default="")
    interests: list[str] = fields.JSONField(default=list)
    # Exact home point: private. home_cell (H3) is what anyone else and matching sees.
    home_lat = fields.FloatField(null=True)
    home_lng = fields.FloatField(null=True)
    home_cell = fields.CharField(max_length=16, null=True)
    travel_km = fields.IntField(default=5)
    # [{"weekday": 1-7 (ISO, 1 = Monday), "from": "HH:MM", "to": "HH:MM"}] in the hub's zone
    availability: list[dict[str, Any]] = fields.JSONField(default=list)
    # {"email": bool, "in_app": bool, "digest": Digest, "quiet_from"/"quiet_to": "HH:MM" | None};
    # a missing key means its default (see app.people.service.DEFAULT_PREFS).
    notification_prefs: dict[str, Any] = fields.JSONField(default=dict)
    date_of_birth = fields.DateField(null=True)
    # The member's chosen language (app/i18n/locales.py SUPPORTED); None: the hub's.
    locale = fields.CharField(max_length=20, null=True)
    is_proxy = fields.BooleanField(default=False)
    status = fields.CharEnumField(MemberStatus, max_length=16, default=MemberStatus.ACTIVE)
    # Set when the member erased their account (app/gdpr/erasure.py): the row stays, pseudonymous,
    # so that the ledger, reviews and the audit log keep pointing somewhere.
    erased_at = fields.DatetimeField(null=True)
    # A guest (app/federation/guests.py): a member of a partner hub (this member of theirs) who
    # applied to an opportunity here. No email or password of its own; one per hub and person.
    home_member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    home_member_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    @property
    def is_guest(self) -> bool:
        return getattr(self, "home_member_id", None) is not None

    class Meta:
        table = "member"
        constraints = (
            UniqueConstraint(fields=("hub_id", "email"), name="member_hub_email_uniq"),
            UniqueConstraint(fields=("hub_id", "home_member_id"), name="member_guest_uniq"),
            CheckConstraint(
                check="travel_km >= 0 AND travel_km <= 200", name="member_travel_km_range"
            ),
        )
        indexes = (("hub_id", "home_cell"),)


class MemberRole(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="roles", on_delete=fields.CASCADE
    )
    member_id: int
    role = fields.CharEnumField(Role, max_length=16)

    class Meta:
        table = "member_role"
        constraints = (
            UniqueConstraint(fields=("hub_id", "member_id", "role"), name="member_role_uniq"),
        )


class Skill(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name="skills", on_delete=fields.RESTRICT
    )
    hub_id: int
    slug = fields.CharField(max_length=60)
    name = fields.CharField(max_length=80)
    # {"it": "...", "es": "..."}: the name in other languages, entered by hub admins
    # (app/hubs/translations.py); the API falls back to `name`.
    name_translations: dict[str, str] | None = fields.JSONField(null=True)
    category = fields.CharField(max_length=60, default="general")

    class Meta:
        table = "skill"
        constraints = (UniqueConstraint(fields=("hub_id", "slug"), name="skill_hub_slug_uniq"),)


class MemberSkill(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="member_skills", on_delete=fields.CASCADE
    )
    member_id: int
    skill: fields.ForeignKeyRelation["Skill"] = fields.ForeignKeyField(
        "models.Skill", related_name="member_skills", on_delete=fields.CASCADE
    )
    skill_id: int

    class Meta:
        table = "member_skill"
        constraints = (
            UniqueConstraint(fields=("hub_id", "member_id", "skill_id"), name="member_skill_uniq"),
        )
        indexes = (("hub_id", "skill_id"),)


class TrustCheck(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="trust_checks", on_delete=fields.CASCADE
    )
    member_id: int
    kind = fields.CharEnumField(CheckKind, max_length=24)
    reference = fields.CharField(max_length=64)
    expires_on = fields.DateField(null=True)
    status = fields.CharEnumField(CheckStatus, max_length=16, default=CheckStatus.PENDING)
    reviewed_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewed_by_id: int | None
    reviewed_at = fields.DatetimeField(null=True)
    review_note = fields.CharField(max_length=500, default="")

    class Meta:
        table = "trust_check"
        indexes = (("hub_id", "status"), ("hub_id", "member_id"))


class ProxyLink(Base):
    """A coordinator may act for a member who is not online (time-bank practice)."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    coordinator: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="proxied", on_delete=fields.CASCADE
    )
    coordinator_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="proxies", on_delete=fields.CASCADE
    )
    member_id: int
    active = fields.BooleanField(default=True)

    class Meta:
        table = "proxy_link"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "coordinator_id", "member_id"), name="proxy_link_uniq"
            ),
        )


# Signed-in requests remember the member and roles with the token (app/auth/cache.py): any
# saved change ends those entries here and, through Redis, in every other process.
# Queryset updates and deletes send no signal: their callers call app.auth.cache.forget.
@post_save(Member)
async def _member_saved(
    sender: type[Member], instance: Member, created: bool, using_db: Any, update_fields: Any
) -> None:
    if not created:
        auth_cache.forget_soon(member_id=instance.id)


@post_save(MemberRole)
async def _role_saved(
    sender: type[MemberRole], instance: MemberRole, created: bool, using_db: Any, update_fields: Any
) -> None:
    auth_cache.forget_soon(member_id=instance.member_id)


@post_delete(MemberRole)
async def _role_deleted(sender: type[MemberRole], instance: MemberRole, using_db: Any) -> None:
    auth_cache.forget_soon(member_id=instance.member_id)

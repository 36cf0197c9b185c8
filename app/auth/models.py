"""Sign-in sessions and opaque tokens (stored as SHA-256 hashes only)."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.people.models import Member


class TokenKind(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


class AuthSession(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="sessions", on_delete=fields.CASCADE
    )
    member_id: int
    user_agent = fields.CharField(max_length=200, default="")
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_session"


class AuthToken(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="tokens", on_delete=fields.CASCADE
    )
    member_id: int
    session: fields.ForeignKeyNullableRelation[AuthSession] = fields.ForeignKeyField(
        "models.AuthSession", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    session_id: int | None
    kind = fields.CharEnumField(TokenKind, max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_token"
        indexes = (("member_id", "kind"),)

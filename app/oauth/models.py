"""API clients of third parties, members' consents to them, and OAuth codes and tokens.

Secrets are kept as argon2 hashes (like passwords), codes and tokens as SHA-256 digests: none
of them can be read back from the database.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class ApiClient(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    # The organisation the client works for; None: registered by the hub's admins.
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organisation_id: int | None
    registered_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    registered_by_id: int | None
    # The client's own identity: client-credentials tokens act as it, within the scopes
    # (app/oauth/service_identity.py). None until the client first needs it.
    service_member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    service_member_id: int | None
    client_id = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=80)
    redirect_uris: list[str] = fields.JSONField(default=list)
    scopes: list[str] = fields.JSONField(default=list)
    secret_hash = fields.CharField(max_length=200)
    # After a rotation the old secret still works until `previous_secret_until`.
    previous_secret_hash = fields.CharField(max_length=200, null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    suspended_at = fields.DatetimeField(null=True)
    request_count = fields.BigIntField(default=0)
    # Query cost charged to the client's budget (app/budgets), summed over its requests.
    cost_spent = fields.BigIntField(default=0)
    error_counts: dict[str, int] = fields.JSONField(default=dict)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_client"
        indexes = (("hub_id", "organisation_id"),)


class OAuthGrant(Base):
    """A member's consent to a client (a "connected app"): the scopes they agreed to."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    client: fields.ForeignKeyRelation[ApiClient] = fields.ForeignKeyField(
        "models.ApiClient", related_name=False, on_delete=fields.CASCADE
    )
    client_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    scopes: list[str] = fields.JSONField(default=list)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_grant"
        constraints = (
            UniqueConstraint(fields=("hub_id", "client_id", "member_id"), name="oauth_grant_once"),
        )
        indexes = (("hub_id", "member_id"),)


class OAuthCode(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    grant: fields.ForeignKeyRelation[OAuthGrant] = fields.ForeignKeyField(
        "models.OAuthGrant", related_name=False, on_delete=fields.CASCADE
    )
    grant_id: int
    code_hash = fields.CharField(max_length=64, unique=True)
    redirect_uri = fields.CharField(max_length=500)
    scopes: list[str] = fields.JSONField(default=list)
    code_challenge = fields.CharField(max_length=128)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_code"


class OAuthTokenKind(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


class OAuthToken(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    client: fields.ForeignKeyRelation[ApiClient] = fields.ForeignKeyField(
        "models.ApiClient", related_name=False, on_delete=fields.CASCADE
    )
    client_id: int
    # None for client credentials (the client's own token).
    grant: fields.ForeignKeyNullableRelation[OAuthGrant] = fields.ForeignKeyField(
        "models.OAuthGrant", related_name=False, null=True, on_delete=fields.CASCADE
    )
    grant_id: int | None
    # The code it was issued for: a second use of that code revokes it (RFC 6749 4.1.2).
    code: fields.ForeignKeyNullableRelation[OAuthCode] = fields.ForeignKeyField(
        "models.OAuthCode", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    code_id: int | None
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    kind = fields.CharEnumField(OAuthTokenKind, max_length=10)
    token_hash = fields.CharField(max_length=64, unique=True)
    scopes: list[str] = fields.JSONField(default=list)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_token"
        indexes = (("hub_id", "grant_id"), ("hub_id", "client_id"))

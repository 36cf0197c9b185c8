"""Apps connected to a member's account: consenting to a client, listing and revoking them."""

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.i18n import _
from app.oauth.errors import ApiClientErrorCode as E
from app.oauth.models import ApiClient, OAuthGrant, OAuthToken
from app.people.models import Member
from app.policy import Viewer, can_see, visible


async def consent(*, member: Member, client: ApiClient, scopes: list[str]) -> OAuthGrant:
    """Records the member's consent to `scopes` for the client (again: the new scopes)."""
    hub_id: int = member.hub_id  # type: ignore[attr-defined]
    async with in_transaction():
        grant, created = await OAuthGrant.get_or_create(
            hub_id=hub_id,
            client_id=client.id,
            member_id=member.id,
            defaults={"scopes": scopes},
        )
        if not created:
            grant.scopes, grant.revoked_at = scopes, None
            await grant.save(update_fields=["scopes", "revoked_at"])
        await audit.record(
            actor=Actor(member=member),
            hub_id=hub_id,
            action="oauth.consent",
            object_type="ApiClient",
            object_id=client.id,
            data={"scopes": scopes},
        )
    return grant


async def list_for(*, actor: Actor) -> list[OAuthGrant]:
    """The apps the member has connected (not revoked), most recent first."""
    viewer = Viewer.of(actor)
    query = OAuthGrant.filter(hub_id=actor.hub_id, revoked_at=None)
    grants = await (await visible(viewer, "ConnectedApp", query)).order_by("-created_at", "-id")
    return list(grants)


async def revoke(*, actor: Actor, grant_id: int) -> OAuthGrant:
    """Disconnects the app: its grant and every token issued under it end at once."""
    now = datetime.now(UTC)
    async with in_transaction():
        grant = await OAuthGrant.select_for_update().get_or_none(id=grant_id, hub_id=actor.hub_id)
        if (
            grant is None
            or grant.revoked_at is not None
            or not await can_see(Viewer.of(actor), "ConnectedApp", grant)
        ):
            raise DomainError(E.NOT_FOUND, _("No such connected app."), "connectedAppId")
        grant.revoked_at = now
        await grant.save(update_fields=["revoked_at"])
        await OAuthToken.filter(hub_id=actor.hub_id, grant_id=grant.id, revoked_at=None).update(
            revoked_at=now
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="oauth.revoke_app",
            object_type="ApiClient",
            object_id=grant.client_id,
        )
    return grant

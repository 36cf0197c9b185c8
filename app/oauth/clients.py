"""Registering API clients: hub admins for the hub, organisation managers for theirs.

The secret is returned once and kept as an argon2 hash (app/auth/passwords.py); rotating it
keeps the old one working for CH_OAUTH_SECRET_OVERLAP_SECONDS, so a deployment can switch
without downtime. A suspended client gets no token and its tokens stop working at once.
"""

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.auth import passwords
from app.config import get_settings
from app.errors import AccessDenied, DomainError, ErrorBag
from app.i18n import _
from app.oauth import scopes as oauth_scopes
from app.oauth import service_identity
from app.oauth.errors import ApiClientErrorCode as E
from app.oauth.models import ApiClient
from app.oauth.policy import HUB_ADMIN, MANAGES_CLIENT
from app.organisations.models import Organisation
from app.organisations.policy import ITS_MANAGERS
from app.people.models import Role
from app.policy import Viewer

MAX_REDIRECT_URIS = 10
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def new_secret() -> str:
    return "chs_" + secrets.token_urlsafe(32)


def check_redirect_uris(uris: list[str], *, field: str = "redirectUris") -> list[str]:
    """Absolute https URIs (http only on loopback, RFC 8252), no fragment, no credentials."""
    if len(uris) > MAX_REDIRECT_URIS:
        raise DomainError(
            E.INVALID_REDIRECT_URI,
            _("At most {MAX_REDIRECT_URIS} URIs.", MAX_REDIRECT_URIS=MAX_REDIRECT_URIS),
            field,
        )
    cleaned: list[str] = []
    for uri in uris:
        uri = uri.strip()
        try:
            parts = urlsplit(uri)
            host = parts.hostname
        except ValueError:
            host, parts = None, None
        secure = parts is not None and (
            parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)
        )
        if parts is None or len(uri) > 500 or not secure or not host:
            raise DomainError(
                E.INVALID_REDIRECT_URI,
                _(
                    "Give absolute https URIs (http only for 127.0.0.1 or localhost), at "
                    "most 500 characters."
                ),
                field,
            )
        if parts.fragment or "#" in uri or parts.username or parts.password:
            raise DomainError(
                E.INVALID_REDIRECT_URI,
                _("A redirect URI has no fragment and no credentials."),
                field,
            )
        if any(c.isspace() or ord(c) < 32 for c in uri):
            raise DomainError(E.INVALID_REDIRECT_URI, _("A redirect URI has no spaces."), field)
        cleaned.append(uri)
    return list(dict.fromkeys(cleaned))


def check_scopes(names: list[str], *, field: str = "scopes") -> list[str]:
    unknown = oauth_scopes.unknown(names)
    if unknown:
        known = ", ".join(oauth_scopes.ALL)
        raise DomainError(
            E.UNKNOWN_SCOPE,
            _("Unknown scopes: {names}. Known: {known}.", names=", ".join(unknown), known=known),
            field,
        )
    if not names:
        raise DomainError(E.UNKNOWN_SCOPE, _("Give at least one scope."), field)
    return [s for s in oauth_scopes.ALL if s in names]


async def register(
    *,
    actor: Actor,
    name: str,
    redirect_uris: list[str],
    scopes: list[str],
    organisation_id: int | None = None,
    service_roles: list[Role] | None = None,
) -> tuple[ApiClient, str]:
    """Registers a client with its own identity (app/oauth/service_identity.py); returns it
    with its secret (shown this once). `service_roles`: hub roles for a hub client's identity."""
    bag = ErrorBag()
    with bag.catch():
        name = v.text(name, field="name", max_length=80, invalid=E.INVALID)
    with bag.catch():
        redirect_uris = check_redirect_uris(redirect_uris)
    with bag.catch():
        scopes = check_scopes(scopes)
    with bag.catch():
        roles = _service_roles(service_roles or [], organisation_id)
    bag.raise_if_any()
    await _may_register(actor, organisation_id)
    secret = new_secret()
    secret_hash = passwords.hash_password(secret)
    async with in_transaction():
        client = await ApiClient.create(
            hub_id=actor.hub_id,
            organisation_id=organisation_id,
            registered_by_id=actor.member_id,
            client_id="chc_" + secrets.token_urlsafe(18),
            name=name,
            redirect_uris=redirect_uris,
            scopes=scopes,
            secret_hash=secret_hash,
        )
        await service_identity.create(client=client, roles=roles)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="api_client.register",
            object_type="ApiClient",
            object_id=client.id,
            data={
                "scopes": scopes,
                "organisation_id": organisation_id,
                "service_roles": sorted(roles),
            },
        )
    return client, secret


def _service_roles(names: list[Role], organisation_id: int | None) -> frozenset[Role]:
    roles = frozenset(names)
    if roles and organisation_id is not None:
        raise DomainError(
            E.INVALID,
            _("An organisation's client acts as the organisation's staff: it has no hub roles."),
            "serviceRoles",
        )
    if roles - service_identity.GRANTABLE:
        raise DomainError(
            E.INVALID,
            _(
                "A client's identity may hold these roles: {names}.",
                names=", ".join(sorted(service_identity.GRANTABLE)),
            ),
            "serviceRoles",
        )
    return roles


async def _may_register(actor: Actor, organisation_id: int | None) -> None:
    viewer = Viewer.of(actor)
    if organisation_id is None:
        if not HUB_ADMIN.quick(viewer, None):
            raise AccessDenied(_("Only the hub's admins register clients for the hub."))
        return
    org = await Organisation.get_or_none(id=organisation_id, hub_id=actor.hub_id)
    if org is None:
        raise DomainError(E.NOT_FOUND, _("No such organisation in this hub."), "organisationId")
    if not (HUB_ADMIN.quick(viewer, None) or await ITS_MANAGERS.allows(viewer, org)):
        raise AccessDenied(_("Only the organisation's owners and admins register its clients."))


async def _managed(actor: Actor, client_id: int) -> ApiClient:
    """The client, row-locked, if the actor manages it (NOT_FOUND otherwise: no probing)."""
    client = await ApiClient.select_for_update().get_or_none(id=client_id, hub_id=actor.hub_id)
    if client is None or not await MANAGES_CLIENT.allows(Viewer.of(actor), client):
        raise DomainError(E.NOT_FOUND, _("No such API client."), "clientId")
    return client


async def rotate_secret(*, actor: Actor, client_id: int) -> tuple[ApiClient, str]:
    """A new secret; the current one keeps working for the overlap window."""
    secret = new_secret()
    secret_hash = passwords.hash_password(secret)
    overlap = timedelta(seconds=get_settings().oauth_secret_overlap_seconds)
    async with in_transaction():
        client = await _managed(actor, client_id)
        client.previous_secret_hash = client.secret_hash
        client.previous_secret_until = datetime.now(UTC) + overlap
        client.secret_hash = secret_hash
        await client.save(
            update_fields=["previous_secret_hash", "previous_secret_until", "secret_hash"]
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="api_client.rotate_secret",
            object_type="ApiClient",
            object_id=client.id,
        )
    return client, secret


async def set_suspended(*, actor: Actor, client_id: int, suspended: bool) -> ApiClient:
    """Suspends (its tokens stop working at once) or reinstates a client."""
    async with in_transaction():
        client = await _managed(actor, client_id)
        if suspended and client.suspended_at is None:
            client.suspended_at = datetime.now(UTC)
        elif not suspended:
            client.suspended_at = None
        await client.save(update_fields=["suspended_at"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="api_client.suspend" if suspended else "api_client.reinstate",
            object_type="ApiClient",
            object_id=client.id,
        )
    return client


def secret_matches(client: ApiClient, secret: str, *, now: datetime | None = None) -> bool:
    """The current secret, or the previous one within its overlap window."""
    if not secret.startswith("chs_") or len(secret) > 100:
        return False
    if passwords.verify_password(client.secret_hash, secret):
        return True
    until = client.previous_secret_until
    if client.previous_secret_hash and until and until > (now or datetime.now(UTC)):
        return passwords.verify_password(client.previous_secret_hash, secret)
    return False

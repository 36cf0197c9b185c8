"""API client mutations: register, rotate the secret, suspend; disconnect an app."""

import strawberry

from app.oauth import clients, connected
from app.oauth.errors import ApiClientErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.oauth.types import ApiClient, ApiClientError, ConnectedApp
from schema.organisations.types import Organisation  # noqa: F401  (the ID's type name)
from schema.people.types import Role
from schema.relay import decode_id


@strawberry.type
class ApiClientPayload:
    client: ApiClient | None = None
    client_secret: str | None = strawberry.field(
        default=None,
        description="Shown once (register and rotate): only a hash of it is kept.",
    )
    errors: list[ApiClientError] = strawberry.field(default_factory=list)


@strawberry.type
class ConnectedAppPayload:
    connected_app: ConnectedApp | None = None
    errors: list[ApiClientError] = strawberry.field(default_factory=list)


@strawberry.input
class CreateApiClientInput:
    name: str
    redirect_uris: list[str]
    scopes: list[str]
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Register it for this organisation (its owners, admins)."
    )
    service_roles: list[Role] | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="A hub client's own identity (its client-credentials tokens act as it)"
        " holds these hub roles, within its scopes (none by default). An organisation's"
        " client acts as the organisation's staff and takes none.",
    )


@strawberry.input
class RotateApiClientSecretInput:
    client_id: strawberry.ID


@strawberry.input
class SetApiClientSuspendedInput:
    client_id: strawberry.ID
    suspended: bool


@strawberry.input
class RevokeConnectedAppInput:
    connected_app_id: strawberry.ID


def _client_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "ApiClient", field="clientId", invalid=E.INVALID)


@errors_as_data(ApiClientError, E, ApiClientPayload)
async def create_api_client(input: CreateApiClientInput, info: Info) -> ApiClientPayload:
    """Hub admins for the hub; organisation owners and admins for their organisation."""
    organisation_id = (
        decode_id(input.organisation_id, "Organisation", field="organisationId", invalid=E.INVALID)
        if input.organisation_id is not None
        else None
    )
    client, secret = await clients.register(
        actor=info.context.require_actor(),
        name=input.name,
        redirect_uris=input.redirect_uris,
        scopes=input.scopes,
        organisation_id=organisation_id,
        service_roles=list(input.service_roles or []),
    )
    return ApiClientPayload(client=client, client_secret=secret)  # type: ignore[arg-type]


@errors_as_data(ApiClientError, E, ApiClientPayload)
async def rotate_api_client_secret(
    input: RotateApiClientSecretInput, info: Info
) -> ApiClientPayload:
    """A new secret; the old one keeps working for CH_OAUTH_SECRET_OVERLAP_SECONDS."""
    client, secret = await clients.rotate_secret(
        actor=info.context.require_actor(), client_id=_client_id(input.client_id)
    )
    return ApiClientPayload(client=client, client_secret=secret)  # type: ignore[arg-type]


@errors_as_data(ApiClientError, E, ApiClientPayload)
async def set_api_client_suspended(
    input: SetApiClientSuspendedInput, info: Info
) -> ApiClientPayload:
    """Suspending ends its tokens at once and refuses new ones."""
    client = await clients.set_suspended(
        actor=info.context.require_actor(),
        client_id=_client_id(input.client_id),
        suspended=input.suspended,
    )
    return ApiClientPayload(client=client)  # type: ignore[arg-type]


@errors_as_data(ApiClientError, E, ConnectedAppPayload)
async def revoke_connected_app(input: RevokeConnectedAppInput, info: Info) -> ConnectedAppPayload:
    """Disconnects the app from your account: its tokens stop working at once."""
    grant = await connected.revoke(
        actor=info.context.require_actor(),
        grant_id=decode_id(
            input.connected_app_id, "ConnectedApp", field="connectedAppId", invalid=E.INVALID
        ),
    )
    return ConnectedAppPayload(connected_app=grant)  # type: ignore[arg-type]


@strawberry.type
class OAuthMutations:
    create_api_client = strawberry.mutation(resolver=create_api_client)
    rotate_api_client_secret = strawberry.mutation(resolver=rotate_api_client_secret)
    set_api_client_suspended = strawberry.mutation(resolver=set_api_client_suspended)
    revoke_connected_app = strawberry.mutation(resolver=revoke_connected_app)

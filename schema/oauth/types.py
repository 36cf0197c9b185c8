"""GraphQL types of API clients and of the apps connected to a member's account."""

from datetime import datetime

import strawberry
from strawberry import relay

from app.hubs.models import Hub
from app.oauth import scopes as oauth_scopes
from app.oauth.errors import ApiClientErrorCode as ApiClientErrorCodeEnum
from app.oauth.models import ApiClient as ApiClientModel
from app.oauth.models import OAuthGrant
from app.organisations.models import Organisation as OrganisationModel
from schema.context import Info
from schema.organisations.types import Organisation
from schema.relay import orm_node

ApiClientErrorCode = strawberry.enum(ApiClientErrorCodeEnum, name="ApiClientErrorCode")


@strawberry.type(description="Why an API client mutation did not go through.")
class ApiClientError:
    code: ApiClientErrorCode  # type: ignore[valid-type]
    field: str | None
    message: str


@strawberry.type(description="How often an error code was answered to the client.")
class ApiErrorCount:
    code: str
    count: int


@strawberry.type(
    description="What a client has used: requests, query cost, errors by code, last use."
)
class ApiClientUsage:
    requests: int
    cost_spent: int = strawberry.field(
        description="Query cost charged to the client's budget, over all its requests."
    )
    errors: list[ApiErrorCount]
    last_used_at: datetime | None


@orm_node(ApiClientModel)
@strawberry.type(
    name="ApiClient",
    description="A third party's app registered with the hub: OAuth 2.0 client credentials,"
    " and the authorization code flow (with PKCE) for members' consent.",
)
class ApiClient(relay.Node):
    id: relay.NodeID[int]
    client_id: str = strawberry.field(description="The OAuth client_id (public).")
    name: str
    redirect_uris: list[str]
    scopes: list[str]
    suspended_at: datetime | None
    created_at: datetime

    @strawberry.field(description="After a rotation, the old secret works until then.")
    def previous_secret_valid_until(self, root: ApiClientModel) -> datetime | None:
        return root.previous_secret_until if root.previous_secret_hash else None

    @strawberry.field(description="Suspended clients get no tokens; theirs stop working.")
    def suspended(self, root: ApiClientModel) -> bool:
        return root.suspended_at is not None

    @strawberry.field(description="The organisation it works for; null: the hub's own.")
    async def organisation(self, root: ApiClientModel, info: Info) -> Organisation | None:
        if root.organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]

    @strawberry.field
    def usage(self, root: ApiClientModel) -> ApiClientUsage:
        counts = root.error_counts or {}
        return ApiClientUsage(
            requests=root.request_count,
            cost_spent=root.cost_spent,
            errors=[ApiErrorCount(code=c, count=int(n)) for c, n in sorted(counts.items())],
            last_used_at=root.last_used_at,
        )


@orm_node(OAuthGrant)
@strawberry.type(
    name="ConnectedApp",
    description="An app the member allowed to act for them, with what they allowed.",
)
class ConnectedApp(relay.Node):
    id: relay.NodeID[int]
    scopes: list[str]
    created_at: datetime

    @strawberry.field(description="The app's name.")
    async def client_name(self, root: OAuthGrant, info: Info) -> str:
        client = await info.context.loaders.by_id(ApiClientModel).load(root.client_id)
        return client.name if client else ""

    @strawberry.field(description="Who offers the app: an organisation, or the hub itself.")
    async def owner_name(self, root: OAuthGrant, info: Info) -> str:
        client = await info.context.loaders.by_id(ApiClientModel).load(root.client_id)
        if client is None:
            return ""
        if client.organisation_id is not None:
            org = await info.context.loaders.by_id(OrganisationModel).load(client.organisation_id)
            if org is not None:
                return str(org.name)
        hub = await info.context.loaders.by_id(Hub).load(client.hub_id)
        return f"{hub.name} (the hub's administrators)" if hub else ""

    @strawberry.field(description="The scopes in plain words, as the consent page said them.")
    def scope_descriptions(self, root: OAuthGrant) -> list[str]:
        return oauth_scopes.words(root.scopes)

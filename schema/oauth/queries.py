"""API clients (their managers) and connected apps (the member's own)."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.oauth import connected
from app.oauth.models import ApiClient as ApiClientModel
from app.policy import visible
from schema.context import Info
from schema.oauth.types import ApiClient, ConnectedApp
from schema.relay import Page


@strawberry.type
class OAuthQueries:
    @relay.connection(  # type: ignore[misc]
        Page[ApiClient],
        description="API clients you manage: all of the hub's for its admins, your"
        " organisations' for their owners and admins.",
    )
    async def api_clients(self, info: Info) -> Iterable[ApiClient]:
        viewer = info.context.viewer
        clients = ApiClientModel.filter(hub_id=viewer.hub_id)
        return (await visible(viewer, "ApiClient", clients)).order_by("id")  # type: ignore[return-value]

    @strawberry.field(description="Apps you allowed to act for you (not disconnected).")
    async def my_connected_apps(self, info: Info) -> list[ConnectedApp]:
        return await connected.list_for(actor=info.context.require_actor())  # type: ignore[return-value]

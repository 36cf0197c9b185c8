"""Hub queries."""

import strawberry

from app.hubs.models import Hub as HubModel
from schema.context import Info
from schema.hubs.types import Hub


@strawberry.type
class HubQueries:
    @strawberry.field(description="A hub by its slug (public).")
    async def hub(self, slug: str) -> Hub | None:
        return await HubModel.get_or_none(slug=slug[:60])  # type: ignore[return-value]

    @strawberry.field(description="The hub of this request: the viewer's, or the CH-Hub header's.")
    async def current_hub(self, info: Info) -> Hub | None:
        hub_id = info.context.hub_id
        if hub_id is None:
            return None
        return await info.context.loaders.by_id(HubModel).load(hub_id)  # type: ignore[return-value]

"""Campaign lists: the hub's campaigns, your pledges and orders, a supplier's orders."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.campaigns import lists, orders
from app.campaigns.errors import CampaignErrorCode as E
from app.campaigns.models import Campaign as CampaignModel
from app.policy import visible
from schema.campaigns.types import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    GroupBuyOrder,
    InKindPledge,
    Pledge,
)
from schema.context import Info
from schema.relay import Page, decode_id


@strawberry.type
class CampaignQueries:
    @relay.connection(  # type: ignore[misc]
        Page[Campaign],
        description="The hub's campaigns, those ending soonest first (drafts: your own only).",
    )
    async def campaigns(
        self,
        info: Info,
        kind: CampaignKind | None = None,  # type: ignore[valid-type]
        status: CampaignStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Campaign]:
        viewer = info.context.viewer
        if viewer.hub_id is None:
            return []
        query = await visible(viewer, "Campaign", CampaignModel.filter(hub_id=viewer.hub_id))
        if kind is not None:
            query = query.filter(kind=kind)
        if status is not None:
            query = query.filter(status=status)
        return query.order_by("deadline", "id")  # type: ignore[return-value]

    @relay.connection(Page[Pledge], description="Your pledges, newest first.")  # type: ignore[misc]
    async def my_pledges(self, info: Info) -> Iterable[Pledge]:
        actor = info.context.require_actor()
        return await lists.pledges_of(actor=actor, viewer=info.context.viewer)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[InKindPledge], description="Your in-kind pledges (hours, items), newest first."
    )
    async def my_in_kind_pledges(self, info: Info) -> Iterable[InKindPledge]:
        actor = info.context.require_actor()
        return await lists.in_kind_of(actor=actor, viewer=info.context.viewer)  # type: ignore[return-value]

    @relay.connection(Page[GroupBuyOrder], description="Your group-buy orders, newest first.")  # type: ignore[misc]
    async def my_orders(self, info: Info) -> Iterable[GroupBuyOrder]:
        actor = info.context.require_actor()
        return await lists.orders_of(actor=actor, viewer=info.context.viewer)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[GroupBuyOrder],
        description="The orders a supplier hands over, oldest first (its people). Errors"
        " (extensions.code): FORBIDDEN (not one of its people).",
    )
    async def supplier_orders(
        self, info: Info, organisation_id: strawberry.ID
    ) -> Iterable[GroupBuyOrder]:
        org = decode_id(organisation_id, "Organisation", field="organisationId", invalid=E.INVALID)
        query = await orders.supplier_orders(
            actor=info.context.require_actor(), organisation_id=org
        )
        return await visible(info.context.viewer, "GroupBuyOrder", query)  # type: ignore[return-value]

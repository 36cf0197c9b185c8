"""The roots of giveaways, shares recorded off the site and the moderation of held listings:
their lists and their mutations (one mutation per module in schema/assets/mutations/)."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.assets import giveaways, moderation, offsite
from app.policy import visible
from schema.assets.giveaway_types import (
    GiveawayRequest,
    GiveawayRequestStatus,
    OffSiteShare,
    OffSiteShareStatus,
)
from schema.assets.mutations.approve_asset import approve_asset
from schema.assets.mutations.choose_giveaway_request import choose_giveaway_request
from schema.assets.mutations.confirm_giveaway_handover import confirm_giveaway_handover
from schema.assets.mutations.confirm_off_site_share import confirm_off_site_share
from schema.assets.mutations.decline_giveaway_request import decline_giveaway_request
from schema.assets.mutations.decline_off_site_share import decline_off_site_share
from schema.assets.mutations.payloads import asset_id as decode_asset_id
from schema.assets.mutations.record_off_site_share import record_off_site_share
from schema.assets.mutations.reject_asset import reject_asset
from schema.assets.mutations.request_giveaway import request_giveaway
from schema.assets.mutations.withdraw_giveaway_request import withdraw_giveaway_request
from schema.assets.types import Asset
from schema.context import Info
from schema.relay import Page


@strawberry.type
class GiveawayQueries:
    @relay.connection(  # type: ignore[misc]
        Page[GiveawayRequest],
        description="The requests for an asset your side gives away, oldest first: whom to"
        " choose (its owner side and moderators). Errors (extensions.code): NOT_FOUND (no"
        " such asset in your hub), FORBIDDEN (not your side's).",
    )
    async def giveaway_requests(
        self,
        info: Info,
        asset_id: strawberry.ID,
        status: GiveawayRequestStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[GiveawayRequest]:
        return await giveaways.requests_for(  # type: ignore[return-value]
            actor=info.context.require_actor(), asset_id=decode_asset_id(asset_id), status=status
        )

    @relay.connection(  # type: ignore[misc]
        Page[GiveawayRequest], description="Your giveaway requests, newest first."
    )
    async def my_giveaway_requests(
        self,
        info: Info,
        status: GiveawayRequestStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[GiveawayRequest]:
        mine = giveaways.requests_of(actor=info.context.require_actor(), status=status)
        return await visible(info.context.viewer, "GiveawayRequest", mine)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[OffSiteShare],
        description="Shares made off the site that your side recorded or received (you or"
        " your organisations), newest first; PENDING ones wait for the receiving side.",
    )
    async def off_site_shares(
        self,
        info: Info,
        status: OffSiteShareStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[OffSiteShare]:
        shares = await offsite.shares_of(actor=info.context.require_actor(), status=status)
        return await visible(info.context.viewer, "OffSiteShare", shares)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[Asset],
        description="Listings the promotions guard held for review, held longest first"
        " (moderators and hub admins): approve or reject each.",
    )
    async def held_assets(self, info: Info) -> Iterable[Asset]:
        held = moderation.held_assets(actor=info.context.require_actor())
        return await visible(info.context.viewer, "Asset", held)  # type: ignore[return-value]


@strawberry.type
class GiveawayMutations:
    request_giveaway = strawberry.mutation(resolver=request_giveaway)
    choose_giveaway_request = strawberry.mutation(resolver=choose_giveaway_request)
    decline_giveaway_request = strawberry.mutation(resolver=decline_giveaway_request)
    withdraw_giveaway_request = strawberry.mutation(resolver=withdraw_giveaway_request)
    confirm_giveaway_handover = strawberry.mutation(resolver=confirm_giveaway_handover)
    record_off_site_share = strawberry.mutation(resolver=record_off_site_share)
    confirm_off_site_share = strawberry.mutation(resolver=confirm_off_site_share)
    decline_off_site_share = strawberry.mutation(resolver=decline_off_site_share)
    approve_asset = strawberry.mutation(resolver=approve_asset)
    reject_asset = strawberry.mutation(resolver=reject_asset)

"""rejectAsset: a moderator refuses an asset the promotions guard held."""

import strawberry

from app.assets import moderation
from app.assets.errors import AssetErrorCode
from schema.assets.mutations.payloads import AssetPayload, asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class RejectAssetInput:
    asset_id: strawberry.ID
    note: str = strawberry.field(description="Why, and what to change: shown to its owner side.")


@errors_as_data(AssetError, AssetErrorCode, AssetPayload)
async def reject_asset(input: RejectAssetInput, info: Info) -> AssetPayload:
    """Moderators and hub admins reject a held asset with a note its owner side reads; it may
    be edited and published again."""
    asset = await moderation.reject_asset(
        actor=info.context.require_actor(), asset_id=asset_id(input.asset_id), note=input.note
    )
    return AssetPayload(asset=asset)  # type: ignore[arg-type]

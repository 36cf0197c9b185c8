"""approveAsset: a moderator lists an asset the promotions guard held."""

import strawberry

from app.assets import moderation
from app.assets.errors import AssetErrorCode
from schema.assets.mutations.payloads import AssetPayload, asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ApproveAssetInput:
    asset_id: strawberry.ID
    note: str = strawberry.field(default="", description="Shown to its owner side.")


@errors_as_data(AssetError, AssetErrorCode, AssetPayload)
async def approve_asset(input: ApproveAssetInput, info: Info) -> AssetPayload:
    """Moderators and hub admins list a held asset: it is not an advert after all."""
    asset = await moderation.approve_asset(
        actor=info.context.require_actor(), asset_id=asset_id(input.asset_id), note=input.note
    )
    return AssetPayload(asset=asset)  # type: ignore[arg-type]

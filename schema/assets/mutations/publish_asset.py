"""publishAsset: list a draft, or list again a withdrawn or rejected asset."""

import strawberry

from app.assets import service
from app.assets.errors import AssetErrorCode
from schema.assets.mutations.payloads import AssetPayload, asset_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class PublishAssetInput:
    asset_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, AssetPayload)
async def publish_asset(input: PublishAssetInput, info: Info) -> AssetPayload:
    """Lists a draft, or lists again a withdrawn or rejected asset; one that reads like an
    advert is held for moderator review instead (see heldReason)."""
    asset = await service.publish_asset(
        actor=info.context.require_actor(), asset_id=asset_id(input.asset_id)
    )
    return AssetPayload(asset=asset)  # type: ignore[arg-type]

"""declineOffSiteShare: the receiving side says the recorded share did not happen."""

import strawberry

from app.assets import offsite
from app.assets.errors import AssetErrorCode
from schema.assets.giveaway_types import OffSiteSharePayload, off_site_share_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class DeclineOffSiteShareInput:
    off_site_share_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, OffSiteSharePayload)
async def decline_off_site_share(
    input: DeclineOffSiteShareInput, info: Info
) -> OffSiteSharePayload:
    """The receiving side declines a pending share: it never counts."""
    share = await offsite.decline_share(
        actor=info.context.require_actor(), share_id=off_site_share_id(input.off_site_share_id)
    )
    return OffSiteSharePayload(off_site_share=share)  # type: ignore[arg-type]

"""confirmOffSiteShare: the receiving side says the recorded share happened."""

import strawberry

from app.assets import offsite
from app.assets.errors import AssetErrorCode
from schema.assets.giveaway_types import OffSiteSharePayload, off_site_share_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ConfirmOffSiteShareInput:
    off_site_share_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, OffSiteSharePayload)
async def confirm_off_site_share(
    input: ConfirmOffSiteShareInput, info: Info
) -> OffSiteSharePayload:
    """The receiving side (the member, or people of the organisation) confirms the share,
    once: from then on it counts."""
    share = await offsite.confirm_share(
        actor=info.context.require_actor(), share_id=off_site_share_id(input.off_site_share_id)
    )
    return OffSiteSharePayload(off_site_share=share)  # type: ignore[arg-type]

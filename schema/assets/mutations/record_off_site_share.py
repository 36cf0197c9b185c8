"""recordOffSiteShare: record a giveaway or loan that happened off the site."""

from datetime import date

import strawberry

from app.assets import offsite
from app.assets.errors import AssetErrorCode
from schema.assets.giveaway_types import OffSiteSharePayload, optional_id
from schema.assets.mutations.payloads import asset_id
from schema.assets.types import AssetError, AssetKind
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class RecordOffSiteShareInput:
    asset_id: strawberry.ID
    kind: AssetKind = strawberry.field(description="GIVEAWAY or LOAN.")  # type: ignore[valid-type]
    occurred_on: date = strawberry.field(description="The day it happened (not in the future).")
    receiver_member_id: strawberry.ID | None = strawberry.field(
        default=None, description="The member who received it (or name an organisation)."
    )
    receiver_organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="The organisation that received it (or name a member)."
    )
    quantity: int = 1
    note: str = ""


@errors_as_data(AssetError, AssetErrorCode, OffSiteSharePayload)
async def record_off_site_share(input: RecordOffSiteShareInput, info: Info) -> OffSiteSharePayload:
    """The owner side records a share made off the site to a member or organisation of the hub
    (OWN_ASSET for yourself); it counts once the other side confirms it."""
    share = await offsite.record_share(
        actor=info.context.require_actor(),
        asset_id=asset_id(input.asset_id),
        kind=input.kind,
        occurred_on=input.occurred_on,
        receiver_member_id=optional_id(input.receiver_member_id, "Member", "receiverMemberId"),
        receiver_organisation_id=optional_id(
            input.receiver_organisation_id, "Organisation", "receiverOrganisationId"
        ),
        quantity=input.quantity,
        note=input.note,
    )
    return OffSiteSharePayload(off_site_share=share)  # type: ignore[arg-type]

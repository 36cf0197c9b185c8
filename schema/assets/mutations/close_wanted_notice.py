"""closeWantedNotice: found it, or no longer needed."""

import strawberry

from app.assets import wanted
from app.assets.errors import AssetErrorCode
from schema.assets.mutations.payloads import WantedNoticePayload, wanted_notice_id
from schema.assets.types import AssetError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class CloseWantedNoticeInput:
    wanted_notice_id: strawberry.ID


@errors_as_data(AssetError, AssetErrorCode, WantedNoticePayload)
async def close_wanted_notice(input: CloseWantedNoticeInput, info: Info) -> WantedNoticePayload:
    """Closes a WANTED notice (its author, or people of its organisation)."""
    notice = await wanted.close_notice(
        actor=info.context.require_actor(), notice_id=wanted_notice_id(input.wanted_notice_id)
    )
    return WantedNoticePayload(wanted_notice=notice)  # type: ignore[arg-type]

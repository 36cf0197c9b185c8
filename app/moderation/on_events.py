"""Automatic flags on publishing, and again when a listing's or review's words are edited: each
subscriber reads the new public text against the hub's rules (app/moderation/flags.py) and
opens a case when something trips (idempotent: the open case only gains flags it lacks)."""

from typing import Any

from app.events import subscribe
from app.moderation import reports
from app.moderation.models import Target
from app.opportunities.models import Opportunity


@subscribe("opportunity.published")
@subscribe("opportunity.edited")
async def flag_opportunity(*, opportunity_id: int, **_: Any) -> None:
    hub_id = await Opportunity.filter(id=opportunity_id).first().values_list("hub_id", flat=True)
    if hub_id is not None:
        await reports.flag(hub_id=hub_id, target=Target.OPPORTUNITY, object_id=opportunity_id)  # type: ignore[arg-type]


@subscribe("asset.listed")
@subscribe("asset.edited")
async def flag_asset(*, asset_id: int, **_: Any) -> None:
    from app.assets.models import Asset

    hub_id = await Asset.filter(id=asset_id).first().values_list("hub_id", flat=True)
    if hub_id is not None:
        await reports.flag(hub_id=hub_id, target=Target.ASSET, object_id=asset_id)  # type: ignore[arg-type]


@subscribe("review.written")
@subscribe("review.edited")
async def flag_review(*, review_id: int, hub_id: int, **_: Any) -> None:
    await reports.flag(hub_id=hub_id, target=Target.REVIEW, object_id=review_id)

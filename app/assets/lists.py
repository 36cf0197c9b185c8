"""The caller's own asset lists: what "mine" means for each, then the policy table's filter."""

from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, AssetStatus, WantedNotice, WantedStatus
from app.assets.policy import MANAGES
from app.assets.sharing_models import CalendarFeed
from app.errors import DomainError
from app.i18n import _
from app.policy import Viewer, visible


async def managed_assets(*, viewer: Viewer, status: AssetStatus | None = None) -> QuerySet[Asset]:
    """Assets the viewer manages (theirs, their organisations', the hub's for its managers)."""
    managed = Asset.filter(hub_id=viewer.hub_id).filter(await MANAGES.q(viewer))
    query = await visible(viewer, "Asset", managed)
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("-created_at", "-id")


async def wanted_notices_of(
    *, viewer: Viewer, status: WantedStatus | None = None
) -> QuerySet[WantedNotice]:
    """The viewer's own WANTED notices, newest first."""
    mine = WantedNotice.filter(hub_id=viewer.hub_id, author_id=viewer.member_id)
    query = await visible(viewer, "WantedNotice", mine)
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("-created_at", "-id")


async def calendar_feeds_of(*, viewer: Viewer) -> QuerySet[CalendarFeed]:
    """The viewer's own calendar feeds, newest first."""
    mine = CalendarFeed.filter(hub_id=viewer.hub_id, member_id=viewer.member_id)
    query = await visible(viewer, "CalendarFeed", mine)
    return query.order_by("-created_at", "-id")


def open_wanted_notices(
    *, hub_id: int, category_ids: list[int], kind: str | None = None
) -> QuerySet[WantedNotice]:
    """The hub's open, unexpired WANTED notices, newest first; `kind` keeps notices wanting
    that kind or any kind."""
    if len(category_ids) > 50:
        raise DomainError(E.INVALID, _("At most 50 categories."), "assetCategoryIds")
    query = WantedNotice.filter(
        hub_id=hub_id, status=WantedStatus.OPEN, expires_at__gt=datetime.now(UTC)
    )
    if category_ids:
        query = query.filter(category_id__in=category_ids)
    if kind is not None:
        query = query.filter(Q(kind=kind) | Q(kind__isnull=True))
    return query.order_by("-created_at", "-id")

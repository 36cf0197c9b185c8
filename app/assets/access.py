"""Loading an asset or WANTED notice for a use case, and requiring its owner side."""

from app.actor import Actor
from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, WantedNotice
from app.assets.policy import MANAGES, WANTED_MANAGES
from app.errors import DomainError
from app.i18n import _
from app.policy import Viewer


async def get_asset(actor: Actor, asset_id: int, *, lock: bool = False) -> Asset:
    """The asset in the actor's hub (locked for update if asked), or NOT_FOUND."""
    query = Asset.filter(id=asset_id, hub_id=actor.hub_id)
    if lock:
        query = query.select_for_update()
    asset = await query.first()
    if asset is None:
        raise DomainError(E.NOT_FOUND, _("No such asset."), "assetId")
    return asset


async def require_manager(actor: Actor, asset: Asset) -> None:
    """The owner side (the policy table's MANAGES), or FORBIDDEN."""
    if not await MANAGES.allows(Viewer.of(actor), asset):
        raise DomainError(E.FORBIDDEN, _("Only the asset's owner side can do this."), None)


async def get_wanted(actor: Actor, notice_id: int, *, lock: bool = False) -> WantedNotice:
    query = WantedNotice.filter(id=notice_id, hub_id=actor.hub_id)
    if lock:
        query = query.select_for_update()
    notice = await query.first()
    if notice is None:
        raise DomainError(E.NOT_FOUND, _("No such WANTED notice."), "wantedNoticeId")
    return notice


async def require_wanted_manager(actor: Actor, notice: WantedNotice) -> None:
    if not await WANTED_MANAGES.allows(Viewer.of(actor), notice):
        raise DomainError(E.FORBIDDEN, _("Only the notice's author side can do this."), None)

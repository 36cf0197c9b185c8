"""The caller's own campaign lists: what "mine" means for each, then the policy table's filter."""

from tortoise.queryset import QuerySet

from app.actor import Actor
from app.campaigns.models import GroupBuyOrder, InKindPledge, Pledge
from app.policy import Viewer, visible


async def pledges_of(*, actor: Actor, viewer: Viewer) -> QuerySet[Pledge]:
    """The actor's own pledges, newest first."""
    mine = Pledge.filter(hub_id=actor.hub_id, member_id=actor.member_id)
    return (await visible(viewer, "Pledge", mine)).order_by("-id")


async def orders_of(*, actor: Actor, viewer: Viewer) -> QuerySet[GroupBuyOrder]:
    """The actor's own group-buy orders, newest first."""
    mine = GroupBuyOrder.filter(hub_id=actor.hub_id, member_id=actor.member_id)
    return (await visible(viewer, "GroupBuyOrder", mine)).order_by("-id")


async def in_kind_of(*, actor: Actor, viewer: Viewer) -> QuerySet[InKindPledge]:
    """The actor's own in-kind pledges (hours and items), newest first."""
    mine = InKindPledge.filter(hub_id=actor.hub_id, member_id=actor.member_id)
    return (await visible(viewer, "InKindPledge", mine)).order_by("-id")

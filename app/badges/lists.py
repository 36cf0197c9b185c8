"""Badge lists: what each list holds (the hub's, the caller's own, an organisation's), then the
policy table's filter."""

from tortoise.queryset import QuerySet

from app.badges.models import Award, BadgeClass, Level, SuccessStory
from app.policy import Viewer, visible


async def badge_classes(*, viewer: Viewer) -> QuerySet[BadgeClass]:
    """The hub's active badges, oldest first."""
    active = BadgeClass.filter(hub_id=viewer.hub_id, active=True)
    return (await visible(viewer, "BadgeClass", active)).order_by("id")


async def levels_of(*, hub_id: int) -> list[Level]:
    """The hub's levels, lowest first (public: they name what points add up to)."""
    return await Level.filter(hub_id=hub_id).order_by("min_points")


async def awards_of(*, viewer: Viewer) -> QuerySet[Award]:
    """The viewer's own awards (revoked ones included), newest first."""
    mine = Award.filter(hub_id=viewer.hub_id, member_id=viewer.member_id)
    return (await visible(viewer, "BadgeAward", mine)).order_by("-awarded_at", "-id")


async def stories_of(*, viewer: Viewer, organisation_id: int) -> QuerySet[SuccessStory]:
    """An organisation's success stories the viewer may see, newest first."""
    told = SuccessStory.filter(hub_id=viewer.hub_id, organisation_id=organisation_id)
    return (await visible(viewer, "SuccessStory", told)).order_by("-created_at", "-id")

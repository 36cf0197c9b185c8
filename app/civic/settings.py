"""The hub admin sets the hub's civic area and the rules of ideas."""

from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.civic.area import point
from app.civic.errors import CivicErrorCode as E
from app.civic.models import CivicSettings
from app.errors import DomainError
from app.i18n import _
from app.people.models import Role
from app.validation import int_range


def require_hub_admin(actor: Actor) -> None:
    if not actor.has_role(Role.HUB_ADMIN):
        raise DomainError(E.FORBIDDEN, _("Only a hub admin can do this."), None)


async def set_civic_settings(
    *,
    actor: Actor,
    centre: tuple[float, float] | None = None,
    radius_km: float | None = None,
    idea_threshold: int | None = None,
    idea_window_days: int | None = None,
    answer_days: int | None = None,
) -> CivicSettings:
    """Changes what is given; the circle is the hub's area only while it has no wards."""
    require_hub_admin(actor)
    changes: dict[str, object] = {}
    if centre is not None:
        changes["centre_lat"], changes["centre_lng"] = point(*centre, field="centre")
    if radius_km is not None:
        if not (0.1 <= radius_km <= 200):
            raise DomainError(E.INVALID, _("Between 0.1 and 200 km."), "radiusKm")
        changes["radius_km"] = float(radius_km)
    if idea_threshold is not None:
        changes["idea_threshold"] = int_range(
            idea_threshold, field="ideaThreshold", low=1, high=1_000_000, invalid=E.INVALID
        )
    if idea_window_days is not None:
        changes["idea_window_days"] = int_range(
            idea_window_days, field="ideaWindowDays", low=1, high=366, invalid=E.INVALID
        )
    if answer_days is not None:
        changes["answer_days"] = int_range(
            answer_days, field="answerDays", low=1, high=366, invalid=E.INVALID
        )
    async with in_transaction():
        row, _created = await CivicSettings.get_or_create(hub_id=actor.hub_id)
        row.update_from_dict(changes)
        await row.save()
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="civic.settings",
            object_type="CivicSettings", object_id=row.id, data={"fields": sorted(changes)},
        )  # fmt: skip
    return row

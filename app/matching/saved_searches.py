"""Saved searches: members keep a search, and new matching opportunities notify them."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.errors import DomainError
from app.hubs.models import Hub
from app.matching.models import Delivery, NotificationKind, SavedSearch
from app.opportunities import geo
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Category, Opportunity, OpportunitySkill
from app.people.models import Member, Skill

MAX_PER_MEMBER = 20


async def save_search(
    *,
    actor: Actor,
    name: str,
    text: str = "",
    category_ids: list[int] | None = None,
    skill_ids: list[int] | None = None,
    kind: str | None = None,
    within_km: float | None = None,
    weekdays: list[int] | None = None,
) -> SavedSearch:
    """Keeps a search; at most 20 per member."""
    name = v.text(name, field="name", max_length=80, invalid=E.INVALID)
    text = v.text(text, field="text", max_length=200, invalid=E.INVALID, required=False).lower()
    categories, skills = (
        list(dict.fromkeys(category_ids or [])),
        list(dict.fromkeys(skill_ids or [])),
    )
    if await Category.filter(hub_id=actor.hub_id, id__in=categories).count() != len(categories):
        raise DomainError(E.INVALID, "Some categories are not this hub's.", "categoryIds")
    if await Skill.filter(hub_id=actor.hub_id, id__in=skills).count() != len(skills):
        raise DomainError(E.INVALID, "Some skills are not this hub's.", "skillIds")
    if within_km is not None:
        if not 0 < within_km <= geo.MAX_KM:
            raise DomainError(E.INVALID, f"Between 0 and {geo.MAX_KM:g} km.", "withinKm")
        if actor.member.home_lat is None:
            raise DomainError(E.INVALID, "Set your home location first.", "withinKm")
    days = sorted(set(weekdays or []))
    if any(not 1 <= d <= 7 for d in days):
        raise DomainError(E.INVALID, "Weekdays are 1 (Monday) to 7 (Sunday).", "weekdays")
    if kind not in (None, "offer", "request"):
        raise DomainError(E.INVALID, "OFFER or REQUEST.", "kind")
    async with in_transaction():
        if (
            await SavedSearch.filter(hub_id=actor.hub_id, member_id=actor.member_id).count()
            >= MAX_PER_MEMBER
        ):
            raise DomainError(E.INVALID, f"At most {MAX_PER_MEMBER} saved searches.", None)
        return await SavedSearch.create(
            hub_id=actor.hub_id,
            member_id=actor.member_id,
            name=name,
            text=text,
            category_ids=categories,
            skill_ids=skills,
            kind=kind,
            within_km=within_km,
            weekdays=days,
        )


async def delete_search(*, actor: Actor, search_id: int) -> None:
    deleted = await SavedSearch.filter(
        id=search_id, hub_id=actor.hub_id, member_id=actor.member_id
    ).delete()
    if not deleted:
        raise DomainError(E.NOT_FOUND, "No such saved search of yours.", "savedSearchId")


def _matches(
    search: SavedSearch,
    member: Member,
    opportunity: Opportunity,
    skill_ids: set[int],
    zone: ZoneInfo,
) -> bool:
    words = search.text.split()
    haystack = f"{opportunity.title} {opportunity.description} {opportunity.area_name}".lower()
    if words and not all(word in haystack for word in words):
        return False
    if search.category_ids and opportunity.category_id not in search.category_ids:
        return False
    if search.skill_ids and not skill_ids & set(search.skill_ids):
        return False
    if search.kind and opportunity.kind.value != search.kind:
        return False
    if search.weekdays and (
        opportunity.starts_at is None
        or opportunity.starts_at.astimezone(zone).isoweekday() not in search.weekdays
    ):
        return False
    if search.within_km is not None:
        if opportunity.remote or opportunity.lat is None or member.home_lat is None:
            return opportunity.remote
        distance = geo.distance_km(
            member.home_lat, member.home_lng or 0.0, opportunity.lat, opportunity.lng or 0.0
        )
        return distance <= search.within_km
    return True


async def notify_saved_searches(*, opportunity: Opportunity, now: datetime) -> int:
    """Stores a notification for each member whose saved search the new opportunity matches
    (unless they were already told about it); delivered in their digest."""
    hub = await Hub.get(id=opportunity.hub_id)
    zone = ZoneInfo(hub.timezone)
    skill_ids = set(
        await OpportunitySkill.filter(opportunity_id=opportunity.id).values_list(
            "skill_id", flat=True
        )
    )
    searches = await SavedSearch.filter(hub_id=hub.id).exclude(member_id=opportunity.poster_id)
    members = {
        m.id: m
        for m in await Member.filter(
            hub_id=hub.id, id__in={s.member_id for s in searches}, status="active"
        )
    }
    created = 0
    for search in searches:
        member = members.get(search.member_id)
        if member is None or not _matches(search, member, opportunity, skill_ids, zone):  # type: ignore[arg-type]
            continue
        rows = await Tortoise.get_connection("default").execute_query_dict(
            "INSERT INTO notification (hub_id, member_id, kind, opportunity_id, title, reason,"
            " delivery, score, data, created_at)"
            " SELECT $1, $2, $3, $4, $5, $6, $7, 0, '{}', $8 WHERE NOT EXISTS (SELECT 1 FROM"
            " notification n WHERE n.hub_id = $1 AND n.member_id = $2 AND n.opportunity_id = $4)"
            " ON CONFLICT DO NOTHING RETURNING id",
            [
                hub.id,
                member.id,
                NotificationKind.SAVED_SEARCH.value,
                opportunity.id,
                opportunity.title[:200],
                f"it matches your saved search “{search.name}”"[:300],
                Delivery.DIGEST.value,
                now,
            ],
        )
        created += len(rows)
    return created

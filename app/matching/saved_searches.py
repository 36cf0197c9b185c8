"""Saved searches: members keep a search, and new matching opportunities notify them."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor, home_of
from app.errors import DomainError
from app.hubs.models import Hub
from app.matching.models import Delivery, NotificationKind, SavedSearch
from app.opportunities import geo
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Category, Opportunity, OpportunitySkill
from app.people.models import Skill

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
        home_of(actor, invalid=E.INVALID, field="withinKm")
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


# Every saved search of the hub is checked by PostgreSQL in one INSERT ... SELECT (100,000
# searches take tens of milliseconds; loading them into Python took minutes and overflowed
# asyncpg's 32,767 parameters). Words match as case-insensitive substrings of the title,
# description and area; "within km" counts from the member's home, and remote listings match it.
_NOTIFY_SQL = """
INSERT INTO notification (hub_id, member_id, kind, opportunity_id, title, reason, delivery,
                          score, data, created_at)
SELECT DISTINCT ON (s.member_id) $1, s.member_id, $2, $3, $4,
       left('it matches your saved search “' || s.name || '”', 300), $5, 0, '{}', $6
FROM saved_search s JOIN member m ON m.id = s.member_id AND m.hub_id = s.hub_id
WHERE s.hub_id = $1 AND s.member_id <> $7 AND m.status = 'active'
  AND (s.category_ids = '[]'::jsonb OR s.category_ids @> to_jsonb($8::bigint))
  AND (s.kind IS NULL OR s.kind = $9)
  AND (s.weekdays = '[]'::jsonb OR ($10::int IS NOT NULL AND s.weekdays @> to_jsonb($10::int)))
  AND (s.skill_ids = '[]'::jsonb OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.skill_ids) k
       WHERE k.value::bigint = ANY($11::bigint[])))
  AND NOT EXISTS (SELECT 1 FROM regexp_split_to_table(lower(s.text), '\\s+') w
       WHERE w <> '' AND strpos($12, w) = 0)
  AND (s.within_km IS NULL OR $13::boolean OR ($14::float8 IS NOT NULL AND m.home_lat IS NOT NULL
       AND {home_distance} <= s.within_km))
  AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.hub_id = $1 AND n.member_id = s.member_id
       AND n.opportunity_id = $3)
ORDER BY s.member_id, s.id
ON CONFLICT DO NOTHING
RETURNING id
""".replace(
    "{home_distance}",
    geo.haversine_sql("$14::float8", "$15::float8", alias="m", columns=("home_lat", "home_lng")),
)


async def notify_saved_searches(*, opportunity: Opportunity, now: datetime) -> int:
    """Stores a notification for each member whose saved search the new opportunity matches
    (unless they were already told about it); delivered in their digest."""
    hub = await Hub.get(id=opportunity.hub_id)
    skill_ids = list(
        await OpportunitySkill.filter(opportunity_id=opportunity.id).values_list(
            "skill_id", flat=True
        )
    )
    starts = opportunity.starts_at
    haystack = f"{opportunity.title} {opportunity.description} {opportunity.area_name}".lower()
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _NOTIFY_SQL,
        [
            hub.id,
            NotificationKind.SAVED_SEARCH.value,
            opportunity.id,
            opportunity.title[:200],
            Delivery.DIGEST.value,
            now,
            opportunity.poster_id,  # type: ignore[attr-defined]
            opportunity.category_id,  # type: ignore[attr-defined]
            opportunity.kind.value,
            starts.astimezone(ZoneInfo(hub.timezone)).isoweekday() if starts else None,
            skill_ids,
            haystack,
            opportunity.remote,
            None if opportunity.remote else opportunity.lat,
            opportunity.lng,
        ],
    )
    return len(rows)

"""Saved searches: members keep a search, and new matching opportunities notify them."""

import re
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor, home_of
from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import _
from app.matching.models import Delivery, NotificationKind, SavedSearch
from app.opportunities import geo
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Category
from app.people.models import Skill

if TYPE_CHECKING:
    from app.matching.candidates import Listing

MAX_PER_MEMBER = 20
MAX_WORD = 40  # a longer word counts by its first 40 characters


def words_of(text: str) -> list[str]:
    """The words of a text as matching compares them: lowercased, `\\w+`, at most MAX_WORD
    characters, each once (migration 0056 fills the existing searches the same way in SQL)."""
    return list(dict.fromkeys(w[:MAX_WORD] for w in re.findall(r"\w+", text.lower())))


def prefixes_of(text: str) -> list[str]:
    """Every beginning of every word of a listing's text: a search matches when each of its
    words is one of them."""
    return list(dict.fromkeys(w[:n] for w in words_of(text) for n in range(1, len(w) + 1)))


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
        raise DomainError(E.INVALID, _("Some categories are not this hub's."), "categoryIds")
    if await Skill.filter(hub_id=actor.hub_id, id__in=skills).count() != len(skills):
        raise DomainError(E.INVALID, _("Some skills are not this hub's."), "skillIds")
    if within_km is not None:
        if not 0 < within_km <= geo.MAX_KM:
            raise DomainError(
                E.INVALID, _("Between 0 and {MAX_KM:g} km.", MAX_KM=geo.MAX_KM), "withinKm"
            )
        home_of(actor, invalid=E.INVALID, field="withinKm")
    days = sorted(set(weekdays or []))
    if any(not 1 <= d <= 7 for d in days):
        raise DomainError(E.INVALID, _("Weekdays are 1 (Monday) to 7 (Sunday)."), "weekdays")
    if kind not in (None, "offer", "request"):
        raise DomainError(E.INVALID, _("OFFER or REQUEST."), "kind")
    async with in_transaction():
        if (
            await SavedSearch.filter(hub_id=actor.hub_id, member_id=actor.member_id).count()
            >= MAX_PER_MEMBER
        ):
            raise DomainError(
                E.INVALID,
                _("At most {MAX_PER_MEMBER} saved searches.", MAX_PER_MEMBER=MAX_PER_MEMBER),
                None,
            )
        found = words_of(text)
        return await SavedSearch.create(
            hub_id=actor.hub_id,
            member_id=actor.member_id,
            name=name,
            text=text,
            words=found,
            key=max(found, key=len, default=""),
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
        raise DomainError(E.NOT_FOUND, _("No such saved search of yours."), "savedSearchId")


# The saved searches a batch of new opportunities matches, stored as notifications by one
# INSERT ... SELECT for the whole batch (`unnest`). Each listing reads, through indexes
# (migrations 0052 and 0056), only the searches that can match it: those whose longest word
# begins one of its words (`key = ANY(prefixes)`), and those without words that name its
# category or none; kind, category, weekdays, skills and every word are checked on those alone,
# and their members' homes (for "within km") are read for the searches left (the MATERIALIZED
# CTE keeps the member rows out of it until then). A search matches when each of its words
# begins a word of the title, description or area ("garden" finds "Gardening"); "within km"
# counts from the member's home, and remote listings match it. (Until 0056 a listing read
# every search of its category and checked its text as a substring: 264 ms of CPU a batch of
# 20 at scale 1.)
_NOTIFY_SQL = """
WITH p AS (
  SELECT oid, array_agg(prefix) AS prefixes
  FROM unnest($16::bigint[], $17::text[]) AS p(oid, prefix) GROUP BY oid
), o AS (
  SELECT o.*, coalesce(p.prefixes, '{}'::text[]) AS prefixes
  FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::int[],
              $8::boolean[], $9::float8[], $10::float8[])
    AS o(oid, title, poster, category, kind, dow, remote, lat, lng)
  LEFT JOIN p ON p.oid = o.oid
), os AS (
  SELECT * FROM unnest($11::bigint[], $12::bigint[]) AS t(oid, skill_id)
), hits AS MATERIALIZED (
  SELECT s.id, s.member_id, s.name, s.within_km, o.oid, o.title, o.remote, o.lat, o.lng
  FROM o CROSS JOIN LATERAL (
    SELECT * FROM saved_search s WHERE s.hub_id = $1 AND s.key <> ''
       AND s.key = ANY(o.prefixes)
       AND (s.category_ids = '[]'::jsonb OR s.category_ids @> jsonb_build_array(o.category))
    UNION ALL
    SELECT * FROM saved_search s WHERE s.hub_id = $1 AND s.key = ''
       AND s.category_ids @> jsonb_build_array(o.category)
    UNION ALL
    SELECT * FROM saved_search s WHERE s.hub_id = $1 AND s.key = ''
       AND s.category_ids = '[]'::jsonb
  ) s
  WHERE (s.kind IS NULL OR s.kind = o.kind) AND s.member_id <> o.poster
    AND (s.weekdays = '[]'::jsonb OR (o.dow IS NOT NULL AND s.weekdays @> to_jsonb(o.dow)))
    AND (s.skill_ids = '[]'::jsonb OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.skill_ids) k
         JOIN os ON os.oid = o.oid AND os.skill_id = k.value::bigint))
    AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.words) w
                    WHERE NOT (w.value = ANY(o.prefixes)))
)
INSERT INTO notification (hub_id, member_id, kind, opportunity_id, title, reason, delivery,
                          score, data, created_at)
SELECT DISTINCT ON (h.member_id, h.oid) $1, h.member_id, $13, h.oid, h.title,
       left('it matches your saved search “' || h.name || '”', 300), $14, 0,
       jsonb_build_object('why', jsonb_build_object('search', h.name)), $15
FROM hits h JOIN member m ON m.id = h.member_id AND m.hub_id = $1
WHERE m.status = 'active'
  AND (h.within_km IS NULL OR h.remote OR (h.lat IS NOT NULL AND m.home_lat IS NOT NULL
       AND {home_distance} <= h.within_km))
  AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.hub_id = $1 AND n.member_id = h.member_id
       AND n.opportunity_id = h.oid)
ORDER BY h.member_id, h.oid, h.id
ON CONFLICT DO NOTHING
RETURNING opportunity_id
""".replace(
    "{home_distance}",
    geo.haversine_sql("h.lat", "h.lng", alias="m", columns=("home_lat", "home_lng")),
)


async def notify_saved_searches(
    *, hub: Hub, listings: "list[Listing]", now: datetime
) -> dict[int, int]:
    """Stores a notification for each member whose saved search a new opportunity of the batch
    matches (unless they were already told about it), delivered in their digest; returns how
    many per opportunity. One statement for the batch."""
    if not listings:
        return {}
    zone = ZoneInfo(hub.timezone)
    opportunities = [listing.opportunity for listing in listings]
    texts = [(o, prefixes_of(f"{o.title} {o.description} {o.area_name}")) for o in opportunities]
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _NOTIFY_SQL,
        [
            hub.id,
            [o.id for o in opportunities],
            [o.title[:200] for o in opportunities],
            [o.poster_id for o in opportunities],  # type: ignore[attr-defined]
            [o.category_id for o in opportunities],  # type: ignore[attr-defined]
            [o.kind.value for o in opportunities],
            [
                o.starts_at.astimezone(zone).isoweekday() if o.starts_at else None
                for o in opportunities
            ],
            [o.remote for o in opportunities],
            [None if o.remote else o.lat for o in opportunities],
            [None if o.remote else o.lng for o in opportunities],
            [listing.opportunity.id for listing in listings for _ in listing.skill_ids],
            [skill_id for listing in listings for skill_id in listing.skill_ids],
            NotificationKind.SAVED_SEARCH.value,
            Delivery.DIGEST.value,
            now,
            [o.id for o, words in texts for _ in words],
            [prefix for _, words in texts for prefix in words],
        ],
    )
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["opportunity_id"]] = counts.get(row["opportunity_id"], 0) + 1
    return counts

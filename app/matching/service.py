"""Matching: when an opportunity is published, find the members it suits and tell them.

PostgreSQL narrows and ranks (same hub, active, not the poster, not applied, home within their
travel distance via H3 cells, skills, checks, age, notification preferences); Python then applies
what depends on each member's week and clock (availability, quiet hours, the daily cap).

The daily cap is read before deciding (cheap, no lock) and counted again where it is written:
the notifications are stored in one transaction that first takes an advisory lock per member
to be told now, so two matching jobs at once cannot both tell a member over the cap. The email
jobs are queued after that commit, keyed by notification: a retry after a crash in between finds
the notifications stored (its INSERT conflicts) and queues whatever emails are still missing.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.events import subscribe
from app.hubs.models import Hub
from app.jobs import enqueue_many
from app.matching import live, saved_searches
from app.matching.models import Delivery, NotificationKind
from app.opportunities import geo
from app.opportunities.models import Opportunity, OpportunitySkill, OpportunityStatus, Urgency

log = logging.getLogger(__name__)

CANDIDATES = 2000  # ranked in SQL; more than any one opportunity should alert
MAX_NOW = 100  # members told at once per opportunity; the rest get it in their digest
URGENT_NEAREST = 5  # urgent requests reach the nearest few even over their daily cap
MAX_RING_KM = 10.0  # home cells are resolution 8: wider reach needs a coarser member cell
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass
class Candidate:
    member_id: int
    email: str | None
    prefs: dict[str, Any]
    availability: list[dict[str, Any]]
    distance_km: float | None
    skills: list[str]
    reliability: int
    travel_km: int
    score: float = 0.0
    slot: str = ""
    exempt: bool = False  # urgent and among the nearest: told now even over the daily cap

    @property
    def in_app(self) -> bool:
        return bool(self.prefs.get("in_app", True))

    @property
    def by_email(self) -> bool:
        return bool(self.email) and bool(self.prefs.get("email", True))


def _candidates_sql(opportunity: Opportunity, skill_ids: list[int]) -> tuple[str, list[Any]]:
    params: list[Any] = [opportunity.hub_id, opportunity.poster_id, opportunity.id, skill_ids]
    where = [
        "m.hub_id = $1",
        "m.status = 'active'",
        "m.id <> $2",
        "m.is_proxy = false",
        "NOT EXISTS (SELECT 1 FROM application a WHERE a.hub_id = m.hub_id"
        " AND a.opportunity_id = $3 AND a.applicant_id = m.id)",
    ]
    distance = "NULL::float8"
    if not opportunity.remote and opportunity.lat is not None and opportunity.lng is not None:
        params += [opportunity.lat, opportunity.lng]
        distance = geo.haversine_sql(
            "$5::float8", "$6::float8", alias="m", columns=("home_lat", "home_lng")
        )
        params.append(geo.cells_within(opportunity.lat, opportunity.lng, MAX_RING_KM, 8))
        where += [f"m.home_cell = ANY(${len(params)}::text[])", f"{distance} <= m.travel_km"]
    if skill_ids:
        where.append(
            "EXISTS (SELECT 1 FROM member_skill ms WHERE ms.hub_id = m.hub_id"
            " AND ms.member_id = m.id AND ms.skill_id = ANY($4::bigint[]))"
        )
    if opportunity.required_checks:
        params.append(list(opportunity.required_checks))
        where.append(
            "(SELECT count(DISTINCT tc.kind) FROM trust_check tc WHERE tc.hub_id = m.hub_id"
            " AND tc.member_id = m.id AND tc.status = 'verified'"
            " AND (tc.expires_on IS NULL OR tc.expires_on >= current_date)"
            f" AND tc.kind = ANY(${len(params)}::text[])) = {len(opportunity.required_checks)}"
        )
    if opportunity.min_age:
        params.append(_born_before(opportunity.min_age))
        where.append(f"m.date_of_birth <= ${len(params)}")
    # Filter and order on cheap columns first (index-only: member_active_cell carries the
    # position, reach and proxy flag); the per-member details only for the shortlist.
    sql = (
        f"WITH shortlist AS (SELECT m.id, {distance} AS distance_km FROM member m"
        f" WHERE {' AND '.join(where)} ORDER BY 2 ASC NULLS LAST, m.id LIMIT {CANDIDATES})"
        " SELECT m.id, m.email, m.notification_prefs, m.availability, m.travel_km,"
        " c.distance_km,"
        " ARRAY(SELECT s.name FROM member_skill ms JOIN skill s ON s.id = ms.skill_id"
        "  WHERE ms.hub_id = m.hub_id AND ms.member_id = m.id AND ms.skill_id = ANY($4::bigint[])"
        "  ORDER BY s.name) AS skills,"
        " (SELECT count(*) FROM hours_record h WHERE h.hub_id = m.hub_id"
        "  AND h.volunteer_id = m.id AND h.status = 'verified')::int AS reliability"
        " FROM shortlist c JOIN member m ON m.id = c.id"
        " WHERE (coalesce((m.notification_prefs->>'in_app')::boolean, true)"
        " OR coalesce((m.notification_prefs->>'email')::boolean, true))"
        " ORDER BY c.distance_km ASC NULLS LAST, m.id"
    )
    return sql, params


def _json(value: Any) -> Any:
    """asyncpg hands json columns over as text."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _born_before(min_age: int) -> date:
    today = date.today()
    try:
        return today.replace(year=today.year - min_age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - min_age, day=28)


def _slot(candidate: Candidate, starts: datetime | None, zone: ZoneInfo) -> str | None:
    """The matching availability slot's wording, '' when unknown, None when unavailable."""
    if starts is None or not candidate.availability:
        return ""
    local = starts.astimezone(zone)
    for slot in candidate.availability:
        start, end = time.fromisoformat(slot["from"]), time.fromisoformat(slot["to"])
        if local.isoweekday() == slot["weekday"] and start <= local.time() < end:
            part = (
                "mornings" if local.hour < 12 else "afternoons" if local.hour < 18 else "evenings"
            )
            return f"free on {DAYS[local.isoweekday() - 1]} {part}"
    return None


def _quiet(prefs: dict[str, Any], now: datetime, zone: ZoneInfo) -> bool:
    start, end = prefs.get("quiet_from"), prefs.get("quiet_to")
    if not start or not end:
        return False
    local = now.astimezone(zone).time()
    begin, finish = time.fromisoformat(start), time.fromisoformat(end)
    return begin <= local < finish if begin < finish else local >= begin or local < finish


def _reason(candidate: Candidate) -> str:
    parts = []
    if candidate.skills:
        parts.append("you know " + " and ".join(s.lower() for s in candidate.skills[:2]))
    if candidate.distance_km is not None:
        parts.append(f"{candidate.distance_km:.1f} km away")
    if candidate.slot:
        parts.append(candidate.slot)
    return ", ".join(parts) or "it matches your preferences"


def _score(candidate: Candidate) -> float:
    near = (
        0.5
        if candidate.distance_km is None
        else 1 - candidate.distance_km / max(1, candidate.travel_km)
    )
    return (
        len(candidate.skills) * 3
        + near * 2
        + min(candidate.reliability, 10) / 10
        + (0.5 if candidate.slot else 0)
    )


def _midnight(hub: Hub, now: datetime) -> datetime:
    """The start of the hub's day: the daily cap counts from there."""
    zone = ZoneInfo(hub.timezone)
    return datetime.combine(now.astimezone(zone).date(), time(), tzinfo=zone).astimezone(UTC)


async def _sent_today(hub: Hub, member_ids: list[int], now: datetime) -> dict[int, int]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT member_id, count(*)::int AS n FROM notification WHERE hub_id = $1"
        " AND member_id = ANY($2::bigint[]) AND delivery = 'now' AND created_at >= $3"
        " GROUP BY member_id",
        [hub.id, member_ids, _midnight(hub, now)],
    )
    return {r["member_id"]: r["n"] for r in rows}


async def find_matches(
    opportunity: Opportunity, *, now: datetime, hub: Hub | None = None
) -> list[tuple[Candidate, Delivery]]:
    """Members to tell about the opportunity, best first, each with how to tell them.

    The daily cap is read here without a lock: `notify_matches` counts it again as it stores.
    """
    hub = hub or await Hub.get(id=opportunity.hub_id)
    zone = ZoneInfo(hub.timezone)
    skill_ids = list(
        await OpportunitySkill.filter(opportunity_id=opportunity.id).values_list(
            "skill_id", flat=True
        )
    )
    sql, params = _candidates_sql(opportunity, skill_ids)  # type: ignore[arg-type]
    rows = await Tortoise.get_connection("default").execute_query_dict(sql, params)
    candidates = []
    for row in rows:
        candidate = Candidate(
            row["id"],
            row["email"],
            _json(row["notification_prefs"]) or {},
            _json(row["availability"]) or [],
            row["distance_km"],
            list(row["skills"]),
            row["reliability"],
            row["travel_km"],
        )
        slot = _slot(candidate, opportunity.starts_at, zone)
        if slot is None:
            continue
        candidate.slot, candidate.score = slot, 0.0
        candidate.score = _score(candidate)
        candidates.append(candidate)
    candidates.sort(key=lambda c: (-c.score, c.member_id))
    sent = await _sent_today(hub, [c.member_id for c in candidates], now)
    nearest = {
        c.member_id
        for c in sorted(candidates, key=lambda c: (c.distance_km or 0, c.member_id))[
            :URGENT_NEAREST
        ]
    }
    urgent = opportunity.urgency == Urgency.URGENT
    decided = []
    told_now = 0
    for candidate in candidates:
        candidate.exempt = urgent and candidate.member_id in nearest
        over_cap = (
            not candidate.exempt and sent.get(candidate.member_id, 0) >= hub.daily_notification_cap
        )
        later = (
            over_cap
            or told_now >= MAX_NOW
            or _quiet(candidate.prefs, now, zone)
            or candidate.prefs.get("digest", "none") != "none"
        )
        decided.append((candidate, Delivery.DIGEST if later else Delivery.NOW))
        told_now += 0 if later else 1
    return decided


async def _announce(pairs: list[tuple[int, int]]) -> None:
    try:
        await live.publish_many(pairs)
    except Exception:  # the notification is stored: the app still shows it on next load
        log.warning("live notification not published", exc_info=True)


# Stores the notifications; the daily cap is counted again for the members to be told now (the
# caller holds their locks), so a job that told them meanwhile is seen: over the cap, the digest.
_STORE = (
    "INSERT INTO notification (hub_id, member_id, kind, opportunity_id, title, reason,"
    " delivery, score, data, created_at)"
    " SELECT $1, t.m, $3, $4, $5, t.r,"
    " CASE WHEN t.capped AND (SELECT count(*) FROM notification n WHERE n.hub_id = $1"
    "  AND n.member_id = t.m AND n.delivery = 'now' AND n.created_at >= $10) >= $11"
    "  THEN 'digest' ELSE t.d END, t.s, '{}', $9"
    " FROM unnest($2::bigint[], $6::text[], $7::text[], $8::float8[], $12::boolean[])"
    "  AS t(m, r, d, s, capped)"
    " ON CONFLICT (hub_id, member_id, kind, opportunity_id) DO NOTHING"
    " RETURNING id, member_id, delivery, reason"
)
# One transaction-scoped advisory lock per member, taken in the order given (by member id, so
# two jobs never wait for each other in a circle); at most MAX_NOW of them.
_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k"
# The members' notifications "now" about the opportunity, stored by this run or an earlier one.
_TOLD_NOW = (
    "SELECT id, member_id, delivery, reason FROM notification WHERE hub_id = $1"
    " AND member_id = ANY($2::bigint[]) AND kind = $3 AND opportunity_id = $4"
    " AND delivery = 'now'"
)


async def _store(
    hub: Hub,
    opportunity: Opportunity,
    decided: dict[int, tuple[Candidate, Delivery]],
    now: datetime,
) -> list[dict[str, Any]]:
    """Stores the notifications not stored yet, keeping to the daily cap; returns them."""
    capped = {m for m, (c, d) in decided.items() if d == Delivery.NOW and not c.exempt}
    params = [
        opportunity.hub_id,
        list(decided),
        NotificationKind.OPPORTUNITY_MATCH.value,
        opportunity.id,
        opportunity.title[:200],
        [_reason(c)[:300] for c, _ in decided.values()],
        [d.value for _, d in decided.values()],
        [c.score for c, _ in decided.values()],
        now,
        _midnight(hub, now),
        hub.daily_notification_cap,
        [m in capped for m in decided],
    ]
    async with in_transaction() as conn:
        if capped:
            keys = [f"notify-cap:{hub.id}:{m}" for m in sorted(capped)]
            await conn.execute_query(_LOCK, [keys])
        return await conn.execute_query_dict(_STORE, params)


@subscribe("opportunity.published")
async def notify_matches(*, opportunity_id: int, now: datetime | None = None) -> int:
    """Stores one notification per suited member (exactly once) and emails those told now.

    One transaction (the members' locks, one INSERT) for the notifications, one INSERT for all
    the email jobs, one Redis round trip. Resumable: if this job died after storing them, its
    retry finds the notifications there and queues the emails not queued yet (each email job
    is keyed by its notification, so none is queued twice).
    """
    now = now or datetime.now(UTC)
    opportunity = await Opportunity.get(id=opportunity_id)
    if opportunity.status != OpportunityStatus.PUBLISHED:
        return 0
    hub = await Hub.get(id=opportunity.hub_id)
    decided = {c.member_id: (c, d) for c, d in await find_matches(opportunity, now=now, hub=hub)}
    member = {m: c for m, (c, _) in decided.items()}
    rows = await _store(hub, opportunity, decided, now) if decided else []
    told = [r for r in rows if r["delivery"] == Delivery.NOW.value]
    await _announce([(r["member_id"], r["id"]) for r in told if member[r["member_id"]].in_app])
    if len(rows) < len(decided):
        # Some were stored before, by a run that may have died before queuing their emails: the
        # emails of all of them (keys taken are skipped). Looked up among the members matched
        # now, by the unique index; one who stopped matching since (applied, moved away) is not
        # emailed.
        told = await Tortoise.get_connection("default").execute_query_dict(
            _TOLD_NOW,
            [
                opportunity.hub_id,
                list(decided),
                NotificationKind.OPPORTUNITY_MATCH.value,
                opportunity.id,
            ],
        )
    emails = [(member[r["member_id"]], r) for r in told if member[r["member_id"]].by_email]
    await enqueue_many(
        "send_email",
        [
            {
                "to": c.email,
                "subject": f"A new opportunity for you: {opportunity.title}",
                "text": f"“{opportunity.title}”: we thought of you because {r['reason']}.\n"
                "Open the app to see it and apply.",
            }
            for c, r in emails
        ],
        [f"notify:{r['id']}" for _, r in emails],  # a retry never queues one twice
    )
    created = len(rows)
    return created + await saved_searches.notify_saved_searches(opportunity=opportunity, now=now)

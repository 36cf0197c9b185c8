"""Matching: when opportunities are published, find the members they suit and tell them.

Matched in bursts. Each publish queues a job (the `opportunity.published` event); a job takes
its own opportunity and every other one of the hub published and not matched yet (whose jobs
are still waiting, up to CH_MATCHING_BATCH), and matches them together:

- one statement finds the suited members of all of them (candidates.py: the skill holders in
  each listing's reach from the member_skill_reach index alone, the nearest
  CH_MATCHING_CANDIDATES of them shortlisted, availability checked in SQL), split in
  CH_MATCHING_PARTS statements run at once on connections of their own (read-only, it needs
  nothing of the batch's transaction; each part on a core of the database);
- Python ranks them per opportunity and applies the daily cap (counted across the batch),
  quiet hours, digest preferences and the urgent exemption; today's count for the cap is read
  only for the members who could be told now (the first ~150 of each listing, more if the cap
  turns many of those to the digest), from the per-day counts (caps.py);
- one statement stores every notification, one every saved-search notification (the searches
  found by category through indexes), one the emails (in lots of a hundred to a job), one
  records the opportunities as matched; all in one transaction, then one Redis round trip
  for the live messages.

What bounds a burst is the rows written and the member rows read per listing, not the search
(brief H19m-2, bench/README.md "The rows written"): a listing notifies
about a third of its shortlist (~200 of 600 at scale 1; it was ~670 of 2,000, ~85 % of them
digest rows); at most MAX_NOW of them are told now, the rest go to their digest as before. The
notifications' hub, member and opportunity are checked once per statement, not by foreign keys
that locked every recipient's member row (migration 0051).

A single publish waits for nobody (its job starts at once: no burst window is added); a burst
batches itself: what is published while a batch runs goes into the next one.

Exactly once, with any number of workers and processes: a batch holds the hub's matching lock
(a transaction-scoped advisory lock; within a process, jobs first take the hub's turn, an
asyncio lock, so one job at a time holds a connection to wait for it) from choosing its
opportunities to its commit, so two
batches of one hub never overlap, never take the same opportunity (the `matched_opportunity`
row, written in the same transaction, says it is done) and count the daily cap on committed
rows. A job killed mid-way leaves nothing (its transaction rolls back): its retry, or the job
of any other opportunity of the batch, matches them again. The unique key of notifications
(member, kind, opportunity) stays as the backstop: a second run stores nothing twice.
"""

import asyncio
import contextvars
import logging
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import jobs
from app.config import get_settings
from app.events import subscribe
from app.hubs.models import Hub
from app.i18n import gettext, resolve, use_locale
from app.jobs.queue import TransientJobError
from app.jobs.runner import current_attempt
from app.mail.service import queue_emails
from app.matching import caps, live, saved_searches
from app.matching.candidates import Candidate, Listing, find_in_parts, reason, score, why
from app.matching.explain import explain
from app.matching.models import Delivery, MatchedOpportunity, NotificationKind
from app.opportunities.models import Opportunity, OpportunitySkill, OpportunityStatus, Urgency

log = logging.getLogger(__name__)

MAX_NOW = 100  # members told at once per opportunity; the rest get it in their digest
URGENT_NEAREST = 5  # urgent requests reach the nearest few even over their daily cap
NOTIFY_JOB = "event:opportunity.published:app.matching.service.notify_matches"

# The hub's matching lock: one batch of a hub at a time, whichever process runs it.
_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('matching:' || $1::bigint, 0))"
# The batch: the job's own opportunity first, then the oldest published and not matched yet.
_CLAIM = (
    "SELECT o.id FROM opportunity o WHERE o.hub_id = $1 AND o.id = ANY($2::bigint[])"
    " AND o.status = 'published' AND NOT EXISTS (SELECT 1 FROM matched_opportunity mo"
    "  WHERE mo.hub_id = $1 AND mo.opportunity_id = o.id)"
    " ORDER BY o.id = $3 DESC, o.published_at, o.id LIMIT $4"
)
_STORE = (
    "INSERT INTO notification (hub_id, member_id, kind, opportunity_id, title, reason,"
    " delivery, score, data, created_at)"
    " SELECT $1, t.m, $2, t.o, ($3::text[])[t.i], t.r, t.d, t.s,"
    " jsonb_build_object('why', t.w::jsonb), $4"
    " FROM unnest($5::bigint[], $6::bigint[], $7::int[], $8::text[], $9::text[], $10::float8[],"
    " $11::text[]) AS t(m, o, i, r, d, s, w)"
    " ON CONFLICT (hub_id, member_id, kind, opportunity_id) DO NOTHING"
    " RETURNING id, member_id, opportunity_id, delivery"
)
# What the batch needs back: the rows told now (for their emails and live messages) and how
# many were stored per listing; not the ~90 % stored for the digest, row by row.
_STORE = (
    f"WITH stored AS ({_STORE})"
    " SELECT id, member_id, opportunity_id, 1 AS n FROM stored WHERE delivery = 'now'"
    " UNION ALL SELECT NULL, NULL, opportunity_id, count(*)::int FROM stored"
    " WHERE delivery <> 'now' GROUP BY opportunity_id"
)
_MATCHED = (  # one time for the batch: the moment its last statement ran, just before commit
    "INSERT INTO matched_opportunity (hub_id, opportunity_id, matched_at, notified, created_at)"
    " SELECT $1, t.o, (SELECT clock_timestamp()), t.n, now()"
    " FROM unnest($2::bigint[], $3::int[]) AS t(o, n)"
    " ON CONFLICT (hub_id, opportunity_id) DO NOTHING"
)


def _quiet(prefs: dict[str, Any], now: datetime, zone: ZoneInfo) -> bool:
    start, end = prefs.get("quiet_from"), prefs.get("quiet_to")
    if not start or not end:
        return False
    local = now.astimezone(zone).time()
    begin, finish = time.fromisoformat(start), time.fromisoformat(end)
    return begin <= local < finish if begin < finish else local >= begin or local < finish


def rank(listing: Listing) -> None:
    """Scores the listing's candidates and puts them best first."""
    for candidate in listing.candidates:
        candidate.score = score(candidate)
    listing.candidates.sort(key=lambda c: (-c.score, c.member_id))


def decide(
    hub: Hub,
    listing: Listing,
    *,
    now: datetime,
    sent: dict[int, int],
    batch: dict[int, int],
    unknown: set[int] | None = None,
) -> list[tuple[Candidate, Delivery]]:
    """The listing's candidates (ranked) each told now or in the digest. `sent` counts the
    notifications told now today before this batch, for the members counted so far; `batch`
    counts this batch's (updated here). A member whose count is needed (one who would be told
    now but for the cap) and not in `sent` is added to `unknown` and counted as 0: the caller
    counts them and decides again."""
    candidates = listing.candidates
    nearest = {
        c.member_id
        for c in sorted(candidates, key=lambda c: (c.distance_km or 0, c.member_id))[
            :URGENT_NEAREST
        ]
    }
    urgent = listing.opportunity.urgency == Urgency.URGENT
    decided = []
    told_now = 0
    for candidate in candidates:
        member = candidate.member_id
        candidate.exempt = urgent and member in nearest
        later = (
            told_now >= MAX_NOW
            or _quiet(candidate.prefs, now, listing.zone)
            or candidate.prefs.get("digest", "none") != "none"
        )
        if not later and not candidate.exempt:
            if member not in sent and unknown is not None:
                unknown.add(member)
            later = sent.get(member, 0) + batch.get(member, 0) >= hub.daily_notification_cap
        decided.append((candidate, Delivery.DIGEST if later else Delivery.NOW))
        if not later:
            told_now += 1
            batch[member] = batch.get(member, 0) + 1
    return decided


def _may_be_told_now(listing: Listing, now: datetime, sent: dict[int, int]) -> list[int]:
    """The listing's first candidates (ranked) who would be told now but for the daily cap and
    are not counted yet: MAX_NOW and half as many again (some will be over the cap)."""
    wanted: list[int] = []
    for candidate in listing.candidates:
        if len(wanted) >= MAX_NOW + MAX_NOW // 2:
            break
        if _quiet(candidate.prefs, now, listing.zone) or (
            candidate.prefs.get("digest", "none") != "none"
        ):
            continue
        if candidate.member_id not in sent:
            wanted.append(candidate.member_id)
    return wanted


async def _decide_all(
    conn: BaseDBAsyncClient, hub: Hub, listings: list[Listing], now: datetime
) -> list[tuple[Listing, Candidate, Delivery]]:
    """Every listing's candidates told now or in the digest, the cap counted across the batch.
    Today's count is read only for the members who could be told now (the first ~150 of each
    listing, not its ~850 candidates); if the cap turns enough of them to the digest that members
    past those are reached, they and the next ~150 of each listing are counted in another
    round, and the batch is decided again."""
    for listing in listings:
        rank(listing)
    sent: dict[int, int] = {}
    wanted = {m for listing in listings for m in _may_be_told_now(listing, now, sent)}
    while True:
        sent.update(await caps.told_today(conn, hub, list(wanted), now))
        unknown: set[int] = set()
        batch: dict[int, int] = {}
        decided = [
            (listing, candidate, delivery)
            for listing in listings
            for candidate, delivery in decide(
                hub, listing, now=now, sent=sent, batch=batch, unknown=unknown
            )
        ]
        if not unknown:
            return decided
        wanted = unknown | {m for listing in listings for m in _may_be_told_now(listing, now, sent)}


async def _listings(hub: Hub, ids: list[int]) -> list[Listing]:
    opportunities = {o.id: o for o in await Opportunity.filter(id__in=ids)}
    skills: dict[int, list[int]] = {}
    for oid, skill_id in await OpportunitySkill.filter(
        hub_id=hub.id, opportunity_id__in=ids
    ).values_list("opportunity_id", "skill_id"):  # hub first: opportunity_skill_uniq
        skills.setdefault(oid, []).append(skill_id)  # type: ignore[arg-type]
    zone = ZoneInfo(hub.timezone)
    return [Listing(opportunities[i], skills.get(i, []), zone) for i in ids]


async def _store(
    conn: BaseDBAsyncClient,
    hub: Hub,
    decided: list[tuple[Listing, Candidate, Delivery]],
    titles: list[str],
    index: dict[int, int],
    now: datetime,
) -> list[dict[str, Any]]:
    """Every notification of the batch in one INSERT; returns those told now, and a count per
    listing of those stored for the digest (id None)."""
    return await conn.execute_query_dict(
        _STORE,
        [
            hub.id,
            NotificationKind.OPPORTUNITY_MATCH.value,
            titles,
            now,
            [c.member_id for _, c, _ in decided],
            [listing.opportunity.id for listing, _, _ in decided],
            [index[listing.opportunity.id] for listing, _, _ in decided],
            [reason(c)[:300] for _, c, _ in decided],
            [d.value for _, _, d in decided],
            [c.score for _, c, _ in decided],
            [orjson.dumps(why(c)).decode() for _, c, _ in decided],
        ],
    )


async def _emails(
    hub: Hub,
    told: list[dict[str, Any]],
    who: dict[tuple[int, int], Candidate],
    titles: dict[int, str],
) -> None:
    """The emails of the notifications told now, each in its recipient's language, queued as a
    few jobs of up to a hundred (mail.service.send_emails: one SMTP connection each, resumed
    where it stopped), keyed by the batch's first notification: queued once whatever happens.
    One job per email flooded the queue: a burst of 200 listings queued ~20,000 of them ahead
    of the next batch's matching job."""
    emails = [(who[(r["opportunity_id"], r["member_id"])], r) for r in told]
    messages = []
    for c, r in sorted(emails, key=lambda e: e[1]["id"]):
        if not c.by_email:
            continue
        with use_locale(resolve(member=c.locale, hub=hub.locale)):
            title = titles[r["opportunity_id"]]
            messages.append(
                {
                    "ref": f"notify:{r['id']}",
                    "to": str(c.email),
                    "subject": gettext("A new opportunity for you: {title}", title=title),
                    "text": gettext(
                        "“{title}”: we thought of you because {reason}.\n"
                        "Open the app to see it and apply.",
                        title=title,
                        reason=explain(why(c)),
                    ),
                }
            )
    if messages:
        await queue_emails(messages, key=f"notify:{min(r['id'] for r in told)}")


async def _announce(pairs: list[tuple[int, int]]) -> None:
    try:
        await live.publish_many(pairs)
    except Exception:  # the notification is stored: the app still shows it on next load
        log.warning("live notification not published", exc_info=True)


async def _take_lock(conn: BaseDBAsyncClient, hub: Hub) -> None:
    """The hub's matching lock, waited for at most half the job timeout: a job that got it late
    would be cut off mid-batch. Busy that long: retried later (the running batch has most
    likely taken this job's opportunity by then)."""
    wait_ms = get_settings().job_timeout_seconds * 500
    await conn.execute_query(f"SET LOCAL lock_timeout = {int(wait_ms)}")
    try:
        await conn.execute_query(_LOCK, [hub.id])
    except Exception as exc:
        if "55P03" in {getattr(exc, "sqlstate", None), getattr(exc.__cause__, "sqlstate", None)}:
            raise TransientJobError("the hub's matching lock is busy") from exc
        raise
    await conn.execute_query("SET LOCAL lock_timeout = 0")


def batch_size() -> int:
    """CH_MATCHING_BATCH, halved for each earlier attempt of this job (one cut off by the job
    timeout takes fewer the next time), at least 1."""
    return max(1, get_settings().matching_batch >> ((current_attempt() or 1) - 1))


# One matching job per hub and process waits for the hub's lock; the others of the process
# wait here, without a connection. Each waiting for the lock in its transaction, ten jobs of a
# burst held all ten connections of the pool while the batch that held the lock waited for
# one for its candidates' parts, until their lock timeout (10 s) gave up.
_turns: dict[tuple[int, int], asyncio.Lock] = {}


def _turn(hub: Hub) -> asyncio.Lock:
    key = (id(asyncio.get_running_loop()), hub.id)
    if key not in _turns:
        _turns[key] = asyncio.Lock()
    return _turns[key]


async def match_batch(*, hub: Hub, now: datetime, first: int | None = None) -> int:
    """Matches a batch of the hub's published, unmatched opportunities (`first` among them if it
    still is one); returns the notifications stored. See the module's docstring."""
    turn = _turn(hub)
    try:
        async with asyncio.timeout(get_settings().job_timeout_seconds / 2):
            await turn.acquire()
    except TimeoutError as exc:
        raise TransientJobError("the hub's matching turn is busy") from exc
    try:
        return await _match_batch(hub=hub, now=now, first=first)
    finally:
        turn.release()


async def _match_batch(*, hub: Hub, now: datetime, first: int | None) -> int:
    outside = contextvars.copy_context()  # the pool's connections, not this transaction's
    async with in_transaction() as conn:
        await _take_lock(conn, hub)
        waiting = await jobs.waiting_values(NOTIFY_JOB, "opportunity_id")
        if first is not None:
            waiting.append(first)
        rows = await conn.execute_query_dict(_CLAIM, [hub.id, waiting, first or 0, batch_size()])
        if not rows:
            return 0
        listings = await _listings(hub, [r["id"] for r in rows])
        await find_in_parts(outside, hub.id, listings)
        decided = await _decide_all(conn, hub, listings, now)
        titles = {listing.opportunity.id: listing.opportunity.title for listing in listings}
        index = {oid: n for n, oid in enumerate(titles, start=1)}
        stored = (
            await _store(conn, hub, decided, [t[:200] for t in titles.values()], index, now)
            if decided
            else []
        )
        searched = await saved_searches.notify_saved_searches(hub=hub, listings=listings, now=now)
        who = {(listing.opportunity.id, c.member_id): c for listing, c, _ in decided}
        told = [r for r in stored if r["id"] is not None]
        await _emails(hub, told, who, titles)
        notified = {oid: searched.get(oid, 0) for oid in titles}
        for r in stored:
            notified[r["opportunity_id"]] += r["n"]
        await conn.execute_query(_MATCHED, [hub.id, list(notified), list(notified.values())])
    await _announce(
        [
            (r["member_id"], r["id"])
            for r in told
            if who[(r["opportunity_id"], r["member_id"])].in_app
        ]
    )
    return sum(notified.values())


@subscribe("opportunity.published")
async def notify_matches(*, opportunity_id: int, now: datetime | None = None) -> int:
    """The publish event's job: matches the opportunity, with every other one published and
    not matched yet (up to CH_MATCHING_BATCH), unless a batch did already. Returns the notifications
    stored by this run (its whole batch): 0 when someone else matched it."""
    now = now or datetime.now(UTC)
    opportunity = await Opportunity.get_or_none(id=opportunity_id)
    if opportunity is None or opportunity.status != OpportunityStatus.PUBLISHED:
        return 0
    if await MatchedOpportunity.exists(hub_id=opportunity.hub_id, opportunity_id=opportunity_id):
        return 0
    hub = await Hub.get(id=opportunity.hub_id)
    return await match_batch(hub=hub, now=now, first=opportunity_id)

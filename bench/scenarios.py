"""The six scenarios of bench/run (issue 7), each against real server processes."""

import asyncio
import contextlib
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from bench import documents as doc
from bench import procs, vacuum, writes, wrk
from bench.load import Requests, drive, merged, percentile, post_json, summary
from bench.sample import Sample, gid
from bench.sqlcount import statements

CENTRE = (53.4794, -2.2453)


@dataclass
class Run:
    sample: Sample
    api: procs.Service
    database_url: str
    redis_prefix: str
    seconds: float
    max_requests: int
    clients: list[int]
    burst: int
    pgbench_scale: int = 10
    rounds: int = 3
    matching_workers: int = 2
    api_workers: int = 1  # the floor gets as many processes

    driver: str = "aiohttp"  # or "wrk" for the steps given as Requests (bench/wrk.py)

    def bearer(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def load(
        self,
        send: Any,
        clients: int,
        url: str | None = None,
        *,
        seconds: float | None = None,
        keep: bool = False,
    ) -> dict[str, Any]:
        """Closed-loop load for `seconds` (default: the run's): `send` is a bench.load.Send or
        a Requests, which --driver wrk sends with wrk after checking each answer once (`keep`:
        the latencies or wrk's histogram too, for merging rounds)."""
        url, seconds = url or self.api.url, self.seconds if seconds is None else seconds
        if isinstance(send, Requests) and self.driver == "wrk":
            wrong = await send.checked(url)
            found = await asyncio.to_thread(
                wrk.run, url + send.path, send.items, clients=clients, seconds=seconds
            )
            if not keep:
                found.pop("histogram")
            return found | {"wrong_answers": wrong, "errors": found["errors"] + wrong}
        if isinstance(send, Requests):
            send = send.send()
        return await drive(
            send,
            base_url=url,
            clients=clients,
            seconds=seconds,
            max_requests=self.max_requests,
            keep=keep,
        )

    async def interleaved(
        self, steps: dict[str, tuple[Any, str]], clients: int
    ) -> dict[str, dict[str, Any]]:
        """Each step (send, url) for `seconds` in all, in `rounds` turns taken one after the
        other: a load that changes on a shared machine then falls on every side alike."""
        parts: dict[str, list[dict[str, Any]]] = {name: [] for name in steps}
        for _ in range(self.rounds):
            for name, (send, url) in steps.items():
                seconds = self.seconds / self.rounds
                found = await self.load(send, clients, url, seconds=seconds, keep=True)
                parts[name].append(found)
        return {name: _merged(found) for name, found in parts.items()}


def _merged(parts: list[dict[str, Any]]) -> dict[str, Any]:
    if parts[0].get("driver") != "wrk":
        return merged(parts)
    wrong = sum(part["wrong_answers"] for part in parts)
    done = wrk.merged(parts)
    done.pop("histogram")
    return done | {"wrong_answers": wrong, "errors": done["errors"] + wrong}


def _ok(body: Any, field: str) -> bool:
    return isinstance(body, dict) and not body.get("errors") and body["data"][field] is not None


def _answers(field: str) -> Any:
    return lambda body: _ok(body, field)


async def feed(run: Run) -> dict[str, Any]:
    """1. The recommended feed of random members, first: 20, at each client count."""
    tokens = run.sample.members
    body = {"query": doc.FEED, "variables": {"first": 20}}
    send = Requests(
        [(run.bearer(token), body) for token in tokens], _answers("recommendedOpportunities")
    )
    levels = {str(c): await run.load(send, c) for c in run.clients}
    sql = {
        str(first): await statements(doc.FEED, {"first": first}, run.bearer(tokens[0]))
        for first in (10, 50)
    }
    return {"by_clients": levels, "sql_per_request": sql}


async def plain_list(run: Run, peers: bool, network: bool) -> dict[str, Any]:
    """2. `opportunities(first: 20)` with organisation: ours, PostGraphile v4, the floor; and
    the nested detail (node with organisation, category, skills, first 20 applications with
    applicants, seen by its poster) against PostGraphile's `opportunityById` (issue 15)."""
    clients = max(run.clients[:2])  # 8 in a full run
    headers = {"CH-Hub": run.sample.hub_slug}
    body = {"query": doc.LIST, "variables": {"first": 20}}
    posters = run.sample.posters
    ours = Requests([(headers, body)], _answers("opportunities"))
    our_detail = Requests(
        [
            (run.bearer(token), {"query": doc.NODE_DETAIL, "variables": {"id": opportunity}})
            for token, opportunity in posters
        ],
        _answers("node"),
    )

    result: dict[str, Any] = {"clients": clients, "rounds": run.rounds}
    result["sql_per_request"] = {
        str(first): await statements(doc.LIST, {"first": first}, headers) for first in (10, 50)
    }
    token, opportunity = posters[0]
    detail: dict[str, Any] = {
        "clients": clients,
        "sql_per_request": await statements(
            doc.NODE_DETAIL, {"id": opportunity}, run.bearer(token)
        ),
    }
    result["detail"] = detail
    hub = str(run.sample.hub_id)
    pg_body = {"query": doc.POSTGRAPHILE_LIST, "variables": {"first": 20, "hub": hub}}
    theirs = Requests([({}, pg_body)], _answers("allOpportunities"))
    their_detail = Requests(
        [
            (
                {},
                {
                    "query": doc.POSTGRAPHILE_NODE_DETAIL,
                    "variables": {"id": str(_pk(opportunity)), "hub": hub},
                },
            )
            for _, opportunity in posters
        ],
        _answers("opportunityById"),
    )

    with contextlib.ExitStack() as stack:
        floor = stack.enter_context(procs.floor(run.database_url, run.api_workers).ready())
        expected = await _first_answer(run.api.url, body, headers)
        got = await _first_answer(floor.url, body, headers)
        # The same data; the API adds extensions.cost (the caller's budget), the floor has none.
        assert got["data"] == expected["data"], "the floor must answer exactly what the API answers"
        lists: dict[str, tuple[Any, str]] = {
            "communityhub": (ours, run.api.url),
            "floor": (ours, floor.url),
        }
        details: dict[str, tuple[Any, str]] = {"communityhub": (our_detail, run.api.url)}
        pg = None
        if peers and procs.postgraphile_installed(network=network):
            pg = stack.enter_context(
                procs.postgraphile(run.database_url).ready("/graphql", {"query": "{__typename}"})
            )
            await _same_detail(run, pg.url, posters[0])
            lists["postgraphile"] = (theirs, pg.url)
            details["postgraphile"] = (their_detail, pg.url)
        result.update(await run.interleaved(lists, clients))
        detail.update(await run.interleaved(details, clients))
        if pg is not None:
            result["postgraphile"]["peak_rss_mb"] = pg.peak_rss_mb()
        else:
            skipped = {"skipped": "not installed: run bench/run once without --offline"}
            result["postgraphile"] = detail["postgraphile"] = skipped
    ours_rate = result["communityhub"]["per_second"]
    for peer in ("postgraphile", "floor"):
        rate = result[peer].get("per_second")
        result[f"vs_{peer}"] = round(ours_rate / rate, 2) if rate else None
    rate = detail["postgraphile"].get("per_second")
    detail["vs_postgraphile"] = (
        round(detail["communityhub"]["per_second"] / rate, 2) if rate else None
    )
    return result


async def _same_detail(run: Run, pg_url: str, poster: tuple[str, str]) -> None:
    """Both answer the same opportunity, skills and applications (before the load)."""
    token, opportunity = poster
    ours = await _first_answer(
        run.api.url,
        {"query": doc.NODE_DETAIL, "variables": {"id": opportunity}},
        run.bearer(token),
    )
    variables = {"id": str(_pk(opportunity)), "hub": str(run.sample.hub_id)}
    theirs = await _first_answer(
        pg_url, {"query": doc.POSTGRAPHILE_NODE_DETAIL, "variables": variables}, {}
    )
    node, peer = ours["data"]["node"], theirs["data"]["opportunityById"]
    assert node["title"] == peer["title"] and node["description"] == peer["description"]
    assert sorted(s["name"] for s in node["skills"]) == sorted(
        s["skillBySkillId"]["name"] for s in peer["opportunitySkillsByOpportunityId"]["nodes"]
    )
    applicants = [e["node"]["applicant"]["displayName"] for e in node["applications"]["edges"]]
    rows = peer["applicationsByOpportunityId"]["nodes"]
    peer_applicants = [a["memberByApplicantId"]["displayName"] for a in rows]
    assert applicants == peer_applicants, "the same first 20 applications, in the same order"


async def _first_answer(url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    async with aiohttp.ClientSession(url) as session:
        return await post_json(session, "/graphql", body, headers)


async def detail(run: Run) -> dict[str, Any]:
    """3. An opportunity with its applications, seen by its poster, and the poster's portfolio."""
    posters = run.sample.posters
    send = Requests(
        [
            (run.bearer(token), {"query": doc.DETAIL, "variables": {"id": opportunity}})
            for token, opportunity in posters
        ],
        _answers("node"),
    )

    clients = max(run.clients[:2])
    token, opportunity = posters[0]
    return {
        "clients": clients,
        **await run.load(send, clients),
        "sql_per_request": await statements(doc.DETAIL, {"id": opportunity}, run.bearer(token)),
    }


async def mutations(run: Run) -> dict[str, Any]:
    """4. payMember and applyToOpportunity per second (issue 19), each through the service in
    this process and through GraphQL against the API, with pgbench tpcb-like on the same
    server in the same run as the ceiling. Every application is a new (member, opportunity)
    pair, so each one is a real application (or a refusal the rules make: missing checks,
    age, own opportunity), counted by outcome."""
    from app.auth import service as auth

    s = run.sample
    vacuumed = await vacuum.as_autovacuum_would(run.database_url)
    clients = max(run.clients[:2])
    actors = {t: await auth.authenticate(t) for t in {*s.members, *s.payers}}
    pairs = await writes.unapplied(
        [(m, o) for m in s.members for o in s.open_ids], actors, _pk
    )  # pairs applied by an earlier run on the same copy would only be refused
    if len(pairs) < 2:  # was a ZeroDivisionError in the service step
        raise RuntimeError(
            "the sampled members have applied to every sampled opportunity of this database:"
            " run on a fresh copy (createdb -T <hub> <copy>)"
        )
    random.Random(6).shuffle(pairs)
    half = len(pairs) // 2
    by_service, by_graphql = pairs[:half], pairs[half:]
    outcomes: dict[str, Counter[str]] = {
        "apply_service": Counter(),
        "apply_graphql": Counter(),
        "pay_graphql": Counter(),
    }

    def ring(k: int) -> tuple[str, int]:
        """The k-th payer and whom they pay: the next payer. The payers pay each other round
        a ring, so no one runs dry however long or often the scenario runs on one copy (paying
        the sampled members drained the payers: INSUFFICIENT_CREDITS in repeated runs)."""
        payee = s.payers[(k + 1) % len(s.payers)]
        return s.payers[k], actors[payee].member_id

    async def apply_service(client: int, n: int) -> bool:
        from app.errors import DomainError
        from app.opportunities import applications

        token, opportunity = by_service[n % len(by_service)]
        try:
            done = await applications.apply(
                actor=actors[token], opportunity_id=int(_pk(opportunity))
            )
        except DomainError as refused:
            outcomes["apply_service"][str(refused.code)] += 1
            return True
        outcomes["apply_service"][done.status.value] += 1
        return True

    async def pay_service(client: int, n: int) -> bool:
        from app.credits import service

        payer, payee = ring((client * 31 + n) % len(s.payers))
        await service.pay(
            actor=actors[payer], payee_id=payee, amount=1, idempotency_key=uuid.uuid4().hex
        )
        return True

    async def apply(session: aiohttp.ClientSession, client: int, n: int) -> bool:
        token, opportunity = by_graphql[n % len(by_graphql)]
        body = {"query": doc.APPLY, "variables": {"input": {"opportunityId": opportunity}}}
        answer = await post_json(session, "/graphql", body, run.bearer(token))
        if not _ok(answer, "applyToOpportunity"):
            return False
        payload = answer["data"]["applyToOpportunity"]
        outcome = payload["errors"][0]["code"] if payload["errors"] else None
        outcome = outcome or payload["application"]["status"]
        outcomes["apply_graphql"][outcome.lower()] += 1
        return True

    async def pay(session: aiohttp.ClientSession, client: int, n: int) -> bool:
        token, payee = ring((client * 31 + n) % len(s.payers))
        variables = {
            "input": {
                "payeeId": gid("Member", payee),
                "amount": 1,
                "idempotencyKey": uuid.uuid4().hex,
            }
        }
        answer = await post_json(
            session, "/graphql", {"query": doc.PAY, "variables": variables}, run.bearer(token)
        )
        if not _ok(answer, "payMember"):
            return False
        refused = answer["data"]["payMember"]["errors"]
        outcomes["pay_graphql"][refused[0]["code"].lower() if refused else "posted"] += 1
        return not refused

    pay_by_service = await in_process(pay_service, clients, run.seconds, run.max_requests)
    if run.driver == "wrk":  # every request built and every answer read by wrk's Lua
        rows = [
            (run.bearer(s.payers[k]), writes.pay_body(doc.PAY, gid("Member", ring(k)[1])))
            for k in range(len(s.payers))
        ]
        paid = await writes.step(run.api, rows, clients, run.seconds, allowed={"ok"})
        outcomes["pay_graphql"].update(paid.pop("outcomes"))
    else:
        paid = await writes.with_cpu(run.api, run.load(pay, clients))
    apply_by_service = await in_process(apply_service, clients, run.seconds, run.max_requests)
    if run.driver == "wrk":
        rows = [(run.bearer(t), writes.apply_body(doc.APPLY, o)) for t, o in by_graphql]
        applied = await writes.step(run.api, rows, clients, run.seconds, allowed=None)
        outcomes["apply_graphql"].update(applied.pop("outcomes"))
    else:
        applied = await writes.with_cpu(run.api, run.load(apply, clients))
    payer = run.bearer(s.payers[0])

    def payment() -> dict[str, Any]:
        key = uuid.uuid4().hex
        return {"input": {"payeeId": s.payees[1], "amount": 1, "idempotencyKey": key}}

    sql = {"transfer": await statements(doc.PAY, payment(), payer, counted=payment())}
    ceiling = await asyncio.to_thread(
        procs.pgbench, run.database_url, run.seconds, clients, run.pgbench_scale
    )
    tps = ceiling.get("tps") or 0

    def ratio(found: dict[str, Any]) -> float | None:
        return round(found["per_second"] / tps, 3) if tps else None

    return {
        "clients": clients,
        "transfer_service": pay_by_service,
        "transfer": paid | {"outcomes": dict(outcomes["pay_graphql"])},
        "apply_service": apply_by_service | {"outcomes": dict(outcomes["apply_service"])},
        "apply": applied | {"outcomes": dict(outcomes["apply_graphql"])},
        "sql_per_request": sql,
        "pgbench_tpcb_like": ceiling,
        "transfer_service_vs_pgbench": ratio(pay_by_service),
        "transfer_vs_pgbench": ratio(paid),
        "apply_service_vs_pgbench": ratio(apply_by_service),
        "apply_vs_pgbench": ratio(applied),
        "vacuumed_first": vacuumed,
    }


async def in_process(send: Any, clients: int, seconds: float, max_requests: int) -> dict[str, Any]:
    """`clients` loops calling the service in this process (no HTTP, no GraphQL) for `seconds`
    or `max_requests`: the service path's own rate."""
    latencies: list[float] = []
    errors = issued = 0
    await send(0, -1)  # warm: the statements are prepared on first use
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        nonlocal errors, issued
        while time.perf_counter() < deadline and issued < max_requests:
            issued += 1
            started = time.perf_counter()
            ok = await send(number, issued)
            latencies.append(time.perf_counter() - started)
            errors += not ok

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return summary(len(latencies), errors, time.perf_counter() - started, latencies)


SINGLES = 20  # opportunities published one at a time before the burst (single-publish latency)


async def matching(run: Run) -> dict[str, Any]:
    """5. Matching (issue 19): 20 publishes one at a time, each matched before the next (the
    single-publish latency), then a burst of `run.burst` from 8 clients at once; per
    opportunity, publish to its batch's commit (every notification stored, its email jobs
    enqueued), with `run.matching_workers` worker processes."""
    s = run.sample
    vacuumed = await vacuum.as_autovacuum_would(run.database_url)
    rng = random.Random(9)
    starts = datetime.now(UTC) + timedelta(days=3)
    inputs = [
        {
            "fields": {
                "kind": "REQUEST",
                "title": f"Burst help {i}",
                "description": "Published by bench/run scenario 5.",
                "categoryId": rng.choice(s.category_ids),
                "skillIds": [rng.choice(s.skill_ids)],
                "location": {
                    "lat": CENTRE[0] + rng.gauss(0, 0.12),
                    "lng": CENTRE[1] + rng.gauss(0, 0.18),
                },
                "startsAt": (starts + timedelta(hours=rng.randint(0, 96))).isoformat(),
                "places": 3,
            },
            "publish": True,
        }
        for i in range(run.burst + SINGLES + 2)
    ]
    published: list[int] = []

    async def send(session: aiohttp.ClientSession, client: int, n: int) -> bool:
        body = {"query": doc.CREATE, "variables": {"input": inputs[n % len(inputs)]}}
        answer = await post_json(
            session, "/graphql", body, run.bearer(s.members[n % len(s.members)])
        )
        ok = _ok(answer, "createOpportunity") and answer["data"]["createOpportunity"]["opportunity"]
        if ok:
            published.append(int(_pk(answer["data"]["createOpportunity"]["opportunity"]["id"])))
        return bool(ok)

    with contextlib.ExitStack() as stack:
        workers = [
            stack.enter_context(procs.worker(run.database_url, run.redis_prefix))
            for _ in range(run.matching_workers)
        ]
        await asyncio.sleep(1)  # the workers connect to Redis before the first publish
        quiet_after = await _wait_until_idle()
        began = datetime.now(UTC)
        singles: list[int] = []
        for n in range(SINGLES):
            async with aiohttp.ClientSession(run.api.url) as session:
                before = len(published)
                await send(session, 0, run.burst + n)
                singles += published[before:]
            await _wait_for_matching(published[before:], wait=30.0)
        single = await _wait_for_matching(singles, wait=30.0)
        burst_ids_from = len(published)
        burst = await drive(
            send, base_url=run.api.url, clients=8, seconds=600, max_requests=run.burst
        )
        burst_ids = published[burst_ids_from:]
        waited = await _wait_for_matching(burst_ids, wait=max(120.0, run.burst * 5.0))
        result = {
            "workers": run.matching_workers,
            "waited_for_start_up_work_s": quiet_after,
            "single": single,
            "published": len(burst_ids),
            "burst": burst,
            **waited,
            "batches": await _batches(burst_ids),
            "vacuumed_first": vacuumed,
            "told_now": await _told_now(burst_ids),
        }
        result["worker_peak_rss_mb"] = max(w.peak_rss_mb() for w in workers)
    await _forget(published, since=began)
    result["cap_counts_left"] = await _cap_counts()
    return result


async def _told_now(ids: list[int]) -> int:
    """The burst's notifications told now (the rest went to digests): none when every member
    in reach is over the daily cap, which makes a cheaper burst than a day's first."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT count(*)::int AS n FROM notification"
        " WHERE opportunity_id = ANY($1::bigint[]) AND delivery = 'now'",
        [ids],
    )
    return int(rows[0]["n"])


async def _cap_counts() -> int:
    """The daily cap's counts on the copy (after the clean-up: 0 unless something else told)."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT count(*)::int AS n FROM notification_told_day"
    )
    return int(rows[0]["n"])


def next_tuesday_afternoon(zone: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """14:00-16:00 local time on the first Tuesday at least two days ahead."""
    tz = ZoneInfo(zone)
    today = (now or datetime.now(UTC)).astimezone(tz).date() + timedelta(days=2)
    day = today + timedelta(days=(1 - today.weekday()) % 7)
    return datetime.combine(day, clock(14), tz), datetime.combine(day, clock(16), tz)


def free_space_variables(
    point: dict[str, float], window: tuple[datetime, datetime], first: int = 20
) -> dict[str, Any]:
    """Scenario 7's variables: bookable, within 5 km of `point`, free for `window`."""
    free = {"startsAt": window[0].isoformat(), "endsAt": window[1].isoformat()}
    return {
        "first": first,
        "filter": {"kind": "BOOKABLE", "near": point, "withinKm": 5, "free": free},
    }


def free_space_points(count: int = 500) -> list[dict[str, float]]:
    """Where scenario 7 searches from: drawn as the generator places assets and members."""
    rng = random.Random(13)
    return [
        {"lat": CENTRE[0] + rng.gauss(0, 0.12), "lng": CENTRE[1] + rng.gauss(0, 0.18)}
        for _ in range(count)
    ]


async def free_space(run: Run) -> dict[str, Any]:
    """7. "A space free on Tuesday afternoon within 5 km": bookable assets near a point, free
    14:00-16:00 next Tuesday (no booking overlaps, inside the opening hours, length and
    notice), nearest first, first 20, anonymous (CH-Hub), from random points of the city."""
    window = next_tuesday_afternoon(run.sample.hub_zone)
    points = free_space_points()
    headers = {"CH-Hub": run.sample.hub_slug}
    found: list[int] = []

    async def send(session: aiohttp.ClientSession, client: int, n: int) -> bool:
        variables = free_space_variables(points[n % len(points)], window)
        answer = await post_json(
            session, "/graphql", {"query": doc.FREE_SPACE, "variables": variables}, headers
        )
        ok = _ok(answer, "assets")
        if ok and n >= 0:  # not the warm-up
            found.append(len(answer["data"]["assets"]["edges"]))
        return ok

    levels = {str(c): await run.load(send, c) for c in sorted({1, *run.clients[1:2]})}
    sql = {
        str(first): await statements(
            doc.FREE_SPACE, free_space_variables(CENTRE_POINT, window, first), headers
        )
        for first in (10, 50)
    }
    found.sort()
    return {
        "window": [window[0].isoformat(), window[1].isoformat()],
        "by_clients": levels,
        "sql_per_request": sql,
        "found_median": percentile([float(f) for f in found], 0.5),
        "found_none": sum(1 for f in found if f == 0),
        "found_full_page": sum(1 for f in found if f == 20),
        "searches": len(found),
    }


CENTRE_POINT = {"lat": CENTRE[0], "lng": CENTRE[1]}


_UNCOUNT = """
WITH told AS (
  SELECT n.hub_id, (n.created_at AT TIME ZONE h.timezone)::date AS day, n.member_id,
         count(*)::int AS n
    FROM notification n JOIN hub h ON h.id = n.hub_id
   WHERE n.opportunity_id = ANY($1::bigint[]) AND n.delivery = 'now'
   GROUP BY 1, 2, 3
), gone AS (
  DELETE FROM notification_told_day d USING told t
   WHERE (d.hub_id, d.day, d.member_id) = (t.hub_id, t.day, t.member_id) AND d.told <= t.n
)
UPDATE notification_told_day d SET told = d.told - t.n FROM told t
 WHERE (d.hub_id, d.day, d.member_id) = (t.hub_id, t.day, t.member_id) AND d.told > t.n
"""


async def _forget(ids: list[int], *, since: datetime) -> None:
    """Leaves the hub as it was: the burst would otherwise head the newest-first list."""
    async with in_transaction() as connection:
        # The e-mail jobs the burst queued and the stopped worker did not send.
        await connection.execute_query(
            "DELETE FROM outbox_job WHERE status <> 'done' AND created_at >= $1", [since]
        )
        # The daily cap's counts of what the run told now (migration 0058's trigger counts
        # inserts only): left, they put the members in reach over the cap for the rest of the
        # day, and the next run told no one now (no emails, no live messages: a cheaper burst).
        await connection.execute_query(_UNCOUNT, [ids])
        for table in ("notification", "opportunity_skill", "matched_opportunity"):
            await connection.execute_query(
                f"DELETE FROM {table} WHERE opportunity_id = ANY($1::bigint[])", [ids]
            )
        # Without the foreign keys' checks: no index leads with opportunity_id in application
        # or hours_record (the app archives opportunities, never deletes them), so each check
        # reads those tables whole, ~0.4 s an opportunity at scale 1. The burst's have none of
        # those rows, and what refers to them is deleted above (the bench connects as a
        # superuser, which this setting needs).
        await connection.execute_query("SET LOCAL session_replication_role = replica")
        await connection.execute_query(
            "DELETE FROM opportunity WHERE id = ANY($1::bigint[])", [ids]
        )


async def _wait_until_idle(*, quiet: float = 2.0, limit: float = 600.0) -> float:
    """Waits until no other session of the hub's database has run a statement for `quiet`
    seconds: the workers' start-up periodic work (city data refreshed over the whole hub, a
    minute of a backend's CPU at scale 1) would otherwise run during the single publishes,
    which measure a steady state. Returns the seconds waited."""
    connection = Tortoise.get_connection("default")
    began = time.monotonic()
    idle_since = began
    while time.monotonic() - idle_since < quiet and time.monotonic() - began < limit:
        busy = await connection.execute_query_dict(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state = 'active'"
        )
        if busy[0]["n"]:
            idle_since = time.monotonic()
        await asyncio.sleep(0.1)
    return round(time.monotonic() - began, 1)


def _pk(global_id: str) -> str:
    import base64

    return base64.b64decode(global_id).decode().split(":", 1)[1]


async def _wait_for_matching(ids: list[int], wait: float) -> dict[str, Any]:
    """Publish to matched (the batch's commit: notifications stored, email jobs enqueued)."""
    connection = Tortoise.get_connection("default")
    query = (
        "SELECT o.id, extract(epoch FROM mo.matched_at - o.published_at) AS seconds,"
        " mo.notified FROM opportunity o JOIN matched_opportunity mo"
        " ON mo.hub_id = o.hub_id AND mo.opportunity_id = o.id WHERE o.id = ANY($1::bigint[])"
    )
    deadline = time.monotonic() + wait
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = await connection.execute_query_dict(query, [ids])
        if len(rows) >= len(ids):
            break
        await asyncio.sleep(0.01)
    latencies = sorted(float(r["seconds"]) for r in rows)
    notified = sorted(int(r["notified"]) for r in rows)
    return {
        "matched": len(rows),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "min_ms": round(latencies[0] * 1000, 1) if latencies else None,
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "notified_median": percentile([float(n) for n in notified], 0.5),
    }


async def _batches(ids: list[int]) -> dict[str, Any]:
    """How the burst was batched: opportunities per batch (one commit time per batch), and
    each batch's commit, its first and last publish in seconds from the burst's first publish."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "WITH b AS (SELECT mo.matched_at, count(*)::int AS n, min(o.published_at) AS first,"
        " max(o.published_at) AS last FROM matched_opportunity mo JOIN opportunity o"
        " ON o.id = mo.opportunity_id WHERE mo.opportunity_id = ANY($1::bigint[])"
        " GROUP BY mo.matched_at), s AS (SELECT min(first) AS t0 FROM b)"
        " SELECT b.n, round(extract(epoch FROM b.matched_at - s.t0)::numeric, 2)::float8 AS at,"
        " round(extract(epoch FROM b.first - s.t0)::numeric, 2)::float8 AS first,"
        " round(extract(epoch FROM b.last - s.t0)::numeric, 2)::float8 AS last"
        " FROM b, s ORDER BY b.matched_at",
        [ids],
    )
    sizes = [int(r["n"]) for r in rows]
    timeline = [[r["at"], r["first"], r["last"]] for r in rows]
    return {"count": len(sizes), "sizes": sizes, "committed_first_last_s": timeline}

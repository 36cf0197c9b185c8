"""A seeded, replayable simulation of a hub's life, against the real services and workers.

Each step picks one operation with the run's random generator — members register, follow the
emailed link and sign in, organisations post offers and requests, members apply and are
accepted, declined, waitlisted or withdraw, log hours that are verified (credits through the
outbox job) or disputed and settled, pay each other (retrying the same idempotency key, at
once or later), businesses sell vouchers that are used at the till, payment requests with
several payers are approved, declined, cancelled or run out — and predicts its outcome from
the model. Real `communityhub worker` processes run the jobs; a generator of their own kills
them with SIGKILL and restarts them. After every step every invariant is checked
(tests/simulation/checks.py); at barriers the simulation waits for the workers to drain and
counts the jobs' effects.

A failure names the seed and the step; the same seed replays the same operations, because the
choices read only the seed and the model (entities in the order they were made), never
database ids or timing.
"""

import asyncio
import hashlib
import re
import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import jobs
from app.actor import Actor
from app.auth import service as auth
from app.auth.errors import AuthErrorCode as AuthE
from app.config import get_settings
from app.credits import offers as vouchers
from app.credits import payment_requests as requests
from app.credits import service as credits
from app.credits.errors import CreditsErrorCode as CE
from app.errors import DomainError, DomainErrors, NotAuthenticated
from app.hubs import service as hubs
from app.hubs.models import Hub
from app.integrations import webhooks
from app.jobs import schedule
from app.opportunities import applications
from app.opportunities import service as opportunities
from app.opportunities.categories import create_category
from app.opportunities.errors import OpportunityErrorCode as OE
from app.organisations import service as organisations
from app.people import service as people
from app.people.models import Role
from app.portfolios import hours as hours_service
from app.portfolios.errors import PortfolioErrorCode as PE
from tests.helpers import DEFAULT_PASSWORD
from tests.simulation import checks
from tests.simulation.api import Api, gid, pk
from tests.simulation.model import (
    App,
    Hours,
    Model,
    Offer,
    Opp,
    Org,
    Payment,
    Person,
    Request,
    Share,
    Voucher,
)
from tests.simulation.receiver import receiving
from tests.simulation.workers import WorkerPool, patch_settings, restore_settings

MANCHESTER = (53.4794, -2.2453)
OVERDRAFT = 100
API_SHARE = 0.35  # of payments, applications, verifications, redemptions and approvals
# Relative weights of the operations (those that have nothing to act on are skipped).
WEIGHTS: dict[str, float] = {
    "register": 3,
    "register_twice": 0.3,
    "verify_email": 6,
    "sign_in_unverified": 0.4,
    "reuse_link": 0.3,
    "sign_in": 1.5,
    "grant_moderator": 0.6,
    "create_org": 1.2,
    "add_staff": 1.2,
    "post": 3.5,
    "apply": 8,
    "apply_wrongly": 1,
    "decide": 6,
    "withdraw": 2,
    "close_or_cancel": 0.8,
    "log_hours": 6,
    "review_hours": 6,
    "resolve_dispute": 2,
    "pay": 8,
    "pay_wrongly": 1.5,
    "request_payment": 3,
    "approve_share": 5,
    "decline_share": 0.8,
    "cancel_request": 0.8,
    "expire_request": 0.8,
    "create_offer": 1.2,
    "redeem": 4,
    "use_voucher": 3,
    "expire_voucher": 0.8,
    "set_overdraft": 0.4,
    "barrier": 1,
}


class Mismatch(AssertionError):
    """The hub answered differently from what the model predicts."""


class SimulationFailure(AssertionError):
    def __init__(self, seed: int, step: int, doing: str, detail: str, trace: list[str]) -> None:
        self.seed, self.step, self.doing, self.detail = seed, step, doing, detail
        recent = "\n".join(trace[-15:])
        super().__init__(
            f"simulation failed: seed {seed}, step {step} ({doing})\n{detail}\n"
            f"--- last steps ---\n{recent}\n"
            f"replay: uv run python -m tests.simulation.run --seed {seed} --steps {step}"
        )


@dataclass
class Summary:
    seed: int
    steps: int
    kills: int
    kills_holding_jobs: int
    worker_starts: int
    barriers: int
    seconds: float
    digest: str  # of the trace: two runs of one seed give the same
    counts: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    known: dict[str, int] = field(default_factory=dict)  # effects of known bugs, counted

    def __str__(self) -> str:
        ops = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        effects = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        return (
            f"seed {self.seed}: {self.steps} steps in {self.seconds:.1f} s, "
            f"{self.kills} kill -9 ({self.kills_holding_jobs} while jobs ran), "
            f"{self.worker_starts} worker starts, {self.barriers} barriers; trace {self.digest}\n"
            f"operations: {ops}\nchecked at the last barrier: {effects}\n"
            f"time in checks {self.timings.get('checks', 0):.1f} s, "
            f"waiting at barriers {self.timings.get('barriers', 0):.1f} s"
            + "".join(
                f"\nknown bug hit: {what} x{n} (reproduced by {checks.KNOWN[what]})"
                for what, n in sorted(self.known.items())
            )
        )


class Simulation:
    def __init__(
        self,
        seed: int,
        steps: int,
        *,
        kill_every: float = 60.0,
        barrier_every: int = 40,
        strict: bool = False,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.seed, self.steps = seed, steps
        self.rng = Random(seed)  # the operations
        self.relay_rng = Random(f"{seed}/relay")  # whether a request hands its jobs over
        self.pool = WorkerPool(Random(f"{seed}/workers"), kill_every)
        self.barrier_every = barrier_every
        self.strict = strict  # fail on the effects of known bugs too (checks.KNOWN)
        self.known: dict[str, set[Any]] = defaultdict(set)  # each effect of a known bug
        self.log = log
        self.salt = uuid.uuid4().hex[:8]  # unique names per run; never read by a choice
        self.trace: list[str] = []
        self.outcomes: dict[str, int] = {}
        self.step = 0
        self.queued = 0
        self.doing = "setup"
        self.last_barrier = 0
        self.barriers = 0
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}  # seconds spent in checks and barriers
        self.started = datetime.now(UTC)
        self.model = Model(overdraft=OVERDRAFT, credits_per_hour=60)

    # --- the run ------------------------------------------------------------------------------

    async def run(self) -> Summary:
        began = time.monotonic()
        old = patch_settings()
        self.started = datetime.now(UTC)
        self.mailbox = checks.Mailbox(get_settings().mail_dir, self.started)
        self.api = Api()
        try:
            async with receiving(Random(f"{self.seed}/receiver")) as self.receiver:
                await self._setup()
                await self.pool.ensure_ready()
                for step in range(1, self.steps + 1):
                    self.step = step
                    await self._guarded(self._one_step)
                self.step = self.steps + 1
                self.doing = "final barrier"
                await self._guarded(self._barrier)
                await asyncio.to_thread(self.pool.stop)  # the receiver answers meanwhile
        finally:
            self.pool.stop()
            await self.api.close()
            restore_settings(old)
        return Summary(
            seed=self.seed,
            steps=self.steps,
            kills=len(self.pool.kills),
            kills_holding_jobs=sum(1 for k in self.pool.kills if k.running_jobs),
            worker_starts=self.pool.starts,
            barriers=self.barriers,
            seconds=time.monotonic() - began,
            digest=self.digest(),
            counts=self.counts,
            outcomes=self.outcomes,
            timings=self.timings,
            known={what: len(seen) for what, seen in self.known.items()},
        )

    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.trace).encode()).hexdigest()[:16]

    async def _guarded(self, body: Callable[[], Awaitable[None]]) -> None:
        try:
            await body()
        except SimulationFailure:
            raise
        except (Mismatch, checks.Violation) as exc:
            raise self._failure(str(exc)) from exc
        except Exception as exc:
            detail = "".join(traceback.format_exception(exc))
            raise self._failure(f"unexpected error:\n{detail}") from exc

    def _failure(self, detail: str) -> SimulationFailure:
        return SimulationFailure(
            self.seed, self.step, self.doing, f"{detail}\n{self.pool.tail()}", self.trace
        )

    def _record(self, text: str) -> None:
        line = f"{self.step:5d} {text}"
        self.trace.append(line)
        if self.log:
            self.log(line)

    async def _one_step(self) -> None:
        self.queued = 0  # jobs the step's requests queued
        if self.step - self.last_barrier >= self.barrier_every:
            name = "barrier"
            self.doing = "barrier"
            await self._barrier()
            text = "barrier (due)"
        else:
            name, text = await self._random_operation()
        self.outcomes[name] = self.outcomes.get(name, 0) + 1
        self._record(text)
        event = await self.pool.after_step(self.step, self.queued)
        if event:
            self._record(f"  workers: {event}")
        began = time.monotonic()
        await checks.check_step(self.hub.id, self.model, datetime.now(UTC), self.known, self.strict)
        self.timings["checks"] = self.timings.get("checks", 0.0) + time.monotonic() - began

    async def _random_operation(self) -> tuple[str, str]:
        names = list(WEIGHTS)
        weights = [self._weight(n) for n in names]
        for _ in range(40):
            name = self.rng.choices(names, weights)[0]
            self.doing = name
            operation: Callable[[], Awaitable[str | None]] = getattr(self, f"op_{name}")
            text = await operation()
            if text is not None:
                return name, text
        self.doing = "register"
        return "register", await self.op_register() or "register"

    def _weight(self, name: str) -> float:
        """The operation's weight; flows not started yet get a push, so short runs cover all."""
        weight = WEIGHTS[name]
        model = self.model
        if name == "register":
            members = len(model.people)
            return 20.0 if members < 8 else weight if members < self._most_people() else 0.0
        if name == "create_org" and not any(o.kind == "business" for o in model.orgs):
            return 5.0
        if name == "create_offer" and len(model.offers) < 2:
            return 5.0
        if name == "grant_moderator" and not any(p.moderator for p in model.people):
            return 3.0
        if name in ("redeem", "use_voucher", "expire_voucher") and len(model.vouchers) < 3:
            return weight * 2
        return weight

    def _most_people(self) -> int:
        return min(80, 14 + self.step // 30)  # the step, never --steps: a prefix replays

    # --- calling the services -------------------------------------------------------------

    async def call(self, fn: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
        """One request: the service call, then its jobs handed over after commit — or, now
        and then, not (the process died after commit): the outbox sweep must find them."""
        async with jobs.collecting() as ids:
            result = await fn(**kwargs)
        self.queued += len(ids)
        if self.relay_rng.random() < 0.9:
            await jobs.relay_collected(ids)
        return result

    async def expect(
        self, error: Enum | None, fn: Callable[..., Awaitable[Any]], **kwargs: Any
    ) -> Any:
        """Calls, and fails unless the outcome is the predicted one (None: success)."""
        try:
            result = await self.call(fn, **kwargs)
        except DomainError as exc:
            if exc.code != error:
                raise Mismatch(f"expected {_name(error)}, got {exc!r}") from exc
            return None
        except DomainErrors as exc:
            codes = [e.code for e in exc.errors]
            if codes != [error]:
                raise Mismatch(f"expected {_name(error)}, got {exc.errors!r}") from exc
            return None
        if error is not None:
            raise Mismatch(f"expected {_name(error)}, got success: {result!r}")
        return result

    async def attempt(self, error: Enum | None, person: Person, call: "Call", api: bool) -> Any:
        """One request, through the service or the GraphQL API; the value `call` reads from
        its answer (None when the predicted error came)."""
        if not api:
            result = await self.expect(error, call.fn, **call.kwargs)
            return None if result is None else call.from_service(result)
        await self.actor(person)  # refreshes the access token if it ran out
        assert person.token is not None
        body = await self.api.mutate(person.token, call.field, call.input, call.selection)
        self.queued += 1  # the view relays the request's jobs: maybe some
        if body.get("errors"):
            raise Mismatch(f"{call.field}: {body['errors']}")
        payload = body["data"][call.field]
        codes = [e["code"] for e in payload["errors"]]
        if codes != ([] if error is None else [str(error.value).upper()]):
            raise Mismatch(f"{call.field}: expected {_name(error)}, got {payload['errors']}")
        return None if error is not None else call.from_api(payload)

    async def together(self, count: int, person: Person, call: "Call", api: bool) -> list[Any]:
        """The same request `count` times at once (a client retrying before its answer)."""
        return await asyncio.gather(
            *(self.attempt(None, person, call, api) for _ in range(count)), return_exceptions=True
        )

    def use_api(self) -> bool:
        return self.rng.random() < API_SHARE

    async def actor(self, person: Person) -> Actor:
        assert person.token is not None
        try:
            return await auth.authenticate(person.token)
        except NotAuthenticated:  # the access token ran out on a long run: refresh it
            assert person.refresh is not None
            _, person.token, person.refresh = await auth.refresh(refresh_token=person.refresh)
            return await auth.authenticate(person.token)

    def pick(self, items: list[Any]) -> Any:
        return items[self.rng.randrange(len(items))] if items else None

    # --- setup and barriers ---------------------------------------------------------------

    async def _setup(self) -> None:
        self.hub = await hubs.create_hub(name=f"Simulated hub {self.salt}", slug=f"sim-{self.salt}")
        email = f"admin.{self.salt}@sim.example.org"
        await auth.create_account(
            hub_slug=self.hub.slug,
            email=email,
            password=DEFAULT_PASSWORD,
            display_name="Hub admin",
            roles=[Role.HUB_ADMIN],
        )
        _, token, _ = await auth.login(
            hub_slug=self.hub.slug, email=email, password=DEFAULT_PASSWORD
        )
        self.admin = await auth.authenticate(token)
        self.model.others[self.admin.member_id] = email
        await hubs.update_hub(actor=self.admin, member_overdraft_limit=OVERDRAFT)
        self.category = await create_category(actor=self.admin, name="Helping out")
        await webhooks.create_endpoint(
            actor=self.admin, url=self.receiver.url, event_types=list(webhooks.EVENT_TYPES)
        )
        self.zone = ZoneInfo((await Hub.get(id=self.hub.id)).timezone)

    async def _barrier(self) -> None:
        """Waits until every job since the start is done and housekeeping has run, each within
        its deadline; then checks everything exactly and counts the effects."""
        began = time.monotonic()
        await self.pool.ensure_ready()
        deadline = schedule.recovery_deadline() + timedelta(seconds=3)
        while True:
            now = datetime.now(UTC)
            state = await checks.drain_state(self.hub.id, self.started, now)
            if state.failed:
                raise checks.Violation(f"jobs failed: {state.failed}")
            if state.done:
                break
            late = [j for j in state.unfinished if now > self._allowed(j) + deadline]
            if late or (not state.unfinished and self._since_ready() > deadline):
                raise checks.Violation(
                    f"jobs left pending past their planned time: {late or state.unfinished}; "
                    f"overdue holds {state.overdue_holds}, payment requests "
                    f"{state.overdue_requests}, vouchers {state.overdue_vouchers}"
                )
            await asyncio.sleep(0.05)
        self.model.settle()
        self.counts = await checks.check_barrier(
            self.hub.id,
            self.model,
            self.mailbox,
            [k.at for k in self.pool.kills],
            timedelta(seconds=get_settings().job_timeout_seconds + 2),
            self.receiver.received,
            self.known,
            self.strict,
        )
        self.last_barrier = self.step
        self.barriers += 1
        self.timings["barriers"] = self.timings.get("barriers", 0.0) + time.monotonic() - began
        if self.log:
            self.log(f"      (barrier waited {time.monotonic() - began:.1f} s)")

    def _allowed(self, job: dict[str, Any]) -> datetime:
        """A job is due at its planned time; one a dead worker held, from the kill; and nothing
        runs before a worker is up."""
        due = job["run_after"] or job["created_at"]
        times = [due, self.pool.ready_at or datetime.now(UTC)]
        times += [k.at for k in self.pool.kills if k.at >= due - timedelta(seconds=30)]
        return max(times)

    def _since_ready(self) -> timedelta:
        return datetime.now(UTC) - (self.pool.ready_at or datetime.now(UTC))

    # --- people ----------------------------------------------------------------------------

    async def op_register(self) -> str | None:
        idx = len(self.model.people)
        name, email = f"Member {idx}", f"m{idx}.{self.salt}@sim.example.org"
        member = await self.expect(
            None,
            auth.register,
            hub_slug=self.hub.slug,
            email=email,
            password=DEFAULT_PASSWORD,
            display_name=name,
        )
        self.model.people.append(Person(idx, email, name, member.id, self.model.epoch))
        return f"register m{idx}"

    async def op_register_twice(self) -> str | None:
        person = self.pick(self.model.people)
        if person is None:
            return None
        await self.expect(
            AuthE.DUPLICATE_EMAIL,
            auth.register,
            hub_slug=self.hub.slug,
            email=person.email,
            password=DEFAULT_PASSWORD,
            display_name="Again",
        )
        return f"register {person.ref} again -> duplicate email"

    async def op_verify_email(self) -> str | None:
        waiting = [
            p for p in self.model.people if not p.verified and p.registered_epoch < self.model.epoch
        ]
        person = self.pick(waiting)
        if person is None:
            return None
        token = self._verification_token(person)
        await self.expect(None, auth.verify_email, token=token)
        person.verified, person.link = True, token
        await self._login(person)
        return f"{person.ref} follows the emailed link and signs in"

    def _verification_token(self, person: Person) -> str:
        found = [
            name
            for name, to, subject in self.mailbox.read()
            if to == person.email and subject == "Confirm your email address"
        ]
        if not found:
            raise checks.Violation(f"no verification email for {person.ref} after a barrier")
        match = re.search(r"verify-email\?token=(\S+)", self.mailbox.body(found[0]))
        if match is None:
            raise checks.Violation(f"no link in the verification email of {person.ref}")
        return match.group(1)

    async def _login(self, person: Person) -> None:
        _, person.token, person.refresh = await self.expect(
            None,
            auth.login,
            hub_slug=self.hub.slug,
            email=person.email,
            password=DEFAULT_PASSWORD,
        )

    async def op_sign_in_unverified(self) -> str | None:
        person = self.pick([p for p in self.model.people if not p.verified])
        if person is None:
            return None
        await self.expect(
            AuthE.EMAIL_NOT_VERIFIED,
            auth.login,
            hub_slug=self.hub.slug,
            email=person.email,
            password=DEFAULT_PASSWORD,
        )
        return f"{person.ref} signs in unverified -> refused"

    async def op_reuse_link(self) -> str | None:
        person = self.pick([p for p in self.model.people if p.link])
        if person is None:
            return None
        assert person.link is not None
        if self.rng.random() < 0.5:  # a second click of the link: it says verified
            member = await self.expect(None, auth.verify_email, token=person.link)
            if member.id != person.id:
                raise Mismatch(f"{person.ref}'s link verified member {member.id}")
            return f"{person.ref} opens the link again -> verified"
        mangled = person.link[:-1] + ("A" if person.link[-1] != "A" else "B")
        await self.expect(AuthE.INVALID_TOKEN, auth.verify_email, token=mangled)
        return f"{person.ref} opens a mangled link -> invalid"

    async def op_sign_in(self) -> str | None:
        person = self.pick([p for p in self.model.people if p.verified])
        if person is None:
            return None
        way = self.rng.choice(["login", "refresh", "replayed refresh"])
        if person.token is None or way == "login":
            await self._login(person)
            return f"{person.ref} signs in"
        old = person.refresh
        _, person.token, person.refresh = await self.expect(None, auth.refresh, refresh_token=old)
        if way == "refresh":
            return f"{person.ref} refreshes the session"
        # A stolen, spent refresh token: the whole session ends, the member signs in again.
        await self.expect(AuthE.INVALID_TOKEN, auth.refresh, refresh_token=old)
        try:
            await auth.authenticate(person.token)
        except NotAuthenticated:
            person.token = person.refresh = None
            return f"{person.ref} refresh replayed -> session ended"
        raise Mismatch(f"{person.ref}: a replayed refresh token left the session open")

    async def op_grant_moderator(self) -> str | None:
        if sum(1 for p in self.model.people if p.moderator) >= 3:
            return None
        person = self.pick([p for p in self.model.people if p.verified and not p.moderator])
        if person is None:
            return None
        await self.expect(
            None, people.grant_role, actor=self.admin, member_id=person.id, role=Role.MODERATOR
        )
        person.moderator = True
        return f"admin makes {person.ref} a moderator"

    # --- organisations and opportunities ----------------------------------------------------

    async def op_create_org(self) -> str | None:
        if len(self.model.orgs) >= 3 + self.step // 100:
            return None
        owner = self.pick(self.model.signed_in())
        if owner is None:
            return None
        businesses = sum(1 for o in self.model.orgs if o.kind == "business")
        kind = "business" if businesses == 0 or self.rng.random() < 0.4 else "charity"
        idx = len(self.model.orgs)
        org = await self.expect(
            None,
            organisations.create_organisation,
            actor=await self.actor(owner),
            name=f"Organisation {idx} {self.salt}",
            kind=kind,
        )
        self.model.orgs.append(Org(idx, org.id, kind, owner.idx, {owner.idx: "owner"}))
        return f"{owner.ref} creates {kind} org{idx}"

    async def op_add_staff(self) -> str | None:
        org = self.pick(self.model.orgs)
        if org is None:
            return None
        managers = [
            self.model.people[i]
            for i, role in sorted(org.staff.items())
            if role in ("owner", "admin") and self.model.people[i].token
        ]
        newcomers = [p for p in self.model.people if p.verified and p.idx not in org.staff]
        manager, newcomer = self.pick(managers), self.pick(newcomers)
        if manager is None or newcomer is None:
            return None
        role = self.rng.choice(["staff", "staff", "admin"])
        await self.expect(
            None,
            organisations.add_member,
            actor=await self.actor(manager),
            organisation_id=org.id,
            member_id=newcomer.id,
            role=role,
        )
        org.staff[newcomer.idx] = role
        return f"{manager.ref} adds {newcomer.ref} to {org.ref} as {role}"

    async def op_post(self) -> str | None:
        poster = self.pick(self.model.signed_in())
        if poster is None:
            return None
        theirs = [o for o in self.model.orgs if poster.idx in o.staff]
        org = self.pick(theirs) if theirs and self.rng.random() < 0.5 else None
        kind = self.rng.choice(["offer", "request", "request"])
        places = self.rng.randint(1, 3)
        auto = self.rng.random() < 0.4
        remote = self.rng.random() < 0.3
        idx = len(self.model.opps)
        title = f"Task {idx} of {self.salt}"
        starts = datetime.now(UTC) + timedelta(days=3)
        fields: dict[str, Any] = {
            "kind": kind,
            "title": title,
            "description": "Simulated help.",
            "category_id": self.category.id,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "places": places,
            "auto_accept": auto,
        }
        fields |= {"remote": True} if remote else {"location": MANCHESTER}
        if org is not None:
            fields["organisation_id"] = org.id
        opp = await self.expect(
            None,
            opportunities.create_opportunity,
            actor=await self.actor(poster),
            fields=fields,
            publish=True,
        )
        self.model.opps.append(
            Opp(idx, opp.id, title, kind, poster.idx, org.idx if org else None, places, auto)
        )
        by = f" for {org.ref}" if org else ""
        return f"{poster.ref} posts o{idx}{by}: {kind}, {places} places, auto {auto}"

    async def op_apply(self) -> str | None:
        person = self.pick(self.model.signed_in())
        if person is None:
            return None
        applied = {a.opp for a in self.model.apps if a.applicant == person.idx}
        opp = self.pick(
            [
                o
                for o in self.model.opps
                if o.open and o.poster != person.idx and o.idx not in applied
            ]
        )
        if opp is None:
            return None
        expected = "pending"
        if opp.auto_accept:
            expected = "accepted" if opp.accepted < opp.places else "waitlisted"
        api = self.use_api()
        call = Call(
            applications.apply,
            {"actor": await self.actor(person), "opportunity_id": opp.id, "message": "I can."},
            "applyToOpportunity",
            {"opportunityId": gid("Opportunity", opp.id), "message": "I can."},
            "application { id status }",
            lambda a: (a.id, str(a.status.value)),
            lambda p: (pk(p["application"]["id"]), p["application"]["status"].lower()),
        )
        application_id, status = await self.attempt(None, person, call, api)
        if status != expected:
            raise Mismatch(f"apply: {status}, expected {expected}")
        app = App(len(self.model.apps), application_id, opp.idx, person.idx, expected)
        self.model.apps.append(app)
        opp.apps.append(app.idx)
        if expected == "accepted":
            self._take_place(opp, app)
        return f"{person.ref} applies to {opp.ref}{_via(api)} -> {expected}"

    def _take_place(self, opp: Opp, app: App) -> None:
        opp.accepted += 1
        app.status, app.ever_accepted = "accepted", True
        if opp.accepted >= opp.places:
            opp.status = "filled"

    def _free_place(self, opp: Opp) -> None:
        opp.accepted -= 1
        if opp.status == "filled":
            opp.status = "published"

    async def op_apply_wrongly(self) -> str | None:
        person = self.pick(self.model.signed_in())
        opp = self.pick(self.model.opps)
        if person is None or opp is None:
            return None
        applied = any(a.opp == opp.idx and a.applicant == person.idx for a in self.model.apps)
        if not opp.open:
            error, why = OE.NOT_OPEN, "not open"
        elif opp.poster == person.idx:
            error, why = OE.OWN_OPPORTUNITY, "own"
        elif applied:
            error, why = OE.ALREADY_APPLIED, "already applied"
        else:
            return None
        await self.expect(
            error, applications.apply, actor=await self.actor(person), opportunity_id=opp.id
        )
        return f"{person.ref} applies to {opp.ref} -> refused ({why})"

    def _live_apps(self) -> list[App]:
        """Applications whose opportunity was not cancelled (the cancel email reads them)."""
        return [a for a in self.model.apps if self.model.opps[a.opp].status != "cancelled"]

    async def op_decide(self) -> str | None:
        app = self.pick(self._live_apps())
        if app is None:
            return None
        opp = self.model.opps[app.opp]
        staff = [self.model.people[i] for i in self.model.managers(opp)]
        deciders = [p for p in staff if p.token]
        outsider = self.rng.random() < 0.08
        if outsider:
            deciders = [
                p
                for p in self.model.signed_in()
                if p.idx not in self.model.managers(opp) and p.idx != app.applicant
            ]
        decider = self.pick(deciders)
        if decider is None:
            return None
        action = self.rng.choice(["accept", "accept", "decline", "waitlist"])
        actor = await self.actor(decider)
        fn = {
            "accept": applications.accept,
            "decline": applications.decline,
            "waitlist": applications.waitlist,
        }[action]
        what = f"{decider.ref} {action}s {app.ref} ({app.status}) of {opp.ref}"
        if outsider:
            await self.expect(OE.FORBIDDEN, fn, actor=actor, application_id=app.id)
            return f"{what} -> forbidden"
        allowed = {
            "accept": ("pending", "waitlisted"),
            "decline": ("pending", "waitlisted", "accepted"),
            "waitlist": ("pending",),
        }[action]
        if app.status not in allowed:
            await self.expect(OE.INVALID_TRANSITION, fn, actor=actor, application_id=app.id)
            return f"{what} -> invalid"
        if action == "accept" and not (opp.open and opp.accepted < opp.places):
            await self.expect(OE.NO_PLACES_LEFT, fn, actor=actor, application_id=app.id)
            return f"{what} -> no places left"
        await self.expect(None, fn, actor=actor, application_id=app.id)
        if action == "accept":
            self._take_place(opp, app)
        elif action == "decline":
            if app.status == "accepted":
                self._free_place(opp)
            app.status = "declined"
        else:
            app.status = "waitlisted"
        return f"{what} -> {app.status}"

    async def op_withdraw(self) -> str | None:
        app = self.pick([a for a in self._live_apps() if self.model.people[a.applicant].token])
        if app is None:
            return None
        opp = self.model.opps[app.opp]
        person = self.model.people[app.applicant]
        actor = await self.actor(person)
        what = f"{person.ref} withdraws {app.ref} ({app.status}) from {opp.ref}"
        if app.status not in ("pending", "waitlisted", "accepted"):
            await self.expect(
                OE.INVALID_TRANSITION, applications.withdraw, actor=actor, application_id=app.id
            )
            return f"{what} -> invalid"
        await self.expect(None, applications.withdraw, actor=actor, application_id=app.id)
        was_accepted = app.status == "accepted"
        app.status = "withdrawn"
        promoted = ""
        if was_accepted:
            self._free_place(opp)
            waiting = [self.model.apps[i] for i in opp.apps]
            first = next((a for a in waiting if a.status == "waitlisted"), None)
            if opp.auto_accept and first is not None and opp.open and opp.accepted < opp.places:
                self._take_place(opp, first)
                promoted = f", {first.ref} promoted"
        return f"{what}{promoted}"

    async def op_close_or_cancel(self) -> str | None:
        opp = self.pick([o for o in self.model.opps if o.open])
        if opp is None:
            return None
        manager = self.pick([self.model.people[i] for i in self.model.managers(opp)])
        if manager is None or manager.token is None:
            return None
        cancel = self.rng.random() < 0.5
        fn = opportunities.cancel_opportunity if cancel else opportunities.close_opportunity
        await self.expect(None, fn, actor=await self.actor(manager), opportunity_id=opp.id)
        opp.status = "cancelled" if cancel else "closed"
        if cancel:
            for i in opp.apps:
                app = self.model.apps[i]
                app.cancel_notice = app.status in ("pending", "accepted", "waitlisted")
        return f"{manager.ref} {'cancels' if cancel else 'closes'} {opp.ref}"

    # --- hours ------------------------------------------------------------------------------

    def _today(self) -> date:
        return datetime.now(self.zone).date()

    async def op_log_hours(self) -> str | None:
        app = self.pick([a for a in self.model.apps if a.status == "accepted"])
        if app is None:
            return None
        volunteer = self.model.people[self.model.volunteer(app)]
        wrong = self.rng.random() < 0.08
        day = self._today() - timedelta(days=self.rng.randint(0, 3))
        minutes = self.rng.choice([30, 45, 60, 90, 120, 180, 240, 480, 600])
        if wrong:
            other = self.pick([p for p in self.model.signed_in() if p.idx != volunteer.idx])
            if other is None:
                return None
            await self.expect(
                PE.FORBIDDEN,
                hours_service.log_hours,
                actor=await self.actor(other),
                application_id=app.id,
                worked_on=day,
                minutes=minutes,
            )
            return f"{other.ref} logs hours for {app.ref} -> forbidden"
        if volunteer.token is None:
            return None
        over = self.model.day_total(volunteer.idx, day) + minutes > 24 * 60
        record = await self.expect(
            PE.INVALID if over else None,
            hours_service.log_hours,
            actor=await self.actor(volunteer),
            application_id=app.id,
            worked_on=day,
            minutes=minutes,
        )
        what = f"{volunteer.ref} logs {minutes} min on {day:%m-%d} for {app.ref}"
        if over:
            return f"{what} -> over a day's minutes"
        h = Hours(len(self.model.hours), record.id, app.idx, volunteer.idx, day, minutes)
        self.model.hours.append(h)
        return f"{what} -> {h.ref}"

    async def op_review_hours(self) -> str | None:
        h = self.pick([h for h in self.model.hours if h.status == "pending"])
        if h is None:
            return None
        app = self.model.apps[h.app]
        roll = self.rng.random()
        if roll < 0.06:  # the volunteer tries it, or someone else has another go later
            reviewer = self.model.people[h.volunteer]
            error, why = PE.OWN_HOURS, "own hours"
        else:
            receivers = [self.model.people[i] for i in self.model.receivers(app)]
            reviewer = self.pick([p for p in receivers if p.token])
            error, why = None, ""
        if reviewer is None or reviewer.token is None:
            return None
        if error is None and reviewer.idx == h.volunteer:
            error, why = PE.OWN_HOURS, "own hours"
        actor = await self.actor(reviewer)
        dispute = self.rng.random() < 0.25
        api = self.use_api()
        if dispute:
            await self.expect(
                error, hours_service.dispute_hours, actor=actor, record_id=h.id, reason="Not so"
            )
        else:
            call = Call(
                hours_service.verify_hours,
                {"actor": actor, "record_id": h.id},
                "verifyHours",
                {"hoursRecordId": gid("HoursRecord", h.id)},
                "hoursRecord { id status }",
                lambda record: record.id,
                lambda payload: pk(payload["hoursRecord"]["id"]),
            )
            await self.attempt(error, reviewer, call, api)
        verb = "disputes" if dispute else f"verifies{_via(api)}"
        if error is not None:
            return f"{reviewer.ref} {verb} {h.ref} -> refused ({why})"
        if dispute:
            h.status = "disputed"
        else:
            self._verified(h)
        return f"{reviewer.ref} {verb} {h.ref} ({h.minutes} min)"

    def _verified(self, h: Hours) -> None:
        h.status = "verified"
        self.model.people[h.volunteer].pending_in += self.model.earned(h.minutes)

    async def op_resolve_dispute(self) -> str | None:
        h = self.pick([h for h in self.model.hours if h.status in ("disputed", "verified")])
        if h is None:
            return None
        app = self.model.apps[h.app]
        involved = {h.volunteer, *self.model.receivers(app)}
        moderator = self.pick(
            [p for p in self.model.people if p.moderator and p.token and p.idx not in involved]
        )
        if moderator is None:
            return None
        verify = self.rng.random() < 0.6
        error = None if h.status == "disputed" else PE.ALREADY_DECIDED
        await self.expect(
            error,
            hours_service.resolve_dispute,
            actor=await self.actor(moderator),
            record_id=h.id,
            verify=verify,
            note="Settled.",
        )
        if error is not None:
            return f"{moderator.ref} settles {h.ref} ({h.status}) -> already decided"
        if verify:
            self._verified(h)
        else:
            h.status = "rejected"
        return f"{moderator.ref} settles {h.ref} -> {h.status}"

    # --- payments ---------------------------------------------------------------------------

    async def op_pay(self) -> str | None:
        limit = self.model.overdraft
        payer = self.pick([p for p in self.model.signed_in() if p.lowest_available(limit) > 0])
        payee = self.pick([p for p in self.model.people if payer and p.idx != payer.idx])
        if payer is None or payee is None:
            return None
        amount = self.rng.randint(1, min(120, payer.lowest_available(limit)))
        idx = len(self.model.payments)
        key, memo = f"pay-{idx}-{self.salt}", f"Payment {idx}"
        api = self.use_api()
        how = self.rng.choice(["once", "once", "retried", "retried at once", "mismatched"])
        together = self.rng.randint(2, 3)

        def paying(amount: int) -> Call:
            return Call(
                credits.pay,
                {
                    "payee_id": payee.id,
                    "amount": amount,
                    "memo": memo,
                    "idempotency_key": key,
                },
                "payMember",
                {"payeeId": gid("Member", payee.id), "amount": amount, "memo": memo}
                | {"idempotencyKey": key},
                "transfer { id }",
                lambda transfer: transfer.id,
                lambda payload: pk(payload["transfer"]["id"]),
            )

        call = paying(amount)
        call.kwargs["actor"] = await self.actor(payer)
        if how == "retried at once":
            answers = await self.together(together, payer, call, api)
            if len(set(answers)) != 1 or not isinstance(answers[0], int):
                raise Mismatch(f"concurrent retries of one payment: {answers!r}")
            transfer_id = answers[0]
        else:
            transfer_id = await self.attempt(None, payer, call, api)
        if how == "retried":
            again = await self.attempt(None, payer, call, api)
            if again != transfer_id:
                raise Mismatch(f"a retried payment made transfer {again}, not {transfer_id}")
        if how == "mismatched":
            other = paying(amount + 1)
            other.kwargs["actor"] = call.kwargs["actor"]
            await self.attempt(CE.IDEMPOTENCY_MISMATCH, payer, other, api)
        self.model.payments.append(
            Payment(idx, payer.idx, payee.idx, amount, memo, key, transfer_id)
        )
        payer.balance -= amount
        payee.balance += amount
        return f"{payer.ref} pays {payee.ref} {amount} ({how}{_via(api)})"

    async def op_pay_wrongly(self) -> str | None:
        payer = self.pick(self.model.signed_in())
        if payer is None:
            return None
        actor = await self.actor(payer)
        key = f"wrong-{self.step}-{self.salt}"
        if self.rng.random() < 0.3:
            await self.expect(
                CE.SAME_ACCOUNT,
                credits.pay,
                actor=actor,
                payee_id=payer.id,
                amount=5,
                idempotency_key=key,
            )
            return f"{payer.ref} pays themselves -> refused"
        payee = self.pick([p for p in self.model.people if p.idx != payer.idx])
        if payee is None:
            return None
        amount = max(1, payer.highest_available(self.model.overdraft) + self.rng.randint(1, 40))
        await self.expect(
            CE.INSUFFICIENT_CREDITS,
            credits.pay,
            actor=actor,
            payee_id=payee.id,
            amount=amount,
            idempotency_key=key,
        )
        return f"{payer.ref} pays {payee.ref} {amount} -> insufficient credits"

    # --- payment requests ---------------------------------------------------------------------

    async def op_request_payment(self) -> str | None:
        requester = self.pick(self.model.signed_in())
        if requester is None:
            return None
        others = [p for p in self.model.people if p.idx != requester.idx]
        if not others:
            return None
        payers = self.rng.sample(others, min(len(others), self.rng.randint(1, 3)))
        shares = [Share(p.idx, self.rng.randint(5, 80)) for p in payers]
        idx = len(self.model.requests)
        args = {
            "actor": await self.actor(requester),
            "shares": [requests.Share(self.model.people[s.payer].id, s.amount) for s in shares],
            "memo": f"Request {idx}",
            "idempotency_key": f"request-{idx}-{self.salt}",
        }
        made = await self.expect(None, requests.request_payment, **args)
        if self.rng.random() < 0.3:
            again = await self.expect(None, requests.request_payment, **args)
            if again.id != made.id:
                raise Mismatch(f"a retried payment request made {again.id}, not {made.id}")
        self.model.requests.append(Request(idx, made.id, requester.idx, shares))
        asked = ", ".join(f"{self.model.people[s.payer].ref} {s.amount}" for s in shares)
        return f"{requester.ref} asks r{idx}: {asked}"

    def _pending_shares(self) -> list[tuple[Request, Share]]:
        return [
            (r, s)
            for r in self.model.requests
            if r.status == "pending"
            for s in r.shares
            if s.status == "pending" and self.model.people[s.payer].token
        ]

    async def op_approve_share(self) -> str | None:
        found = self.pick(self._pending_shares())
        if found is None:
            return None
        request, share = found
        payer = self.model.people[share.payer]
        limit = self.model.overdraft
        if share.amount <= payer.lowest_available(limit):
            error = None
        elif share.amount > payer.highest_available(limit):
            error = CE.INSUFFICIENT_CREDITS
        else:
            return None  # depends on credits still on their way: not before the next barrier
        key = f"approve-{request.idx}-{share.payer}-{self.step}-{self.salt}"
        args = {"actor": await self.actor(payer), "request_id": request.id, "idempotency_key": key}
        how = self.rng.choice(["once", "once", "retried", "retried at once"])
        api = self.use_api()
        call = Call(
            requests.approve,
            args,
            "approvePaymentRequest",
            {"requestId": gid("PaymentRequest", request.id), "idempotencyKey": key},
            "paymentRequest { id status }",
            lambda r: r.id,
            lambda payload: pk(payload["paymentRequest"]["id"]),
        )
        what = f"{payer.ref} approves {request.ref} ({share.amount}{_via(api)})"
        if error is not None:
            await self.attempt(error, payer, call, api)
            return f"{what} -> insufficient credits"
        if how == "retried at once":
            answers = await self.together(2, payer, call, api)
            if answers != [request.id, request.id]:
                raise Mismatch(f"concurrent retries of one approval: {answers!r}")
        else:
            await self.attempt(None, payer, call, api)
        if how == "retried":
            await self.attempt(None, payer, call, api)
        share.status, share.key = "approved", key
        payer.held += share.amount
        self.model.holds_made += 1
        if all(s.status == "approved" for s in request.shares):
            requester = self.model.people[request.requester]
            for s in request.shares:
                p = self.model.people[s.payer]
                p.held -= s.amount
                p.balance -= s.amount
                requester.balance += s.amount
            request.status = "completed"
        # A second approval under a new key is refused: the share is decided.
        if self.rng.random() < 0.15 and request.status == "pending":
            await self.expect(
                CE.NOT_PENDING, requests.approve, **(args | {"idempotency_key": key + "-2"})
            )
        return f"{what} ({how}) -> {request.status}"

    def _end_request(self, request: Request, status: str) -> None:
        for s in request.shares:
            if s.status == "approved":
                self.model.people[s.payer].held -= s.amount
        request.status = status

    async def op_decline_share(self) -> str | None:
        found = self.pick(self._pending_shares())
        if found is None:
            return None
        request, share = found
        payer = self.model.people[share.payer]
        await self.expect(
            None, requests.decline, actor=await self.actor(payer), request_id=request.id
        )
        share.status = "declined"
        self._end_request(request, "declined")
        return f"{payer.ref} declines {request.ref}"

    async def op_cancel_request(self) -> str | None:
        request = self.pick([r for r in self.model.requests if r.status != "expiring"])
        if request is None:
            return None
        requester = self.model.people[request.requester]
        if requester.token is None:
            return None
        actor = await self.actor(requester)
        if request.status != "pending":
            await self.expect(CE.NOT_PENDING, requests.cancel, actor=actor, request_id=request.id)
            return f"{requester.ref} cancels {request.ref} ({request.status}) -> not pending"
        await self.expect(None, requests.cancel, actor=actor, request_id=request.id)
        self._end_request(request, "cancelled")
        return f"{requester.ref} cancels {request.ref}"

    async def op_expire_request(self) -> str | None:
        """Time passes: the request's deadline (and its holds') is now behind us."""
        request = self.pick([r for r in self.model.requests if r.status == "pending"])
        if request is None:
            return None
        past = datetime.now(UTC) - timedelta(seconds=1)
        async with in_transaction() as conn:
            await conn.execute_query(
                "UPDATE payment_request SET expires_at = $2 WHERE id = $1", [request.id, past]
            )
            await conn.execute_query(
                "UPDATE transfer SET hold_expires_at = $2 WHERE id IN"
                " (SELECT hold_id FROM payment_share WHERE request_id = $1)",
                [request.id, past],
            )
        for s in request.shares:
            if s.status == "approved":
                payer = self.model.people[s.payer]
                payer.held -= s.amount
                payer.releasing += s.amount
        request.status = "expiring"
        return f"time passes: {request.ref} runs out"

    # --- vouchers ---------------------------------------------------------------------------

    async def op_create_offer(self) -> str | None:
        org = self.pick([o for o in self.model.orgs if o.kind == "business"])
        if org is None:
            return None
        manager = self.pick(
            [
                self.model.people[i]
                for i, role in sorted(org.staff.items())
                if role in ("owner", "admin") and self.model.people[i].token
            ]
        )
        if manager is None:
            return None
        idx = len(self.model.offers)
        cost, stock = self.rng.randint(10, 80), self.rng.randint(1, 4)
        limit, refund = self.rng.randint(1, 2), self.rng.random() < 0.5
        now = datetime.now(UTC)
        made = await self.expect(
            None,
            vouchers.create_offer,
            actor=await self.actor(manager),
            organisation_id=org.id,
            fields={
                "title": f"Voucher offer {idx}",
                "cost": cost,
                "stock": stock,
                "per_member_limit": limit,
                "valid_from": now - timedelta(minutes=1),
                "valid_until": now + timedelta(days=30),
                "voucher_days": 30,
                "refund_unused": refund,
            },
        )
        self.model.offers.append(
            Offer(idx, made.id, org.idx, made.title, cost, stock, stock, limit, refund)
        )
        return (
            f"{manager.ref} offers v{idx} at {org.ref}: cost {cost}, stock {stock}, limit {limit}"
        )

    async def op_redeem(self) -> str | None:
        offer = self.pick(self.model.offers)
        member = self.pick(self.model.signed_in())
        if offer is None or member is None:
            return None
        low, high = self.model.vouchers_taken(offer, member.idx)
        limit = self.model.overdraft
        if offer.stock <= 0:
            error: Enum | None = CE.SOLD_OUT
        elif low >= offer.per_member_limit:
            error = CE.LIMIT_REACHED
        elif high >= offer.per_member_limit:
            return None  # a refund on its way decides it
        elif offer.cost <= member.lowest_available(limit):
            error = None
        elif offer.cost > member.highest_available(limit):
            error = CE.INSUFFICIENT_CREDITS
        else:
            return None
        idx = len(self.model.vouchers)
        key = f"redeem-{idx}-{self.step}-{self.salt}"
        api = self.use_api()
        call = Call(
            vouchers.redeem,
            {"actor": await self.actor(member), "offer_id": offer.id, "idempotency_key": key},
            "redeemVoucher",
            {"offerId": gid("VoucherOffer", offer.id), "idempotencyKey": key},
            "voucher { id code }",
            lambda v: (v.id, v.code),
            lambda payload: (pk(payload["voucher"]["id"]), payload["voucher"]["code"]),
        )
        what = f"{member.ref} redeems {offer.ref}{_via(api)}"
        if error is not None:
            await self.attempt(error, member, call, api)
            return f"{what} -> {_name(error)}"
        how = self.rng.choice(["once", "once", "retried", "retried at once"])
        if how == "retried at once":
            answers = await self.together(2, member, call, api)
            if len(set(answers)) != 1 or not isinstance(answers[0], tuple):
                raise Mismatch(f"concurrent retries of one redemption: {answers!r}")
            voucher_id, code = answers[0]
        else:
            voucher_id, code = await self.attempt(None, member, call, api)
        if how == "retried":
            again = await self.attempt(None, member, call, api)
            if again != (voucher_id, code):
                raise Mismatch(f"a retried redemption made voucher {again}, not {voucher_id}")
        self.model.vouchers.append(Voucher(idx, voucher_id, offer.idx, member.idx, code, key))
        offer.stock -= 1
        member.balance -= offer.cost
        self.model.orgs[offer.org].balance += offer.cost
        return f"{what} -> c{idx} ({how})"

    async def op_use_voucher(self) -> str | None:
        voucher = self.pick(self.model.vouchers)
        if voucher is None:
            return None
        org = self.model.orgs[self.model.offers[voucher.offer].org]
        tills = [self.model.people[i] for i in sorted(org.staff) if self.model.people[i].token]
        if not tills:
            return None
        expected = {
            "issued": None,
            "used": CE.VOUCHER_USED,
            "expiring": CE.VOUCHER_EXPIRED,
            "expired": CE.VOUCHER_EXPIRED,
            "refunded": CE.VOUCHER_EXPIRED,
        }[voucher.status]
        what = f"till uses {voucher.ref} ({voucher.status})"
        if expected is None and self.rng.random() < 0.3:
            # Two tills scan the same code at once: exactly one wins.
            actors = [await self.actor(self.pick(tills)) for _ in range(2)]
            answers = await asyncio.gather(
                *(self.call(vouchers.use_code, actor=a, code=voucher.code) for a in actors),
                return_exceptions=True,
            )
            won = [a for a in answers if not isinstance(a, BaseException)]
            lost = [a for a in answers if isinstance(a, BaseException)]
            if len(won) != 1 or any(
                not (isinstance(e, DomainError) and e.code == CE.VOUCHER_USED) for e in lost
            ):
                raise Mismatch(f"two tills at once: {answers!r}")
            voucher.status = "used"
            return f"{what} at two tills at once -> one used"
        till = self.pick(tills)
        await self.expect(
            expected, vouchers.use_code, actor=await self.actor(till), code=voucher.code
        )
        if expected is None:
            voucher.status = "used"
            return f"{what} -> used"
        return f"{what} -> {_name(expected)}"

    async def op_expire_voucher(self) -> str | None:
        """Time passes: an unused voucher's validity ends (housekeeping refunds or expires it)."""
        voucher = self.pick([v for v in self.model.vouchers if v.status == "issued"])
        if voucher is None:
            return None
        await Tortoise.get_connection("default").execute_query(
            "UPDATE voucher SET expires_at = $2 WHERE id = $1",
            [voucher.id, datetime.now(UTC) - timedelta(seconds=1)],
        )
        voucher.status = "expiring"
        offer = self.model.offers[voucher.offer]
        if offer.refund_unused:
            self.model.people[voucher.member].pending_in += offer.cost
            self.model.orgs[offer.org].pending_out += offer.cost
        return f"time passes: {voucher.ref} runs out (refund {offer.refund_unused})"

    async def op_set_overdraft(self) -> str | None:
        """The hub admin changes every member's overdraft limit, now and then below what some
        member already owes: they keep that debt, and cannot spend until back within it."""
        limit = self.rng.choice([0, 20, 50, 100, 150, 200])
        below = any(p.balance + p.pending_in - p.held < -limit for p in self.model.people)
        await self.call(hubs.update_hub, actor=self.admin, member_overdraft_limit=limit)
        self.model.overdraft = limit
        self.model.floors = await checks.floors(self.hub.id)
        return f"admin sets the overdraft limit to {limit}" + (" (some owe more)" if below else "")

    async def op_barrier(self) -> str | None:
        await self._barrier()
        return "barrier"


@dataclass
class Call:
    """One request two ways: the service function and its arguments, or the GraphQL mutation
    and its input; and how to read the same value from either answer."""

    fn: Callable[..., Awaitable[Any]]
    kwargs: dict[str, Any]
    field: str
    input: dict[str, Any]
    selection: str
    from_service: Callable[[Any], Any]
    from_api: Callable[[dict[str, Any]], Any]


def _via(api: bool) -> str:
    return ", via the API" if api else ""


def _name(error: Enum | None) -> str:
    return "success" if error is None else str(error.value)

"""Paid jobs: post one, close it, and the cron that expires jobs at their closing date.

Applications are in `applications.py`, the search in `search.py`.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import h3
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.organisations.models import OrganisationMember
from app.organisations.policy import MANAGERS
from app.paidjobs.errors import PaidJobErrorCode as E
from app.paidjobs.models import Contract, PaidJob, PaidJobStatus, PayPeriod

MAX_PAY = 10**10  # in minor units
MAX_OPEN = timedelta(days=366)
EXPIRE_BATCH = 500


@dataclass(frozen=True, kw_only=True)
class JobInput:
    organisation_id: int
    title: str
    pay_min: int
    pay_max: int
    pay_period: PayPeriod
    contract: Contract
    closes_at: datetime
    description: str = ""
    currency: str = "GBP"
    hours_per_week: float | None = None
    remote: bool = False
    near: tuple[float, float] | None = None
    skill_ids: list[int] = field(default_factory=list)


async def require_employer(actor: Actor, organisation_id: int, field: str | None) -> None:
    """An owner or admin of the organisation (the policy's EMPLOYER_MANAGERS)."""
    if not await OrganisationMember.exists(
        hub_id=actor.hub_id,
        organisation_id=organisation_id,
        member_id=actor.member_id,
        role__in=list(MANAGERS),
    ):
        raise DomainError(E.FORBIDDEN, _("You cannot act for this organisation."), field)


def _check(given: JobInput) -> dict[str, str]:
    bag = ErrorBag()
    texts: dict[str, str] = {}
    with bag.catch():
        texts["title"] = v.text(given.title, field="title", max_length=160, invalid=E.INVALID)
    with bag.catch():
        texts["description"] = v.text(
            given.description,
            field="description",
            max_length=20_000,
            invalid=E.INVALID,
            required=False,
            multiline=True,
        )
    if not 0 <= given.pay_min <= MAX_PAY:
        bag.add(E.INVALID, _("A pay of zero or more."), "payMin")
    if not 0 <= given.pay_max <= MAX_PAY:
        bag.add(E.INVALID, _("A pay of zero or more."), "payMax")
    elif given.pay_min > given.pay_max:
        bag.add(E.PAY_RANGE_UPSIDE_DOWN, _("The lowest pay is above the highest."), "payMax")
    if len(given.currency) != 3 or not given.currency.isalpha() or not given.currency.isupper():
        bag.add(E.INVALID, _("A three-letter currency code (ISO 4217)."), "currency")
    if given.hours_per_week is not None and not 0 < given.hours_per_week <= 80:
        bag.add(E.INVALID, _("From 0 to 80 hours a week."), "hoursPerWeek")
    if given.near is None and not given.remote:
        bag.add(E.INVALID, _("Give where the job is, or make it remote."), "near")
    if given.near is not None and not (-90 <= given.near[0] <= 90 and -180 <= given.near[1] <= 180):
        bag.add(E.INVALID, _("Not a point on Earth."), "near")
    now = datetime.now(UTC)
    if given.closes_at.tzinfo is None or not now < given.closes_at <= now + MAX_OPEN:
        bag.add(
            E.INVALID, _("A closing date within the next year, with its time zone."), "closesAt"
        )
    if len(given.skill_ids) > 20:
        bag.add(E.INVALID, _("At most 20 skills."), "skillIds")
    bag.raise_if_any()
    return texts


async def post_job(*, actor: Actor, given: JobInput) -> PaidJob:
    """An open paid job of an organisation the actor manages."""
    texts = _check(given)
    await require_employer(actor, given.organisation_id, "organisationId")
    cells: dict[str, Any] = {"cell8": None, "cell6": None, "cell4": None}
    if given.near is not None:
        cells = {f"cell{r}": h3.latlng_to_cell(*given.near, r) for r in (8, 6, 4)}
    async with in_transaction():
        job = await PaidJob.create(
            hub_id=actor.hub_id,
            organisation_id=given.organisation_id,
            created_by_id=actor.member_id,
            title=texts["title"],
            description=texts["description"],
            pay_min=given.pay_min,
            pay_max=given.pay_max,
            pay_period=given.pay_period,
            currency=given.currency,
            hours_per_week=given.hours_per_week,
            contract=given.contract,
            remote=given.remote,
            lat=given.near[0] if given.near else None,
            lng=given.near[1] if given.near else None,
            skill_ids=sorted(set(given.skill_ids)),
            closes_at=given.closes_at,
            **cells,
        )
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="paid_job.post", object_type="PaidJob",
            object_id=job.id,
        )  # fmt: skip
    return job


async def close_job(*, actor: Actor, job_id: int) -> PaidJob:
    """The employer closes an open job (filled or withdrawn): no more applications."""
    async with in_transaction():
        job = await PaidJob.filter(id=job_id, hub_id=actor.hub_id).select_for_update().first()
        if job is None:
            raise DomainError(E.NOT_FOUND, _("No such job."), "jobId")
        await require_employer(actor, job.organisation_id, "jobId")
        if job.status != PaidJobStatus.OPEN:
            raise DomainError(
                E.INVALID_TRANSITION, _("The job is {value}.", value=job.status.value), "jobId"
            )
        job.status, job.closed_at = PaidJobStatus.CLOSED, datetime.now(UTC)
        await job.save(update_fields=["status", "closed_at", "updated_at"])
    return job


async def expire_lapsed(*, now: datetime | None = None) -> int:
    """Cron: open jobs past their closing date become EXPIRED, in chunks. Idempotent: a job
    leaves `open` once, and rows another sweep holds are skipped."""
    now = now or datetime.now(UTC)
    expired = 0
    while True:
        rows = await Tortoise.get_connection("default").execute_query_dict(
            "UPDATE paid_job SET status = 'expired', closed_at = $1, updated_at = now()"
            " WHERE id IN (SELECT id FROM paid_job WHERE status = 'open' AND closes_at <= $1"
            " ORDER BY closes_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id",
            [now, EXPIRE_BATCH],
        )
        expired += len(rows)
        if len(rows) < EXPIRE_BATCH:
            return expired

"""Trials: post one (a draft), open it for recruiting, start testing, close it.

Applications and selection are in `applications.py`, reports and their rewards in
`reports.py`; the ratings queries in app/ratings.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.credits import ledger
from app.credits.models import TransferStatus
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import CheckKind
from app.trials import vouchers
from app.trials.access import get_trial, is_business_person, require_business
from app.trials.errors import TrialErrorCode as E
from app.trials.models import (
    Selection,
    Trial,
    TrialApplication,
    TrialApplicationStatus,
    TrialStatus,
)

MAX_DIMENSIONS = 8
MAX_QUESTIONS = 10
MAX_PLACES = 100_000
MAX_WINDOW = timedelta(days=366)


@dataclass(frozen=True, kw_only=True)
class TrialInput:
    organisation_id: int
    title: str
    product: str
    places: int
    dimensions: list[str]
    closes_at: datetime
    description: str = ""
    selection: Selection = Selection.CHOSEN
    questions: list[str] = field(default_factory=list)
    reward_credits: int = 0
    reward_note: str = ""
    reward_offer_id: int | None = None  # a voucher per report, from this offer of the business
    near: tuple[float, float] | None = None
    within_km: float | None = None
    min_age: int | None = None
    max_age: int | None = None
    interests: list[str] = field(default_factory=list)
    skill_ids: list[int] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def _names(bag: ErrorBag, values: list[str], *, field: str, low: int, high: int) -> list[str]:
    if not low <= len(values) <= high:
        bag.add(E.INVALID, _("Give {low} to {high}.", low=low, high=high), field)
        return []
    cleaned = []
    for value in values:
        with bag.catch():
            cleaned.append(v.text(value, field=field, max_length=200, invalid=E.INVALID))
    if len({c.lower() for c in cleaned}) != len(cleaned):
        bag.add(E.INVALID, _("Each must be different."), field)
    return cleaned


def _eligibility(bag: ErrorBag, given: TrialInput) -> None:
    if (given.near is None) != (given.within_km is None):
        bag.add(E.INVALID, _("A distance needs its point, and a point its distance."), "withinKm")
    if given.within_km is not None and not 0 < given.within_km <= 200:
        bag.add(E.INVALID, _("Between 0 and 200 km."), "withinKm")
    if given.near is not None and not (-90 <= given.near[0] <= 90 and -180 <= given.near[1] <= 180):
        bag.add(E.INVALID, _("Not a point on Earth."), "near")
    for name, age in (("minAge", given.min_age), ("maxAge", given.max_age)):
        if age is not None and not 16 <= age <= 120:
            bag.add(E.INVALID, _("An age from 16 to 120."), name)
    if given.min_age is not None and given.max_age is not None and given.min_age > given.max_age:
        bag.add(E.INVALID, _("The youngest age is above the oldest."), "maxAge")
    if len(given.interests) > 20 or len(given.skill_ids) > 20:
        bag.add(E.INVALID, _("At most 20 interests and 20 skills."), "interests")
    known = {k.value for k in CheckKind}
    if not set(given.checks) <= known:
        bag.add(E.INVALID, _("Known checks: {names}.", names=", ".join(sorted(known))), "checks")


async def create_trial(*, actor: Actor, given: TrialInput) -> Trial:
    """A draft trial of a business the actor manages."""
    bag = ErrorBag()
    with bag.catch():
        title = v.text(given.title, field="title", max_length=160, invalid=E.INVALID)
    with bag.catch():
        product = v.text(given.product, field="product", max_length=160, invalid=E.INVALID)
    with bag.catch():
        description = v.text(
            given.description,
            field="description",
            max_length=20_000,
            invalid=E.INVALID,
            required=False,
            multiline=True,
        )
    dimensions = _names(bag, given.dimensions, field="dimensions", low=1, high=MAX_DIMENSIONS)
    questions = _names(bag, given.questions, field="questions", low=0, high=MAX_QUESTIONS)
    if not 1 <= given.places <= MAX_PLACES:
        bag.add(E.INVALID, _("From 1 to {MAX_PLACES} testers.", MAX_PLACES=MAX_PLACES), "places")
    if not 0 <= given.reward_credits <= ledger.MAX_AMOUNT:
        bag.add(E.INVALID, _("Credits per report: zero or more."), "rewardCredits")
    now = datetime.now(UTC)
    if given.closes_at.tzinfo is None or not now < given.closes_at <= now + MAX_WINDOW:
        bag.add(E.INVALID, _("A time within the next year, with its time zone."), "closesAt")
    _eligibility(bag, given)
    bag.raise_if_any()
    organisation = await Organisation.get_or_none(id=given.organisation_id, hub_id=actor.hub_id)
    if organisation is None:
        raise DomainError(E.NOT_FOUND, _("No such organisation."), "organisationId")
    if organisation.kind != OrganisationKind.BUSINESS:
        raise DomainError(E.NOT_BUSINESS, _("Trials are posted by businesses."), "organisationId")
    if not await is_business_person(actor, organisation.id, managers=True):
        raise DomainError(E.FORBIDDEN, _("You cannot act for this business."), "organisationId")
    if given.reward_offer_id is not None:
        await vouchers.check_offer(
            hub_id=actor.hub_id, organisation_id=organisation.id, offer_id=given.reward_offer_id
        )
    async with in_transaction():
        trial = await Trial.create(
            hub_id=actor.hub_id,
            organisation_id=organisation.id,
            created_by_id=actor.member_id,
            title=title,
            product=product,
            description=description,
            selection=given.selection,
            places=given.places,
            dimensions=dimensions,
            questions=questions,
            reward_credits=given.reward_credits,
            reward_note=given.reward_note[:300],
            reward_offer_id=given.reward_offer_id,
            lat=given.near[0] if given.near else None,
            lng=given.near[1] if given.near else None,
            within_km=given.within_km,
            min_age=given.min_age,
            max_age=given.max_age,
            interests=sorted({i.strip().lower() for i in given.interests if i.strip()}),
            skill_ids=sorted(set(given.skill_ids)),
            checks=sorted(set(given.checks)),
            closes_at=given.closes_at,
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="trial.create",
            object_type="Trial",
            object_id=trial.id,
        )
    return trial


_NEXT = {
    TrialStatus.RECRUITING: ({TrialStatus.DRAFT}, "opened_at"),
    TrialStatus.TESTING: ({TrialStatus.RECRUITING}, "testing_at"),
    TrialStatus.CLOSED: ({TrialStatus.RECRUITING, TrialStatus.TESTING}, "closed_at"),
}


async def move_trial(*, actor: Actor, trial_id: int, to: TrialStatus) -> Trial:
    """Draft to recruiting, recruiting to testing, either to closed (the business)."""
    async with in_transaction():
        trial = await get_trial(actor, trial_id, lock=True)
        await require_business(actor, trial)
        if to not in _NEXT:
            raise DomainError(E.INVALID_TRANSITION, _("A trial moves on, never back."), "to")
        allowed, stamp = _NEXT[to]
        if trial.status not in allowed:
            raise DomainError(
                E.INVALID_TRANSITION,
                _("The trial is {value}.", value=trial.status.value),
                "trialId",
            )
        if to == TrialStatus.RECRUITING and trial.closes_at <= datetime.now(UTC):
            raise DomainError(E.WINDOW_CLOSED, _("Its window has already closed."), "trialId")
        if to == TrialStatus.CLOSED:
            await _release_unused_rewards(trial)
        trial.status = to
        setattr(trial, stamp, datetime.now(UTC))
        await trial.save(update_fields=["status", stamp, "updated_at"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action=f"trial.{to.value}",
            object_type="Trial",
            object_id=trial.id,
        )
    return trial


async def _release_unused_rewards(trial: Trial) -> int:
    """Voids the reward holds of testers who never reported, and gives their reserved vouchers
    back to the offer's stock (call under the trial's lock)."""
    holds = await TrialApplication.filter(
        trial_id=trial.id,
        status=TrialApplicationStatus.SELECTED,
        reward_hold_id__isnull=False,
        reward_hold__status=TransferStatus.PENDING,
    ).values_list("reward_hold_id", flat=True)
    for hold_id in holds:
        await ledger.void_hold(hold_id)  # type: ignore[arg-type]
    await vouchers.release_unused(trial)
    return len(holds)


async def close_lapsed(*, now: datetime | None = None, batch: int = 100) -> int:
    """Cron: closes trials whose window has passed, releasing unused reward holds. Idempotent:
    each trial is closed under its row lock, once (a closed trial is not taken again)."""
    now = now or datetime.now(UTC)
    closed = 0
    while True:
        async with in_transaction():
            trials = (
                await Trial.filter(
                    status__in=[TrialStatus.RECRUITING, TrialStatus.TESTING], closes_at__lte=now
                )
                .order_by("closes_at")
                .limit(batch)
                .select_for_update(skip_locked=True)
            )
            for trial in trials:
                await _release_unused_rewards(trial)
                trial.status, trial.closed_at = TrialStatus.CLOSED, now
                await trial.save(update_fields=["status", "closed_at", "updated_at"])
        closed += len(trials)
        if len(trials) < batch:
            return closed

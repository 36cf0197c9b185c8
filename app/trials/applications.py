"""Applying to a trial, and selecting testers: by the business, or first come, first served.

Every application and selection takes the trial's row lock first, so the `selected` count is
read and written by one transaction at a time: 30 members racing for 10 first-come places get
exactly 10 (the check constraint trial_places_ok is the backstop). A selected tester's reward
is held from the business's account, and a voucher of the trial's voucher offer reserved
(app/trials/vouchers.py), in the same transaction.
"""

from datetime import UTC, datetime

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.credits import ledger
from app.credits.errors import CreditsErrorCode
from app.credits.models import TransferKind
from app.errors import DomainError
from app.i18n import _
from app.i18n.stored import pack
from app.matching.models import Notification, NotificationKind
from app.trials import eligibility, vouchers
from app.trials.access import get_trial, is_business_person, require_business
from app.trials.errors import TrialErrorCode as E
from app.trials.models import (
    Selection,
    Trial,
    TrialApplication,
    TrialApplicationStatus,
    TrialStatus,
)


async def check_eligible(trial: Trial, member_id: int) -> None:
    """NOT_ELIGIBLE on the first rule of app/trials/eligibility.py the member fails."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        eligibility.EACH, [trial.id, member_id]
    )
    for rule, ok in rows[0].items():
        if not ok:
            raise DomainError(E.NOT_ELIGIBLE, eligibility.MESSAGES[rule], rule)


async def _select(trial: Trial, application: TrialApplication) -> None:
    """Takes a place (under the trial's lock) and holds the tester's reward."""
    if trial.selected >= trial.places:
        raise DomainError(E.NO_PLACES, _("Every place is taken."), "trialId")
    if trial.reward_credits > 0:
        try:
            hold = await ledger.hold(
                source=await ledger.organisation_account(trial.hub_id, trial.organisation_id),
                destination=await ledger.member_account(trial.hub_id, application.member_id),
                amount=trial.reward_credits,
                kind=TransferKind.EXCHANGE,
                category="trials",
                memo=f"Reward for testing “{trial.title[:100]}”",
                reference=f"trial:{trial.id}:tester:{application.member_id}",
            )
        except DomainError as exc:
            if exc.code == CreditsErrorCode.INSUFFICIENT_CREDITS:
                raise DomainError(
                    E.BUSINESS_CANNOT_FUND,
                    _("The business has not the credits to reward another tester."),
                    "trialId",
                ) from exc
            raise
        application.reward_hold_id = hold.id
    await vouchers.reserve(trial, application)
    application.status = TrialApplicationStatus.SELECTED
    application.selected_at = datetime.now(UTC)
    await application.save()
    await Trial.filter(id=trial.id).update(selected=trial.selected + 1)
    trial.selected += 1
    title = _("You are testing “{product}”", product=trial.product[:100])
    reason = _("{title}: report before the window closes.", title=trial.title[:250])
    await Notification.create(
        hub_id=trial.hub_id,
        member_id=application.member_id,
        kind=NotificationKind.TRIAL_SELECTED,
        title=title[:200],
        reason=reason[:300],
        data={
            "trial_id": trial.id,
            "once": f"trial:{trial.id}:selected",
            "texts": {"title": pack(title), "reason": pack(reason)},
        },
    )


async def apply(*, actor: Actor, trial_id: int, note: str = "") -> TrialApplication:
    """Applies to a recruiting trial the actor qualifies for; first-come trials select at once."""
    if len(note) > 1000 or "\x00" in note:
        raise DomainError(E.INVALID, _("At most 1000 characters."), "note")
    async with in_transaction():
        trial = await get_trial(actor, trial_id, lock=True)
        if trial.status != TrialStatus.RECRUITING or trial.closes_at <= datetime.now(UTC):
            raise DomainError(E.NOT_RECRUITING, _("This trial is not recruiting."), "trialId")
        if await is_business_person(actor, trial.organisation_id, managers=False):
            raise DomainError(E.OWN_TRIAL, _("You cannot test your own business's product."), None)
        if await TrialApplication.exists(
            hub_id=actor.hub_id, trial_id=trial.id, member_id=actor.member_id
        ):
            raise DomainError(E.ALREADY_APPLIED, _("You have already applied."), "trialId")
        await check_eligible(trial, actor.member_id)
        if trial.selection == Selection.FIRST_COME and trial.selected >= trial.places:
            raise DomainError(E.NO_PLACES, _("Every place is taken."), "trialId")
        try:
            application = await TrialApplication.create(
                hub_id=actor.hub_id, trial_id=trial.id, member_id=actor.member_id, note=note.strip()
            )
        except IntegrityError as exc:
            raise DomainError(E.ALREADY_APPLIED, _("You have already applied."), "trialId") from exc
        if trial.selection == Selection.FIRST_COME:
            await _select(trial, application)
    return application


async def _application(actor: Actor, application_id: int) -> tuple[Trial, TrialApplication]:
    application = await TrialApplication.get_or_none(id=application_id, hub_id=actor.hub_id)
    if application is None:
        raise DomainError(E.NOT_FOUND, _("No such application."), "trialApplicationId")
    trial = await get_trial(actor, application.trial_id, lock=True)
    await require_business(actor, trial)
    application = await TrialApplication.select_for_update().get(id=application.id)
    if application.status != TrialApplicationStatus.APPLIED:
        raise DomainError(
            E.INVALID_TRANSITION,
            _("The application is {value}.", value=application.status.value),
            "trialApplicationId",
        )
    return trial, application


async def select_tester(*, actor: Actor, application_id: int) -> TrialApplication:
    """The business picks an applicant as a tester (while recruiting or testing)."""
    async with in_transaction():
        trial, application = await _application(actor, application_id)
        if trial.status not in (TrialStatus.RECRUITING, TrialStatus.TESTING):
            raise DomainError(
                E.INVALID_TRANSITION, _("The trial is {value}.", value=trial.status.value), None
            )
        await _select(trial, application)
    return application


async def decline_applicant(*, actor: Actor, application_id: int) -> TrialApplication:
    """The business turns an applicant down."""
    async with in_transaction():
        _, application = await _application(actor, application_id)
        application.status = TrialApplicationStatus.DECLINED
        await application.save(update_fields=["status", "updated_at"])
    return application

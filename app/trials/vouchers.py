"""A trial's voucher reward, from one of the business's own voucher offers.

Checked when the trial is posted (the business's offer, active, in date, with stock); one
voucher of the offer's stock reserved when a tester is selected (under the trial's lock, then
the offer's: the same order everywhere); the voucher issued to the tester with their first
report, in the report's transaction (trial_report.reward_voucher is unique, the report one per
tester: exactly once); reservations of testers who never reported go back to the stock when
the trial closes. A given voucher has no purchase transfer (Voucher.transfer is None).
"""

from datetime import UTC, datetime, timedelta

from tortoise.expressions import F

from app.credits.models import Voucher, VoucherOffer
from app.credits.offers import new_code
from app.errors import DomainError
from app.i18n import _
from app.trials.errors import TrialErrorCode as E
from app.trials.models import Trial, TrialApplication, TrialApplicationStatus, TrialReport


def _usable(offer: VoucherOffer, field: str) -> None:
    now = datetime.now(UTC)
    if not offer.active or offer.valid_until <= now:
        raise DomainError(
            E.VOUCHER_OFFER_UNAVAILABLE, _("The voucher offer has ended or is paused."), field
        )
    if offer.stock < 1:
        raise DomainError(E.VOUCHER_OFFER_EXHAUSTED, _("The voucher offer has none left."), field)


async def check_offer(*, hub_id: int, organisation_id: int, offer_id: int) -> VoucherOffer:
    """The offer a new trial rewards from: the business's own, active, in date, not sold out."""
    offer = await VoucherOffer.get_or_none(id=offer_id, hub_id=hub_id)
    if offer is None:
        raise DomainError(E.NOT_FOUND, _("No such voucher offer."), "rewardOfferId")
    if offer.organisation_id != organisation_id:
        raise DomainError(
            E.VOUCHER_OFFER_NOT_YOURS,
            _("The voucher offer belongs to another business."),
            "rewardOfferId",
        )
    _usable(offer, "rewardOfferId")
    return offer


async def reserve(trial: Trial, application: TrialApplication) -> None:
    """Takes one voucher of the offer's stock for a tester being selected (under the trial's
    lock; the caller's transaction)."""
    if trial.reward_offer_id is None:
        return
    offer = await VoucherOffer.select_for_update().get(id=trial.reward_offer_id)
    _usable(offer, "trialId")
    offer.stock -= 1
    await offer.save(update_fields=["stock", "updated_at"])
    application.voucher_reserved_at = datetime.now(UTC)


async def issue(trial: Trial, application: TrialApplication, report: TrialReport) -> None:
    """Issues the tester's reserved voucher with their first report (its transaction)."""
    if trial.reward_offer_id is None or application.voucher_reserved_at is None:
        return
    offer = await VoucherOffer.get(id=trial.reward_offer_id)
    voucher = await Voucher.create(
        hub_id=trial.hub_id,
        offer_id=offer.id,
        member_id=application.member_id,
        code=new_code(),
        transfer_id=None,
        expires_at=datetime.now(UTC) + timedelta(days=offer.voucher_days),
    )
    report.reward_voucher_id = voucher.id


async def release_unused(trial: Trial) -> int:
    """Gives the vouchers reserved for testers who never reported back to the offer's stock
    (under the trial's lock, as it closes). Idempotent: a released reservation is cleared."""
    if trial.reward_offer_id is None:
        return 0
    reported = TrialReport.filter(trial_id=trial.id).values_list("application_id", flat=True)
    unused = await TrialApplication.filter(
        trial_id=trial.id,
        status=TrialApplicationStatus.SELECTED,
        voucher_reserved_at__isnull=False,
    ).exclude(id__in=await reported)
    if not unused:
        return 0
    await TrialApplication.filter(id__in=[a.id for a in unused]).update(voucher_reserved_at=None)
    await VoucherOffer.filter(id=trial.reward_offer_id).update(stock=F("stock") + len(unused))
    return len(unused)

"""A business's profile page: its trials, its voucher offers and the ratings it published.

Bounded lists (the newest 20 trials and offers, 5 published ratings), so a profile costs the
same whatever the business's history."""

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app.actor import Actor
from app.credits.models import VoucherOffer
from app.errors import DomainError
from app.i18n import _
from app.organisations.models import Organisation
from app.policy import Viewer, visible
from app.ratings.errors import RatingsErrorCode as E
from app.ratings.queries import Ratings, trial_ratings
from app.trials.access import get_trial, require_business
from app.trials.models import Trial, TrialStatus

TRIALS = 20
OFFERS = 20
PUBLISHED = 5


@dataclass(frozen=True)
class BusinessProfile:
    organisation: Organisation
    trials: list[Trial]
    offers: list[VoucherOffer]
    published: list[tuple[Trial, Ratings]]


async def business_profile(*, viewer: Viewer, organisation_id: int) -> BusinessProfile:
    """What anyone in the hub sees of the business."""
    organisation = await Organisation.get_or_none(id=organisation_id, hub_id=viewer.hub_id)
    if organisation is None:
        raise DomainError(E.NOT_FOUND, _("No such organisation."), "organisationId")
    trials = (
        await (
            await visible(
                viewer, "Trial", Trial.filter(hub_id=viewer.hub_id, organisation_id=organisation.id)
            )
        )
        .filter(status__not=TrialStatus.DRAFT)
        .order_by("-created_at", "-id")
        .limit(TRIALS)
    )
    offers = (
        await (
            await visible(
                viewer,
                "VoucherOffer",
                VoucherOffer.filter(
                    hub_id=viewer.hub_id,
                    organisation_id=organisation.id,
                    valid_until__gt=datetime.now(UTC),
                ),
            )
        )
        .order_by("-created_at", "-id")
        .limit(OFFERS)
    )
    published_trials = (
        await Trial.filter(
            hub_id=viewer.hub_id,
            organisation_id=organisation.id,
            status=TrialStatus.CLOSED,
            publish_ratings=True,
        )
        .order_by("-closed_at", "-id")
        .limit(PUBLISHED)
    )
    published = [
        (trial, await trial_ratings(viewer=viewer, trial_id=trial.id)) for trial in published_trials
    ]
    return BusinessProfile(organisation, trials, offers, published)


async def set_ratings_published(*, actor: Actor, trial_id: int, published: bool) -> Trial:
    """The business shows (or stops showing) a trial's ratings on its profile and to anyone
    in the hub (the same k-anonymous answers its own people read)."""
    async with in_transaction():
        trial = await get_trial(actor, trial_id, lock=True)
        await require_business(actor, trial)
        trial.publish_ratings = published
        await trial.save(update_fields=["publish_ratings", "updated_at"])
    return trial

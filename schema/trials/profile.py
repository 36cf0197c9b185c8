"""businessProfile and setTrialRatingsPublished."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from app.ratings.errors import RatingsErrorCode as RE
from app.trials import profile
from app.trials.errors import TrialErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.relay import decode_id
from schema.trials.mutations.payloads import TrialPayload, trial_id
from schema.trials.types import Trial, TrialError, TrialRatings

if TYPE_CHECKING:
    from schema.credits.offers.types import VoucherOffer
    from schema.organisations.types import Organisation

LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]
LazyVoucherOffer = Annotated["VoucherOffer", strawberry.lazy("schema.credits.offers.types")]


@strawberry.type(name="PublishedTrialRatings")
class PublishedTrialRatings:
    trial: Trial
    ratings: TrialRatings


@strawberry.type(
    name="BusinessProfile",
    description="A business's page: its trials (newest 20), its voucher offers still valid"
    " (newest 20) and the ratings it chose to publish (newest 5).",
)
class BusinessProfile:
    organisation: LazyOrganisation
    trials: list[Trial]
    voucher_offers: list[LazyVoucherOffer]
    published_ratings: list[PublishedTrialRatings]


@strawberry.type
class BusinessProfileQueries:
    @strawberry.field(description="A business's profile page.")
    async def business_profile(self, info: Info, organisation_id: strawberry.ID) -> BusinessProfile:
        org = decode_id(organisation_id, "Organisation", field="organisationId", invalid=RE.INVALID)
        found = await profile.business_profile(viewer=info.context.viewer, organisation_id=org)
        return BusinessProfile(
            organisation=found.organisation,  # type: ignore[arg-type]
            trials=found.trials,  # type: ignore[arg-type]
            voucher_offers=found.offers,  # type: ignore[arg-type]
            published_ratings=[
                PublishedTrialRatings(trial=t, ratings=TrialRatings.of(r))  # type: ignore[arg-type]
                for t, r in found.published
            ],
        )


@strawberry.input
class SetTrialRatingsPublishedInput:
    trial_id: strawberry.ID
    published: bool


@errors_as_data(TrialError, E, TrialPayload)
async def set_trial_ratings_published(
    input: SetTrialRatingsPublishedInput, info: Info
) -> TrialPayload:
    """Shows a trial's ratings on the business's profile, to anyone in the hub (or hides them)."""
    trial = await profile.set_ratings_published(
        actor=info.context.require_actor(),
        trial_id=trial_id(input.trial_id),
        published=input.published,
    )
    return TrialPayload(trial=trial)  # type: ignore[arg-type]

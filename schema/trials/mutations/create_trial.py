"""createTrial: a business's draft trial."""

from datetime import datetime

import strawberry

from app.trials import service
from app.trials.errors import TrialErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.relay import decode_id
from schema.trials.mutations.payloads import TrialPayload
from schema.trials.types import TrialError, TrialSelection


@strawberry.input
class TrialPointInput:
    lat: float
    lng: float


@strawberry.input
class CreateTrialInput:
    organisation_id: strawberry.ID = strawberry.field(description="The business (you manage).")
    title: str
    product: str
    places: int
    dimensions: list[str] = strawberry.field(description="1 to 8 names, each rated 1-5.")
    closes_at: datetime = strawberry.field(description="The end of the reporting window.")
    description: str = ""
    selection: TrialSelection = TrialSelection.CHOSEN  # type: ignore[valid-type, attr-defined]
    questions: list[str] = strawberry.field(default_factory=list)
    reward_credits: int = 0
    reward_note: str = ""
    reward_offer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A voucher per completed report, from this voucher offer of the business"
        " (its own, active, in date, with stock; one reserved per selected tester).",
    )
    near: TrialPointInput | None = None
    within_km: float | None = None
    min_age: int | None = None
    max_age: int | None = None
    interests: list[str] = strawberry.field(default_factory=list)
    skill_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    required_checks: list[str] = strawberry.field(default_factory=list)


@errors_as_data(TrialError, E, TrialPayload)
async def create_trial(input: CreateTrialInput, info: Info) -> TrialPayload:
    """A draft trial; `moveTrial` to RECRUITING opens it to applications. Errors (code):
    VOUCHER_OFFER_NOT_YOURS, VOUCHER_OFFER_UNAVAILABLE, VOUCHER_OFFER_EXHAUSTED (rewardOfferId)."""
    trial = await service.create_trial(
        actor=info.context.require_actor(),
        given=service.TrialInput(
            organisation_id=decode_id(
                input.organisation_id, "Organisation", field="organisationId", invalid=E.INVALID
            ),
            title=input.title,
            product=input.product,
            places=input.places,
            dimensions=input.dimensions,
            closes_at=input.closes_at,
            description=input.description,
            selection=input.selection,
            questions=input.questions,
            reward_credits=input.reward_credits,
            reward_note=input.reward_note,
            reward_offer_id=(
                decode_id(
                    input.reward_offer_id, "VoucherOffer", field="rewardOfferId", invalid=E.INVALID
                )
                if input.reward_offer_id is not None
                else None
            ),
            near=(input.near.lat, input.near.lng) if input.near else None,
            within_km=input.within_km,
            min_age=input.min_age,
            max_age=input.max_age,
            interests=input.interests,
            skill_ids=[
                decode_id(s, "Skill", field="skillIds", invalid=E.INVALID) for s in input.skill_ids
            ],
            checks=input.required_checks,
        ),
    )
    return TrialPayload(trial=trial)  # type: ignore[arg-type]

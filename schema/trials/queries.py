"""Trial lists and the ratings queries."""

from collections.abc import Iterable
from datetime import date

import strawberry
from strawberry import relay

from app.ratings import comments as ratings_comments
from app.ratings import queries as ratings
from app.ratings.errors import RatingsErrorCode as RE
from app.trials import lists
from app.trials.errors import TrialErrorCode as E
from app.trials.models import TrialStatus as TrialStatusEnum
from schema.context import Info
from schema.opportunities.inputs import LocationInput
from schema.relay import Page, decode_id
from schema.trials.types import (
    RatingsComparison,
    RatingsSlice,
    Trial,
    TrialApplication,
    TrialComment,
    TrialRatings,
    TrialStatus,
)


def _trial(gid: strawberry.ID, field: str = "trialId") -> int:
    return decode_id(gid, "Trial", field=field, invalid=RE.INVALID)


@strawberry.input(
    description="A search among the trials you qualify for: every given filter must match."
)
class TrialSearchInput:
    text: str | None = strawberry.field(
        default=None, description="In the title, product or description."
    )
    near: LocationInput | None = None
    within_km: float | None = strawberry.field(
        default=None, description="With near: the trial takes place this close."
    )
    skill_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The trial asks for one of these skills."
    )
    interests: list[str] | None = strawberry.field(
        default=None, description="The trial is for one of these interests."
    )

    def to_search(self) -> lists.TrialSearch:
        return lists.TrialSearch(
            text=self.text,
            near=(self.near.lat, self.near.lng) if self.near else None,
            within_km=self.within_km,
            skill_ids=[
                decode_id(s, "Skill", field="skillIds", invalid=E.INVALID)
                for s in self.skill_ids or []
            ],
            interests=list(self.interests or []),
        )


@strawberry.type
class TrialQueries:
    @relay.connection(Page[Trial], description="The hub's trials, closing soonest first.")  # type: ignore[misc]
    async def trials(
        self,
        info: Info,
        status: TrialStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Trial]:
        viewer = info.context.viewer
        if viewer.hub_id is None:
            return []
        status_enum = TrialStatusEnum(status.value) if status is not None else None
        return await lists.trials(viewer=viewer, status=status_enum)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[Trial],
        description="Recruiting trials you qualify for (distance, age, interests, skills,"
        " checks), closing soonest first: your trial feed, or with `search` your search of"
        " trials. Errors (extensions.code): INVALID (a search filter, `field` names it).",
    )
    async def trials_for_me(
        self, info: Info, search: TrialSearchInput | None = None
    ) -> Iterable[Trial]:
        return lists.for_member(  # type: ignore[return-value]
            actor=info.context.require_actor(),
            search=search.to_search() if search is not None else None,
        )

    @relay.connection(Page[TrialApplication], description="Your trial applications, newest first.")  # type: ignore[misc]
    async def my_trial_applications(self, info: Info) -> Iterable[TrialApplication]:
        return lists.my_applications(actor=info.context.require_actor())  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[TrialApplication],
        description="A trial's applications, first first (its business's people). Errors"
        " (extensions.code): FORBIDDEN.",
    )
    async def trial_applications(
        self, info: Info, trial_id: strawberry.ID
    ) -> Iterable[TrialApplication]:
        trial = decode_id(trial_id, "Trial", field="trialId", invalid=E.INVALID)
        return await lists.applications_to(actor=info.context.require_actor(), trial_id=trial)  # type: ignore[return-value]

    @strawberry.field(
        description="A closed trial's ratings, whole and by one slicing; no group under the"
        " hub's k. Errors (extensions.code): FORBIDDEN (not the business's, not published),"
        " NOT_CLOSED."
    )
    async def trial_ratings(
        self,
        info: Info,
        trial_id: strawberry.ID,
        slice_by: RatingsSlice = RatingsSlice.NONE,  # type: ignore[valid-type, attr-defined]
    ) -> TrialRatings:
        found = await ratings.trial_ratings(
            viewer=info.context.viewer,
            trial_id=_trial(trial_id),
            slice_by=slice_by,
        )
        return TrialRatings.of(found)

    @strawberry.field(
        description="Ratings across a business's closed trials of at least k testers"
        " (dimensions matched by name)."
    )
    async def business_ratings(
        self,
        info: Info,
        organisation_id: strawberry.ID,
        slice_by: RatingsSlice = RatingsSlice.NONE,  # type: ignore[valid-type, attr-defined]
    ) -> TrialRatings:
        org = decode_id(organisation_id, "Organisation", field="organisationId", invalid=RE.INVALID)
        found = await ratings.business_ratings(
            viewer=info.context.viewer, organisation_id=org, slice_by=slice_by
        )
        return TrialRatings.of(found)

    @strawberry.field(description="Two closed trials side by side.")
    async def compare_trial_ratings(
        self, info: Info, first_trial_id: strawberry.ID, second_trial_id: strawberry.ID
    ) -> RatingsComparison:
        found = await ratings.compare_trials(
            viewer=info.context.viewer,
            first_id=_trial(first_trial_id, "firstTrialId"),
            second_id=_trial(second_trial_id, "secondTrialId"),
        )
        return RatingsComparison.of(found)

    @strawberry.field(
        description="Two periods of a closed trial, each a run of whole weeks (give Mondays)."
        " Errors (extensions.code): WOULD_ISOLATE (a period holding some, not all, of the"
        " withheld weeks: set against another it could single out fewer than k testers)."
    )
    async def compare_period_ratings(
        self,
        info: Info,
        trial_id: strawberry.ID,
        first_from: date,
        first_to: date,
        second_from: date,
        second_to: date,
    ) -> RatingsComparison:
        found = await ratings.compare_periods(
            viewer=info.context.viewer,
            trial_id=_trial(trial_id),
            first=(first_from, first_to),
            second=(second_from, second_to),
        )
        return RatingsComparison.of(found)

    @relay.connection(  # type: ignore[misc]
        Page[TrialComment],  # type: ignore[type-var]
        description="A closed trial's comments with their scores (when k or more reported).",
    )
    async def trial_comments(self, info: Info, trial_id: strawberry.ID) -> Iterable[TrialComment]:
        return await ratings_comments.comments(  # type: ignore[return-value]
            viewer=info.context.viewer, trial_id=_trial(trial_id)
        )

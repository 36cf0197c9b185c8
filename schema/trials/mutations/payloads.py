"""Payloads and ID helpers shared by the trial mutations."""

import strawberry

from app.trials.errors import TrialErrorCode as E
from schema.relay import decode_id
from schema.trials.types import Trial, TrialApplication, TrialError, TrialReport


@strawberry.type
class TrialPayload:
    trial: Trial | None = None
    errors: list[TrialError] = strawberry.field(default_factory=list)


@strawberry.type
class TrialApplicationPayload:
    application: TrialApplication | None = None
    errors: list[TrialError] = strawberry.field(default_factory=list)


@strawberry.type
class TrialReportPayload:
    report: TrialReport | None = None
    errors: list[TrialError] = strawberry.field(default_factory=list)


def trial_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Trial", field="trialId", invalid=E.INVALID)


def application_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "TrialApplication", field="trialApplicationId", invalid=E.INVALID)

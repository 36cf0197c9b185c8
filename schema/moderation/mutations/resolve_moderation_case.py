"""resolveModerationCase: a moderator closes a case with a note; reporters hear the outcome."""

import strawberry

from app.moderation import actions
from app.moderation.errors import ModerationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ModerationCasePayload, required_id
from schema.moderation.types import ModerationError


@strawberry.input
class ResolveModerationCaseInput:
    case_id: strawberry.ID
    note: str


@errors_as_data(ModerationError, E, ModerationCasePayload)
async def resolve_moderation_case(
    input: ResolveModerationCaseInput, info: Info
) -> ModerationCasePayload:
    """ALREADY_RESOLVED: it was closed before."""
    case = await actions.resolve(
        actor=info.context.require_actor(),
        case_id=required_id(input.case_id, "ModerationCase", "caseId"),
        note=input.note,
    )
    return ModerationCasePayload(case=case)  # type: ignore[arg-type]

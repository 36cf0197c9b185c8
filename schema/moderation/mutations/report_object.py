"""reportObject: anyone signed in reports a member or something posted in the hub."""

import strawberry

from app import ids
from app.errors import DomainError
from app.i18n import _
from app.moderation import reports
from app.moderation.errors import ModerationErrorCode as E
from app.moderation.targets import BY_TYPE_NAME
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ReportPayload
from schema.moderation.types import ModerationError, ReportReason


@strawberry.input
class ReportObjectInput:
    id: strawberry.ID = strawberry.field(
        description="The global ID of a Member, Organisation, Opportunity, Review, VoucherOffer,"
        " Asset, Campaign, Trial or SuccessStory."
    )
    reason: ReportReason  # type: ignore[valid-type]
    note: str = ""


@errors_as_data(ModerationError, E, ReportPayload)
async def report_object(input: ReportObjectInput, info: Info) -> ReportPayload:
    """Reports it to the hub's moderators (rate-limited per member). OWN_CONTENT: yourself or
    yours; ALREADY_REPORTED: your report of it is waiting; RATE_LIMITED: too many reports."""
    try:
        type_name, node_id = ids.parse(str(input.id))
        object_id = ids.db_id(node_id)
    except ValueError as exc:
        raise DomainError(E.INVALID, _("Not a valid ID."), "id") from exc
    target = BY_TYPE_NAME.get(type_name)
    if target is None:
        raise DomainError(
            E.INVALID, _("A {type_name} cannot be reported.", type_name=type_name), "id"
        )
    created = await reports.report(
        actor=info.context.require_actor(),
        target=target,
        object_id=object_id,
        reason=input.reason,
        note=input.note,
    )
    return ReportPayload(report=created)  # type: ignore[arg-type]

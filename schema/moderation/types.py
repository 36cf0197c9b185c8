"""GraphQL types of moderation: cases in the queue, reports, actions and appeals, flag rules."""

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from app.moderation import flags
from app.moderation.errors import ModerationErrorCode as ModerationErrorCodeEnum
from app.moderation.models import ActionKind as ActionKindEnum
from app.moderation.models import AppealStatus as AppealStatusEnum
from app.moderation.models import CaseStatus as CaseStatusEnum
from app.moderation.models import ModerationAction as ActionModel
from app.moderation.models import ModerationCase as CaseModel
from app.moderation.models import Reason as ReasonEnum
from app.moderation.models import Report as ReportModel
from app.moderation.models import Target as TargetEnum
from app.moderation.targets import KINDS
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.loaders import group
from schema.relay import encode_id, orm_node

if TYPE_CHECKING:
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]

ModerationErrorCode = strawberry.enum(ModerationErrorCodeEnum, name="ModerationErrorCode")
ReportTarget = strawberry.enum(TargetEnum, name="ReportTarget")
ReportReason = strawberry.enum(
    ReasonEnum,
    name="ReportReason",
    description="Why something is reported. SAFEGUARDING (a risk to a child or a vulnerable"
    " adult) comes first in the queue, then HATE and HARASSMENT, SCAM and PERSONAL_DATA.",
)
ModerationActionKind = strawberry.enum(ActionKindEnum, name="ModerationActionKind")
AppealStatus = strawberry.enum(AppealStatusEnum, name="AppealStatus")
ModerationCaseStatus = strawberry.enum(CaseStatusEnum, name="ModerationCaseStatus")


@strawberry.type(description="Why a moderation mutation did not go through (nothing was written).")
class ModerationError:
    code: ModerationErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


def _children(
    model: Any, key: str
) -> Callable[[int | None], Callable[[list[int]], Coroutine[Any, Any, list[list[Any]]]]]:
    def factory(hub_id: int | None) -> Callable[[list[int]], Coroutine[Any, Any, list[list[Any]]]]:
        async def load(ids: list[int]) -> list[list[Any]]:
            rows = await model.filter(hub_id=hub_id, **{key + "__in": ids}).order_by("id")
            return group(rows, ids, key)

        return load

    return factory


@orm_node(ReportModel)
@strawberry.type(name="ModerationReport", description="One member's report of an object.")
class ModerationReport(relay.Node):
    id: relay.NodeID[int]
    reason: ReportReason  # type: ignore[valid-type]
    note: str
    created_at: datetime

    @strawberry.field
    async def reporter(self, root: ReportModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.reporter_id)  # type: ignore[return-value]


@orm_node(ActionModel)
@strawberry.type(
    name="ModerationAction",
    description="What a moderator did, why (the member acted on reads the reason), and the one"
    " appeal against it.",
)
class ModerationAction(relay.Node):
    id: relay.NodeID[int]
    kind: ModerationActionKind  # type: ignore[valid-type]
    reason: str
    ends_at: datetime | None = strawberry.field(
        description="A suspension's end; null: until reinstated."
    )
    created_at: datetime
    appeal_status: AppealStatus  # type: ignore[valid-type]
    appeal_note: str
    appealed_at: datetime | None
    decision_note: str
    decided_at: datetime | None

    @strawberry.field(description="The object acted on (a HIDE), as a global ID.")
    def object_id(self, root: ActionModel) -> strawberry.ID | None:
        if root.target is None or root.object_id is None:
            return None
        return strawberry.ID(str(encode_id(KINDS[root.target].type_name, root.object_id)))

    @strawberry.field
    async def member(self, root: ActionModel, info: Info) -> LazyMember | None:
        if root.member_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.member_id)  # type: ignore[return-value]


@orm_node(CaseModel)
@strawberry.type(
    name="ModerationCase",
    description="A reported or automatically flagged object waiting for (or resolved by) a"
    " moderator: every report of it, what was done.",
)
class ModerationCase(relay.Node):
    id: relay.NodeID[int]
    target: ReportTarget  # type: ignore[valid-type]
    status: ModerationCaseStatus  # type: ignore[valid-type]
    severity: int = strawberry.field(description="The highest of its reports' reasons (0-5).")
    report_count: int
    flags: list[str] = strawberry.field(
        description="Automatic flags: promotion, phone, email, link, reported_by_several."
    )
    created_at: datetime
    resolved_at: datetime | None
    resolution_note: str

    @strawberry.field(description="The reported object's global ID (node(id:) reads it).")
    def object_id(self, root: CaseModel) -> strawberry.ID:
        return strawberry.ID(str(encode_id(KINDS[root.target].type_name, root.object_id)))

    @strawberry.field(description="The member answerable for the object, if there is one.")
    async def member(self, root: CaseModel, info: Info) -> LazyMember | None:
        if root.member_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.member_id)  # type: ignore[return-value]

    @strawberry.field(description="Its reports, oldest first.")
    async def reports(self, root: CaseModel, info: Info) -> list[ModerationReport]:
        loader = info.context.loaders.get("case.reports", _children(ReportModel, "case_id"))
        return await loader.load(root.id)  # type: ignore[no-any-return]

    @strawberry.field(description="What moderators did, oldest first.")
    async def actions(self, root: CaseModel, info: Info) -> list[ModerationAction]:
        loader = info.context.loaders.get("case.actions", _children(ActionModel, "case_id"))
        return await loader.load(root.id)  # type: ignore[no-any-return]


@strawberry.type(description="A hub's automatic flag rules (hub admins tune them).")
class ModerationFlagRules:
    promotion_words: list[str]
    flag_phone: bool
    flag_email: bool
    flag_links: bool
    several_reporters: int

    @classmethod
    def of(cls, rules: flags.Rules) -> "ModerationFlagRules":
        return cls(
            promotion_words=list(rules.promotion_words),
            flag_phone=rules.flag_phone,
            flag_email=rules.flag_email,
            flag_links=rules.flag_links,
            several_reporters=rules.several_reporters,
        )

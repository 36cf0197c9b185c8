"""The audit log's GraphQL types."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app import ids
from app.audit.models import AuditEvent as AuditEventModel
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.people.types import Member

MemberRef = Annotated["Member", strawberry.lazy("schema.people.types")]


@orm_node(AuditEventModel)
@strawberry.type(
    name="AuditEvent",
    description="One sensitive action, as it happened: the log is append-only.",
)
class AuditEvent(relay.Node):
    id: relay.NodeID[int]
    action: str = strawberry.field(description='What was done, e.g. "role.grant".')
    object_type: str = strawberry.field(description="The type of the row acted on.")
    data: JSON = strawberry.field(description="Ids, codes and field names; never personal data.")
    created_at: datetime

    @strawberry.field(description="The row acted on, as a global ID of `objectType`.")
    def object_id(self, root: AuditEventModel) -> strawberry.ID | None:
        if root.object_id is None or not root.object_type:
            return None
        return strawberry.ID(ids.global_id(root.object_type, root.object_id))

    @strawberry.field(description="Who did it (for whom, when a coordinator acted for them).")
    async def actor(self, root: AuditEventModel, info: Info) -> MemberRef | None:
        if root.actor_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.actor_id)  # type: ignore[return-value]

    @strawberry.field(description="The coordinator who acted for `actor` (CH-Act-For).")
    async def acted_by(self, root: AuditEventModel, info: Info) -> MemberRef | None:
        if root.acted_by_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.acted_by_id)  # type: ignore[return-value]

    @strawberry.field(description="The member the action was about, if any.")
    async def subject(self, root: AuditEventModel, info: Info) -> MemberRef | None:
        if root.subject_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.subject_id)  # type: ignore[return-value]

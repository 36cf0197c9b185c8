"""GraphQL types of members. Private fields resolve only for the member themself."""

from datetime import datetime

import h3
import strawberry
from strawberry import relay

from app.people.models import Member as MemberModel
from schema.context import Info
from schema.relay import orm_node


def is_self(root: MemberModel, info: Info) -> bool:
    actor = info.context.actor
    return actor is not None and actor.member_id == root.id


@orm_node(MemberModel)
@strawberry.type(name="Member", description="A person in a hub.")
class Member(relay.Node):
    id: relay.NodeID[int]
    display_name: str
    bio: str
    interests: list[str]
    is_proxy: bool = strawberry.field(description="Managed by a coordinator for someone offline.")
    created_at: datetime

    @strawberry.field(description="Coarse H3 cell (resolution 7, ~5 km²) around home; never the point.")
    def area_cell(self, root: MemberModel) -> str | None:
        if not root.home_cell:
            return None
        return str(h3.cell_to_parent(root.home_cell, 7))

    @strawberry.field(description="Only visible to the member themself.")
    def email(self, root: MemberModel, info: Info) -> str | None:
        return root.email if is_self(root, info) else None

    @strawberry.field(description="Only visible to the member themself.")
    def email_verified(self, root: MemberModel, info: Info) -> bool | None:
        return root.email_verified_at is not None if is_self(root, info) else None

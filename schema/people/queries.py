"""Member, skill and trust-check queries."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.people.models import CheckStatus as CheckStatusEnum
from app.people.models import Member as MemberModel
from app.people.models import Role
from app.people.models import Skill as SkillModel
from app.people.models import TrustCheck as TrustCheckModel
from schema.context import Info
from schema.people.types import Member, Skill, TrustCheck
from schema.relay import Page


@strawberry.type
class PeopleQueries:
    @relay.connection(Page[Skill], description="The hub's skills taxonomy (public in the hub).")  # type: ignore[misc]
    def skills(self, info: Info, category: str | None = None) -> Iterable[Skill]:
        if info.context.hub_id is None:
            return []
        query = SkillModel.filter(hub_id=info.context.hub_id)
        if category:
            query = query.filter(category=category[:60])
        return query.order_by("name", "id")  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[Member], description="Members of the hub (coordinators, moderators, hub admins)."
    )
    def members(self, info: Info, search: str | None = None) -> Iterable[Member]:
        actor = info.context.require_actor()
        actor.require_role(Role.COORDINATOR, Role.MODERATOR, Role.HUB_ADMIN)
        query = MemberModel.filter(hub_id=actor.hub_id)
        if search:
            query = query.filter(display_name__icontains=search[:80])
        return query.order_by("id")  # type: ignore[return-value]

    @relay.connection(Page[TrustCheck], description="Checks awaiting review (moderators).")  # type: ignore[misc]
    def pending_trust_checks(self, info: Info) -> Iterable[TrustCheck]:
        actor = info.context.require_actor()
        actor.require_role(Role.MODERATOR, Role.HUB_ADMIN)
        return TrustCheckModel.filter(  # type: ignore[return-value]
            hub_id=actor.hub_id, status=CheckStatusEnum.PENDING
        ).order_by("created_at", "id")

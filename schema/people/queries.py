"""Member, skill and trust-check lists (one member, skill or check: `node(id:)`)."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.errors import DomainError
from app.people import service
from schema.context import Info
from schema.errors import BadInput
from schema.people.types import Member, Skill, TrustCheck
from schema.relay import Page


@strawberry.type
class PeopleQueries:
    @relay.connection(  # type: ignore[misc]
        Page[Skill],
        description=(
            "The hub's skills taxonomy by name: public in the hub (sign in, or send the header "
            "`CH-Hub: <hub slug>`), empty without a hub."
        ),
    )
    def skills(self, info: Info, category: str | None = None) -> Iterable[Skill]:
        hub_id = info.context.hub_id
        if hub_id is None:
            return []
        return service.list_skills(hub_id=hub_id, category=category)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[Member],
        description=(
            "Members of the hub by when they joined (hub admins, moderators, coordinators); "
            "`search` matches part of the display name, in any case."
        ),
    )
    def members(self, info: Info, search: str | None = None) -> Iterable[Member]:
        actor = info.context.require_actor()
        try:
            return service.list_members(actor=actor, search=search)  # type: ignore[return-value]
        except DomainError as exc:
            raise BadInput(f"{exc.field}: {exc.message}") from exc

    @relay.connection(  # type: ignore[misc]
        Page[TrustCheck], description="Trust checks awaiting review, oldest first (moderators)."
    )
    def pending_trust_checks(self, info: Info) -> Iterable[TrustCheck]:
        actor = info.context.require_actor()
        return service.pending_checks(actor=actor)  # type: ignore[return-value]

"""Payloads of the idea mutations."""

import strawberry

from schema.civic.idea_types import Idea, IdeaArgument
from schema.civic.types import CivicError


@strawberry.type
class IdeaPayload:
    idea: Idea | None = None
    errors: list[CivicError] = strawberry.field(default_factory=list)


@strawberry.type
class IdeaArgumentPayload:
    argument: IdeaArgument | None = None
    errors: list[CivicError] = strawberry.field(default_factory=list)

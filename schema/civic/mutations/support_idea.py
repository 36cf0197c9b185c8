"""supportIdea and withdrawIdeaSupport: one support per member, until the window closes."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.ideas import service
from schema.civic.mutations.idea_payloads import IdeaPayload
from schema.civic.mutations.payloads import required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class SupportIdeaInput:
    idea_id: strawberry.ID


@strawberry.input
class WithdrawIdeaSupportInput:
    idea_id: strawberry.ID


@errors_as_data(CivicError, E, IdeaPayload)
async def support_idea(input: SupportIdeaInput, info: Info) -> IdeaPayload:
    """ALREADY_SUPPORTED (however many clicks race), WINDOW_CLOSED."""
    idea = await service.support(
        actor=info.context.require_actor(), idea_id=required_id(input.idea_id, "Idea", "ideaId")
    )
    return IdeaPayload(idea=idea)  # type: ignore[arg-type]


@errors_as_data(CivicError, E, IdeaPayload)
async def withdraw_idea_support(input: WithdrawIdeaSupportInput, info: Info) -> IdeaPayload:
    """NOT_SUPPORTED, WINDOW_CLOSED. A threshold once reached stays reached."""
    idea = await service.withdraw_support(
        actor=info.context.require_actor(), idea_id=required_id(input.idea_id, "Idea", "ideaId")
    )
    return IdeaPayload(idea=idea)  # type: ignore[arg-type]

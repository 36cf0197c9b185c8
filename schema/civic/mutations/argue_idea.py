"""argueIdea: an argument for or against an idea."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.ideas import service
from app.civic.ideas.models import Side
from schema.civic.idea_types import IdeaSide
from schema.civic.mutations.idea_payloads import IdeaArgumentPayload
from schema.civic.mutations.payloads import required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ArgueIdeaInput:
    idea_id: strawberry.ID
    side: IdeaSide  # type: ignore[valid-type]
    text: str


@errors_as_data(CivicError, E, IdeaArgumentPayload)
async def argue_idea(input: ArgueIdeaInput, info: Info) -> IdeaArgumentPayload:
    """WINDOW_CLOSED: the idea's window passed below its threshold."""
    argument = await service.add_argument(
        actor=info.context.require_actor(),
        idea_id=required_id(input.idea_id, "Idea", "ideaId"),
        side=Side(input.side),
        text=input.text,
    )
    return IdeaArgumentPayload(argument=argument)  # type: ignore[arg-type]

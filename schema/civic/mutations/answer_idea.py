"""answerIdea: the council's public answer to an idea."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.ideas import service
from app.civic.ideas.models import Outcome
from schema.civic.idea_types import IdeaOutcome
from schema.civic.mutations.idea_payloads import IdeaPayload
from schema.civic.mutations.payloads import required_id
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class AnswerIdeaInput:
    idea_id: strawberry.ID
    answer: str
    outcome: IdeaOutcome  # type: ignore[valid-type]


@errors_as_data(CivicError, E, IdeaPayload)
async def answer_idea(input: AnswerIdeaInput, info: Info) -> IdeaPayload:
    """Members with the COUNCIL role only; once (ALREADY_ANSWERED). The author and the
    supporters are told."""
    idea = await service.answer(
        actor=info.context.require_actor(),
        idea_id=required_id(input.idea_id, "Idea", "ideaId"),
        text=input.answer,
        outcome=Outcome(input.outcome),
    )
    return IdeaPayload(idea=idea)  # type: ignore[arg-type]

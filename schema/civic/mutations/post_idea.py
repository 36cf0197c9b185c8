"""postIdea: a member proposes an idea for an area."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.ideas import service
from schema.civic.mutations.idea_payloads import IdeaPayload
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.inputs import LocationInput


@strawberry.input
class PostIdeaInput:
    title: str
    body: str
    location: LocationInput = strawberry.field(description="A place in the area it is for.")


@errors_as_data(CivicError, E, IdeaPayload)
async def post_idea(input: PostIdeaInput, info: Info) -> IdeaPayload:
    """OUTSIDE_AREA: the place is outside the hub's area. Its threshold and window are the
    hub's civic settings when posted."""
    idea = await service.post_idea(
        actor=info.context.require_actor(),
        title=input.title,
        body=input.body,
        location=(input.location.lat, input.location.lng),
    )
    return IdeaPayload(idea=idea)  # type: ignore[arg-type]

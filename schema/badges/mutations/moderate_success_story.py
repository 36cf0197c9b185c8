"""moderateSuccessStory: a moderator approves a story (it shows) or rejects it."""

import strawberry

from app.badges.errors import BadgeErrorCode as E
from app.impact import stories
from schema.badges.mutations.payloads import SuccessStoryPayload, required_id
from schema.badges.types import BadgeError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class ModerateSuccessStoryInput:
    story_id: strawberry.ID
    approve: bool


@errors_as_data(BadgeError, E, SuccessStoryPayload)
async def moderate_success_story(
    input: ModerateSuccessStoryInput, info: Info
) -> SuccessStoryPayload:
    """Approves or rejects a waiting story, once (ALREADY_MODERATED)."""
    story = await stories.moderate_story(
        actor=info.context.require_actor(),
        story_id=required_id(input.story_id, "SuccessStory", "storyId"),
        approve=input.approve,
    )
    return SuccessStoryPayload(story=story)  # type: ignore[arg-type]

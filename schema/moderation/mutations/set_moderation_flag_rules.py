"""setModerationFlagRules: a hub admin tunes the automatic flags."""

import strawberry

from app.moderation import flags
from app.moderation.errors import ModerationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ModerationFlagRulesPayload
from schema.moderation.types import ModerationError, ModerationFlagRules


@strawberry.input
class SetModerationFlagRulesInput:
    promotion_words: list[str] | None = strawberry.field(
        default=None, description="Words that flag promotion where sharing belongs."
    )
    flag_phone: bool | None = None
    flag_email: bool | None = None
    flag_links: bool | None = None
    several_reporters: int | None = strawberry.field(
        default=None, description="Reports from this many members flag an object (2-100)."
    )


@errors_as_data(ModerationError, E, ModerationFlagRulesPayload)
async def set_moderation_flag_rules(
    input: SetModerationFlagRulesInput, info: Info
) -> ModerationFlagRulesPayload:
    """What is not given keeps its value."""
    rules = await flags.set_rules(
        actor=info.context.require_actor(),
        promotion_words=input.promotion_words,
        flag_phone=input.flag_phone,
        flag_email=input.flag_email,
        flag_links=input.flag_links,
        several_reporters=input.several_reporters,
    )
    return ModerationFlagRulesPayload(rules=ModerationFlagRules.of(rules))

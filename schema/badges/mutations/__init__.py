"""Badge mutations, one per module."""

import strawberry

from schema.badges.mutations.award_badge import award_badge
from schema.badges.mutations.create_badge_class import create_badge_class
from schema.badges.mutations.create_badge_level import create_badge_level
from schema.badges.mutations.moderate_success_story import moderate_success_story
from schema.badges.mutations.revoke_badge import revoke_badge
from schema.badges.mutations.set_leaderboard_opt_in import set_leaderboard_opt_in
from schema.badges.mutations.submit_success_story import submit_success_story


@strawberry.type
class BadgeMutations:
    create_badge_class = strawberry.mutation(resolver=create_badge_class)
    create_badge_level = strawberry.mutation(resolver=create_badge_level)
    award_badge = strawberry.mutation(resolver=award_badge)
    revoke_badge = strawberry.mutation(resolver=revoke_badge)
    submit_success_story = strawberry.mutation(resolver=submit_success_story)
    moderate_success_story = strawberry.mutation(resolver=moderate_success_story)
    set_leaderboard_opt_in = strawberry.mutation(resolver=set_leaderboard_opt_in)

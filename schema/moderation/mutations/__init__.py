"""Moderation mutations, one per module."""

import strawberry

from schema.moderation.mutations.appeal_moderation_action import appeal_moderation_action
from schema.moderation.mutations.decide_appeal import decide_appeal
from schema.moderation.mutations.hide_reported_object import hide_reported_object
from schema.moderation.mutations.reinstate_member import reinstate_member
from schema.moderation.mutations.report_object import report_object
from schema.moderation.mutations.resolve_moderation_case import resolve_moderation_case
from schema.moderation.mutations.set_moderation_flag_rules import set_moderation_flag_rules
from schema.moderation.mutations.suspend_member import suspend_member
from schema.moderation.mutations.warn_member import warn_member


@strawberry.type
class ModerationMutations:
    report_object = strawberry.mutation(resolver=report_object)
    hide_reported_object = strawberry.mutation(resolver=hide_reported_object)
    warn_member = strawberry.mutation(resolver=warn_member)
    suspend_member = strawberry.mutation(resolver=suspend_member)
    reinstate_member = strawberry.mutation(resolver=reinstate_member)
    resolve_moderation_case = strawberry.mutation(resolver=resolve_moderation_case)
    appeal_moderation_action = strawberry.mutation(resolver=appeal_moderation_action)
    decide_appeal = strawberry.mutation(resolver=decide_appeal)
    set_moderation_flag_rules = strawberry.mutation(resolver=set_moderation_flag_rules)

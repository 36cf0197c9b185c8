"""Opportunity and application mutations, one per module."""

import strawberry

from schema.opportunities.mutations.accept_application import accept_application
from schema.opportunities.mutations.apply_to_opportunity import apply_to_opportunity
from schema.opportunities.mutations.cancel_opportunity import cancel_opportunity
from schema.opportunities.mutations.close_opportunity import close_opportunity
from schema.opportunities.mutations.create_category import create_category
from schema.opportunities.mutations.create_opportunity import create_opportunity
from schema.opportunities.mutations.decline_application import decline_application
from schema.opportunities.mutations.publish_opportunity import publish_opportunity
from schema.opportunities.mutations.renew_opportunity import renew_opportunity
from schema.opportunities.mutations.update_category import update_category
from schema.opportunities.mutations.update_opportunity import update_opportunity
from schema.opportunities.mutations.waitlist_application import waitlist_application
from schema.opportunities.mutations.withdraw_application import withdraw_application


@strawberry.type
class OpportunityMutations:
    create_category = strawberry.mutation(resolver=create_category)
    update_category = strawberry.mutation(resolver=update_category)
    create_opportunity = strawberry.mutation(resolver=create_opportunity)
    update_opportunity = strawberry.mutation(resolver=update_opportunity)
    publish_opportunity = strawberry.mutation(resolver=publish_opportunity)
    close_opportunity = strawberry.mutation(resolver=close_opportunity)
    cancel_opportunity = strawberry.mutation(resolver=cancel_opportunity)
    renew_opportunity = strawberry.mutation(resolver=renew_opportunity)
    apply_to_opportunity = strawberry.mutation(resolver=apply_to_opportunity)
    accept_application = strawberry.mutation(resolver=accept_application)
    decline_application = strawberry.mutation(resolver=decline_application)
    waitlist_application = strawberry.mutation(resolver=waitlist_application)
    withdraw_application = strawberry.mutation(resolver=withdraw_application)

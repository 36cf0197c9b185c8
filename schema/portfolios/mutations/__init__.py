"""Hours, review and portfolio mutations, one per module."""

import strawberry

from schema.portfolios.mutations.dispute_hours import dispute_hours
from schema.portfolios.mutations.edit_review import edit_review
from schema.portfolios.mutations.log_hours import log_hours
from schema.portfolios.mutations.resolve_hours_dispute import resolve_hours_dispute
from schema.portfolios.mutations.rotate_portfolio_share_link import rotate_portfolio_share_link
from schema.portfolios.mutations.set_portfolio_visibility import set_portfolio_visibility
from schema.portfolios.mutations.verify_hours import verify_hours
from schema.portfolios.mutations.write_review import write_review


@strawberry.type
class PortfolioMutations:
    log_hours = strawberry.mutation(resolver=log_hours)
    verify_hours = strawberry.mutation(resolver=verify_hours)
    dispute_hours = strawberry.mutation(resolver=dispute_hours)
    resolve_hours_dispute = strawberry.mutation(resolver=resolve_hours_dispute)
    write_review = strawberry.mutation(resolver=write_review)
    edit_review = strawberry.mutation(resolver=edit_review)
    set_portfolio_visibility = strawberry.mutation(resolver=set_portfolio_visibility)
    rotate_portfolio_share_link = strawberry.mutation(resolver=rotate_portfolio_share_link)

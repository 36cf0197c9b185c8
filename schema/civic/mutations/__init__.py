"""Civic mutations, one per module."""

import strawberry

from schema.civic.mutations.add_problem_route import add_problem_route
from schema.civic.mutations.answer_idea import answer_idea
from schema.civic.mutations.argue_idea import argue_idea
from schema.civic.mutations.create_problem_category import create_problem_category
from schema.civic.mutations.follow_problem import follow_problem
from schema.civic.mutations.me_too_problem import me_too_problem
from schema.civic.mutations.post_idea import post_idea
from schema.civic.mutations.problem_to_opportunity import problem_to_opportunity
from schema.civic.mutations.problem_to_project import problem_to_project
from schema.civic.mutations.register_sensor_device import register_sensor_device
from schema.civic.mutations.report_problem import report_problem
from schema.civic.mutations.set_civic_settings import set_civic_settings
from schema.civic.mutations.support_idea import support_idea, withdraw_idea_support
from schema.civic.mutations.update_problem_status import update_problem_status


@strawberry.type
class CivicMutations:
    set_civic_settings = strawberry.mutation(resolver=set_civic_settings)
    create_problem_category = strawberry.mutation(resolver=create_problem_category)
    add_problem_route = strawberry.mutation(resolver=add_problem_route)
    report_problem = strawberry.mutation(resolver=report_problem)
    update_problem_status = strawberry.mutation(resolver=update_problem_status)
    me_too_problem = strawberry.mutation(resolver=me_too_problem)
    follow_problem = strawberry.mutation(resolver=follow_problem)
    problem_to_opportunity = strawberry.mutation(resolver=problem_to_opportunity)
    problem_to_project = strawberry.mutation(resolver=problem_to_project)
    post_idea = strawberry.mutation(resolver=post_idea)
    argue_idea = strawberry.mutation(resolver=argue_idea)
    support_idea = strawberry.mutation(resolver=support_idea)
    withdraw_idea_support = strawberry.mutation(resolver=withdraw_idea_support)
    answer_idea = strawberry.mutation(resolver=answer_idea)
    register_sensor_device = strawberry.mutation(resolver=register_sensor_device)

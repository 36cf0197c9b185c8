"""Trial mutations, one per module."""

import strawberry

from schema.trials.mutations.apply_to_trial import apply_to_trial
from schema.trials.mutations.create_trial import create_trial
from schema.trials.mutations.move_trial import move_trial
from schema.trials.mutations.select_tester import decline_trial_applicant, select_tester
from schema.trials.mutations.submit_trial_report import edit_trial_report, submit_trial_report
from schema.trials.profile import set_trial_ratings_published


@strawberry.type
class TrialMutations:
    create_trial = strawberry.mutation(resolver=create_trial)
    move_trial = strawberry.mutation(resolver=move_trial)
    apply_to_trial = strawberry.mutation(resolver=apply_to_trial)
    select_tester = strawberry.mutation(resolver=select_tester)
    decline_trial_applicant = strawberry.mutation(resolver=decline_trial_applicant)
    submit_trial_report = strawberry.mutation(resolver=submit_trial_report)
    edit_trial_report = strawberry.mutation(resolver=edit_trial_report)
    set_trial_ratings_published = strawberry.mutation(resolver=set_trial_ratings_published)

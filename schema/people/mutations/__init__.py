"""People mutations, one per module."""

import strawberry

from schema.people.mutations.create_proxy_member import create_proxy_member
from schema.people.mutations.create_skill import create_skill
from schema.people.mutations.grant_role import grant_role
from schema.people.mutations.link_proxy import link_proxy
from schema.people.mutations.review_trust_check import review_trust_check
from schema.people.mutations.revoke_role import revoke_role
from schema.people.mutations.set_my_skills import set_my_skills
from schema.people.mutations.submit_trust_check import submit_trust_check
from schema.people.mutations.unlink_proxy import unlink_proxy
from schema.people.mutations.update_profile import update_profile
from schema.people.mutations.update_skill import update_skill


@strawberry.type
class PeopleMutations:
    update_profile = strawberry.mutation(resolver=update_profile)
    create_skill = strawberry.mutation(resolver=create_skill)
    update_skill = strawberry.mutation(resolver=update_skill)
    set_my_skills = strawberry.mutation(resolver=set_my_skills)
    submit_trust_check = strawberry.mutation(resolver=submit_trust_check)
    review_trust_check = strawberry.mutation(resolver=review_trust_check)
    grant_role = strawberry.mutation(resolver=grant_role)
    revoke_role = strawberry.mutation(resolver=revoke_role)
    create_proxy_member = strawberry.mutation(resolver=create_proxy_member)
    link_proxy = strawberry.mutation(resolver=link_proxy)
    unlink_proxy = strawberry.mutation(resolver=unlink_proxy)

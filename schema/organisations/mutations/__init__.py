"""Organisation mutations, one per module."""

import strawberry

from schema.organisations.mutations.add_organisation_member import add_organisation_member
from schema.organisations.mutations.change_organisation_member_role import (
    change_organisation_member_role,
)
from schema.organisations.mutations.create_organisation import create_organisation
from schema.organisations.mutations.remove_organisation_member import remove_organisation_member
from schema.organisations.mutations.update_organisation import update_organisation


@strawberry.type
class OrganisationMutations:
    create_organisation = strawberry.mutation(resolver=create_organisation)
    update_organisation = strawberry.mutation(resolver=update_organisation)
    add_organisation_member = strawberry.mutation(resolver=add_organisation_member)
    change_organisation_member_role = strawberry.mutation(resolver=change_organisation_member_role)
    remove_organisation_member = strawberry.mutation(resolver=remove_organisation_member)

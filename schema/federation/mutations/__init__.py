"""Links between hubs and payments across them, one mutation per module."""

import strawberry

from schema.federation.mutations.accept_hub_link import accept_hub_link
from schema.federation.mutations.apply_to_partner_opportunity import (
    apply_to_partner_opportunity,
)
from schema.federation.mutations.complete_remote_hub_link import complete_remote_hub_link
from schema.federation.mutations.confirm_account_link import confirm_account_link
from schema.federation.mutations.connect_remote_hub_link import connect_remote_hub_link
from schema.federation.mutations.credit_partner_volunteer import credit_partner_volunteer
from schema.federation.mutations.decline_hub_link import decline_hub_link
from schema.federation.mutations.enter_partner_hub import enter_partner_hub
from schema.federation.mutations.pay_partner_member import pay_partner_member
from schema.federation.mutations.propose_hub_link import propose_hub_link
from schema.federation.mutations.remove_account_link import remove_account_link
from schema.federation.mutations.request_account_link import request_account_link
from schema.federation.mutations.set_hub_link_credit_limit import set_hub_link_credit_limit
from schema.federation.mutations.set_hub_link_paused import set_hub_link_paused


@strawberry.type
class FederationMutations:
    propose_hub_link = strawberry.mutation(resolver=propose_hub_link)
    accept_hub_link = strawberry.mutation(resolver=accept_hub_link)
    decline_hub_link = strawberry.mutation(resolver=decline_hub_link)
    set_hub_link_paused = strawberry.mutation(resolver=set_hub_link_paused)
    set_hub_link_credit_limit = strawberry.mutation(resolver=set_hub_link_credit_limit)
    pay_partner_member = strawberry.mutation(resolver=pay_partner_member)
    credit_partner_volunteer = strawberry.mutation(resolver=credit_partner_volunteer)
    request_account_link = strawberry.mutation(resolver=request_account_link)
    confirm_account_link = strawberry.mutation(resolver=confirm_account_link)
    remove_account_link = strawberry.mutation(resolver=remove_account_link)
    apply_to_partner_opportunity = strawberry.mutation(resolver=apply_to_partner_opportunity)
    enter_partner_hub = strawberry.mutation(resolver=enter_partner_hub)
    connect_remote_hub_link = strawberry.mutation(resolver=connect_remote_hub_link)
    complete_remote_hub_link = strawberry.mutation(resolver=complete_remote_hub_link)

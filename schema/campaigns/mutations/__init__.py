"""Campaign mutations, one per module."""

import strawberry

from schema.campaigns.mutations.attach_match_pot import attach_match_pot
from schema.campaigns.mutations.cancel_campaign import cancel_campaign
from schema.campaigns.mutations.change_pledge import change_pledge
from schema.campaigns.mutations.create_campaign import create_campaign
from schema.campaigns.mutations.edit_campaign import edit_campaign
from schema.campaigns.mutations.mark_order_fulfilled import mark_order_fulfilled
from schema.campaigns.mutations.open_campaign import open_campaign
from schema.campaigns.mutations.pledge_in_kind import pledge_in_kind
from schema.campaigns.mutations.pledge_to_campaign import pledge_to_campaign
from schema.campaigns.mutations.post_campaign_update import post_campaign_update
from schema.campaigns.mutations.withdraw_in_kind_pledge import withdraw_in_kind_pledge
from schema.campaigns.mutations.withdraw_pledge import withdraw_pledge


@strawberry.type
class CampaignMutations:
    create_campaign = strawberry.mutation(resolver=create_campaign)
    edit_campaign = strawberry.mutation(resolver=edit_campaign)
    open_campaign = strawberry.mutation(resolver=open_campaign)
    cancel_campaign = strawberry.mutation(resolver=cancel_campaign)
    post_campaign_update = strawberry.mutation(resolver=post_campaign_update)
    pledge_to_campaign = strawberry.mutation(resolver=pledge_to_campaign)
    change_pledge = strawberry.mutation(resolver=change_pledge)
    withdraw_pledge = strawberry.mutation(resolver=withdraw_pledge)
    pledge_in_kind = strawberry.mutation(resolver=pledge_in_kind)
    withdraw_in_kind_pledge = strawberry.mutation(resolver=withdraw_in_kind_pledge)
    attach_match_pot = strawberry.mutation(resolver=attach_match_pot)
    mark_order_fulfilled = strawberry.mutation(resolver=mark_order_fulfilled)

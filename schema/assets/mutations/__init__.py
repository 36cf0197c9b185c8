"""Asset and WANTED notice mutations, one per module."""

import strawberry

from schema.assets.mutations.close_wanted_notice import close_wanted_notice
from schema.assets.mutations.create_asset import create_asset
from schema.assets.mutations.create_wanted_notice import create_wanted_notice
from schema.assets.mutations.publish_asset import publish_asset
from schema.assets.mutations.update_asset import update_asset
from schema.assets.mutations.withdraw_asset import withdraw_asset


@strawberry.type
class AssetMutations:
    create_asset = strawberry.mutation(resolver=create_asset)
    update_asset = strawberry.mutation(resolver=update_asset)
    publish_asset = strawberry.mutation(resolver=publish_asset)
    withdraw_asset = strawberry.mutation(resolver=withdraw_asset)
    create_wanted_notice = strawberry.mutation(resolver=create_wanted_notice)
    close_wanted_notice = strawberry.mutation(resolver=close_wanted_notice)

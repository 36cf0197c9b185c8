"""Impact queries: the factor table and the hub's totals."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.assets import impact_totals
from app.assets.impact_models import ImpactFactor as ImpactFactorModel
from schema.assets.factor_types import ImpactFactor
from schema.assets.impact_types import ImpactTotals
from schema.context import Info
from schema.relay import Page


@strawberry.type
class ImpactQueries:
    @relay.connection(  # type: ignore[misc]
        Page[ImpactFactor], description="The hub's impact factors, one per asset category."
    )
    def impact_factors(self, info: Info) -> Iterable[ImpactFactor]:
        if info.context.hub_id is None:
            return []
        return ImpactFactorModel.filter(hub_id=info.context.hub_id).order_by("id")  # type: ignore[return-value]

    @strawberry.field(
        description="What sharing in the hub diverted and saved: shares completed in"
        " [since, until), or ever when left out."
    )
    async def hub_impact(
        self, info: Info, since: datetime | None = None, until: datetime | None = None
    ) -> ImpactTotals:
        hub_id = info.context.hub_id
        if hub_id is None:
            return ImpactTotals.of(impact_totals.Totals())
        totals = await impact_totals.hub_totals(hub_id=hub_id, since=since, until=until)
        return ImpactTotals.of(totals)

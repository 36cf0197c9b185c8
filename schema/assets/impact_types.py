"""Impact totals (app/assets/impact_totals.py) as GraphQL value types, and the DataLoaders that
give Member.impact and Organisation.impact one statement per page of profiles."""

from collections.abc import Awaitable, Callable

import strawberry

from app.assets import impact_totals
from app.assets.impact_totals import Money, ProfileImpact, Totals
from schema.context import Info


@strawberry.type(name="MoneyTotal", description="An amount of money saved, in one currency.")
class MoneyTotal:
    currency: str = strawberry.field(description="ISO 4217 code, e.g. GBP.")
    amount_minor: float = strawberry.field(
        description="In the currency's minor unit (pence, cents): a whole number, as a Float so"
        " totals beyond 2^31 fit (exact up to 2^53)."
    )

    @staticmethod
    def of(money: Money) -> "MoneyTotal":
        return MoneyTotal(currency=money.currency, amount_minor=float(money.amount_minor))


@strawberry.type(
    name="ImpactTotals",
    description="What completed shares diverted from landfill and saved, from the hub's impact"
    " factors (see impactFactors) as they were when each share completed.",
)
class ImpactTotals:
    shares: int = strawberry.field(description="Completed shares: all kinds together.")
    giveaways: int = strawberry.field(description="Giveaways handed over.")
    loans: int = strawberry.field(description="Loans returned.")
    bookings: int = strawberry.field(description="Bookings checked out.")
    off_site_shares: int = strawberry.field(
        description="Shares recorded off the site and confirmed by the other side."
    )
    kilograms_diverted: float = strawberry.field(description="Kept out of landfill, in kg.")
    co2e_kilograms: float = strawberry.field(
        description="Greenhouse gases avoided by not making new, in kg CO2e."
    )
    value_saved: list[MoneyTotal] = strawberry.field(
        description="What receivers saved by not buying or hiring new, per currency."
    )

    @staticmethod
    def of(totals: Totals) -> "ImpactTotals":
        return ImpactTotals(
            shares=totals.shares,
            giveaways=totals.giveaways,
            loans=totals.loans,
            bookings=totals.bookings,
            off_site_shares=totals.off_site,
            kilograms_diverted=totals.diverted_g / 1000,
            co2e_kilograms=totals.co2e_g / 1000,
            value_saved=[MoneyTotal.of(m) for m in totals.value],
        )


@strawberry.type(name="ProfileImpact", description="A member's or organisation's impact.")
class ProfileImpactType:
    given: ImpactTotals = strawberry.field(
        description="As the owner side: what they gave away, lent or let others book."
    )
    received: ImpactTotals = strawberry.field(description="What they took, borrowed or booked.")
    total: ImpactTotals = strawberry.field(description="Either side, each share counted once.")

    @staticmethod
    def of(found: ProfileImpact) -> "ProfileImpactType":
        return ProfileImpactType(
            given=ImpactTotals.of(found.given),
            received=ImpactTotals.of(found.received),
            total=ImpactTotals.of(found.total),
        )


def _loader(
    party: str,
) -> Callable[[int | None], Callable[[list[int]], Awaitable[list[ProfileImpact]]]]:
    def factory(hub_id: int | None) -> Callable[[list[int]], Awaitable[list[ProfileImpact]]]:
        async def load(ids: list[int]) -> list[ProfileImpact]:
            if hub_id is None:
                return [ProfileImpact() for _ in ids]
            return await impact_totals.profile_totals(hub_id=hub_id, party=party, ids=list(ids))

        return load

    return factory


async def impact_of(info: Info, party: str, pk: int) -> ProfileImpactType:
    """The profile's totals through the request's DataLoader (one statement per batch)."""
    found = await info.context.loaders.get(f"{party}.impact", _loader(party)).load(pk)
    return ProfileImpactType.of(found)

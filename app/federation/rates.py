"""Exchange rates between hubs' credits: exact fractions, no rounding.

A link's rate says one credit here is worth numerator / denominator of the partner's. A
payment converts exactly or not at all: an amount whose value is not a whole number of the
partner's credits is refused (NOT_CONVERTIBLE, naming the nearest amounts that convert), so
neither side's books ever carry a rounding difference.
"""

from math import gcd

from app.errors import DomainError
from app.federation.errors import FederationErrorCode as E
from app.i18n import _

MAX_RATE_TERM = 1_000_000


def reduced(numerator: int, denominator: int) -> tuple[int, int]:
    """The rate in lowest terms; INVALID unless both terms are 1..MAX_RATE_TERM."""
    for value, field in ((numerator, "rateNumerator"), (denominator, "rateDenominator")):
        if not 1 <= value <= MAX_RATE_TERM:
            raise DomainError(
                E.INVALID, _("A rate term is a whole number from 1 to {n}.", n=MAX_RATE_TERM), field
            )
    common = gcd(numerator, denominator)
    return numerator // common, denominator // common


def convert(amount: int, numerator: int, denominator: int) -> int:
    """`amount` in the partner's credits, exactly; NOT_CONVERTIBLE when it is not whole."""
    value, rest = divmod(amount * numerator, denominator)
    if rest:
        step = denominator // gcd(numerator, denominator)  # amounts that convert: multiples
        lower, upper = amount - amount % step, amount - amount % step + step
        nearest = _("{lower} or {upper}", lower=lower, upper=upper) if lower > 0 else str(upper)
        raise DomainError(
            E.NOT_CONVERTIBLE,
            _(
                "{amount} is not a whole number of the partner hub's credits at this link's rate"
                " ({numerator}:{denominator}); {nearest} would be.",
                amount=amount,
                numerator=numerator,
                denominator=denominator,
                nearest=nearest,
            ),
            "amount",
        )
    if value <= 0:
        raise DomainError(E.NOT_CONVERTIBLE, _("The amount converts to nothing."), "amount")
    return value

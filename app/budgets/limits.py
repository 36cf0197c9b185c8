"""Tight limits for the actions people try to guess through (sign-in, password reset, voucher
checks) or flood (reports). Each counts per identity (the account or member it is about) and
per client address.

They are taken inside the service, once per call: a document that aliases `login` ten times
or a batch of ten requests pours ten into the same buckets.
"""

import hashlib
from dataclasses import dataclass
from enum import Enum

from app.budgets.bucket import Bucket, take
from app.config import get_settings
from app.errors import DomainError
from app.i18n import _
from app.logs import client_ip_var

MINUTE, HOUR = 60, 3600


@dataclass(frozen=True)
class Limit:
    """`per_identity` and `per_address` calls in `seconds`, draining evenly."""

    name: str
    per_identity: int
    per_address: int
    seconds: int

    def bucket(self, scope: str, calls: int) -> Bucket:
        room = max(1, round(calls * get_settings().limits_scale))
        return Bucket(f"{self.name}:{scope}", room, room / self.seconds)


SIGN_IN = Limit("sign-in", per_identity=10, per_address=100, seconds=15 * MINUTE)
PASSWORD_RESET = Limit("password-reset", per_identity=3, per_address=20, seconds=HOUR)
VOUCHER_CHECK = Limit("voucher-check", per_identity=30, per_address=100, seconds=10 * MINUTE)
# Reports by one member (app/moderation/reports.py): enough for a bad evening, not for a campaign
# of false reports against someone.
REPORT = Limit("report", per_identity=10, per_address=60, seconds=HOUR)
# Problem reports to the council (app/civic/problems), by the app or Open311 clients: a street's
# worth in an evening, not a script filling the council's queue.
PROBLEM_REPORT = Limit("problem-report", per_identity=20, per_address=200, seconds=HOUR)


async def guard(limit: Limit, *, identity: str, code: Enum, field: str | None = None) -> None:
    """Counts one call; DomainError(code) when the identity or the address has had its fill.

    Identities are hashed: Redis keys carry no email addresses. Calls from outside a request
    (workers, the command line) have no address and count per identity only.
    """
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    outcome = await take(limit.bucket("identity", limit.per_identity), key=digest)
    if outcome.taken and (address := client_ip_var.get()) is not None:
        outcome = await take(limit.bucket("address", limit.per_address), key=address)
    if not outcome.taken:
        raise DomainError(
            code,
            _(
                "Too many attempts: try again in {retry_after} seconds.",
                retry_after=outcome.retry_after,
            ),
            field,
        )

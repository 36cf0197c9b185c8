"""Each caller's budget of query cost: a leaky bucket per member (or API client), or per
address for anonymous requests, that refills at CH_BUDGET_PER_SECOND up to CH_BUDGET_CAPACITY.

A process takes a caller's cost from Redis a second's refill at a time (at most a tenth of the
bucket) and spends that lease locally for up to LEASE_LIFETIME seconds, so a caller costs one
Redis round trip per lease and process, not one per request: a busy one when the lease is
spent, an occasional one every LEASE_LIFETIME seconds (with leases of one second, most
members, who send a request every few seconds, cost a round trip per request). A lease is
taken from the bucket in full: processes never spend more than the budget between them; what
a lease leaves unspent when it ends is lost to the caller (at most a second's refill, however
long the lease lived: the bucket drains it within a second). While a lease lives, the room it
reports is the room when it was taken less what it spent since: never more than there is.

Redis unreachable: the request goes through uncharged (logged); a budget is a guard against
abuse, and Redis down must not turn every request of the platform into an error.
"""

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

from redis.exceptions import RedisError

from app.actor import Actor
from app.budgets.bucket import Bucket, Outcome, take
from app.config import get_settings

log = logging.getLogger(__name__)

LEASE_SECONDS = 1.0  # a lease is this many seconds of the bucket's refill
LEASE_LIFETIME = 10.0  # and is spent locally for at most this long
MAX_LEASES = 10_000


@dataclass
class _Lease:
    left: int
    until: float  # time.monotonic()
    remaining: int  # the bucket's room when the lease was taken
    reset: int


_clock = time.monotonic  # a name of its own: tests move it without moving the event loop's

_leases: "OrderedDict[str, _Lease]" = OrderedDict()


def request_bucket() -> Bucket:
    settings = get_settings()
    return Bucket("cost", settings.budget_capacity, settings.budget_per_second)


def caller_key(*, actor: Actor | None, address: str | None) -> str:
    """Whose budget a request spends: an API client's token spends the client's, a proxy
    member's coordinator their own."""
    if actor is not None and actor.api_client_id is not None:
        return f"client:{actor.api_client_id}"
    if actor is not None:
        coordinator = actor.acted_by
        return f"member:{coordinator.id if coordinator is not None else actor.member_id}"
    return f"address:{address or 'unknown'}"


async def charge(*, key: str, cost: int) -> tuple[Bucket, Outcome]:
    """Charges the request's cost (at least 1) to the caller's budget: from this process's
    lease when it holds enough, else from Redis."""
    bucket, cost, now = request_bucket(), max(1, cost), _clock()
    lease = _leases.get(key)
    if lease is not None and lease.until > now and lease.left >= cost:
        lease.left -= cost
        _leases.move_to_end(key)
        return bucket, Outcome(True, lease.remaining + lease.left, lease.reset, 0)
    chunk = max(cost, min(bucket.capacity // 10, int(bucket.per_second * LEASE_SECONDS)))
    try:
        outcome = await take(bucket, key=key, cost=chunk)
        if not outcome.taken and chunk > cost:  # room for this request, if not for a lease
            chunk, outcome = cost, await take(bucket, key=key, cost=cost)
    except (RedisError, OSError) as exc:
        log.warning("request budget unavailable, request let through: %r", exc)
        return bucket, Outcome(True, bucket.capacity - cost, bucket.window, 0)
    if not outcome.taken:
        return bucket, outcome
    _leases[key] = _Lease(chunk - cost, now + LEASE_LIFETIME, outcome.remaining, outcome.reset)
    _leases.move_to_end(key)
    if len(_leases) > MAX_LEASES:
        _leases.popitem(last=False)
    return bucket, Outcome(True, outcome.remaining + chunk - cost, outcome.reset, 0)

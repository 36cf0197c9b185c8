"""Each caller's budget of query cost: a leaky bucket per member (or API client), or per
address for anonymous requests, that refills at CH_BUDGET_PER_SECOND up to CH_BUDGET_CAPACITY."""

from app.actor import Actor
from app.budgets.bucket import Bucket, Outcome, take
from app.config import get_settings


def request_bucket() -> Bucket:
    settings = get_settings()
    return Bucket("cost", settings.budget_capacity, settings.budget_per_second)


def caller_key(*, actor: Actor | None, address: str | None) -> str:
    """Whose budget a request spends: a proxy member's coordinator spends their own."""
    if actor is not None:
        coordinator = actor.acted_by
        return f"member:{coordinator.id if coordinator is not None else actor.member_id}"
    return f"address:{address or 'unknown'}"


async def charge(*, key: str, cost: int) -> tuple[Bucket, Outcome]:
    """Pours the request's cost into the caller's bucket (a request costs at least 1)."""
    bucket = request_bucket()
    return bucket, await take(bucket, key=key, cost=max(1, cost))

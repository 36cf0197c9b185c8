"""The caller's budget as the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers)
and as `extensions.cost`, and the 429 answer when it is spent."""

from typing import Any

from app.budgets.bucket import Bucket, Outcome


def headers(bucket: Bucket, outcome: Outcome) -> dict[str, str]:
    """`RateLimit-Policy` (the quota and its window in seconds) and `RateLimit` (what is left
    and the seconds until the bucket is empty again); `Retry-After` when refused."""
    found = {
        "RateLimit-Policy": f'"{bucket.name}";q={bucket.capacity};w={bucket.window}',
        "RateLimit": f'"{bucket.name}";r={outcome.remaining};t={outcome.reset}',
    }
    if not outcome.taken:
        found["Retry-After"] = str(max(1, outcome.retry_after))
    return found


def extension(bucket: Bucket, outcome: Outcome, cost: int) -> dict[str, Any]:
    return {
        "requested": cost,
        "limit": bucket.capacity,
        "remaining": outcome.remaining,
        "resetSeconds": outcome.reset,
        "refillPerSecond": bucket.per_second,
    }

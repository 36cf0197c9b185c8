"""Usage counters of API clients: requests, query cost spent, errors by code, last use (one
statement each)."""

import logging
from collections import Counter

import orjson
from tortoise import Tortoise

log = logging.getLogger(__name__)

_SQL = (
    "UPDATE api_client SET request_count = request_count + 1, last_used_at = now(),"
    " cost_spent = cost_spent + $3,"
    " error_counts = error_counts || COALESCE((SELECT jsonb_object_agg(e.key,"
    " COALESCE((api_client.error_counts ->> e.key)::bigint, 0) + e.value::bigint)"
    " FROM jsonb_each_text($2::jsonb) AS e), '{}'::jsonb)"
    " WHERE id = $1"
)


async def record(*, api_client_id: int, error_codes: list[str], cost: int = 0) -> None:
    """Counts one request of the client, the query cost it was charged, and each error code
    it was answered."""
    counts = orjson.dumps(Counter(c[:60] for c in error_codes)).decode()
    try:
        await Tortoise.get_connection("default").execute_query(_SQL, [api_client_id, counts, cost])
    except Exception:  # counting must never fail the request it counts
        log.warning("could not count an API client's request", exc_info=True)

"""A leaky bucket in Redis: each take pours `cost` in; it drains at `per_second`.

One Lua script per take, so concurrent requests (several API processes) cannot both fit in
the last room; the clock is Redis's own (`TIME`), so the processes' clocks do not matter.
"""

import math
from dataclasses import dataclass

from redis.commands.core import AsyncScript

from app import redis_clients
from app.config import get_settings

# Returns {taken (0/1), room left, seconds until empty, seconds until `cost` would fit}.
# Numbers go back as strings: Redis turns Lua numbers into integers.
_TAKE = """
local capacity, per_second, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(state[1]) or 0
local at = tonumber(state[2]) or now
level = math.max(0, level - math.max(0, now - at) * per_second)
local taken = 0
local wait = 0
if level + cost <= capacity then
  level = level + cost
  taken = 1
else
  wait = (level + cost - capacity) / per_second
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(level / per_second * 1000) + 1000)
return {taken, tostring(capacity - level), tostring(level / per_second), tostring(wait)}
"""

# Bytes, so the SHA-1 is computed here once, without a client; each call names its client.
_SCRIPT = AsyncScript(None, _TAKE.encode())  # type: ignore[arg-type]


@dataclass(frozen=True)
class Bucket:
    name: str  # what it limits, in the key and the RateLimit-Policy header
    capacity: int
    per_second: float  # how fast it drains (refills the room)

    @property
    def window(self) -> int:
        """Seconds for a full bucket to drain."""
        return max(1, math.ceil(self.capacity / self.per_second))


@dataclass(frozen=True)
class Outcome:
    taken: bool
    remaining: int  # room left after this take
    reset: int  # seconds until the bucket is empty again (full room)
    retry_after: int  # seconds until this take would fit; 0 when taken


async def take(bucket: Bucket, *, key: str, cost: int = 1) -> Outcome:
    """Pours `cost` into `bucket` for `key` if it fits; says how much room is left either way."""
    redis_key = f"{get_settings().redis_prefix}:budget:{bucket.name}:{key}"
    taken, room, empty_in, wait = await _SCRIPT(
        keys=[redis_key],
        args=[bucket.capacity, bucket.per_second, cost],
        client=redis_clients.client("budgets"),
    )
    return Outcome(
        taken=bool(int(taken)),
        remaining=max(0, math.floor(float(room))),
        reset=math.ceil(float(empty_in)),
        retry_after=math.ceil(float(wait)),
    )

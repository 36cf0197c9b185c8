"""The leaky bucket: room, refill, and no overfill when many take at once."""

import asyncio
import uuid

from app.budgets.bucket import Bucket, take


def _key() -> str:
    return uuid.uuid4().hex


async def test_a_full_bucket_refuses_and_says_when_it_has_room_again() -> None:
    # given a bucket of 3 that drains 2 per second
    bucket, key = Bucket("test", capacity=3, per_second=2), _key()
    # when 3 takes fill it and a 4th comes
    filled = [await take(bucket, key=key) for _ in range(3)]
    refused = await take(bucket, key=key)
    # then
    assert [outcome.taken for outcome in filled] == [True, True, True]
    assert [outcome.remaining for outcome in filled] == [2, 1, 0]
    assert not refused.taken
    assert refused.retry_after == 1  # 0.5 s until one unit drains, rounded up
    assert refused.reset == 2  # 1.5 s until it is empty, rounded up


async def test_the_bucket_drains_over_time() -> None:
    # given a full bucket of 2 draining 10 per second
    bucket, key = Bucket("test", capacity=2, per_second=10), _key()
    await take(bucket, key=key, cost=2)
    assert not (await take(bucket, key=key)).taken
    # when 0.25 s pass
    await asyncio.sleep(0.25)
    # then it has room again
    assert (await take(bucket, key=key, cost=2)).taken


async def test_a_cost_larger_than_the_room_left_is_refused_whole() -> None:
    bucket, key = Bucket("test", capacity=100, per_second=1), _key()
    assert (await take(bucket, key=key, cost=60)).taken
    refused = await take(bucket, key=key, cost=50)
    assert not refused.taken
    assert refused.remaining == 40  # nothing of the refused 50 was poured in
    assert refused.retry_after == 10


async def test_concurrent_takes_never_overfill() -> None:
    # given a bucket of 10 that barely drains
    bucket, key = Bucket("test", capacity=10, per_second=0.001), _key()
    # when 40 takes race
    outcomes = await asyncio.gather(*(take(bucket, key=key) for _ in range(40)))
    # then exactly 10 got in
    assert sum(outcome.taken for outcome in outcomes) == 10

"""Two installations sharing one Redis database (different CH_REDIS_PREFIX) never meet: their
queues, job ids and cron ticks all carry their own prefix."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis.asyncio as aioredis

from app.config import get_settings
from app.jobs.queue import _pool, make_worker, queue_name
from workers.main import build_periodic_settings, build_settings


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@pytest.fixture
def installations(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`as_installation(name)` builds worker settings as installation `name` would."""
    settings = get_settings()
    base = settings.redis_prefix

    def as_installation(name: str, build: Any) -> dict[str, Any]:
        with monkeypatch.context() as m:
            m.setattr(settings, "redis_prefix", f"{base}:{name}")
            return dict(build(), queue_name_of=queue_name(settings))

    yield as_installation


async def test_two_installations_run_the_same_cron_tick_each_in_their_own_keys(
    installations: Any,
) -> None:
    # given: installations A and B on one Redis database, with the same cron schedule
    base = get_settings().redis_prefix
    pool = await _pool()
    client = aioredis.Redis.from_url(get_settings().redis_url)
    queues = []
    try:
        for name in ("a", "b"):
            for build in (build_settings, build_periodic_settings):
                config = installations(name, build)
                queues.append((name, config.pop("queue_name_of"), config["queue_name"]))
                worker = make_worker(**config, redis_pool=pool, handle_signals=False)
                # when: each queues its cron ticks for the same instant
                await worker.run_cron(datetime(2030, 1, 1, tzinfo=UTC), 0.5)
        # then: every installation's queue holds its own ticks, under its own prefix
        for name, _, queue in queues:
            assert queue.startswith(f"{base}:{name}:")
            ticks = [_text(k) for k in await client.zrange(queue, 0, -1)]
            assert ticks, f"installation {name} lost its cron tick on {queue}"
            assert all(t.startswith(f"{base}:{name}:cron:") for t in ticks), ticks
            for tick in ticks:
                assert await client.exists(f"arq:job:{tick}")
    finally:
        for _, _, queue in queues:
            for entry in await client.zrange(queue, 0, -1):
                await client.delete(f"arq:job:{_text(entry)}")
            await client.delete(queue)
        await client.aclose()


async def test_a_cron_ticks_keys_in_redis_carry_the_prefix() -> None:
    # given
    prefix = get_settings().redis_prefix
    client = aioredis.Redis.from_url(get_settings().redis_url)
    config = build_settings(burst=True) | {"on_startup": None, "on_shutdown": None}
    worker = make_worker(**config)
    try:
        # when: a worker runs its cron ticks (the outbox sweep runs at start)
        try:
            await worker.main()
        finally:
            await worker.close()
        # then: arq's bookkeeping of the tick (kept a minute after it ran) carries the prefix
        pattern = f"arq:in-progress:{prefix}:cron:sweep_outbox:*"
        assert [k async for k in client.scan_iter(match=pattern, count=1000)]
        assert worker.health_check_key == f"{prefix}:queue:health-check"
    finally:
        await client.aclose()

"""A database, Redis prefix and mail folder of its own for a simulation run outside pytest.

`python -m tests.simulation.run` calls `configure()` before anything reads the settings, then
runs inside `database()`; both mirror tests/conftest.py (the suite's session does the same).
"""

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


def configure() -> str:
    """Sets the CH_ variables of a private run; returns the URL of its (not yet made) database."""
    from tests.servers import database_url_for, ensure_servers

    run_id = uuid.uuid4().hex[:10]
    server_db, redis_url = ensure_servers()
    database_url = database_url_for(server_db, f"ch_sim_{run_id}")
    os.environ.update(
        {
            "CH_DATABASE_URL": database_url,
            "CH_REDIS_URL": redis_url,
            "CH_REDIS_PREFIX": f"ch-sim-{run_id}",
            "CH_VAR_DIR": tempfile.mkdtemp(prefix="ch-sim-var-"),
            "CH_EMAIL_BACKEND": "file",
            "CH_ARGON2_TIME_COST": "1",
            "CH_ARGON2_MEMORY_KIB": "1024",
            "CH_LOG_JSON": "false",
            "CH_LOG_LEVEL": "WARNING",
            "CH_PUBLIC_URL": "http://testserver",
            "CH_JOB_RETRY_BASE_SECONDS": "0",
            "CH_WEBHOOK_RETRY_SECONDS": "[0, 0, 0, 0, 0, 0, 0]",
            "CH_DEBUG": "false",
            "CH_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
        }
    )
    from app.config import get_settings

    get_settings.cache_clear()
    return database_url


@asynccontextmanager
async def database(database_url: str) -> AsyncIterator[None]:
    """Creates and migrates the run's database; drops it, its Redis keys and folder after."""
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.migrate import create_database, drop_database, migrate_database

    await create_database(database_url)
    try:
        await migrate_database(database_url)
        await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
        try:
            yield
        finally:
            await Tortoise.close_connections()
    finally:
        await drop_database(database_url)
        await _drop_redis_keys()
        shutil.rmtree(os.environ["CH_VAR_DIR"], ignore_errors=True)


async def _drop_redis_keys() -> None:
    import redis.asyncio as aioredis

    prefix = os.environ["CH_REDIS_PREFIX"]
    client = aioredis.Redis.from_url(os.environ["CH_REDIS_URL"])
    try:
        for pattern in (f"{prefix}*", f"arq:*:{prefix}:*"):
            async for key in client.scan_iter(match=pattern, count=500):
                await client.delete(key)
    finally:
        await client.aclose()

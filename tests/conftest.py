"""Test session: a uniquely named PostgreSQL database and Redis prefix, dropped afterwards.

Uses the servers named by CH_DATABASE_URL / CH_REDIS_URL (or the local defaults). With CI=true
an unreachable server fails the run instead of skipping it.
"""

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.servers import database_url_for, ensure_servers

RUN_ID = uuid.uuid4().hex[:10]
SERVER_DB_URL, REDIS_URL = ensure_servers()
TEST_DB_URL = database_url_for(SERVER_DB_URL, f"ch_test_{RUN_ID}")

os.environ.update(
    {
        "CH_DATABASE_URL": TEST_DB_URL,
        "CH_REDIS_URL": REDIS_URL,
        "CH_REDIS_PREFIX": f"ch-test-{RUN_ID}",
        "CH_VAR_DIR": tempfile.mkdtemp(prefix="ch-test-var-"),
        "CH_EMAIL_BACKEND": "file",
        "CH_ARGON2_TIME_COST": "1",
        "CH_ARGON2_MEMORY_KIB": "1024",
        "CH_LOG_JSON": "false",
        "CH_PUBLIC_URL": "http://testserver",
        "CH_OUTBOX_STALE_SECONDS": "0",
        "CH_JOB_RETRY_BASE_SECONDS": "0",
        "CH_WEBHOOK_RETRY_SECONDS": "[0, 0, 0, 0, 0, 0, 0]",
        "CH_DEBUG": "false",
        "CH_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
    }
)

from app.config import get_settings  # noqa: E402

get_settings.cache_clear()

pytest_plugins = ["tests.fixtures"]


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[str]:
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.migrate import create_database, drop_database, migrate_database

    await create_database(TEST_DB_URL)
    try:
        await migrate_database(TEST_DB_URL)
        await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
        yield TEST_DB_URL
        await Tortoise.close_connections()
    finally:
        await drop_database(TEST_DB_URL)
        await _drop_redis_keys()
        shutil.rmtree(os.environ["CH_VAR_DIR"], ignore_errors=True)


async def _drop_redis_keys() -> None:
    """Deletes this run's queue, job and result keys (never anybody else's)."""
    import redis.asyncio as aioredis

    prefix = os.environ["CH_REDIS_PREFIX"]
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        for pattern in (f"{prefix}*", f"arq:*:{prefix}:*"):
            async for key in client.scan_iter(match=pattern, count=500):
                await client.delete(key)
    finally:
        await client.aclose()

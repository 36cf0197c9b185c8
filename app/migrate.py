"""Apply migrations and create databases: used by `communityhub migrate`, `dev` and the tests."""

import logging
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as migrate_api

from app.config import get_settings
from app.db import tortoise_config

log = logging.getLogger(__name__)


def _progress(event: str, app_label: str, name: str) -> None:
    if event == "apply_done":
        log.info("migration applied", extra={"migration": f"{app_label}.{name}"})


async def migrate_database(database_url: str | None = None) -> None:
    """Bring the database named by the settings (or `database_url`) up to the latest migration."""
    config = tortoise_config(get_settings(), database_url=database_url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        await migrate_api(config=config, progress=_progress)


def _server_url(database_url: str, dbname: str) -> str:
    parts = urlsplit(database_url)
    scheme = "postgresql" if parts.scheme in {"asyncpg", "postgres"} else parts.scheme
    return urlunsplit((scheme, parts.netloc, f"/{dbname}", "", ""))


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


async def create_database(database_url: str, *, maintenance_db: str = "postgres") -> bool:
    """Create the database named in `database_url` if it does not exist; True if created."""
    name = database_name(database_url)
    conn = await asyncpg.connect(_server_url(database_url, maintenance_db))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
        return not exists
    finally:
        await conn.close()


async def drop_database(database_url: str, *, maintenance_db: str = "postgres") -> None:
    name = database_name(database_url)
    conn = await asyncpg.connect(_server_url(database_url, maintenance_db))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()

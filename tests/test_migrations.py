"""Models and migrations agree: makemigrations would find nothing to do."""

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from app.db import tortoise_config


async def test_no_model_change_lacks_a_migration(database: str) -> None:
    config = tortoise_config(database_url=database)
    apps = config["apps"]
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        writers = await MigrationAutodetector(ctx.apps, apps).changes()
    pending = [op for w in writers for op in w.operations]
    assert pending == [], f"run `uv run tortoise makemigrations`: {pending}"


async def test_every_declared_constraint_exists_in_the_database() -> None:
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT conname FROM pg_constraint WHERE contype IN ('u', 'c', 'x')"
    )
    present = {r["conname"] for r in rows}
    declared = {
        c.name
        for app_models in Tortoise.apps.values()
        for model in app_models.values()
        for c in getattr(model._meta, "constraints", ()) or ()
    }
    assert declared and declared <= present, sorted(declared - present)

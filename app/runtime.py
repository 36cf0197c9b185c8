"""Run a coroutine with the ORM initialised (CLI commands, scripts, workers)."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.context import TortoiseContext

from app.db import tortoise_config

T = TypeVar("T")


async def with_orm(fn: Callable[[], Awaitable[T]]) -> T:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config())
        return await fn()

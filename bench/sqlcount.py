"""SQL statements per GraphQL request, counted through the whole app in this process (the
tests count with the same `count_sql`)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


class SQLCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@contextmanager
def count_sql() -> Iterator[SQLCounter]:
    """Counts the SQL statements Tortoise sends inside the block (it logs each at DEBUG)."""
    logger = logging.getLogger("tortoise.db_client")
    counter, level = SQLCounter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


async def statements(
    document: str,
    variables: dict[str, Any],
    headers: dict[str, str],
    counted: dict[str, Any] | None = None,
) -> int:
    """Statements one request runs, after a first request has warmed the caches; `counted`
    gives the counted request other variables (a mutation that must not repeat itself)."""
    from app.http import create_app

    transport = httpx.ASGITransport(app=create_app())  # Tortoise is already set up here
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        body = {"query": document, "variables": variables}
        warm = (await client.post("/graphql", json=body, headers=headers)).json()
        if warm.get("errors"):
            raise RuntimeError(f"bench request failed: {warm['errors']}")
        if counted is not None:
            body = {"query": document, "variables": counted}
        with count_sql() as counter:
            answer = (await client.post("/graphql", json=body, headers=headers)).json()
        if answer.get("errors"):
            raise RuntimeError(f"bench request failed: {answer['errors']}")
    return len(counter.statements)

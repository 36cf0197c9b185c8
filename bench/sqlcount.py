"""SQL statements per GraphQL request, counted through the whole app in this process."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def _counting() -> Iterator[_Counter]:
    logger = logging.getLogger("tortoise.db_client")  # Tortoise logs every statement at DEBUG
    counter, level = _Counter(), logger.level
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
        with _counting() as counter:
            answer = (await client.post("/graphql", json=body, headers=headers)).json()
        if answer.get("errors"):
            raise RuntimeError(f"bench request failed: {answer['errors']}")
    return counter.count

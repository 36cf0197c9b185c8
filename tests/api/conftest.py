"""A real `communityhub serve` (uvicorn) on loopback, on the test database and Redis prefix."""

import os
from collections.abc import Iterator

import pytest

from tests.clients.live import LiveAPI, serve


@pytest.fixture(scope="package")
def live_api(database: str) -> Iterator[LiveAPI]:
    """Started once for tests/api and stopped after it, before the rest of the suite."""
    # Its own Redis prefix: jobs it relays (fuzzing queues many) reach no test's worker.
    with serve(CH_REDIS_PREFIX=f"{os.environ['CH_REDIS_PREFIX']}-live") as api:
        yield api

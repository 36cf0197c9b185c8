import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.config import get_settings


@pytest.fixture
def real_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The limits as shipped (the suite raises them: every test signs in from 127.0.0.1)."""
    monkeypatch.setenv("CH_LIMITS_SCALE", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Requests from an address of their own (a documentation prefix; nothing is sent over a
    network: ASGI only), so per-address buckets start empty in each test."""
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A budget of 30 that refills 10 per second."""
    monkeypatch.setenv("CH_BUDGET_CAPACITY", "30")
    monkeypatch.setenv("CH_BUDGET_PER_SECOND", "10")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import get_settings

# Settings are changed on the one Settings object (never a new one through cache_clear): the
# schema's limits were built from it, and a new object would leave them behind for later tests.


@pytest.fixture
def real_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits as shipped (the suite raises them: every test signs in from 127.0.0.1)."""
    monkeypatch.setattr(get_settings(), "limits_scale", 1.0)


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Requests from an address of their own (a documentation prefix; nothing is sent over a
    network: ASGI only), so per-address buckets start empty in each test."""
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget of 30 that refills 10 per second."""
    monkeypatch.setattr(get_settings(), "budget_capacity", 30)
    monkeypatch.setattr(get_settings(), "budget_per_second", 10.0)

"""Shared fixtures: the HTTP client, a GraphQL helper, hubs and members, a burst worker."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.helpers import GraphQLClient, Person


@pytest.fixture(scope="session")
def app() -> Any:
    from app.http import create_app

    return create_app()


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def hub() -> Any:
    """A fresh hub per test, so tests never see each other's rows."""
    from app.hubs import service

    suffix = uuid.uuid4().hex[:8]
    return await service.create_hub(name=f"Test hub {suffix}", slug=f"hub-{suffix}")


@pytest.fixture
async def other_hub() -> Any:
    from app.hubs import service

    suffix = uuid.uuid4().hex[:8]
    return await service.create_hub(name=f"Other hub {suffix}", slug=f"other-{suffix}")


@pytest.fixture
def make_person(hub: Any) -> Any:
    """Creates a verified, signed-in member: `await make_person(roles=[Role.MODERATOR])`."""
    from tests.helpers import create_person

    async def make(**kwargs: Any) -> Person:
        kwargs.setdefault("hub", hub)
        return await create_person(**kwargs)

    return make


@pytest.fixture
async def alice(make_person: Any) -> Person:
    return await make_person(display_name="Alice")


@pytest.fixture
async def run_jobs() -> Any:
    """Runs a real arq worker in burst mode until the queue is empty; returns it."""
    from tests.helpers import run_worker_burst

    return run_worker_burst

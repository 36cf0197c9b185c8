"""/healthz, /readyz and /metrics."""

from typing import Any

import pytest


async def test_healthz(http: Any) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_database_and_redis_are_up(http: Any) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok"}


async def test_readyz_is_503_when_redis_is_down(http: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import redis_clients
    from app.config import get_settings

    await redis_clients.close()
    monkeypatch.setattr(get_settings(), "redis_url", "redis://127.0.0.1:1/0")
    try:
        response = await http.get("/readyz")
    finally:
        await redis_clients.close()
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["redis"].startswith("error")


async def test_metrics_count_requests_errors_and_jobs(http: Any, gql: Any) -> None:
    await http.get("/healthz")
    await gql.raw("{ nope }")
    response = await http.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert 'ch_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "ch_http_request_duration_seconds_bucket" in text
    assert 'ch_graphql_errors_total{kind="request"}' in text
    assert 'ch_outbox_jobs{status="pending"}' in text


async def test_every_response_carries_a_request_id(http: Any) -> None:
    response = await http.get("/healthz")
    assert len(response.headers["x-request-id"]) == 32

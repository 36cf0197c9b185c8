"""The CH-Hub slug is looked up once a minute per process, not on every anonymous request."""

from typing import Any

from app.hubs import service as hubs
from tests.helpers import count_sql


async def test_a_hub_slug_is_looked_up_once_then_remembered(hub: Any) -> None:
    # given: a fresh cache
    hubs._IDS_BY_SLUG.clear()
    # when / then: the first lookup asks the database, the second does not
    with count_sql() as first:
        assert await hubs.id_by_slug(hub.slug) == hub.id
    with count_sql() as second:
        assert await hubs.id_by_slug(hub.slug) == hub.id
    assert (len(first.statements), len(second.statements)) == (1, 0)
    # and an unknown slug is None (and remembered too)
    assert await hubs.id_by_slug("no-such-hub") is None


async def test_a_remembered_slug_is_asked_again_after_a_minute(hub: Any, monkeypatch: Any) -> None:
    # given: a lookup whose minute is over (stored with a lifetime already past)
    monkeypatch.setattr(hubs, "ID_BY_SLUG_TTL_SECONDS", -1.0)
    hubs._IDS_BY_SLUG.clear()
    await hubs.id_by_slug(hub.slug)
    # when / then: the database is asked again
    with count_sql() as again:
        assert await hubs.id_by_slug(hub.slug) == hub.id
    assert len(again.statements) == 1

"""The per-process memory of whose account is which stays bounded and keeps the recent ones."""

from collections.abc import Iterator

import pytest

from app.credits import holders


@pytest.fixture
def small_memory(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(holders, "MAX_REMEMBERED", 3)
    monkeypatch.setattr(holders, "_accounts", type(holders._accounts)())
    yield


def test_the_least_recently_used_member_is_forgotten_first(small_memory: None) -> None:
    # given three members remembered, and the first one asked about since
    for member_id in (1, 2, 3):
        holders.remember(hub_id=7, member_id=member_id, account_id=100 + member_id)
    assert holders.known(hub_id=7, member_id=1) == 101

    # when a fourth is remembered
    holders.remember(hub_id=7, member_id=4, account_id=104)

    # then the one least recently used (2) is forgotten, the others are kept, and it stays at 3
    assert holders.known(hub_id=7, member_id=2) is None
    assert [holders.known(hub_id=7, member_id=m) for m in (1, 3, 4)] == [101, 103, 104]
    assert len(holders._accounts) == 3


def test_remembering_again_refreshes_without_growing(small_memory: None) -> None:
    # given three members remembered
    for member_id in (1, 2, 3):
        holders.remember(hub_id=7, member_id=member_id, account_id=100 + member_id)

    # when the first is remembered again and a fourth arrives
    holders.remember(hub_id=7, member_id=1, account_id=101)
    holders.remember(hub_id=7, member_id=4, account_id=104)

    # then the second (now the oldest) made room
    assert holders.known(hub_id=7, member_id=2) is None
    assert holders.known(hub_id=7, member_id=1) == 101
    assert len(holders._accounts) == 3

"""Property test: random sequences of earn, pay, hold, post, void and redeem keep every
invariant of the ledger after each step."""

import contextlib
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.credits import ledger, service
from app.credits.models import Account, SystemAccount, Transfer, TransferKind, TransferStatus
from app.errors import DomainError
from app.hubs import service as hubs
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import Member, Role

MEMBERS = 3
amounts = st.integers(min_value=-3, max_value=60)
who = st.integers(min_value=0, max_value=MEMBERS - 1)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), who, who, amounts),
        st.tuples(st.just("pay"), who, who, amounts),
        st.tuples(st.just("hold"), who, who, amounts),
        st.tuples(st.just("post"), who, who, st.integers(0, 20)),
        st.tuples(st.just("void"), who, who, st.integers(0, 20)),
        st.tuples(st.just("redeem"), who, who, amounts),
    ),
    min_size=1,
    max_size=30,
)


async def _world() -> tuple[Any, list[Member], Organisation]:
    hub = await hubs.create_hub(name="Property hub", slug=f"prop-{uuid.uuid4().hex[:10]}")
    await type(hub).filter(id=hub.id).update(member_overdraft_limit=20)
    members = [await Member.create(hub_id=hub.id, display_name=f"M{i}") for i in range(MEMBERS)]
    shop = await Organisation.create(
        hub_id=hub.id, slug="shop", name="Shop", kind=OrganisationKind.BUSINESS
    )
    return hub, members, shop


async def _step(
    op: tuple[str, int, int, int],
    hub: Any,
    members: list[Member],
    shop: Organisation,
    holds: list[int],
) -> None:
    name, i, j, value = op
    actor = Actor(member=members[i], roles=frozenset({Role.MEMBER}))
    mine = await ledger.member_account(hub.id, members[i].id)
    async with in_transaction():
        if name == "earn":
            await ledger.post(
                source=await ledger.system_account(hub.id, SystemAccount.ISSUANCE),
                destination=mine,
                amount=value,
                kind=TransferKind.EARN,
            )
        elif name == "pay":
            await service.pay(
                actor=actor, payee_id=members[j].id, amount=value, idempotency_key=uuid.uuid4().hex
            )
        elif name == "hold":
            transfer = await ledger.hold(
                source=mine,
                destination=await ledger.organisation_account(hub.id, shop.id),
                amount=value,
                kind=TransferKind.PLEDGE,
            )
            holds.append(transfer.id)
        elif name in {"post", "void"} and holds:
            transfer_id = holds[value % len(holds)]
            await (ledger.post_hold if name == "post" else ledger.void_hold)(transfer_id)
        elif name == "redeem":
            await ledger.post(
                source=mine,
                destination=await ledger.organisation_account(hub.id, shop.id),
                amount=value,
                kind=TransferKind.VOUCHER,
            )


async def _check_invariants(hub_id: int) -> None:
    conn = Tortoise.get_connection("default")
    assert (
        await conn.execute_query_dict(
            "SELECT coalesce(sum(balance), 0)::bigint AS s FROM account WHERE hub_id = $1", [hub_id]
        )
    )[0]["s"] == 0, "the books must sum to zero"
    for account in await Account.filter(hub_id=hub_id):
        if account.overdraft_limit is not None:
            assert account.balance - account.held >= -account.overdraft_limit
        pending = await Transfer.filter(source_id=account.id, status=TransferStatus.PENDING)
        assert account.held == sum(t.amount for t in pending)
        entries = await conn.execute_query_dict(
            "SELECT coalesce(sum(amount), 0)::bigint AS s,"
            " (array_agg(balance_after ORDER BY id DESC))[1] AS last"
            " FROM entry WHERE account_id = $1",
            [account.id],
        )
        assert entries[0]["s"] == account.balance
        assert entries[0]["last"] in (None, account.balance)
    unbalanced = await conn.execute_query_dict(
        "SELECT t.id FROM transfer t LEFT JOIN entry e ON e.transfer_id = t.id"
        " WHERE t.hub_id = $1 GROUP BY t.id, t.status"
        " HAVING (t.status = 'posted' AND (count(e.id) <> 2 OR sum(e.amount) <> 0))"
        " OR (t.status <> 'posted' AND count(e.id) <> 0)",
        [hub_id],
    )
    assert unbalanced == []


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations)
async def test_random_operations_keep_the_ledger_sound(
    ops: list[tuple[str, int, int, int]],
) -> None:
    hub, members, shop = await _world()
    holds: list[int] = []
    for op in ops:
        # A refused operation must leave no trace: the invariants below check it.
        with contextlib.suppress(DomainError):
            await _step(op, hub, members, shop, holds)
        await _check_invariants(hub.id)

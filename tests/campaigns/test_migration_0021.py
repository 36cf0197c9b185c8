"""Migration 0021's data step: pending per-share match holds (the design before it) become one
hold per pot for their sum, from the same account, so every account's `held` is unchanged and
every pending hold still has its owner. Run on the head schema with the old column put back
inside a transaction that is rolled back."""

import importlib
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.campaigns.models import MatchPot
from app.credits import ledger
from app.credits.models import Account, Transfer, TransferKind, TransferStatus
from tests.campaigns.conftest import fund_account

migration = importlib.import_module("migrations.0021_match_pot_hold")


class _RolledBack(Exception):
    pass


async def test_share_holds_become_one_hold_per_pot_with_held_unchanged(
    hub: Any, alice: Any, organisation: Any, open_campaign: Any
) -> None:
    # given: a project with a council's pot that matched three pledges the old way: one
    # pending hold per share (20 + 30 + 50), and a voided one that must stay as it is
    project = await open_campaign(alice, target=1000)
    council = await organisation(alice, "Council", "council_service")
    funder = await fund_account(await ledger.organisation_account(hub.id, council.id), 500)
    recipient = await Account.get(id=project.recipient_account_id)
    backers = [
        await ledger.organisation_account(hub.id, (await organisation(alice, f"Backer {n}")).id)
        for n in range(4)
    ]
    conn = Tortoise.get_connection("default")
    seen: dict[str, Any] = {}
    try:
        async with in_transaction() as tx:
            await tx.execute_script(
                "ALTER TABLE campaign_match_share ADD COLUMN hold_id bigint REFERENCES transfer"
            )
            pot = await MatchPot.create(
                hub_id=hub.id,
                campaign_id=project.id,
                funder_id=council.id,
                account_id=funder.id,
                created_by_id=alice.member.id,
                total_cap=500,
                matched=100,
            )
            holds = []
            for amount in (20, 30, 50, 40):
                holds.append(
                    await ledger.hold(
                        source=funder,
                        destination=recipient,
                        amount=amount,
                        kind=TransferKind.PLEDGE,
                        category="match funding",
                        group=project.hold_group,
                    )
                )
            await ledger.void_hold(holds[3].id)
            for n, hold in enumerate(holds):
                pledge = await tx.execute_query_dict(
                    "INSERT INTO campaign_pledge (hub_id, campaign_id, member_id, account_id,"
                    " status, amount, units, matched, anonymous, created_at, updated_at)"
                    " VALUES ($1, $2, $3, $4, 'active', 10, 0, $5, false, now(), now())"
                    " RETURNING id",
                    [
                        hub.id,
                        project.id,
                        alice.member.id,
                        backers[n].id,
                        hold.amount,
                    ],
                )
                await tx.execute_query(
                    "INSERT INTO campaign_match_share (hub_id, pot_id, pledge_id, amount, hold_id,"
                    " created_at) VALUES ($1, $2, $3, $4, $5, now())",
                    [hub.id, pot.id, pledge[0]["id"], hold.amount, hold.id],
                )
            seen["held_before"] = (await Account.get(id=funder.id)).held
            # when: the migration's data step runs
            await tx.execute_script(migration.MOVE_SHARE_HOLDS_SQL)
            # then: the three pending share holds are voided, one pot hold of 100 is pending
            moved = await MatchPot.get(id=pot.id)
            assert moved.hold_id is not None
            pot_hold = await Transfer.get(id=moved.hold_id)
            seen["pot_hold"] = (pot_hold.status, pot_hold.amount, pot_hold.source_id)
            seen["pot_hold_group"] = pot_hold.group
            seen["shares"] = [(await Transfer.get(id=h.id)).status for h in holds]
            seen["held_after"] = (await Account.get(id=funder.id)).held
            pending = await Transfer.filter(source_id=funder.id, status=TransferStatus.PENDING)
            seen["pending_sum"] = sum(t.amount for t in pending)
            raise _RolledBack
    except _RolledBack:
        pass
    assert seen["pot_hold"] == (TransferStatus.PENDING, 100, funder.id)
    assert seen["pot_hold_group"] == project.hold_group
    assert seen["shares"] == [TransferStatus.VOIDED] * 4
    assert seen["held_before"] == seen["held_after"] == seen["pending_sum"] == 100
    # and: the rollback put the schema back
    columns = await conn.execute_query_dict(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'campaign_match_share' AND column_name = 'hold_id'"
    )
    assert columns == []

"""Property test: random pledge, raise, lower, withdraw, match, spend and cancel sequences,
then an outcome (deadline reached or not, or cancelled) and settlement: what the recipient
captured is the final pledges plus their matches (nothing when it failed or was cancelled), no
hold is left open, no balance is below its limit, the books sum to zero; after every step the
campaign's totals are its pledges' and every pot stays within its cap."""

import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.campaigns import funding, pledges, settlement
from app.campaigns import service as campaigns
from app.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    MatchPot,
    MatchShare,
    Pledge,
    PledgeStatus,
)
from app.credits import ledger
from app.credits.models import Account, SystemAccount, Transfer, TransferKind, TransferStatus
from app.errors import DomainError, DomainErrors
from app.hubs import service as hubs
from app.organisations.models import Organisation, OrganisationMember, OrganisationRole
from app.people.models import Member, Role

BACKERS = 3
FUNDERS = 2
who = st.integers(min_value=0, max_value=BACKERS - 1)
amounts = st.integers(min_value=-5, max_value=80)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("pledge"), who, amounts),
        st.tuples(st.just("raise"), who, st.integers(1, 40)),
        st.tuples(st.just("lower"), who, st.integers(1, 40)),
        st.tuples(st.just("withdraw"), who, st.just(0)),
        st.tuples(
            st.just("match"),
            st.integers(0, FUNDERS - 1),
            st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(0, 60), amounts),
        ),
        st.tuples(st.just("spend"), st.integers(0, FUNDERS - 1), st.integers(1, 150)),
        st.tuples(st.just("cancel"), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=20,
)


class World:
    def __init__(self) -> None:
        self.hub: Any = None
        self.owner: Actor
        self.backers: list[Actor] = []
        self.funders: list[tuple[Actor, Organisation]] = []
        self.campaign: Campaign


def _actor(member: Member) -> Actor:
    return Actor(member=member, roles=frozenset({Role.MEMBER}))


async def _fund(account: Account, amount: int) -> None:
    async with in_transaction():
        await ledger.post(
            source=await ledger.system_account(account.hub_id, SystemAccount.ISSUANCE),
            destination=account,
            amount=amount,
            kind=TransferKind.ADJUSTMENT,
        )


async def _world(target: int) -> World:
    w = World()
    w.hub = await hubs.create_hub(name="Property hub", slug=f"camp-{uuid.uuid4().hex[:10]}")
    await type(w.hub).filter(id=w.hub.id).update(member_overdraft_limit=20)
    owner = await Member.create(hub_id=w.hub.id, display_name="Owner")
    w.owner = _actor(owner)
    for n in range(BACKERS):
        member = await Member.create(hub_id=w.hub.id, display_name=f"B{n}")
        await _fund(await ledger.member_account(w.hub.id, member.id), 100)
        w.backers.append(_actor(member))
    for n in range(FUNDERS):
        clerk = await Member.create(hub_id=w.hub.id, display_name=f"Clerk {n}")
        org = await Organisation.create(
            hub_id=w.hub.id, slug=f"funder-{n}", name=f"Funder {n}", kind="council_service"
        )
        await OrganisationMember.create(
            hub_id=w.hub.id, organisation_id=org.id, member_id=clerk.id, role=OrganisationRole.OWNER
        )
        await _fund(await ledger.organisation_account(w.hub.id, org.id), 150)
        w.funders.append((_actor(clerk), org))
    made = await campaigns.create_campaign(
        actor=w.owner,
        given=campaigns.CampaignInput(
            kind=CampaignKind.PROJECT,
            title="Property project",
            deadline=datetime.now(UTC) + timedelta(hours=1),
            target=target,
        ),
    )
    w.campaign = await campaigns.open_campaign(actor=w.owner, campaign_id=made.id)
    return w


async def _mine(w: World, i: int) -> Pledge | None:
    return await Pledge.get_or_none(
        campaign_id=w.campaign.id, member_id=w.backers[i].member_id, status=PledgeStatus.ACTIVE
    )


async def _step(w: World, op: tuple[str, int, Any]) -> None:
    name, i, value = op
    key = uuid.uuid4().hex
    if name == "pledge":
        await pledges.pledge(
            actor=w.backers[i],
            campaign_id=w.campaign.id,
            given=pledges.Amount(amount=value),
            idempotency_key=key,
        )
    elif name in {"raise", "lower", "withdraw"}:
        mine = await _mine(w, i)
        if mine is None:
            return
        if name == "withdraw":
            await pledges.withdraw_pledge(actor=w.backers[i], pledge_id=mine.id)
            return
        amount = mine.amount + (value if name == "raise" else -value)
        await pledges.change_pledge(
            actor=w.backers[i],
            pledge_id=mine.id,
            given=pledges.Amount(amount=amount),
            idempotency_key=key,
        )
    elif name == "match":
        clerk, org = w.funders[i]
        num, den, cap, total = value
        await funding.attach_match_pot(
            actor=clerk,
            campaign_id=w.campaign.id,
            given=funding.PotInput(
                funder_id=org.id,
                total_cap=total,
                ratio_num=num,
                ratio_den=den,
                cap_per_backer=cap or None,
            ),
        )
    elif name == "spend":  # the funder spends what it has not promised
        _, org = w.funders[i]
        async with in_transaction():
            await ledger.post(
                source=await ledger.organisation_account(w.hub.id, org.id),
                destination=await ledger.system_account(w.hub.id, SystemAccount.ISSUANCE),
                amount=value,
                kind=TransferKind.ADJUSTMENT,
            )
    elif name == "cancel":
        await campaigns.cancel_campaign(actor=w.owner, campaign_id=w.campaign.id)


async def _check_ledger(hub_id: int) -> None:
    conn = Tortoise.get_connection("default")
    total = await conn.execute_query_dict(
        "SELECT coalesce(sum(balance), 0)::bigint AS s FROM account WHERE hub_id = $1", [hub_id]
    )
    assert total[0]["s"] == 0, "the books must sum to zero"
    for account in await Account.filter(hub_id=hub_id):
        if account.overdraft_limit is not None:
            assert account.balance - account.held >= -account.overdraft_limit, account.id
        pending = await Transfer.filter(source_id=account.id, status=TransferStatus.PENDING)
        assert account.held == sum(t.amount for t in pending), account.id
        entries = await conn.execute_query_dict(
            "SELECT coalesce(sum(amount), 0)::bigint AS s,"
            " (array_agg(balance_after ORDER BY id DESC))[1] AS last"
            " FROM entry WHERE account_id = $1",
            [account.id],
        )
        assert entries[0]["s"] == account.balance
        assert entries[0]["last"] in (None, account.balance)


async def _check_totals(w: World) -> None:
    campaign = await Campaign.get(id=w.campaign.id)
    active = await Pledge.filter(campaign_id=campaign.id, status=PledgeStatus.ACTIVE)
    assert campaign.pledged == sum(p.amount for p in active)
    assert campaign.backers == len(active)
    assert campaign.matched == sum(p.matched for p in active)
    for pot in await MatchPot.filter(campaign_id=campaign.id):
        shares = await MatchShare.filter(pot_id=pot.id)
        assert pot.matched == sum(s.amount for s in shares) <= pot.total_cap
        if pot.matched == 0:
            assert pot.hold_id is None
        else:  # the pot's one hold is exactly what it matches
            assert pot.hold_id is not None
            hold = await Transfer.get(id=pot.hold_id)
            assert (hold.status, hold.amount) == (TransferStatus.PENDING, pot.matched)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations, target=st.integers(1, 300), deadline_passes=st.booleans())
async def test_random_pledges_and_matches_settle_to_exactly_what_was_pledged(
    ops: list[tuple[str, int, Any]], target: int, deadline_passes: bool
) -> None:
    w = await _world(target)
    recipient = await Account.get(id=w.campaign.recipient_account_id)
    for op in ops:
        # A refused operation must leave no trace: the checks below see it.
        with contextlib.suppress(DomainError, DomainErrors):
            await _step(w, op)
        await _check_ledger(w.hub.id)
        await _check_totals(w)
    final = await Campaign.get(id=w.campaign.id)
    promised = final.pledged + final.matched
    if deadline_passes:
        await Campaign.filter(id=final.id).update(deadline=datetime.now(UTC) - timedelta(seconds=1))
    # settlement: run twice (a duplicate job changes nothing)
    await settlement.settle(final.id)
    await settlement.settle(final.id)
    done = await Campaign.get(id=final.id)
    received = (await Account.get(id=recipient.id)).balance - recipient.balance
    if done.status == CampaignStatus.SUCCEEDED:
        assert promised >= target
        captured = await Pledge.filter(campaign_id=done.id, status=PledgeStatus.CAPTURED)
        assert received == promised == sum(p.amount + p.matched for p in captured)
    elif done.status in (CampaignStatus.FAILED, CampaignStatus.CANCELLED):
        assert received == 0
        assert done.status == CampaignStatus.CANCELLED or promised < target
    else:  # still open: its deadline has not passed
        assert not deadline_passes and done.settled_at is None
        return
    assert done.settled_at is not None
    held = await Transfer.filter(hub_id=w.hub.id, status=TransferStatus.PENDING).count()
    assert held == 0, "no hold left open after settlement"
    assert not await Pledge.filter(campaign_id=done.id, status=PledgeStatus.ACTIVE).exists()
    await _check_ledger(w.hub.id)

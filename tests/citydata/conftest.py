"""A small city with hand-computed aggregates (k = 3), built straight into the tables.

Places (H3): A and B are two resolution-7 cells under one resolution-6 cell (so every coarser
answer joins them); C is a cell elsewhere. Weeks: W1 = Monday 2026-03-02, W2 = 2026-03-09
(both in March), W3 = 2026-04-06 (April). Everything happens on the Wednesday of its week, at
noon UTC.

    metric             cell week dim                 items (n)  amount       people  shown
    requests_posted    A    W1   food                4          0            p1-p4   yes
    urgent_requests    A    W1   food                3          0            p1-p3   yes
    requests_filled    A    W1   food                3          60+120+180   p1-p3   yes
    requests_unfilled  A    W1   food                1          1            p4      no
    skill_requests     A    W1   cooking             3          0            p1-p3   yes
    skill_requests     A    W1   driving             1          0            p4      no
    requests_posted    B    W1   food                3 (p5 x2)  0            p5,p6   no
    requests_unfilled  B    W1   food                3          3            p5,p6   no
    requests_posted    A    W2   care                3          0            p1-p3   yes
    requests_unfilled  A    W2   care                3          3            p1-p3   yes
    requests_posted    A    W3   food                3          0            p7-p9   yes
    requests_unfilled  A    W3   food                3          3            p7-p9   yes
    offers_posted      A    W1   food                3          0            v1-v3   yes
    offers_posted      C    W2   food                1          0            v4      no
    skill_volunteers   A    now  cooking             3          0            v1-v3   yes
    skill_volunteers   C    now  driving             1          0            v4      no
    hours_given        A    W1   food                3          60+90+30     v1-v3   yes
    hours_given        B    W1   food                1          120          v4      no
    credits_earned     A    W1   hours               3          60+90+30     v1-v3   yes
    credits_spent      A    W2   exchange:member     3          10+20+30     v1-v3   yes
    credits_spent      A    W2   voucher:voucher_settlement 1   40           v1      no
    assets_used        A    W2   tools               1 asset    3 loans+1 b. v1-v3   yes
    trials_run         -    W1   -                   1 trial    3 reports    v1-v3   yes
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import h3
import pytest

from app.assets.models import Asset, AssetCategory, AssetKind, AssetStatus, OwnerKind
from app.assets.sharing_models import Booking, BookingStatus, Loan, LoanStatus
from app.citydata import refresh
from app.credits.models import (
    Account,
    AccountKind,
    SystemAccount,
    Transfer,
    TransferKind,
    TransferStatus,
)
from app.hubs.models import Hub
from app.opportunities.models import (
    Application,
    ApplicationStatus,
    Category,
    Opportunity,
    OpportunityKind,
    OpportunitySkill,
    OpportunityStatus,
    Urgency,
)
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import Member, MemberSkill, Skill
from app.portfolios.models import HoursRecord, HoursStatus
from app.trials.models import (
    Trial,
    TrialApplication,
    TrialApplicationStatus,
    TrialReport,
    TrialStatus,
)

MANCHESTER = (53.4808, -2.2426)
LIVERPOOL = (53.4084, -2.9916)
W1, W2, W3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 4, 6)
K = 3


def at(week: date, minutes: int = 0) -> datetime:
    """Noon UTC on the Wednesday of `week`."""
    return datetime.combine(week + timedelta(days=2), datetime.min.time(), UTC) + timedelta(
        hours=12, minutes=minutes
    )


def places() -> tuple[str, str, str]:
    """Resolution-8 cells in A, B (siblings under one resolution-6 cell) and C."""
    a7 = h3.latlng_to_cell(*MANCHESTER, 7)
    parent6 = h3.cell_to_parent(a7, 6)
    b7 = sorted(c for c in h3.cell_to_children(parent6, 7) if c != a7)[0]
    c7 = h3.latlng_to_cell(*LIVERPOOL, 7)
    return tuple(h3.cell_to_center_child(c, 8) for c in (a7, b7, c7))  # type: ignore[return-value]


@dataclass
class World:
    hub: Any
    a8: str
    b8: str
    c8: str
    people: dict[str, Member] = field(default_factory=dict)

    def cell(self, which: str, resolution: int = 7) -> str:
        return str(h3.cell_to_parent({"A": self.a8, "B": self.b8, "C": self.c8}[which], resolution))


async def build_world(hub: Any, k: int = K) -> World:
    await Hub.filter(id=hub.id).update(privacy_k=k)
    a8, b8, c8 = places()
    world = World(hub=hub, a8=a8, b8=b8, c8=c8)
    homes = {f"p{i}": a8 for i in range(1, 10)} | {"v1": a8, "v2": a8, "v3": a8, "v4": c8}
    for name, cell in homes.items():
        world.people[name] = await Member.create(
            hub_id=hub.id, display_name=name, home_cell=cell, email=f"{name}-{hub.id}@ex.org"
        )
    p = world.people
    food, _ = await Category.get_or_create(hub_id=hub.id, slug="food", defaults={"name": "Food"})
    care, _ = await Category.get_or_create(hub_id=hub.id, slug="care", defaults={"name": "Care"})
    cooking, _ = await Skill.get_or_create(
        hub_id=hub.id, slug="cooking", defaults={"name": "Cooking"}
    )
    driving, _ = await Skill.get_or_create(
        hub_id=hub.id, slug="driving", defaults={"name": "Driving"}
    )

    async def post(
        poster: str, cell: str, week: date, category: Any, *, kind: OpportunityKind =
        OpportunityKind.REQUEST, urgent: bool = False, filled: bool = False,
    ) -> Opportunity:  # fmt: skip
        return await Opportunity.create(
            hub_id=hub.id,
            kind=kind,
            status=OpportunityStatus.FILLED if filled else OpportunityStatus.PUBLISHED,
            title=f"{kind} by {poster}",
            category_id=category.id,
            poster_id=p[poster].id,
            cell8=cell,
            places=1,
            accepted_count=1 if filled else 0,
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
            published_at=at(week),
        )

    async def accept(opportunity: Opportunity, who: str, minutes: int) -> Application:
        return await Application.create(
            hub_id=hub.id,
            opportunity_id=opportunity.id,
            applicant_id=p[who].id,
            status=ApplicationStatus.ACCEPTED,
            decided_at=at(W1, minutes),
        )

    # Week 1, cell A: p1-p3 urgent and filled (60, 120, 180 minutes), asking cooking; p4 open,
    # asking driving.
    first = []
    for i, minutes in ((1, 60), (2, 120), (3, 180)):
        o = await post(f"p{i}", a8, W1, food, urgent=True, filled=True)
        await accept(o, f"v{i}", minutes)
        await OpportunitySkill.create(hub_id=hub.id, opportunity_id=o.id, skill_id=cooking.id)
        first.append(o)
    p4 = await post("p4", a8, W1, food)
    await OpportunitySkill.create(hub_id=hub.id, opportunity_id=p4.id, skill_id=driving.id)
    # Week 1, cell B: p5 twice, p6 once (two people: suppressed).
    for who in ("p5", "p5", "p6"):
        b_request = await post(who, b8, W1, food)
    for i in (1, 2, 3):
        await post(f"p{i}", a8, W2, care)
    for i in (7, 8, 9):
        await post(f"p{i}", a8, W3, food)
    for i in (1, 2, 3):
        await post(f"v{i}", a8, W1, food, kind=OpportunityKind.OFFER)
    await post("v4", c8, W2, food, kind=OpportunityKind.OFFER)
    # Skills held: v1-v3 cooking (home A), v4 driving (home C).
    for i in (1, 2, 3):
        await MemberSkill.create(hub_id=hub.id, member_id=p[f"v{i}"].id, skill_id=cooking.id)
    await MemberSkill.create(hub_id=hub.id, member_id=p["v4"].id, skill_id=driving.id)
    # Hours: v1-v3 on the first requests (verified 60, 90, 30), one pending (not counted);
    # v4 on a request in B (120: one person, suppressed).
    for i, minutes in ((1, 60), (2, 90), (3, 30)):
        application = await Application.get(opportunity_id=first[i - 1].id)
        await HoursRecord.create(
            hub_id=hub.id, application_id=application.id, opportunity_id=first[i - 1].id,
            volunteer_id=p[f"v{i}"].id, worked_on=W1 + timedelta(days=2), minutes=minutes,
            status=HoursStatus.VERIFIED,
        )  # fmt: skip
    await HoursRecord.create(
        hub_id=hub.id, application_id=application.id, opportunity_id=first[2].id,
        volunteer_id=p["v3"].id, worked_on=W1 + timedelta(days=3), minutes=500,
        status=HoursStatus.PENDING,
    )  # fmt: skip
    b_application = await accept(b_request, "v4", 30)
    await HoursRecord.create(
        hub_id=hub.id, application_id=b_application.id, opportunity_id=b_request.id,
        volunteer_id=p["v4"].id, worked_on=W1 + timedelta(days=2), minutes=120,
        status=HoursStatus.VERIFIED,
    )  # fmt: skip
    # Credits: earned by v1-v3 in W1; spent in W2 (exchanges to p1, and v1's voucher).
    issuance, _ = await Account.get_or_create(
        hub_id=hub.id, system=SystemAccount.ISSUANCE, defaults={"kind": AccountKind.SYSTEM}
    )
    vouchers, _ = await Account.get_or_create(
        hub_id=hub.id,
        system=SystemAccount.VOUCHER_SETTLEMENT,
        defaults={"kind": AccountKind.SYSTEM},
    )
    accounts = {}
    for name in ("p1", "v1", "v2", "v3"):
        accounts[name], _ = await Account.get_or_create(
            hub_id=hub.id, member_id=p[name].id, defaults={"kind": AccountKind.MEMBER}
        )

    async def transfer(kind: TransferKind, source: Any, destination: Any, amount: int,
                       week: date, status: TransferStatus = TransferStatus.POSTED) -> None:  # fmt: skip
        await Transfer.create(
            hub_id=hub.id, kind=kind, status=status, amount=amount, source_id=source.id,
            destination_id=destination.id, posted_at=at(week),
        )  # fmt: skip

    for i, amount in ((1, 60), (2, 90), (3, 30)):
        await transfer(TransferKind.EARN, issuance, accounts[f"v{i}"], amount, W1)
    await transfer(
        TransferKind.EARN, issuance, accounts["v1"], 999, W1, status=TransferStatus.PENDING
    )
    for i, amount in ((1, 10), (2, 20), (3, 30)):
        await transfer(TransferKind.EXCHANGE, accounts[f"v{i}"], accounts["p1"], amount, W2)
    await transfer(TransferKind.VOUCHER, accounts["v1"], vouchers, 40, W2)
    # Shared assets: one drill in A, lent to v1-v3 in W2 and booked by v1 (checked in).
    tools, _ = await AssetCategory.get_or_create(
        hub_id=hub.id, slug="tools", defaults={"name": "Tools"}
    )
    drill = await Asset.create(
        hub_id=hub.id, kind=AssetKind.LOAN, status=AssetStatus.LISTED,
        owner_kind=OwnerKind.MEMBER, owner_member_id=p["p1"].id, listed_by_id=p["p1"].id,
        title="Drill", category_id=tools.id, lat=MANCHESTER[0], lng=MANCHESTER[1], cell8=a8,
    )  # fmt: skip
    for i in (1, 2, 3):
        await Loan.create(
            hub_id=hub.id, asset_id=drill.id, borrower_id=p[f"v{i}"].id,
            starts_at=at(W2), due_at=at(W2, 60 * 24), status=LoanStatus.RETURNED,
            handover_owner_confirmed_at=at(W2), handover_borrower_confirmed_at=at(W2),
            handed_over_at=at(W2),
        )  # fmt: skip
    await Loan.create(  # never handed over: not a use
        hub_id=hub.id, asset_id=drill.id, borrower_id=p["v4"].id, starts_at=at(W2),
        due_at=at(W2, 60), status=LoanStatus.DECLINED,
    )  # fmt: skip
    await Booking.create(
        hub_id=hub.id, asset_id=drill.id, booker_id=p["v1"].id, starts_at=at(W2, 120),
        ends_at=at(W2, 180), status=BookingStatus.CHECKED_IN,
    )  # fmt: skip
    # A trial opened in W1, reported on by v1-v3.
    business = await Organisation.create(
        hub_id=hub.id, slug=f"biz-{hub.id}", name="Biz", kind=OrganisationKind.BUSINESS
    )
    trial = await Trial.create(
        hub_id=hub.id, organisation_id=business.id, created_by_id=p["p1"].id, title="T",
        product="P", places=10, dimensions=["Taste"], closes_at=at(W3),
        status=TrialStatus.CLOSED, opened_at=at(W1),
    )  # fmt: skip
    for i in (1, 2, 3):
        trial_application = await TrialApplication.create(
            hub_id=hub.id, trial_id=trial.id, member_id=p[f"v{i}"].id,
            status=TrialApplicationStatus.SELECTED,
        )  # fmt: skip
        await TrialReport.create(
            hub_id=hub.id, trial_id=trial.id, application_id=trial_application.id,
            member_id=p[f"v{i}"].id,
        )  # fmt: skip
    await refresh.refresh()
    return world


@pytest.fixture
async def world(hub: Any) -> World:
    return await build_world(hub)

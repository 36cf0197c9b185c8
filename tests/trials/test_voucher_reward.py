"""A trial's voucher reward: a real voucher of the business's voucher offer, reserved from its
stock at selection, issued to the tester with their first report exactly once (even when two
first reports race), given back to the stock when a tester never reports; an offer of another
business, ended or sold out is a typed error with nothing written."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise import Tortoise

from app.credits.models import Voucher, VoucherOffer, VoucherStatus
from app.credits.offers import refund_expired_vouchers
from app.errors import DomainError
from app.organisations.models import Organisation, OrganisationKind
from app.trials import applications, reports, service
from app.trials.errors import TrialErrorCode as E
from app.trials.models import (
    Selection,
    Trial,
    TrialApplication,
    TrialApplicationStatus,
    TrialReport,
    TrialStatus,
)
from tests.trials.conftest import actor_of, member, trial_input

REPORT = reports.ReportInput(ratings=[4, 5, 3], comment="Creamy.")


async def _offer(hub_id: int, organisation_id: int, **fields: Any) -> VoucherOffer:
    now = datetime.now(UTC)
    fields.setdefault("stock", 5)
    fields.setdefault("valid_until", now + timedelta(days=60))
    return await VoucherOffer.create(
        hub_id=hub_id,
        organisation_id=organisation_id,
        title="Free oat latte",
        cost=100,
        valid_from=now - timedelta(days=1),
        voucher_days=30,
        **fields,
    )


async def _written(hub_id: int) -> dict[str, int]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT (SELECT count(*) FROM trial WHERE hub_id = $1)::int AS trials,"
        " (SELECT count(*) FROM trial_application WHERE hub_id = $1)::int AS applications,"
        " (SELECT count(*) FROM voucher WHERE hub_id = $1)::int AS vouchers,"
        " (SELECT coalesce(sum(stock), 0) FROM voucher_offer WHERE hub_id = $1)::int AS stock,"
        " (SELECT count(*) FROM transfer WHERE hub_id = $1)::int AS transfers",
        [hub_id],
    )
    return {k: int(v) for k, v in rows[0].items()}


async def _voucher_trial(business: Any, offer: VoucherOffer, **fields: Any) -> Trial:
    owner, org = business
    trial = await service.create_trial(
        actor=actor_of(owner), given=trial_input(org, reward_offer_id=offer.id, **fields)
    )
    return await service.move_trial(
        actor=actor_of(owner), trial_id=trial.id, to=TrialStatus.RECRUITING
    )


async def test_two_racing_first_reports_issue_one_voucher_and_edits_issue_none(
    hub: Any, business: Any
) -> None:
    # given: a first-come trial rewarding a voucher of the business's offer (5 in stock), and
    # a tester selected (one voucher reserved: 4 left)
    _, org = business
    offer = await _offer(hub.id, org.id, stock=5)
    trial = await _voucher_trial(business, offer, selection=Selection.FIRST_COME)
    tester = await member(hub)
    await applications.apply(actor=actor_of(tester), trial_id=trial.id)
    assert (await VoucherOffer.get(id=offer.id)).stock == 4
    # when: the first report is sent twice at once, then edited
    results = await asyncio.gather(
        reports.submit_report(actor=actor_of(tester), trial_id=trial.id, given=REPORT),
        reports.submit_report(actor=actor_of(tester), trial_id=trial.id, given=REPORT),
        return_exceptions=True,
    )
    await reports.edit_report(actor=actor_of(tester), trial_id=trial.id, given=REPORT)
    # then: one report, one voucher of the offer for the tester, linked to the report; the
    # other submission ALREADY_REPORTED; the stock taken once (at selection), no credits moved
    made = [r for r in results if isinstance(r, TrialReport)]
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1 and [e.code for e in errors] == [E.ALREADY_REPORTED]
    vouchers = await Voucher.filter(hub_id=hub.id)
    assert len(vouchers) == 1
    voucher = vouchers[0]
    assert (voucher.offer_id, voucher.member_id) == (offer.id, tester.id)
    assert voucher.status == VoucherStatus.ISSUED and voucher.transfer_id is None
    assert voucher.code.startswith("CH-")
    report = await TrialReport.get(trial_id=trial.id)
    assert report.reward_voucher_id == voucher.id
    assert (await VoucherOffer.get(id=offer.id)).stock == 4


async def test_closing_gives_unused_reserved_vouchers_back_and_expiry_never_refunds_a_gift(
    hub: Any, business: Any
) -> None:
    # given: a first-come trial with a voucher reward (offer refunds unused bought vouchers);
    # two testers selected, one reports
    _, org = business
    offer = await _offer(hub.id, org.id, stock=5, refund_unused=True)
    trial = await _voucher_trial(business, offer, selection=Selection.FIRST_COME)
    reporter, silent = await member(hub), await member(hub)
    for person in (reporter, silent):
        await applications.apply(actor=actor_of(person), trial_id=trial.id)
    await reports.submit_report(actor=actor_of(reporter), trial_id=trial.id, given=REPORT)
    assert (await VoucherOffer.get(id=offer.id)).stock == 3
    # when: the window lapses and the cron closes the trial, twice
    await Trial.filter(id=trial.id).update(closes_at=datetime.now(UTC) - timedelta(minutes=1))
    assert await service.close_lapsed() == 1
    assert await service.close_lapsed() == 0
    # then: the silent tester's voucher is back in stock, once; the reporter keeps theirs
    assert (await VoucherOffer.get(id=offer.id)).stock == 4
    silent_app = await TrialApplication.get(trial_id=trial.id, member_id=silent.id)
    assert silent_app.voucher_reserved_at is None
    assert await Voucher.filter(hub_id=hub.id).count() == 1
    # when: the given voucher expires unused
    later = datetime.now(UTC) + timedelta(days=31)
    assert await refund_expired_vouchers(now=later) >= 1  # every hub's: other tests' too
    # then: it is expired, nothing refunded (it was not bought)
    voucher = await Voucher.get(hub_id=hub.id)
    assert voucher.status == VoucherStatus.EXPIRED and voucher.refund_id is None


async def test_an_offer_of_another_business_or_ended_or_sold_out_at_creation_is_refused(
    hub: Any, business: Any
) -> None:
    # given: offers of another business, one expired, one paused, one sold out
    owner, org = business
    rival = await Organisation.create(
        hub_id=hub.id,
        slug=f"rival-{uuid.uuid4().hex[:6]}",
        name="Rival",
        kind=OrganisationKind.BUSINESS,
    )
    theirs = await _offer(hub.id, rival.id)
    expired = await _offer(hub.id, org.id, valid_until=datetime.now(UTC) - timedelta(minutes=1))
    paused = await _offer(hub.id, org.id, active=False)
    sold_out = await _offer(hub.id, org.id, stock=0)
    before = await _written(hub.id)
    cases = [
        (theirs.id, E.VOUCHER_OFFER_NOT_YOURS),
        (expired.id, E.VOUCHER_OFFER_UNAVAILABLE),
        (paused.id, E.VOUCHER_OFFER_UNAVAILABLE),
        (sold_out.id, E.VOUCHER_OFFER_EXHAUSTED),
        (sold_out.id + 1000, E.NOT_FOUND),
    ]
    for offer_id, code in cases:
        # when: a trial rewarding from it
        with pytest.raises(DomainError) as caught:
            await service.create_trial(
                actor=actor_of(owner), given=trial_input(org, reward_offer_id=offer_id)
            )
        # then: the typed error on rewardOfferId
        assert (caught.value.code, caught.value.field) == (code, "rewardOfferId"), offer_id
    # and nothing written
    assert await _written(hub.id) == before


async def test_selection_from_an_exhausted_or_ended_offer_is_refused_with_nothing_written(
    hub: Any, business: Any
) -> None:
    # given: a chosen-testers trial with a voucher reward of an offer with 1 left, two
    # applicants; the first is selected (the last voucher reserved)
    owner, org = business
    offer = await _offer(hub.id, org.id, stock=1)
    trial = await _voucher_trial(business, offer, reward_credits=50)
    first, second = await member(hub), await member(hub)
    apps = [await applications.apply(actor=actor_of(p), trial_id=trial.id) for p in (first, second)]
    await applications.select_tester(actor=actor_of(owner), application_id=apps[0].id)
    before = await _written(hub.id)
    # when: the business selects the second
    with pytest.raises(DomainError) as caught:
        await applications.select_tester(actor=actor_of(owner), application_id=apps[1].id)
    # then: VOUCHER_OFFER_EXHAUSTED; no place taken, no credits held, no stock moved
    assert caught.value.code == E.VOUCHER_OFFER_EXHAUSTED
    assert await _written(hub.id) == before
    assert (await TrialApplication.get(id=apps[1].id)).status == TrialApplicationStatus.APPLIED
    assert (await Trial.get(id=trial.id)).selected == 1
    # when: stock is added but the offer has ended
    await VoucherOffer.filter(id=offer.id).update(
        stock=3, valid_until=datetime.now(UTC) - timedelta(minutes=1)
    )
    with pytest.raises(DomainError) as ended:
        await applications.select_tester(actor=actor_of(owner), application_id=apps[1].id)
    # then: VOUCHER_OFFER_UNAVAILABLE, nothing written
    assert ended.value.code == E.VOUCHER_OFFER_UNAVAILABLE
    assert (await VoucherOffer.get(id=offer.id)).stock == 3
    assert (await TrialApplication.get(id=apps[1].id)).status == TrialApplicationStatus.APPLIED


CREATE = """
mutation Create($input: CreateTrialInput!) {
  createTrial(input: $input) {
    trial { id rewardOffer { title } }
    errors { code field }
  }
}"""
MOVE = """
mutation Move($input: MoveTrialInput!) { moveTrial(input: $input) { errors { code } } }"""
APPLY = """
mutation Apply($input: ApplyToTrialInput!) {
  applyToTrial(input: $input) { application { status } errors { code } }
}"""
SUBMIT = """
mutation Report($input: TrialReportInput!) {
  submitTrialReport(input: $input) {
    report { rewardVoucher { code status offer { title } } }
    errors { code }
  }
}"""


async def test_over_http_the_tester_reads_the_voucher_their_report_earned(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: a business with a voucher offer, a rival's offer
    from tests.trials.test_api import _business, _gid

    owner = await make_person(display_name="Owner")
    org = await _business(hub, owner, credits=0)
    offer = await _offer(hub.id, org.id)
    rival = await Organisation.create(
        hub_id=hub.id, slug=f"rival-{uuid.uuid4().hex[:6]}", name="Rival",
        kind=OrganisationKind.BUSINESS,
    )  # fmt: skip
    theirs = await _offer(hub.id, rival.id)
    base = {
        "organisationId": _gid("Organisation", org.id),
        "title": "Taste our oat latte",
        "product": "Oat latte",
        "places": 3,
        "selection": "FIRST_COME",
        "dimensions": ["Taste"],
        "closesAt": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
    }
    # when: the business offers the rival's vouchers
    refused = await gql(
        CREATE, {"input": {**base, "rewardOfferId": _gid("VoucherOffer", theirs.id)}}, as_=owner
    )
    # then: a typed error in the payload
    assert refused["createTrial"] == {
        "trial": None,
        "errors": [{"code": "VOUCHER_OFFER_NOT_YOURS", "field": "rewardOfferId"}],
    }
    # when: its own offer; a member applies and reports
    made = await gql(
        CREATE, {"input": {**base, "rewardOfferId": _gid("VoucherOffer", offer.id)}}, as_=owner
    )
    trial = made["createTrial"]["trial"]
    assert trial["rewardOffer"] == {"title": "Free oat latte"}
    await gql(MOVE, {"input": {"trialId": trial["id"], "to": "RECRUITING"}}, as_=owner)
    tester = await make_person(display_name="Tester")
    applied = await gql(APPLY, {"input": {"trialId": trial["id"]}}, as_=tester)
    assert applied["applyToTrial"]["application"]["status"] == "SELECTED"
    sent = await gql(SUBMIT, {"input": {"trialId": trial["id"], "ratings": [5]}}, as_=tester)
    # then: the report carries the voucher, issued, of the business's offer
    voucher = sent["submitTrialReport"]["report"]["rewardVoucher"]
    assert voucher["status"] == "ISSUED" and voucher["offer"] == {"title": "Free oat latte"}
    assert await Voucher.filter(hub_id=hub.id, code=voucher["code"]).count() == 1

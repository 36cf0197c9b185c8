"""A member erases their account: their personal values are nowhere in the database
afterwards (every table and column searched), while the books still balance."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise

from app.audit.models import AuditEvent
from app.auth import service as auth
from app.badges.models import SuccessStory
from app.campaigns import service as campaigns
from app.campaigns.models import CampaignKind
from app.config import get_settings
from app.credits import ledger
from app.credits.models import Account, Entry, TransferKind
from app.gdpr import erasure
from app.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.jobs.models import OutboxJob
from app.opportunities import applications
from app.opportunities.models import Opportunity
from app.organisations import service as organisations
from app.people import service as people
from app.people.models import CheckKind, Member, MemberRole, Role
from app.portfolios import reviews
from app.portfolios.models import Review
from app.trials import applications as trial_applications
from app.trials import reports as trial_reports
from app.trials import service as trials
from app.trials.models import Selection, TrialStatus
from tests.credits.conftest import books, fund_member
from tests.helpers import create_person
from tests.people.conftest import actor_of, snapshot

ERASE = """
mutation($input: EraseAccountInput!) { eraseAccount(input: $input) { erased errors { code field message } } }"""
PROFILE = """
mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { errors { code } } }"""
ME = "{ viewer { id } }"

NAME = "Zephyrine Quillfeather"
EMAIL = "zephyrine.quillfeather@example.org"
PHONE = "07700 900461"
ADDRESS = "14 Quillon Street"
BIO = f"Ring me on {PHONE}, I live at {ADDRESS}, M4 6FH."
DBS = "DBS-ZQ-448812"
PERSONAL = (NAME, EMAIL, PHONE, ADDRESS, BIO, "Quillfeather", "zephyrine.quillfeather")


async def where_found(value: str) -> list[str]:
    """Every table.column of the database whose text holds `value`, in any case."""
    conn = Tortoise.get_connection("default")
    columns = await conn.execute_query_dict(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
        " AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')"
        " ORDER BY table_name, column_name"
    )
    assert len(columns) > 100  # the whole schema, not a few tables
    found = []
    for c in columns:
        table, column = c["table_name"], c["column_name"]
        rows = await conn.execute_query_dict(
            f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE $1 LIMIT 1', [f"%{value}%"]
        )
        if rows:
            found.append(f"{table}.{column}")
    return found


def mail_files_naming(value: str) -> list[str]:
    """The .eml files of the file backend whose bytes hold `value`."""
    folder = get_settings().mail_dir
    files = folder.glob("*.eml") if folder.exists() else []
    return [f.name for f in files if value.lower().encode() in f.read_bytes().lower()]


async def what_she_wrote_elsewhere(zeph: Any, bob: Any, opportunity_id: int) -> None:
    """A trial report's comment, an organisation's story and a campaign update she wrote, and
    webhook deliveries naming her: one sent, one still pending."""
    org = await organisations.create_organisation(
        actor=await actor_of(bob), name="Oat Co", kind="business"
    )
    given = trials.TrialInput(
        organisation_id=org.id,
        title="Taste our oat milk",
        product="Oat milk",
        places=5,
        dimensions=["Taste"],
        closes_at=datetime.now(UTC) + timedelta(days=7),
        selection=Selection.FIRST_COME,
    )
    owner = await actor_of(bob)
    trial = await trials.create_trial(actor=owner, given=given)
    await trials.move_trial(actor=owner, trial_id=trial.id, to=TrialStatus.RECRUITING)
    await trial_applications.apply(actor=await actor_of(zeph), trial_id=trial.id)
    await trial_reports.submit_report(
        actor=await actor_of(zeph),
        trial_id=trial.id,
        given=trial_reports.ReportInput(ratings=[4], comment=f"Creamy. Call me on {PHONE}"),
    )
    await SuccessStory.create(
        hub_id=zeph.member.hub_id,
        organisation_id=org.id,
        author_id=zeph.member.id,
        title=f"How {NAME} fixed the bench",
        body=f"Reach her on {PHONE}.",
        opportunity_id=opportunity_id,
    )
    campaign = await campaigns.create_campaign(
        actor=await actor_of(zeph),
        given=campaigns.CampaignInput(
            kind=CampaignKind.PROJECT,
            title="A bench for the park",
            deadline=datetime.now(UTC) + timedelta(days=3),
            target=100,
        ),
    )
    await campaigns.open_campaign(actor=await actor_of(zeph), campaign_id=campaign.id)
    await campaigns.post_update(
        actor=await actor_of(zeph),
        campaign_id=campaign.id,
        title=f"News from {NAME}",
        body=f"Questions? {EMAIL}",
    )
    endpoint = await WebhookEndpoint.create(
        hub_id=zeph.member.hub_id,
        url="http://127.0.0.1:9/hook",
        event_types=["opportunity.published"],
        secret="whsec_dGVzdA==",
        owner_id=bob.member.id,
    )
    for status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.PENDING):
        await WebhookDelivery.create(
            hub_id=zeph.member.hub_id,
            endpoint_id=endpoint.id,
            event_type="opportunity.published",
            message_id=f"msg_{status.value}",
            payload={"data": {"title": f"Help {NAME} move a wardrobe"}},
            status=status,
        )


async def test_erased_personal_data_is_nowhere_and_the_books_balance(
    gql: Any, hub: Any, bob: Any, delivered: Any, post: Any, run_jobs: Any
) -> None:
    # given: a member who used the hub: profile, a DBS check, volunteering with credits
    # earned, a review written, an application message, a password reset email, a payment
    zeph = await create_person(hub=hub, display_name=NAME, email=EMAIL)
    await gql(
        PROFILE,
        {
            "input": {
                "bio": BIO,
                "homeLocation": {"lat": 53.4839, "lng": -2.2246},
                "dateOfBirth": "1990-04-01",
            }
        },
        as_=zeph,
    )
    await people.submit_check(
        actor=await actor_of(zeph), kind=CheckKind.DBS_ENHANCED, reference=DBS
    )
    _, application, _ = await delivered(bob, zeph, 90)
    await reviews.write_review(
        actor=await actor_of(zeph), application_id=application.id, rating=5, comment="Lovely day"
    )
    other = await post(bob, title="Sorting the food bank shelves")
    await applications.apply(
        actor=await actor_of(zeph), opportunity_id=other.id, message=f"Text me: {PHONE}"
    )
    await auth.request_password_reset(hub_slug=hub.slug, email=EMAIL)
    # ... help she asked for at her own door, and a group that gave her address as its contact
    own = await post(
        zeph, title="Help me move a wardrobe", address=ADDRESS, location=(53.4839, -2.2246)
    )
    await organisations.create_organisation(
        actor=await actor_of(bob), name="Ancoats Allotments", kind="charity", contact_email=EMAIL
    )
    await what_she_wrote_elsewhere(zeph, bob, other.id)
    await fund_member(hub.id, zeph.member.id, 50)
    await ledger.post(
        source=await ledger.member_account(hub.id, zeph.member.id),
        destination=await ledger.member_account(hub.id, bob.member.id),
        amount=20,
        kind=TransferKind.EXCHANGE,
        memo="garden help",
    )
    await run_jobs()
    account = await Account.get(hub_id=hub.id, member_id=zeph.member.id)
    entries = await Entry.filter(account_id=account.id).count()
    assert await where_found(NAME)  # the test can see the values before
    assert await where_found(PHONE)
    assert "opportunity.address" in await where_found(ADDRESS)
    assert "organisation.contact_email" in await where_found(EMAIL)
    assert {"success_story.title", "campaign_update.title", "webhook_delivery.payload"} <= set(
        await where_found(NAME)
    )
    assert "trial_report.comment" in await where_found(PHONE)
    assert mail_files_naming(EMAIL)  # the reset email, in var/mail
    # when
    data = await gql(ERASE, {"input": {"confirm": "ERASE"}}, as_=zeph)
    # then
    assert data["eraseAccount"] == {"erased": True, "errors": []}
    for value in PERSONAL:
        assert await where_found(value) == [], value
        assert mail_files_naming(value) == [], value
    # the pending webhook delivery still goes, naming a former member; the sent one is gone
    pending = await WebhookDelivery.get(message_id="msg_pending")
    assert pending.payload == {"data": {"title": f"Help {erasure.PSEUDONYM} move a wardrobe"}}
    assert not await WebhookDelivery.exists(message_id="msg_succeeded")
    # the DBS check is kept for the legal period, and only it
    assert await where_found(DBS) == ["trust_check.reference"]
    # the member row is pseudonymous
    member = await Member.get(id=zeph.member.id)
    assert (member.display_name, member.email, member.password_hash) == (
        erasure.PSEUDONYM,
        None,
        None,
    )
    assert (member.home_lat, member.home_lng, member.date_of_birth) == (None, None, None)
    assert member.erased_at is not None
    # her own listing keeps its coarse area only
    listing = await Opportunity.get(id=own.id)
    assert (listing.lat, listing.lng, listing.address) == (None, None, "")
    assert listing.cell6 is not None
    # the books: her account and every entry stay, the sum of accounts is zero
    assert await books(hub.id) == 0
    kept = await Account.get(id=account.id)
    assert (kept.member_id, kept.balance) == (zeph.member.id, account.balance)
    assert await Entry.filter(account_id=account.id).count() == entries
    # the review she wrote stays, by a former member
    review = await Review.get(author_id=zeph.member.id)
    assert (review.rating, review.comment) == (5, "Lovely day")
    # she is signed out everywhere and cannot sign in
    body = await gql.raw(ME, as_=zeph)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # audited, with no personal value
    event = await AuditEvent.get(action="member.erase", subject_id=zeph.member.id)
    assert event.data == {"trust_checks_kept": 1}
    # when: the retention period is over and the cron runs
    purged = await erasure.purge_expired_checks(now=datetime.now(UTC) + timedelta(days=184))
    # then
    assert purged == 1
    assert await where_found(DBS) == []


async def test_erasing_while_credits_are_held_is_refused_and_nothing_written(
    gql: Any, hub: Any, alice: Any, bob: Any
) -> None:
    # given: credits held from alice for bob (a booking, a loan deposit...)
    await fund_member(hub.id, alice.member.id, 30)
    await ledger.hold(
        source=await ledger.member_account(hub.id, alice.member.id),
        destination=await ledger.member_account(hub.id, bob.member.id),
        amount=10,
        kind=TransferKind.DEPOSIT,
        memo="deposit",
    )
    before = await snapshot(hub.id)
    # when
    data = await gql(ERASE, {"input": {"confirm": "ERASE"}}, as_=alice)
    # then
    assert [e["code"] for e in data["eraseAccount"]["errors"]] == ["OPEN_HOLDS"]
    assert data["eraseAccount"]["erased"] is False
    assert await snapshot(hub.id) == before


async def test_bad_confirmation_and_last_admin_are_refused(
    gql: Any, hub: Any, alice: Any, admin: Any
) -> None:
    before = await snapshot(hub.id)
    # when: not confirmed
    for confirm in ("", "erase", "yes"):
        data = await gql(ERASE, {"input": {"confirm": confirm}}, as_=alice)
        # then
        assert [(e["code"], e["field"]) for e in data["eraseAccount"]["errors"]] == [
            ("INVALID", "confirm")
        ]
    # when: the hub's only admin
    data = await gql(ERASE, {"input": {"confirm": "ERASE"}}, as_=admin)
    # then
    assert [e["code"] for e in data["eraseAccount"]["errors"]] == ["LAST_ADMIN"]
    assert await snapshot(hub.id) == before
    # when: another admin is named, the first can go
    await MemberRole.create(hub_id=hub.id, member_id=alice.member.id, role=Role.HUB_ADMIN)
    data = await gql(ERASE, {"input": {"confirm": "ERASE"}}, as_=admin)
    assert data["eraseAccount"]["erased"] is True


async def test_a_coordinator_erases_a_proxy_members_account(
    gql: Any, hub: Any, coordinator: Any
) -> None:
    # given
    proxy = await people.create_proxy_member(
        actor=await actor_of(coordinator), display_name="Mr Ambrose Pettigrew"
    )
    from tests.people.conftest import gid

    # when
    data = await gql(
        ERASE,
        {"input": {"confirm": "ERASE"}},
        as_=coordinator,
        headers={"CH-Act-For": gid("Member", proxy.id)},
    )
    # then
    assert data["eraseAccount"] == {"erased": True, "errors": []}
    assert await where_found("Ambrose Pettigrew") == []
    event = await AuditEvent.get(action="member.erase", subject_id=proxy.id)
    assert (event.actor_id, event.acted_by_id) == (proxy.id, coordinator.member.id)
    # and: the coordinator's own account is untouched
    assert (await Member.get(id=coordinator.member.id)).erased_at is None


async def test_erasure_leaves_namesakes_and_other_hubs_mail_alone(
    gql: Any, hub: Any, other_hub: Any, bob: Any, post: Any
) -> None:
    # given: Ann erases; Bob's story mentions an "Annual" fair and "Ann"; a pending email to a
    # member of another hub names their own Ann, and one to Bob names this one
    ann = await create_person(hub=hub, display_name="Ann", email="ann@example.org")
    stranger = await create_person(hub=other_hub, display_name="Zed", email="zed@example.org")
    story = await SuccessStory.create(
        hub_id=hub.id,
        organisation_id=(
            await organisations.create_organisation(
                actor=await actor_of(bob), name="Fair folk", kind="charity"
            )
        ).id,
        author_id=bob.member.id,
        title="The Annual fair",
        body="Ann ran the cake stall at the Annual fair.",
        opportunity_id=(await post(bob, title="Fair")).id,
    )  # fmt: skip
    elsewhere = await OutboxJob.create(
        name="send_email",
        payload={"to": stranger.member.email, "subject": "Ann replied", "text": "Ann says hi"},
    )
    here = await OutboxJob.create(
        name="send_email",
        payload={"to": bob.member.email, "subject": "Ann replied", "text": "Ann says hi"},
    )
    # when
    data = await gql(ERASE, {"input": {"confirm": "ERASE"}}, as_=ann)
    # then: whole words only, in this hub only
    assert data["eraseAccount"]["errors"] == []
    kept = await SuccessStory.get(id=story.id)
    assert (kept.title, kept.body) == (
        "The Annual fair",
        f"{erasure.PSEUDONYM} ran the cake stall at the Annual fair.",
    )
    assert (await OutboxJob.get(id=elsewhere.id)).payload["text"] == "Ann says hi"
    assert (await OutboxJob.get(id=here.id)).payload["text"] == f"{erasure.PSEUDONYM} says hi"

"""One person in two hubs (issue 22): linked accounts, both emails proven; each portfolio (the
GraphQL one and the printable CV) shows the verified hours of both, labelled by hub, with the
totals per hub and combined."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.expressions import Q

from app.actor import Actor
from app.audit.models import AuditEvent
from app.config import get_settings
from app.federation import accounts
from app.federation.models import AccountLink, AccountLinkStatus
from app.hubs import service as hubs
from app.opportunities.models import Category
from app.people.models import Member, Role
from app.portfolios import service as portfolios
from schema.relay import encode_id
from tests.helpers import Person, count_sql, create_person, link_in, read_mail
from tests.opportunities.conftest import category, post  # noqa: F401
from tests.portfolios.conftest import delivered, engage, logged  # noqa: F401

REQUEST = """
mutation($input: RequestAccountLinkInput!) {
  requestAccountLink(input: $input) {
    link { id status hubName hubSlug askedByMe }
    errors { code field message }
  }
}"""
CONFIRM = """
mutation($input: ConfirmAccountLinkInput!) {
  confirmAccountLink(input: $input) {
    link { id status hubName askedByMe confirmedAt }
    errors { code field message }
  }
}"""
REMOVE = """
mutation($input: RemoveAccountLinkInput!) {
  removeAccountLink(input: $input) { removedLinkId errors { code field } }
}"""
LINKS = "{ accountLinks { id status hubName hubSlug askedByMe } }"
PORTFOLIO = """
{ portfolio { totalMinutes combinedMinutes
  hoursByHub { hubName hubSlug linked minutes servicesDelivered } } }"""
CONFIRM_PREFIX = "http://testserver/account-links/confirm?token="


def link_mails(to: str) -> list[Any]:
    """The account-link emails sent to `to` (not the verification email of registering)."""
    return [m for m in read_mail(to) if CONFIRM_PREFIX in m.get_content()]


def actor(person: Person) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER}))


def gid(link_id: int) -> str:
    return str(encode_id("AccountLink", link_id))


def of(w: "World") -> Any:
    """The account links of this test's people (the database is shared by the tests)."""
    ids = [w.ana.member.id, w.ana_b.member.id]
    return AccountLink.filter(Q(member_a_id__in=ids) | Q(member_b_id__in=ids))


def audit_of(w: "World", **where: Any) -> Any:
    return AuditEvent.filter(hub_id__in=[w.hub.id, w.other.id], **where)


class World:
    """Ana, a member of hub A and of hub B (one account in each), with verified hours in both;
    Bea and Carl, who help them there."""

    def __init__(self, hub: Any, other: Any) -> None:
        self.hub, self.other = hub, other

    async def make(self, deliver: Any) -> "World":
        self.ana = await create_person(hub=self.hub, display_name="Ana")
        self.ana_b = await create_person(hub=self.other, display_name="Ana B")
        self.bea = await create_person(hub=self.hub, display_name="Bea")
        self.carl = await create_person(hub=self.other, display_name="Carl")
        cat_b = await Category.create(hub_id=self.other.id, slug="repairs", name="Repairs")
        await deliver(self.bea, self.ana, 90)
        await deliver(self.carl, self.ana_b, 30, category_id=cat_b.id)
        await deliver(self.carl, self.ana_b, 15, category_id=cat_b.id)
        return self


@pytest.fixture
async def world(hub: Any, other_hub: Any, delivered: Any) -> World:  # noqa: F811
    return await World(hub, other_hub).make(delivered)


async def rows() -> dict[str, int]:
    """Rows that a refused request must not write."""
    conn = Tortoise.get_connection("default")
    counts = {}
    for table in ("account_link", "audit_event", "outbox_job"):
        found = await conn.execute_query_dict(f"SELECT count(*)::int AS n FROM {table}")
        counts[table] = found[0]["n"]
    return counts


async def asked(gql: Any, w: World) -> dict[str, Any]:
    data = await gql(
        REQUEST, {"input": {"hubSlug": w.other.slug, "email": w.ana_b.email}}, as_=w.ana
    )
    assert data["requestAccountLink"]["errors"] == [], data
    return data["requestAccountLink"]["link"]  # type: ignore[no-any-return]


async def test_linked_by_the_emailed_link_each_portfolio_shows_both_hubs(
    gql: Any, http: Any, run_jobs: Any, world: World
) -> None:
    w = world
    # when: Ana (signed in to A) asks to link her account in B
    link = await asked(gql, w)
    # then: pending, and the link is emailed to her verified address in B
    assert (link["status"], link["hubName"], link["askedByMe"]) == ("PENDING", w.other.name, True)
    await run_jobs()
    [message] = link_mails(w.ana_b.email)
    assert w.hub.name in message["Subject"] and w.other.name in message["Subject"]
    url = link_in(message, CONFIRM_PREFIX).removeprefix("http://testserver")
    # opening the link (a mail scanner) uses nothing up
    page = await http.get(url)
    assert page.status_code == 200 and "<form" in page.text
    assert (await of(w).get()).status == AccountLinkStatus.PENDING
    before = await gql(PORTFOLIO, as_=w.ana)
    assert before["portfolio"]["combinedMinutes"] == 90
    # when: she clicks confirm
    token = url.split("token=", 1)[1]
    done = await http.post("/account-links/confirm", data={"token": token})
    # then: linked; each side lists the other hub
    assert done.status_code == 200, done.text
    mine = (await gql(LINKS, as_=w.ana))["accountLinks"]
    theirs = (await gql(LINKS, as_=w.ana_b))["accountLinks"]
    assert [(x["status"], x["hubSlug"], x["askedByMe"]) for x in mine] == [
        ("ACTIVE", w.other.slug, True)
    ]
    assert [(x["status"], x["hubSlug"], x["askedByMe"]) for x in theirs] == [
        ("ACTIVE", w.hub.slug, False)
    ]
    # and both portfolios show both hubs' verified hours, own hub first, and the sum
    in_a = (await gql(PORTFOLIO, as_=w.ana))["portfolio"]
    assert in_a == {
        "totalMinutes": 90,
        "combinedMinutes": 135,
        "hoursByHub": [
            {
                "hubName": w.hub.name,
                "hubSlug": w.hub.slug,
                "linked": False,
                "minutes": 90,
                "servicesDelivered": 1,
            },
            {
                "hubName": w.other.name,
                "hubSlug": w.other.slug,
                "linked": True,
                "minutes": 45,
                "servicesDelivered": 2,
            },
        ],
    }
    in_b = (await gql(PORTFOLIO, as_=w.ana_b))["portfolio"]
    assert (in_b["totalMinutes"], in_b["combinedMinutes"]) == (45, 135)
    assert [(h["hubName"], h["linked"], h["minutes"]) for h in in_b["hoursByHub"]] == [
        (w.other.name, False, 45),
        (w.hub.name, True, 90),
    ]
    # audit: asked in A, linked in both hubs (ids only)
    actions = (
        await audit_of(w, object_type="AccountLink")
        .order_by("id")
        .values_list("hub_id", "action", "subject_id")
    )
    assert actions == [
        (w.hub.id, "account_link.request", None),
        (w.hub.id, "account_link.link", w.ana.member.id),
        (w.other.id, "account_link.link", w.ana_b.member.id),
    ]


async def test_the_public_cv_shows_the_hours_by_hub_and_combined(http: Any, world: World) -> None:
    w = world
    link = await accounts.request_link(
        actor=actor(w.ana), hub_slug=w.other.slug, email=w.ana_b.email
    )
    await accounts.confirm_signed_in(actor=actor(w.ana_b), link_id=link.id)
    found = await portfolios.set_visibility(actor=actor(w.ana), public=True)
    # when
    as_json = (await http.get(f"/cv/{found.share_token}.json")).json()
    page = (await http.get(f"/cv/{found.share_token}")).text
    # then
    assert [(h["hub"], h["linked"], h["minutes"]) for h in as_json["hoursByHub"]] == [
        (w.hub.name, False, 90),
        (w.other.name, True, 45),
    ]
    assert as_json["combinedMinutes"] == 135 and as_json["totalMinutes"] == 90
    assert "Hours by hub" in page and w.other.name in page and "All hubs together" in page
    # a member with no link: no hub section on the CV
    bea = await portfolios.set_visibility(actor=actor(w.bea), public=True)
    assert "Hours by hub" not in (await http.get(f"/cv/{bea.share_token}")).text


async def test_confirmed_signed_in_to_the_other_hub_and_only_by_that_account(
    gql: Any, world: World
) -> None:
    w = world
    link = await asked(gql, w)
    # someone else in B cannot confirm it, nor remove it, nor see it
    other = await gql(CONFIRM, {"input": {"linkId": link["id"]}}, as_=w.carl)
    assert other["confirmAccountLink"]["errors"][0]["code"] == "NOT_FOUND"
    removed = await gql(REMOVE, {"input": {"linkId": link["id"]}}, as_=w.carl)
    assert removed["removeAccountLink"]["errors"][0]["code"] == "NOT_FOUND"
    assert (await gql(LINKS, as_=w.carl))["accountLinks"] == []
    # the asker cannot confirm their own request
    own = await gql(CONFIRM, {"input": {"linkId": link["id"]}}, as_=w.ana)
    assert own["confirmAccountLink"]["errors"][0]["code"] == "NOT_FOUND"
    # when: Ana, signed in to B, confirms
    done = await gql(CONFIRM, {"input": {"linkId": link["id"]}}, as_=w.ana_b)
    # then
    assert done["confirmAccountLink"]["errors"] == []
    assert done["confirmAccountLink"]["link"]["status"] == "ACTIVE"
    assert done["confirmAccountLink"]["link"]["hubName"] == w.hub.name
    # and a second confirmation is refused
    again = await gql(CONFIRM, {"input": {"linkId": link["id"]}}, as_=w.ana_b)
    assert again["confirmAccountLink"]["errors"][0]["code"] == "TOKEN_USED"


async def test_either_side_removes_the_link_and_the_portfolios_go_back(
    gql: Any, world: World
) -> None:
    w = world
    link = await accounts.request_link(
        actor=actor(w.ana), hub_slug=w.other.slug, email=w.ana_b.email
    )
    await accounts.confirm_signed_in(actor=actor(w.ana_b), link_id=link.id)
    # when: the B side removes it
    done = await gql(REMOVE, {"input": {"linkId": gid(link.id)}}, as_=w.ana_b)
    # then
    assert done["removeAccountLink"] == {"removedLinkId": gid(link.id), "errors": []}
    assert await of(w).count() == 0
    for person, minutes in ((w.ana, 90), (w.ana_b, 45)):
        p = (await gql(PORTFOLIO, as_=person))["portfolio"]
        assert p["combinedMinutes"] == minutes and len(p["hoursByHub"]) == 1
        assert (await gql(LINKS, as_=person))["accountLinks"] == []
    assert await audit_of(w, action="account_link.unlink").values_list("hub_id", flat=True) == [
        w.hub.id,
        w.other.id,
    ]
    # the A side removes a pending one too, and may ask again
    link2 = await asked(gql, w)
    gone = await gql(REMOVE, {"input": {"linkId": link2["id"]}}, as_=w.ana)
    assert gone["removeAccountLink"]["errors"] == []
    await asked(gql, w)


async def test_erasing_either_account_removes_the_link(gql: Any, world: World) -> None:
    w = world
    link = await accounts.request_link(
        actor=actor(w.ana), hub_slug=w.other.slug, email=w.ana_b.email
    )
    await accounts.confirm_signed_in(actor=actor(w.ana_b), link_id=link.id)
    # when: Ana erases her account in B
    erase = """mutation { eraseAccount(input: {confirm: "ERASE"}) { errors { code } } }"""
    assert (await gql(erase, as_=w.ana_b))["eraseAccount"]["errors"] == []
    # then: the link is gone, her portfolio in A shows A alone
    assert await of(w).count() == 0
    p = (await gql(PORTFOLIO, as_=w.ana))["portfolio"]
    assert p["combinedMinutes"] == 90 and len(p["hoursByHub"]) == 1
    unlinked = await audit_of(w, action="account_link.unlink").values_list("hub_id", "data")
    assert sorted(unlinked) == sorted(
        [(w.hub.id, {"reason": "erasure"}), (w.other.id, {"reason": "erasure"})]
    )


BAD = [
    ("same hub", "SAME_HUB", "hubSlug"),
    ("unknown hub", "NOT_FOUND", "hubSlug"),
    ("email of nobody there", "EMAIL_MISMATCH", "email"),
    ("email of someone else in the same hub", "SAME_HUB", "hubSlug"),
    ("not an email", "INVALID", "email"),
    ("their email there not verified", "EMAIL_NOT_VERIFIED", "email"),
    ("own email not verified", "EMAIL_NOT_VERIFIED", None),
    ("linked already", "ALREADY_LINKED", "email"),
]


@pytest.mark.parametrize(("case", "code", "field"), BAD, ids=[b[0] for b in BAD])
async def test_a_bad_request_is_refused_with_nothing_written(
    gql: Any, world: World, case: str, code: str, field: str | None
) -> None:
    w = world
    slug, email = w.other.slug, w.ana_b.email
    if case == "same hub":
        slug, email = w.hub.slug, w.ana.email
    elif case == "unknown hub":
        slug = "no-such-hub"
    elif case == "email of nobody there":
        email = "nobody@example.org"
    elif case == "email of someone else in the same hub":
        slug, email = w.hub.slug, w.bea.email
    elif case == "not an email":
        email = "not-an-email"
    elif case == "their email there not verified":
        await Member.filter(id=w.ana_b.member.id).update(email_verified_at=None)
    elif case == "own email not verified":
        await Member.filter(id=w.ana.member.id).update(email_verified_at=None)
    elif case == "linked already":
        link = await accounts.request_link(actor=actor(w.ana), hub_slug=slug, email=email)
        await accounts.confirm_signed_in(actor=actor(w.ana_b), link_id=link.id)
    before = await rows()
    # when
    data = await gql(REQUEST, {"input": {"hubSlug": slug, "email": email}}, as_=w.ana)
    # then
    [error] = data["requestAccountLink"]["errors"]
    assert (error["code"], error["field"]) == (code, field), error
    assert error["message"]
    assert data["requestAccountLink"]["link"] is None
    assert await rows() == before


async def test_the_other_direction_while_linked_is_linked_already(gql: Any, world: World) -> None:
    w = world
    link = await accounts.request_link(
        actor=actor(w.ana), hub_slug=w.other.slug, email=w.ana_b.email
    )
    await accounts.confirm_signed_in(actor=actor(w.ana_b), link_id=link.id)
    before = await rows()
    back = await gql(REQUEST, {"input": {"hubSlug": w.hub.slug, "email": w.ana.email}}, as_=w.ana_b)
    assert back["requestAccountLink"]["errors"][0]["code"] == "ALREADY_LINKED"
    assert await rows() == before


@pytest.mark.parametrize(
    "case", ["expired", "reused", "unknown", "wrong kind", "an email unverified since"]
)
async def test_a_bad_token_is_refused_with_nothing_written(
    gql: Any, run_jobs: Any, world: World, case: str
) -> None:
    w = world
    await asked(gql, w)
    await run_jobs()
    [message] = link_mails(w.ana_b.email)
    token = link_in(message, CONFIRM_PREFIX).split("token=", 1)[1]
    expected = {
        "expired": "EXPIRED_TOKEN",
        "reused": "TOKEN_USED",
        "unknown": "INVALID_TOKEN",
        "wrong kind": "INVALID_TOKEN",
        "an email unverified since": "EMAIL_NOT_VERIFIED",
    }[case]
    if case == "expired":
        await of(w).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    elif case == "reused":
        first = await gql(CONFIRM, {"input": {"token": token}})
        assert first["confirmAccountLink"]["errors"] == []
        assert first["confirmAccountLink"]["link"]["status"] == "ACTIVE"
    elif case == "unknown":
        token = "chl_" + uuid.uuid4().hex
    elif case == "wrong kind":
        token = "chv_" + token[4:]
    else:
        await Member.filter(id=w.ana.member.id).update(email_verified_at=None)
    state = await of(w).values_list("status", "confirmed_at")
    before = await rows()
    # when
    data = await gql(CONFIRM, {"input": {"token": token}})
    # then
    assert data["confirmAccountLink"]["errors"][0]["code"] == expected
    assert await rows() == before
    assert await of(w).values_list("status", "confirmed_at") == state


async def test_asking_again_while_pending_sends_a_fresh_link_and_the_old_one_stops(
    gql: Any, run_jobs: Any, world: World
) -> None:
    w = world
    await asked(gql, w)
    await asked(gql, w)
    await run_jobs()
    tokens = [link_in(m, CONFIRM_PREFIX).split("token=", 1)[1] for m in link_mails(w.ana_b.email)]
    # the mail files are in no particular order: the stored hash tells the fresh one
    current = (await of(w).get()).token_hash
    [new] = [t for t in tokens if accounts.digest(t) == current]
    [old] = [t for t in tokens if t != new]
    stale = await gql(CONFIRM, {"input": {"token": old}})
    assert stale["confirmAccountLink"]["errors"][0]["code"] == "INVALID_TOKEN"
    fresh = await gql(CONFIRM, {"input": {"token": new}})
    assert fresh["confirmAccountLink"]["errors"] == []
    assert await of(w).count() == 1


async def test_a_member_of_another_hub_is_not_flooded_with_link_emails(
    gql: Any, world: World, monkeypatch: Any
) -> None:
    monkeypatch.setattr(get_settings(), "limits_scale", 1.0)  # the suite runs with 1000
    w = world
    for _ in range(accounts.ASK.per_identity):
        await asked(gql, w)
    before = await rows()
    # when
    data = await gql(
        REQUEST, {"input": {"hubSlug": w.other.slug, "email": w.ana_b.email}}, as_=w.ana
    )
    # then
    [error] = data["requestAccountLink"]["errors"]
    assert (error["code"], error["field"]) == ("RATE_LIMITED", "email")
    assert await rows() == before


async def test_both_sides_asking_at_once_make_one_link(world: World) -> None:
    w = world
    results = await asyncio.gather(
        accounts.request_link(actor=actor(w.ana), hub_slug=w.other.slug, email=w.ana_b.email),
        accounts.request_link(actor=actor(w.ana_b), hub_slug=w.hub.slug, email=w.ana.email),
        return_exceptions=True,
    )
    assert all(isinstance(r, AccountLink) for r in results), results
    # the later request replaced the earlier pending one: one row for the pair
    assert await of(w).count() == 1


async def test_the_portfolio_runs_the_same_statements_for_1_and_3_linked_accounts(
    gql: Any,
    world: World,
    delivered: Any,  # noqa: F811
) -> None:
    w = world
    counts = []
    link = await accounts.request_link(
        actor=actor(w.ana), hub_slug=w.other.slug, email=w.ana_b.email
    )
    await accounts.confirm_signed_in(actor=actor(w.ana_b), link_id=link.id)
    await gql(PORTFOLIO, as_=w.ana)  # the first read creates her settings
    with count_sql() as sql:
        one = (await gql(PORTFOLIO, as_=w.ana))["portfolio"]
    counts.append(len(sql.statements))
    for n in range(2):
        suffix = uuid.uuid4().hex[:8]
        third = await hubs.create_hub(name=f"Third {n} {suffix}", slug=f"third-{suffix}")
        there = await create_person(hub=third, display_name="Ana again")
        link = await accounts.request_link(
            actor=actor(there), hub_slug=w.hub.slug, email=w.ana.email
        )
        await accounts.confirm_signed_in(actor=actor(w.ana), link_id=link.id)
    with count_sql() as sql:
        three = (await gql(PORTFOLIO, as_=w.ana))["portfolio"]
    counts.append(len(sql.statements))
    assert (len(one["hoursByHub"]), len(three["hoursByHub"])) == (2, 4)
    assert three["combinedMinutes"] == 135
    assert counts[0] == counts[1], counts

"""Civic voice and credits across hubs in the reader's language: a report outside the area, a
status change told to followers, a payment to a hub with no link, the label of hours
volunteered at a partner hub (codes stay the same)."""

from typing import Any

import pytest

from tests.civic.conftest import FAR, NOTIFICATIONS, STATUS, post_report
from tests.federation.conftest import Pair, key
from tests.helpers import Person

LANGUAGE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { errors { code } }
}"""
PAY = """
mutation($input: PayPartnerMemberInput!) {
  payPartnerMember(input: $input) { transfer { id } errors { code field message } }
}"""
CREDIT = """
mutation($input: CreditPartnerVolunteerInput!) {
  creditPartnerVolunteer(input: $input) { ok errors { code field } }
}"""
STATEMENT = "{ myStatement(first: 5) { edges { node { transfer { memo } } } } }"


async def speaks(gql: Any, person: Person, locale: str) -> None:
    data = await gql(LANGUAGE, {"input": {"locale": locale}}, as_=person)
    assert data["updateProfile"]["errors"] == []


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("it", "Questo luogo è fuori dall'area dell'hub."),
        ("es", "Este lugar está fuera de la zona del hub."),
        ("en-GB", "This place is outside the hub's area."),
    ],
)
async def test_a_report_outside_the_area_is_refused_in_the_readers_language(
    gql: Any, alice: Any, fly_tipping: Any, locale: str, message: str
) -> None:
    await speaks(gql, alice, locale)

    posted = await post_report(gql, alice, fly_tipping, place=FAR)

    assert posted["report"] is None
    assert posted["errors"] == [{"code": "OUTSIDE_AREA", "field": "location", "message": message}]


async def test_a_status_change_is_told_to_each_follower_in_their_language(
    gql: Any, alice: Any, bob: Any, council: Any, fly_tipping: Any
) -> None:
    # given: Alice reports (Italian), Bob has the same problem (Spanish), the council English
    await speaks(gql, alice, "it")
    await speaks(gql, bob, "es")
    report = (await post_report(gql, alice, fly_tipping))["report"]
    me_too = "mutation($i: MeTooProblemInput!) { meTooProblem(input: $i) { errors { code } } }"
    assert (await gql(me_too, {"i": {"problemReportId": report["id"]}}, as_=bob))["meTooProblem"][
        "errors"
    ] == []
    # when: confirmed without a note, then closed with the council's own words
    for status, note in (("CONFIRMED", ""), ("CLOSED", "Cleared on Tuesday")):
        variables = {"input": {"problemReportId": report["id"], "status": status, "note": note}}
        assert (await gql(STATUS, variables, as_=council))["updateProblemStatus"]["errors"] == []
    # then: the titles and the status name are theirs; the council's note stays as written
    told = {
        name: [
            (e["node"]["title"], e["node"]["reason"])
            for e in (await gql(NOTIFICATIONS, as_=person))["notifications"]["edges"]
        ]
        for name, person in (("alice", alice), ("bob", bob))
    }
    assert sorted(told["alice"]) == [
        ("Un problema che segui è stato chiuso", "Cleared on Tuesday"),
        ("Un problema che segui è stato confermato", "La segnalazione ora è confermata."),
    ]
    assert sorted(told["bob"]) == [
        ("Un problema que sigues ha sido cerrado", "Cleared on Tuesday"),
        ("Un problema que sigues ha sido confirmado", "El aviso ahora está confirmado."),
    ]
    # and a move the status cannot make is refused in the officer's language
    await speaks(gql, council, "es")
    variables = {"input": {"problemReportId": report["id"], "status": "OPEN", "note": "again"}}
    [error] = (await gql(STATUS, variables, as_=council))["updateProblemStatus"]["errors"]
    assert (error["code"], error["message"]) == (
        "BAD_TRANSITION",
        "Un aviso cerrado no puede pasar a abierto.",
    )


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("it", "Questo hub non ha un collegamento con quell'hub."),
        ("es", "Este hub no tiene un vínculo con ese hub."),
    ],
)
async def test_paying_a_hub_with_no_link_is_refused_in_the_readers_language(
    gql: Any, pair: Pair, locale: str, message: str
) -> None:
    await speaks(gql, pair.payer, locale)
    variables = {
        "input": {
            "partnerHubSlug": pair.other.slug,  # no link agreed
            "payeeId": pair.payee.gid,
            "amount": 5,
            "idempotencyKey": key(),
        }
    }

    data = (await gql(PAY, variables, as_=pair.payer))["payPartnerMember"]

    assert data["transfer"] is None
    assert data["errors"] == [{"code": "NO_LINK", "field": "partnerHubSlug", "message": message}]


async def test_hours_volunteered_at_a_partner_hub_read_in_the_volunteers_language(
    gql: Any, pair: Pair
) -> None:
    # given: a member of hub A volunteered 90 minutes at hub B
    await pair.link()
    variables = {
        "input": {
            "partnerHubSlug": pair.hub.slug,
            "volunteerId": pair.payer.gid,
            "minutes": 90,
            "idempotencyKey": key(),
        }
    }
    assert (await gql(CREDIT, variables, as_=pair.other_admin))["creditPartnerVolunteer"]["ok"]
    # when / then: their statement's label is in their language, each time they read it
    memos = {}
    for locale in ("it", "es", "en-GB"):
        await speaks(gql, pair.payer, locale)
        [entry] = (await gql(STATEMENT, as_=pair.payer))["myStatement"]["edges"]
        memos[locale] = entry["node"]["transfer"]["memo"]
    name = pair.other.name
    assert memos == {
        "it": f"90 minuti di volontariato presso {name}",
        "es": f"90 minutos de voluntariado en {name}",
        "en-GB": f"90 minutes volunteered at {name}",
    }


async def test_an_idea_due_and_answered_is_told_in_each_readers_language(
    gql: Any, admin: Any, area: None, alice: Any, bob: Any, council: Any
) -> None:
    # given: an idea that reached its threshold with Bob's support (Spanish), a council officer
    # reading Italian
    from app.actor import Actor
    from app.civic import settings
    from app.civic.ideas import service as ideas
    from app.people.models import Role

    await settings.set_civic_settings(
        actor=Actor(member=admin.member, roles=frozenset({Role.MEMBER, Role.HUB_ADMIN})),
        idea_threshold=1, answer_days=2,
    )  # fmt: skip
    await speaks(gql, bob, "es")
    await speaks(gql, council, "it")
    post = "mutation($i: PostIdeaInput!) { postIdea(input: $i) { idea { id } errors { code } } }"
    place = {"lat": FAR[0], "lng": FAR[1]}
    value = {"title": "A zebra crossing", "body": "Children cross here.", "location": place}
    [error] = (await gql(post, {"i": value}, as_=council))["postIdea"]["errors"]
    assert error["code"] == "OUTSIDE_AREA"
    value["location"] = {"lat": 53.4810, "lng": -2.2420}
    idea_id = (await gql(post, {"i": value}, as_=alice))["postIdea"]["idea"]["id"]
    support = "mutation($i: SupportIdeaInput!) { supportIdea(input: $i) { errors { code } } }"
    assert (await gql(support, {"i": {"ideaId": idea_id}}, as_=bob))["supportIdea"]["errors"] == []
    # when: the reminder runs, then the council answers
    assert await ideas.remind_due() == 1
    answer = """mutation($i: AnswerIdeaInput!) { answerIdea(input: $i) { errors { code } } }"""
    variables = {"i": {"ideaId": idea_id, "answer": "Not this year.", "outcome": "REJECTED"}}
    assert (await gql(answer, variables, as_=council))["answerIdea"]["errors"] == []
    # then
    [due] = (await gql(NOTIFICATIONS, as_=council))["notifications"]["edges"]
    assert due["node"]["title"] == "In scadenza: una risposta a “A zebra crossing”"
    assert due["node"]["reason"].startswith("1 membro la sostiene; la risposta è attesa entro il ")
    [told] = (await gql(NOTIFICATIONS, as_=bob))["notifications"]["edges"]
    assert (told["node"]["title"], told["node"]["reason"]) == (
        "El ayuntamiento ha respondido a “A zebra crossing”",
        "Rechazada: Not this year.",
    )

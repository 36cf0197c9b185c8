"""One flow in three languages over GraphQL: register (the verification email and a payload
error), the match notification (with the skill's name as the hub admins translated it) and its
email, the receipt for the credits earned — in British
English, Italian and Spanish, each with no English source text left in the other two."""

import re
import uuid
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.actor import Actor
from app.credits import service as credits
from app.matching.service import notify_matches
from app.opportunities import applications
from app.people import service as people
from app.people.models import Member, Role
from app.portfolios import hours
from schema.relay import encode_id
from tests.helpers import DEFAULT_PASSWORD, Person, next_weekday, queued_emails
from tests.i18n.helpers import english_left
from tests.opportunities.conftest import MANCHESTER, actor_of

REGISTER = """mutation($input: RegisterInput!) {
  register(input: $input) { member { id } errors { code field message } } }"""
VERIFY = """mutation($input: VerifyEmailInput!) {
  verifyEmail(input: $input) { member { id } errors { code } } }"""
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { accessToken errors { code } } }"""
PROFILE = """mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { member { locale } errors { code message } } }"""
TRANSLATE = """mutation($input: SetNameTranslationInput!) {
  setNameTranslation(input: $input) { errors { code } } }"""
NOTIFICATIONS = """query($locale: String) { notifications(first: 5) {
  edges { node { title reason inEnglish: reason(locale: "en-GB") chosen: reason(locale: $locale) } } } }"""

EXPECTED = {
    "en-GB": {
        "verify": "Confirm your email address",
        "duplicate": "This email is already registered in this hub.",
        "reason": "you know first aid, 3.1 km away, free on Monday afternoons",
        "match": "A new opportunity for you: Help in the community garden",
        "receipt": "Receipt: 90 credits earned",
        "credited": "90 credits were added to your account.",
    },
    "it": {
        "verify": "Conferma il tuo indirizzo email",
        "duplicate": "Questa email è già registrata in questo hub.",
        "reason": "conosci primo soccorso, a 3,1 km, libero il lunedì pomeriggio",
        "match": "Una nuova opportunità per te: Help in the community garden",
        "receipt": "Ricevuta: 90 crediti guadagnati",
        "credited": "90 crediti sono stati aggiunti al tuo conto.",
    },
    "es": {
        "verify": "Confirma tu dirección de correo",
        "duplicate": "Este correo ya está registrado en este hub.",
        "reason": "sabes de primeros auxilios, a 3,1 km, libre los lunes por la tarde",
        "match": "Una nueva oportunidad para ti: Help in the community garden",
        "receipt": "Recibo: 90 créditos ganados",
        "credited": "Se han añadido 90 créditos a tu cuenta.",
    },
}


def _clean(text: str, locale: str) -> None:
    if locale != "en-GB":
        assert english_left(text) == [], text


@pytest.mark.parametrize("locale", ["en-GB", "it", "es"])
async def test_register_match_and_receipt_in_the_members_language(
    gql: Any, hub: Any, alice: Any, make_person: Any, post: Any, skill: Any, locale: str
) -> None:
    want = EXPECTED[locale]
    # The hub admins translated the skill's name (hub content).
    admin = await make_person(roles=[Role.HUB_ADMIN])
    for language, name in (("it", "Primo soccorso"), ("es", "Primeros auxilios")):
        variables = {"kind": "SKILL", "id": str(encode_id("Skill", skill.id)), "locale": language}
        data = await gql(TRANSLATE, {"input": {**variables, "name": name}}, as_=admin)
        assert data["setNameTranslation"]["errors"] == []
    email = f"{uuid.uuid4().hex[:10]}@example.org"
    given = {"hubSlug": hub.slug, "email": email, "password": DEFAULT_PASSWORD}
    # Register, choosing the language (British English: left out, the hub's).
    chosen = {} if locale == "en-GB" else {"locale": locale}
    data = await gql(REGISTER, {"input": {**given, "displayName": "Giulia", **chosen}})
    assert data["register"]["errors"] == []
    [verification] = await queued_emails(email)
    assert verification["subject"] == want["verify"]
    _clean(verification["text"], locale)
    # A payload error reads in the language the request chose; its code is the same.
    data = await gql(REGISTER, {"input": {**given, "displayName": "Again", **chosen}})
    assert data["register"]["errors"] == [
        {"code": "DUPLICATE_EMAIL", "field": "email", "message": want["duplicate"]}
    ]
    token = re.search(r"token=(\S+)", verification["text"]).group(1)  # type: ignore[union-attr]
    assert (await gql(VERIFY, {"input": {"token": token}}))["verifyEmail"]["errors"] == []
    login = await gql(LOGIN, {"input": {**given}})
    member = await Member.get(email=email, hub_id=hub.id)
    giulia = Person(
        member=member, token=login["login"]["accessToken"], refresh_token="", email=email
    )
    profile = {
        "homeLocation": {"lat": 53.4875, "lng": -2.2901},  # Salford, 3.1 km from the listing
        "travelKm": 5,
        "availability": [{"weekday": "MON", "start": "09:00", "end": "13:00"}],
    }
    data = await gql(PROFILE, {"input": profile}, as_=giulia)
    assert data["updateProfile"]["errors"] == []
    assert data["updateProfile"]["member"]["locale"] == (None if locale == "en-GB" else locale)
    actor = Actor(member=await Member.get(id=member.id), roles=frozenset({Role.MEMBER}))
    await people.set_member_skills(actor=actor, skill_ids=[skill.id])

    # A listing that needs her skill, near her, on a Monday afternoon: she is told why.
    london = ZoneInfo("Europe/London")
    monday = datetime.combine(next_weekday(0), time(12), tzinfo=london).astimezone(UTC)
    opportunity = await post(
        alice,
        location=MANCHESTER,
        skill_ids=[skill.id],
        starts_at=monday,
        ends_at=None,
        auto_accept=True,
    )
    await notify_matches(opportunity_id=opportunity.id, now=monday.replace(hour=9))
    data = await gql(NOTIFICATIONS, {"locale": locale}, as_=giulia)
    [node] = [e["node"] for e in data["notifications"]["edges"]]
    assert node["reason"] == want["reason"] == node["chosen"]
    assert node["inEnglish"] == EXPECTED["en-GB"]["reason"]
    [match] = [m for m in await queued_emails(email) if m["subject"] == want["match"]]
    assert want["reason"] in match["text"]
    _clean(match["text"], locale)

    # She helps for 90 minutes; Alice verifies; credits arrive with a receipt.
    application = await applications.apply(actor=actor, opportunity_id=opportunity.id)
    record = await hours.log_hours(
        actor=actor, application_id=application.id, worked_on=date.today(), minutes=90
    )
    await hours.verify_hours(actor=actor_of(alice), record_id=record.id)
    await credits.earn_for_hours(hours_record_id=record.id)
    [receipt] = [m for m in await queued_emails(email) if m["subject"] == want["receipt"]]
    assert want["credited"] in receipt["text"]
    _clean(receipt["text"], locale)

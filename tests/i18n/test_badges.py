"""A badge award's notification and email read in the holder's language, with the badge's name
as the hub admins translated it."""

from typing import Any

from app.badges import awards, notify
from app.badges.models import BadgeClass
from app.people.models import Role
from schema.relay import encode_id
from tests.badges.conftest import actor_of
from tests.helpers import queued_emails
from tests.i18n.helpers import english_left

PROFILE = (
    """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { errors { code } } }"""
)
TRANSLATE = """mutation($input: SetNameTranslationInput!) {
  setNameTranslation(input: $input) { errors { code } } }"""
NOTIFICATIONS = """{ notifications(first: 5) { edges { node { kind title english: title(locale: "en-GB") } } } }"""


async def test_a_badge_award_reads_in_the_holders_language(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: an Italian member, and a badge the admins named in Italian
    admin = await make_person(roles=[Role.HUB_ADMIN])
    holder = await make_person()
    await gql(PROFILE, {"input": {"locale": "it"}}, as_=holder)
    badge = await BadgeClass.get(hub_id=hub.id, slug="first-hours")
    gid = str(encode_id("BadgeClass", badge.id))
    variables = {"kind": "BADGE", "id": gid, "locale": "it", "name": "Prime ore"}
    assert (await gql(TRANSLATE, {"input": variables}, as_=admin))["setNameTranslation"][
        "errors"
    ] == []
    # when: the admin gives it, and the holder is told
    await awards.award_by_hand(
        actor=actor_of(admin, Role.HUB_ADMIN), badge_class_id=badge.id, member_id=holder.member.id
    )
    await notify.tell_chunk(hub.id)
    # then
    data = await gql(NOTIFICATIONS, as_=holder)
    [node] = [
        e["node"] for e in data["notifications"]["edges"] if e["node"]["kind"] == "BADGE_AWARDED"
    ]
    assert node == {
        "kind": "BADGE_AWARDED",
        "title": "Hai ottenuto il badge “Prime ore”",
        "english": "You earned the badge “First hours”",
    }
    [email] = [e for e in await queued_emails(holder.email) if "badge" in e["subject"]]
    assert email["subject"] == "Hai ottenuto il badge “Prime ore”"
    assert "Apri l'app per vederlo" in email["text"] and english_left(email["text"]) == []

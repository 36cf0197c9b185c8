"""Every kind of email, written in Italian and in Spanish, has no English source text left.

The hub speaks the language (its members chose none, so they read the hub's); each sender is
run for real and the emails it queued are read from the outbox."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from app.auth import service as auth
from app.hubs.models import Hub
from app.matching import digests
from app.matching.explain import why_of
from app.matching.models import Delivery, Notification, NotificationKind
from app.moderation import notify as moderation
from app.moderation.models import ActionKind
from app.opportunities import applications, expiry, notices
from app.opportunities import service as opportunities
from app.people.models import Role
from tests.helpers import queued_emails
from tests.i18n.helpers import english_left
from tests.opportunities.conftest import actor_of

UPDATE_HUB = (
    """mutation($input: UpdateHubInput!) { updateHub(input: $input) { errors { code } } }"""
)
SUBJECTS = {
    "it": {
        "reset": "Reimposta la password",
        "accepted": "Ci sei: Help in the community garden",
        "declined": "Riguardo a Help in the community garden",
        "cancelled": "Annullata: Help in the community garden",
        "expiry": "La tua opportunità “Help in the community garden” scade presto",
        "digest": "2 opportunità per te",
        "moderation": "Il tuo account è sospeso",
    },
    "es": {
        "reset": "Restablece tu contraseña",
        "accepted": "Estás dentro: Help in the community garden",
        "declined": "Sobre Help in the community garden",
        "cancelled": "Cancelada: Help in the community garden",
        "expiry": "Tu oportunidad “Help in the community garden” caduca pronto",
        "digest": "2 oportunidades para ti",
        "moderation": "Tu cuenta está suspendida",
    },
}


@pytest.mark.parametrize("locale", ["it", "es"])
async def test_every_email_reads_in_the_hubs_language(
    hub: Any, make_person: Any, post: Any, locale: str
) -> None:
    # given: the hub speaks the language; nobody chose another
    await Hub.filter(id=hub.id).update(locale=locale)
    hub.locale = locale
    alice = await make_person(display_name="Alice")
    bob = await make_person(display_name="Bob")
    carla = await make_person(display_name="Carla")
    want = SUBJECTS[locale]

    # when: each sender runs
    await auth.request_password_reset(hub_slug=hub.slug, email=bob.email)
    opportunity = await post(alice, places=1)
    taken = await applications.apply(actor=actor_of(bob), opportunity_id=opportunity.id)
    refused = await applications.apply(actor=actor_of(carla), opportunity_id=opportunity.id)
    await applications.accept(actor=actor_of(alice), application_id=taken.id)
    await applications.decline(actor=actor_of(alice), application_id=refused.id)
    await notices.tell_accepted(application_id=taken.id)
    await notices.tell_declined(application_id=refused.id)
    await expiry._remind(opportunity.id, datetime.now(UTC) + timedelta(hours=20))
    await opportunities.cancel_opportunity(actor=actor_of(alice), opportunity_id=opportunity.id)
    await notices.tell_cancelled(opportunity_id=opportunity.id)
    now = datetime.now(UTC)
    for n, km in enumerate((1.2, 4.0)):
        await Notification.create(
            hub_id=hub.id,
            member_id=carla.member.id,
            kind=NotificationKind.OPPORTUNITY_MATCH,
            title=f"Listing {n}",
            reason="",
            delivery=Delivery.DIGEST,
            data={"why": why_of(skills=["first aid"], distance_km=km, when=(2, "morning"))},
        )
    await digests._digest(hub, carla.member.id, now, now)
    action = SimpleNamespace(
        id=900_000_000 + hub.id,
        hub_id=hub.id,
        member_id=carla.member.id,
        kind=ActionKind.SUSPEND,
        reason="Repeated spam.",
        ends_at=now + timedelta(days=7),
    )
    await moderation.tell_member(action)  # type: ignore[arg-type]

    # then: the subjects read in the language, and no text keeps an English sentence
    emails = [e for who in (alice, bob, carla) for e in await queued_emails(who.email)]
    subjects = {e["subject"] for e in emails}
    assert set(want.values()) <= subjects, sorted(subjects)
    for email in emails:
        assert english_left(email["subject"] + "\n" + email["text"]) == [], email
    [digest] = [e for e in emails if e["subject"] == want["digest"]]
    if locale == "it":
        assert "conosci first aid, a 1,2 km, libero il martedì mattina" in digest["text"]
    else:
        assert "sabes de first aid, a 1,2 km, libre los martes por la mañana" in digest["text"]


async def test_a_hub_that_changes_its_language_writes_in_it_at_once(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: an English hub has written to Bob (its language is remembered)
    admin = await make_person(roles=[Role.HUB_ADMIN])
    bob = await make_person(display_name="Bob")
    await auth.request_password_reset(hub_slug=hub.slug, email=bob.email)
    # when: its admin switches it to Spanish
    data = await gql(UPDATE_HUB, {"input": {"locale": "es"}}, as_=admin)
    assert data["updateHub"]["errors"] == []
    await auth.request_password_reset(hub_slug=hub.slug, email=bob.email)
    # then
    subjects = [e["subject"] for e in await queued_emails(bob.email)]
    assert subjects[-2:] == ["Reset your password", "Restablece tu contraseña"]

"""Sets up one installation for the two-installation tests: run as
`python -m tests.federation.remote_setup` with CH_DATABASE_URL naming its database and a JSON
command on stdin; prints a JSON answer. (The test process's ORM is bound to its own database.)"""

import asyncio
import json
import sys
import uuid
from typing import Any


async def _go(command: dict[str, Any]) -> Any:
    from app.actor import Actor
    from app.federation import remote
    from app.federation.models import HubLink
    from app.hubs import service as hubs
    from app.hubs.models import Hub
    from app.people.models import Member, Role
    from tests.credits.conftest import fund_member
    from tests.helpers import create_person

    op = command["op"]
    if op == "hub":
        hub = await hubs.create_hub(name=command["name"], slug=command["slug"])
        admin = await create_person(hub=hub, display_name="Admin", roles=[Role.HUB_ADMIN])
        people = {}
        for name in command["people"]:
            person = await create_person(hub=hub, display_name=name)
            if command.get("fund"):
                await fund_member(hub.id, person.member.id, command["fund"])
            people[name] = {
                "id": person.member.id,
                "gid": person.gid,
                "token": person.token,
                "email": person.email,
            }
        return {"hub_id": hub.id, "admin_id": admin.member.id, "people": people}
    hub = await Hub.get(slug=command["slug"])
    admin_member = await Member.get(id=(await hub_admin(hub.id)))
    actor = Actor(member=admin_member, roles=frozenset({Role.MEMBER, Role.HUB_ADMIN}))
    if op == "connect":
        link, public = await remote.connect(
            actor=actor,
            partner_slug=command["partner_slug"],
            partner_name=command["partner_name"],
            partner_url=command["partner_url"],
            pair=uuid.UUID(command["pair"]),
            partner_key=command.get("partner_key"),
            rate_numerator=command.get("rate", [1, 1])[0],
            rate_denominator=command.get("rate", [1, 1])[1],
            credit_limit=command.get("credit_limit", 0),
        )
        return {"link_id": link.id, "public": public, "hub_id": hub.id}
    if op == "complete":
        link = await remote.complete(
            actor=actor, link_id=command["link_id"], partner_key=command["partner_key"]
        )
        return {"link_id": link.id}
    if op == "hours":  # verified hours of `volunteer` (by id), one opportunity per amount
        return await _hours(hub, admin_member, command["volunteer_id"], command["minutes"])
    if op == "link_data":
        link = await HubLink.get(id=command["link_id"])
        return link.data
    raise AssertionError(op)


async def _hours(hub: Any, poster: Any, volunteer_id: int, minutes: list[int]) -> int:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from app.actor import Actor
    from app.opportunities import applications
    from app.opportunities import service as opportunities
    from app.opportunities.models import Category
    from app.people.models import Member, Role
    from app.portfolios import hours

    as_poster = Actor(member=poster, roles=frozenset({Role.MEMBER, Role.HUB_ADMIN}))
    volunteer = Actor(member=await Member.get(id=volunteer_id), roles=frozenset({Role.MEMBER}))
    category, _ = await Category.get_or_create(hub_id=hub.id, slug="repairs", name="Repairs")
    total = 0
    for n, amount in enumerate(minutes):
        opportunity = await opportunities.create_opportunity(
            actor=as_poster,
            fields={
                "kind": "request", "title": f"Repair cafe {n + 1}",
                "description": "Fixing bikes and toasters.", "category_id": category.id,
                "location": (53.4794, -2.2453),
                "starts_at": datetime.now(UTC) + timedelta(days=3),
                "ends_at": datetime.now(UTC) + timedelta(days=3, hours=3), "places": 2,
                "auto_accept": True,
            },
            publish=True,
        )  # fmt: skip
        application = await applications.apply(actor=volunteer, opportunity_id=opportunity.id)
        if application.status != "accepted":
            await applications.accept(actor=as_poster, application_id=application.id)
        record = await hours.log_hours(
            actor=volunteer,
            application_id=application.id,
            worked_on=datetime.now(ZoneInfo(hub.timezone)).date(),
            minutes=amount,
        )
        await hours.verify_hours(actor=as_poster, record_id=record.id)
        total += amount
    return total


async def hub_admin(hub_id: int) -> int:
    from app.people.models import MemberRole, Role

    row = await MemberRole.filter(hub_id=hub_id, role=Role.HUB_ADMIN).order_by("id").first()
    assert row is not None
    return row.member_id


async def _all(commands: list[dict[str, Any]]) -> list[Any]:
    return [await _go(command) for command in commands]


def main() -> None:
    from app.runtime import with_orm

    command = json.loads(sys.stdin.read())
    if isinstance(command, list):
        print(json.dumps(asyncio.run(with_orm(lambda: _all(command)))))
    else:
        print(json.dumps(asyncio.run(with_orm(lambda: _go(command)))))


if __name__ == "__main__":
    main()

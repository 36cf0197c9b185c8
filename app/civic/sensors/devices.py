"""Registering a sensor device (a member's or an organisation's) and its key.

The key is shown once, at registration; only its SHA-256 is kept (a key has 256 bits of
randomness, so a fast hash is enough, as for access tokens). A key names its device: the
ingest looks the device up by the key's hash, so a key can only ever write its own device.
"""

import hashlib
import secrets

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.civic import area
from app.civic.errors import CivicErrorCode as E
from app.civic.sensors.models import SensorDevice
from app.errors import DomainError
from app.i18n import _
from app.organisations.models import OrganisationMember
from app.policy import Viewer, visible

KEY_PREFIX = "chd_"
MAX_KEY = 100


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def register_device(
    *, actor: Actor, name: str, location: tuple[float, float], organisation_id: int | None = None
) -> tuple[SensorDevice, str]:
    """The device and its key (shown this once). With an organisation, the actor must belong
    to it (FORBIDDEN). The place must be in the hub's area (OUTSIDE_AREA)."""
    name = v.text(name, field="name", max_length=80, invalid=E.INVALID)
    lat, lng = area.point(*location)
    cell7 = await area.require_inside(actor.hub_id, lat, lng)
    if organisation_id is not None and not await OrganisationMember.exists(
        organisation_id=organisation_id, member_id=actor.member_id, hub_id=actor.hub_id
    ):
        raise DomainError(
            E.FORBIDDEN, _("You do not belong to this organisation."), "organisationId"
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    async with in_transaction():
        device = await SensorDevice.create(
            hub_id=actor.hub_id, owner_id=actor.member_id, organisation_id=organisation_id,
            name=name, key_hash=digest(key), lat=lat, lng=lng, cell7=cell7,
        )  # fmt: skip
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="civic.register_sensor",
            object_type="SensorDevice", object_id=device.id,
            data={"organisation_id": organisation_id},
        )  # fmt: skip
    return device, key


async def my_devices(*, viewer: Viewer) -> QuerySet[SensorDevice]:
    query = SensorDevice.filter(hub_id=viewer.hub_id)
    return (await visible(viewer, "SensorDevice", query)).order_by("id")


async def device_of_key(key: str) -> SensorDevice:
    """The active device this key belongs to; BAD_KEY for any other string."""
    if not key.startswith(KEY_PREFIX) or len(key) > MAX_KEY:
        raise DomainError(E.BAD_KEY, "This is not a device key.", "key")
    device = await SensorDevice.get_or_none(key_hash=digest(key), active=True)
    if device is None:
        raise DomainError(E.BAD_KEY, "No device has this key.", "key")
    return device

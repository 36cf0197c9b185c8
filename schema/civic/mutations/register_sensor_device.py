"""registerSensorDevice: a member (or an organisation) registers a citizen sensor."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from app.civic.sensors import devices
from schema.civic.mutations.payloads import required_id
from schema.civic.sensor_types import SensorDevice
from schema.civic.types import CivicError
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.inputs import LocationInput


@strawberry.input
class RegisterSensorDeviceInput:
    name: str
    location: LocationInput = strawberry.field(description="Where it stands: kept private.")
    organisation_id: strawberry.ID | None = None


@strawberry.type
class RegisterSensorDevicePayload:
    device: SensorDevice | None = None
    device_key: str | None = strawberry.field(
        default=None,
        description="The device's key for POST /sensors/v1/readings: shown only now.",
    )
    errors: list[CivicError] = strawberry.field(default_factory=list)


@errors_as_data(CivicError, E, RegisterSensorDevicePayload)
async def register_sensor_device(
    input: RegisterSensorDeviceInput, info: Info
) -> RegisterSensorDevicePayload:
    """OUTSIDE_AREA; FORBIDDEN: an organisation you do not belong to."""
    organisation_id = (
        required_id(input.organisation_id, "Organisation", "organisationId")
        if input.organisation_id is not None
        else None
    )
    device, key = await devices.register_device(
        actor=info.context.require_actor(),
        name=input.name,
        location=(input.location.lat, input.location.lng),
        organisation_id=organisation_id,
    )
    return RegisterSensorDevicePayload(device=device, device_key=key)  # type: ignore[arg-type]

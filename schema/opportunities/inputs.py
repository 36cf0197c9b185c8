"""The fields of createOpportunity and updateOpportunity, and their translation."""

from datetime import datetime
from typing import Any

import strawberry

from app.errors import DomainError
from app.i18n import _
from app.opportunities.errors import OpportunityErrorCode as E
from schema.opportunities.types import OpportunityKind, Urgency
from schema.relay import decode_id


@strawberry.input(description="A point (WGS84): latitude and longitude in degrees.")
class LocationInput:
    lat: float
    lng: float


@strawberry.input(
    description="The fields to change (updateOpportunity): those left out stay as they are."
)
class OpportunityFieldsInput:
    kind: OpportunityKind | None = strawberry.UNSET  # type: ignore[valid-type]
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.UNSET
    skill_ids: list[strawberry.ID] | None = strawberry.UNSET
    organisation_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Post for this organisation (you must belong to it)."
    )
    remote: bool | None = strawberry.UNSET
    location: LocationInput | None = strawberry.field(
        default=strawberry.UNSET, description="Exact place: shown only to accepted people."
    )
    address: str | None = strawberry.UNSET
    area_name: str | None = strawberry.UNSET
    contact_details: str | None = strawberry.UNSET
    starts_at: datetime | None = strawberry.UNSET
    ends_at: datetime | None = strawberry.UNSET
    recurrence: str | None = strawberry.field(
        default=strawberry.UNSET, description="iCalendar RRULE with COUNT or UNTIL."
    )
    places: int | None = strawberry.UNSET
    required_checks: list[str] | None = strawberry.UNSET
    min_age: int | None = strawberry.UNSET
    urgency: Urgency | None = strawberry.UNSET  # type: ignore[valid-type]
    auto_accept: bool | None = strawberry.UNSET
    expires_at: datetime | None = strawberry.UNSET


@strawberry.input(
    description="A new opportunity (createOpportunity): kind, title and categoryId are required;"
    " the fields left out take their defaults."
)
class NewOpportunityFieldsInput(OpportunityFieldsInput):
    kind: OpportunityKind  # type: ignore[valid-type]
    title: str
    category_id: strawberry.ID = strawberry.field(
        description="One of the hub's categories (query `categories`)."
    )


_IDS = {"category_id": "Category", "organisation_id": "Organisation"}
_NOT_NULL = {"kind", "title", "category_id", "remote", "places", "urgency", "auto_accept"}


def to_fields(data: OpportunityFieldsInput | NewOpportunityFieldsInput) -> dict[str, Any]:
    """The given fields as the service expects them (IDs decoded, enums as values)."""
    out: dict[str, Any] = {}
    for name, value in vars(data).items():
        if value is strawberry.UNSET:
            continue
        camel = _camel(name)
        if value is None and name in _NOT_NULL:
            raise DomainError(E.INVALID, _("Cannot be null."), camel)
        if name in _IDS and value is not None:
            value = decode_id(value, _IDS[name], field=camel, invalid=E.INVALID)
        elif name == "skill_ids":
            value = [decode_id(v, "Skill", field=camel, invalid=E.INVALID) for v in value or []]
        elif name == "location" and value is not None:
            value = (value.lat, value.lng)
        elif name == "required_checks":
            value = list(value or [])
        out[name] = value
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)

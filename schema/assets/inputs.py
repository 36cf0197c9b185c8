"""The fields of createAsset and updateAsset, and their translation for the service."""

from typing import Any

import strawberry

from app.assets.errors import AssetErrorCode as E
from app.errors import DomainError
from app.i18n import _
from schema.assets.types import AssetAudience, AssetCondition, AssetKind
from schema.opportunities.inputs import LocationInput
from schema.people.types import Weekday
from schema.relay import decode_id


@strawberry.input(description="A weekly opening window, in the hub's time zone.")
class OpeningHoursInput:
    weekday: Weekday  # type: ignore[valid-type]
    opens: str = strawberry.field(description="HH:MM, 24-hour.")
    closes: str = strawberry.field(description="HH:MM, 24-hour, or 24:00; after `opens`.")


@strawberry.input(
    description="The fields to change (updateAsset): those left out stay as they are."
)
class AssetFieldsInput:
    kind: AssetKind | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET, description="Fixed once listed."
    )
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    asset_category_id: strawberry.ID | None = strawberry.UNSET
    photos: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="At most 10 https URLs; replaces them all."
    )
    condition: AssetCondition | None = strawberry.UNSET  # type: ignore[valid-type]
    quantity: int | None = strawberry.field(
        default=strawberry.UNSET, description="Units to give away (giveaways only; else 1)."
    )
    weight_kg: float | None = strawberry.field(
        default=strawberry.UNSET, description="One unit's weight, for the waste it diverts."
    )
    location: LocationInput | None = strawberry.field(
        default=strawberry.UNSET,
        description="Exact place (required to list): shown only to the owner side and accepted"
        " people; everyone sees its coarse area.",
    )
    address: str | None = strawberry.UNSET
    area_name: str | None = strawberry.UNSET
    contact_details: str | None = strawberry.UNSET
    requires_approval: bool | None = strawberry.UNSET
    opening_hours: list[OpeningHoursInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="At most 21 windows; replaces them all; none: open at any time.",
    )
    min_minutes: int | None = strawberry.UNSET
    max_minutes: int | None = strawberry.UNSET
    notice_minutes: int | None = strawberry.UNSET
    cancel_notice_minutes: int | None = strawberry.UNSET
    audience: AssetAudience | None = strawberry.UNSET  # type: ignore[valid-type]
    required_checks: list[str] | None = strawberry.UNSET
    price_credits: int | None = strawberry.field(
        default=strawberry.UNSET, description="Per hour (BOOKABLE) or per loan (LOAN)."
    )
    deposit_credits: int | None = strawberry.field(
        default=strawberry.UNSET, description="Loans only: held, and given back on return."
    )


@strawberry.input(
    description="A new asset (createAsset): kind, title and assetCategoryId are required; the"
    " fields left out take their defaults."
)
class NewAssetFieldsInput(AssetFieldsInput):
    kind: AssetKind  # type: ignore[valid-type]
    title: str
    asset_category_id: strawberry.ID = strawberry.field(
        description="One of the hub's asset categories (query `assetCategories`)."
    )


_RENAMED = {"asset_category_id": "category_id"}
_NOT_NULL = {
    "kind",
    "title",
    "asset_category_id",
    "quantity",
    "requires_approval",
    "notice_minutes",
    "cancel_notice_minutes",
    "audience",
    "price_credits",
    "deposit_credits",
}


def to_fields(data: AssetFieldsInput | NewAssetFieldsInput) -> dict[str, Any]:
    """The given fields as the service expects them (IDs decoded, enums as values)."""
    out: dict[str, Any] = {}
    for name, value in vars(data).items():
        if value is strawberry.UNSET:
            continue
        camel = camel_case(name)
        if value is None and name in _NOT_NULL:
            raise DomainError(E.INVALID, _("Cannot be null."), camel)
        if name == "asset_category_id":
            value = decode_id(value, "AssetCategory", field=camel, invalid=E.INVALID)
        elif name == "location" and value is not None:
            value = (value.lat, value.lng)
        elif name == "opening_hours":
            value = [
                {"weekday": int(w.weekday), "from": w.opens, "to": w.closes} for w in value or []
            ]
        elif name in ("photos", "required_checks"):
            value = list(value or [])
        out[_RENAMED.get(name, name)] = value
    return out


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)

"""What every open data feed shares: the hub it is for, paging and its typed errors, stable
public ids, and the feed's statement of licence and last update.

Feeds are public: they are built for the anonymous viewer of the hub, and the policy table
(app/policy) decides which rows and fields that viewer may see (app/opendata/directory.py).
"""

import hashlib
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Any

from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import _
from app.opendata.licences import Licence, licence_of

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
# Past this page nothing is left to read in any hub; refusing it keeps OFFSET small and exact.
MAX_PAGE = 100_000


class OpenDataErrorCode(StrEnum):
    UNKNOWN_HUB = "unknown_hub"
    NOT_FOUND = "not_found"
    INVALID_PAGE = "invalid_page"
    INVALID_PER_PAGE = "invalid_per_page"
    INVALID_ID = "invalid_id"
    INVALID_PARAMETER = "invalid_parameter"
    UNSUPPORTED_FORMAT = "unsupported_format"


class OpenDataError(DomainError):
    """A request a feed cannot answer: HTTP `status` with the code, parameter and message."""

    def __init__(self, code: Enum, message: str, field: str | None = None, status: int = 400):
        super().__init__(code, message, field)
        self.status = status


E = OpenDataErrorCode


async def hub_of(slug: str) -> Hub:
    hub = await Hub.get_or_none(slug=slug[:60])
    if hub is None:
        raise OpenDataError(E.UNKNOWN_HUB, _("No hub publishes open data here."), "hub", 404)
    return hub


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _whole(value: str | None, field: str, code: Enum, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise OpenDataError(
            code,
            _(
                "{field} must be a whole number from {low} to {high}.",
                field=field,
                low=low,
                high=high,
            ),
            field,
        )
    number = int(text)
    if not low <= number <= high:
        raise OpenDataError(
            code,
            _(
                "{field} must be a whole number from {low} to {high}.",
                field=field,
                low=low,
                high=high,
            ),
            field,
        )
    return number


def paging(params: dict[str, str]) -> Paging:
    """`page` (from 1) and `per_page` (1 to MAX_PER_PAGE) of a list request; `format` may only
    be json (the specification's ndjson stream is not offered)."""
    fmt = params.get("format")
    if fmt is not None and fmt != "json":
        raise OpenDataError(
            E.UNSUPPORTED_FORMAT, _("format: only json is offered here."), "format", 400
        )
    return Paging(
        page=_whole(params.get("page"), "page", E.INVALID_PAGE, 1, 1, MAX_PAGE),
        per_page=_whole(
            params.get("per_page"),
            "per_page",
            E.INVALID_PER_PAGE,
            DEFAULT_PER_PAGE,
            1,
            MAX_PER_PAGE,
        ),
    )


def since(params: dict[str, str], field: str) -> datetime | None:
    """An optional date-time parameter (ISO 8601; UTC when it names no offset)."""
    value = params.get(field)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise OpenDataError(
            E.INVALID_PARAMETER, _("{field} must be an ISO 8601 date-time.", field=field), field
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def envelope(total: int, page: Paging, contents: list[Any]) -> dict[str, Any]:
    """The paged response of the HSDS 3.0 API (openapi.json, components.schemas.Page)."""
    pages = math.ceil(total / page.per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page.page,
        "size": len(contents),
        "first_page": page.page == 1,
        "last_page": page.page >= pages,
        "empty": not contents,
        "contents": contents,
    }


# -- Public ids --------------------------------------------------------------------------------
# HSDS wants UUIDs. Ours are UUIDv8 (RFC 9562): 4 bytes naming the hub (a hash, so a hub's ids
# never collide with another's), a byte for the kind of object, the row id in the last 7
# bytes. They are stable, and a by-id request decodes them without a lookup table.


class Kind(Enum):
    ORGANIZATION = 1
    SERVICE = 2
    LOCATION = 3
    SERVICE_AT_LOCATION = 4
    SCHEDULE = 6
    ATTRIBUTE = 7


def _hub_prefix(hub_id: int) -> bytes:
    return hashlib.sha256(f"communityhub-opendata:{hub_id}".encode()).digest()[:4]


def public_id(hub_id: int, kind: Kind, pk: int) -> str:
    raw = bytearray(16)
    raw[0:4] = _hub_prefix(hub_id)
    raw[4] = kind.value
    raw[6] = 0x80  # version 8
    raw[8] = 0x80  # RFC 9562 variant
    raw[9:16] = pk.to_bytes(7, "big")
    return str(uuid.UUID(bytes=bytes(raw)))


def row_id(hub_id: int, kind: Kind, text: str) -> int:
    """The row id in one of this hub's public ids of `kind`; NOT_FOUND for any other id."""
    try:
        raw = uuid.UUID(text.strip()).bytes
    except ValueError as exc:
        raise OpenDataError(E.INVALID_ID, _("id must be a UUID."), "id") from exc
    if (
        raw[0:4] != _hub_prefix(hub_id)
        or raw[4] != kind.value
        or raw[5:9] != b"\x00\x80\x00\x80"
        or raw[9:16] == bytes(7)
    ):
        raise OpenDataError(E.NOT_FOUND, _("Nothing with this id is published here."), "id", 404)
    return int.from_bytes(raw[9:16], "big")


# -- Statement of licence and update ----------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    """A feed's body and what its HTTP answer says about it."""

    body: dict[str, Any]
    last_modified: datetime
    licence: Licence


def licence_statement(hub: Hub) -> dict[str, str]:
    licence = licence_of(hub.open_data_licence)
    return {"id": licence.id, "name": licence.name, "url": licence.url}


def latest(*moments: datetime | None) -> datetime:
    """The latest of the moments (the hub's creation when there is none)."""
    found = [m for m in moments if m is not None]
    return max(found) if found else datetime(2020, 1, 1, tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")

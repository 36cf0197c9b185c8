"""Open Badges 2.0 hosted verification (app/badges/openbadges.py), public and cacheable briefly:
/badges/issuers/{hub}.json, /badges/issuers/{hub}/revocations.json,
/badges/classes/{id}.json and .png, /badges/assertions/{uid}.json and .png (baked)."""

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.badges import images
from app.badges import openbadges as ob
from app.badges.models import Award, BadgeClass
from app.hubs.models import Hub
from app.organisations.models import Organisation
from app.people.models import Member

JSON_LD = "application/ld+json"
# A revocation must show soon: a short cache only.
_HEADERS = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}


def _not_found() -> Response:
    return JSONResponse({"error": "not found"}, 404, headers=_HEADERS)


def _json(document: dict[str, object], status: int = 200) -> Response:
    return JSONResponse(document, status, headers=_HEADERS, media_type=JSON_LD)


def _split(name: str) -> tuple[str, str]:
    stem, _, ext = name.rpartition(".")
    return (stem, ext) if stem else (name, "")


async def issuer(request: Request) -> Response:
    hub = await Hub.get_or_none(slug=request.path_params["hub"][:60])
    if hub is None:
        return _not_found()
    return _json(ob.issuer(hub))


async def revocations(request: Request) -> Response:
    hub = await Hub.get_or_none(slug=request.path_params["hub"][:60])
    if hub is None:
        return _not_found()
    revoked = await Award.filter(hub_id=hub.id, revoked_at__isnull=False).order_by("id")
    return _json(ob.revocation_list(hub, revoked))


async def badge_class(request: Request) -> Response:
    stem, ext = _split(request.path_params["name"])
    if not stem.isdigit() or len(stem) > 18 or ext not in ("json", "png"):
        return _not_found()
    badge = await BadgeClass.get_or_none(id=int(stem))
    if badge is None:
        return _not_found()
    if ext == "png":
        body = images.png(name=badge.name, colour=badge.colour)
        return Response(body, media_type="image/png", headers=_HEADERS)
    return _json(ob.badge_class(await Hub.get(id=badge.hub_id), badge))


async def assertion(request: Request) -> Response:
    stem, ext = _split(request.path_params["name"])
    try:
        uid = uuid.UUID(stem)
    except ValueError:
        return _not_found()
    award = await Award.get_or_none(uid=uid)
    if award is None or ext not in ("json", "png"):
        return _not_found()
    badge = await BadgeClass.get(id=award.badge_class_id)
    if ext == "png":
        if award.revoked_at is not None:
            return JSONResponse({"error": "revoked"}, 410, headers=_HEADERS)
        body = images.png(
            name=badge.name, colour=badge.colour, assertion_url=ob.assertion_url(award)
        )
        return Response(
            body,
            media_type="image/png",
            headers=_HEADERS | {"Content-Disposition": f'attachment; filename="{badge.slug}.png"'},
        )
    member = await Member.get_or_none(id=award.member_id) if award.member_id else None
    organisation = (
        await Organisation.get_or_none(id=award.organisation_id) if award.organisation_id else None
    )
    document = ob.assertion(award, badge, ob.recipient_of(award, member, organisation))
    return _json(document, 410 if award.revoked_at is not None else 200)

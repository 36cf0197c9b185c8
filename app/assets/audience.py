"""Who may take, borrow or book an asset (its `audience`), checked where someone asks for it.

ANYONE: any member of the hub. ORGANISATIONS: only on behalf of an organisation the member
belongs to (the request, loan or booking names it). CHECKED_MEMBERS: members holding every
check in `required_checks`, verified and not expired (app.people.service.valid_checks).
"""

from app.actor import Actor
from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, Audience
from app.errors import DomainError
from app.i18n import _
from app.organisations.models import OrganisationMember
from app.people.service import valid_checks

NEEDS_ORGANISATION = _("This is for organisations only: ask on behalf of one you belong to.")
NEEDS_CHECKS = _("This needs verified checks: {names}.")
NOT_YOURS = _("You do not belong to this organisation.")


async def check_audience(actor: Actor, asset: Asset, organisation_id: int | None) -> None:
    """FORBIDDEN for an organisation the actor does not belong to; NOT_ELIGIBLE when the
    asset's audience leaves the actor (or the missing organisation) out."""
    if organisation_id is not None and not await OrganisationMember.exists(
        hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
    ):
        raise DomainError(E.FORBIDDEN, NOT_YOURS, "organisationId")
    if asset.audience == Audience.ORGANISATIONS and organisation_id is None:
        raise DomainError(E.NOT_ELIGIBLE, NEEDS_ORGANISATION, "organisationId")
    if asset.audience == Audience.CHECKED_MEMBERS:
        held = {c.value for c in await valid_checks(actor.member_id, actor.hub_id)}
        missing = sorted(set(asset.required_checks) - held)
        if missing:
            raise DomainError(E.NOT_ELIGIBLE, NEEDS_CHECKS.format(names=", ".join(missing)), None)

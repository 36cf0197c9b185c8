"""applyToPartnerOpportunity: apply, as a guest, to an opportunity of a partner hub."""

import strawberry

from app.federation import guests
from app.federation.errors import FederationErrorCode as E
from app.hubs.models import Hub
from schema.context import Info
from schema.errors import errors_as_data
from schema.federation.types import FederationError, GuestApplication
from schema.relay import decode_id, encode_id


@strawberry.input
class ApplyToPartnerOpportunityInput:
    opportunity_id: strawberry.ID = strawberry.field(
        description="A PartnerOpportunity's ID (partnerOpportunities)."
    )
    message: str = ""


@strawberry.type
class ApplyToPartnerOpportunityPayload:
    application: GuestApplication | None = None
    errors: list[FederationError] = strawberry.field(default_factory=list)


@errors_as_data(FederationError, E, ApplyToPartnerOpportunityPayload)
async def apply_to_partner_opportunity(
    input: ApplyToPartnerOpportunityInput, info: Info
) -> ApplyToPartnerOpportunityPayload:
    """Applies as a guest of the opportunity's hub (your guest account there is made on the
    first application): the link must be active both ways and carry its category."""
    application = await guests.apply(
        actor=info.context.require_actor(),
        opportunity_id=decode_id(
            input.opportunity_id, "Opportunity", field="opportunityId", invalid=E.INVALID
        ),
        message=input.message,
    )
    hub = await Hub.get(id=application.hub_id)  # type: ignore[attr-defined]
    return ApplyToPartnerOpportunityPayload(
        application=GuestApplication(
            application_id=strawberry.ID(str(encode_id("Application", application.id))),
            status=application.status,
            hub_name=hub.name,
            hub_slug=hub.slug,
        )
    )

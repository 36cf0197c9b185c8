"""What each reportable kind of object is: its model, API type, the member answerable for it,
and its public text (which the automatic flags read)."""

from dataclasses import dataclass

from tortoise.models import Model

from app.assets.models import Asset
from app.badges.models import SuccessStory
from app.campaigns.models import Campaign
from app.credits.models import VoucherOffer
from app.moderation.models import Target
from app.opportunities.models import Opportunity
from app.organisations.models import Organisation
from app.people.models import Member
from app.portfolios.models import Review
from app.trials.models import Trial


@dataclass(frozen=True)
class Kind:
    type_name: str  # the API's type (global IDs, the policy table)
    model: type[Model]
    member_field: str | None  # the answerable member's id; None: an organisation's
    text_fields: tuple[str, ...]


KINDS: dict[Target, Kind] = {
    Target.MEMBER: Kind("Member", Member, "id", ("display_name", "bio")),
    Target.ORGANISATION: Kind(
        "Organisation", Organisation, None, ("name", "description", "website")
    ),
    Target.OPPORTUNITY: Kind("Opportunity", Opportunity, "poster_id", ("title", "description")),
    Target.REVIEW: Kind("Review", Review, "author_id", ("comment",)),
    Target.VOUCHER_OFFER: Kind("VoucherOffer", VoucherOffer, None, ("title", "description")),
    Target.ASSET: Kind("Asset", Asset, "listed_by_id", ("title", "description")),
    Target.CAMPAIGN: Kind("Campaign", Campaign, "created_by_id", ("title", "story")),
    Target.TRIAL: Kind("Trial", Trial, "created_by_id", ("title", "product", "description")),
    Target.STORY: Kind("SuccessStory", SuccessStory, "author_id", ("title", "body")),
}
BY_TYPE_NAME: dict[str, Target] = {k.type_name: t for t, k in KINDS.items()}


def member_of(target: Target, row: Model) -> int | None:
    field = KINDS[target].member_field
    return getattr(row, field) if field else None


def text_of(target: Target, row: Model) -> str:
    return "\n".join(str(getattr(row, f) or "") for f in KINDS[target].text_fields)

"""GraphQL types of product trials, applications, reports and the ratings queries' answers."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from app.credits.models import Voucher as VoucherModel
from app.credits.models import VoucherOffer as VoucherOfferModel
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from app.ratings import queries as ratings
from app.ratings import stats
from app.ratings.comments import scores_of
from app.ratings.queries import Slice as SliceEnum
from app.trials.errors import TrialErrorCode as TrialErrorCodeEnum
from app.trials.models import Selection as SelectionEnum
from app.trials.models import Trial as TrialModel
from app.trials.models import TrialApplication as TrialApplicationModel
from app.trials.models import TrialApplicationStatus as TrialApplicationStatusEnum
from app.trials.models import TrialReport as TrialReportModel
from app.trials.models import TrialStatus as TrialStatusEnum
from schema.context import Info
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.credits.offers.types import Voucher, VoucherOffer
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]
LazyVoucher = Annotated["Voucher", strawberry.lazy("schema.credits.offers.types")]
LazyVoucherOffer = Annotated["VoucherOffer", strawberry.lazy("schema.credits.offers.types")]

TrialErrorCode = strawberry.enum(TrialErrorCodeEnum, name="TrialErrorCode")
TrialStatus = strawberry.enum(
    TrialStatusEnum,
    name="TrialStatus",
    description="DRAFT (its business only), RECRUITING (members apply), TESTING (no more"
    " applications; testers report), CLOSED (reports frozen; ratings readable).",
)
TrialSelection = strawberry.enum(
    SelectionEnum,
    name="TrialSelection",
    description="CHOSEN: the business picks testers. FIRST_COME: the first eligible applicants.",
)
TrialApplicationStatus = strawberry.enum(TrialApplicationStatusEnum, name="TrialApplicationStatus")
RatingsSlice = strawberry.enum(
    SliceEnum,
    name="RatingsSlice",
    description="NONE; AREA (H3 cell at the hub's ratings resolution, of the tester's home when"
    " they reported); AGE_BAND (fixed bands); WEEK (ISO week, Monday UTC, of the first report).",
)


@strawberry.type(description="Why a trial mutation did not go through (nothing was written).")
class TrialError:
    code: TrialErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field or rule at fault.")
    message: str


def _loader(info: Info, model: Any) -> Any:
    return info.context.loaders.by_id(model)


@orm_node(TrialModel)
@strawberry.type(
    name="Trial",
    description="A business's product or service for members to test and rate: public in its"
    " hub once recruiting.",
)
class Trial(relay.Node):
    id: relay.NodeID[int]
    status: TrialStatus  # type: ignore[valid-type]
    selection: TrialSelection  # type: ignore[valid-type]
    title: str
    product: str
    description: str
    places: int
    dimensions: list[str] = strawberry.field(description="1-8 names, each rated 1-5.")
    questions: list[str]
    reward_credits: int = strawberry.field(description="Earned once per completed report.")
    reward_note: str
    within_km: float | None
    min_age: int | None
    max_age: int | None
    interests: list[str]
    closes_at: datetime = strawberry.field(description="Reports are editable until then.")
    publish_ratings: bool
    created_at: datetime

    @strawberry.field(description="Places already given to testers.")
    def places_taken(self, root: TrialModel) -> int:
        return root.selected

    @strawberry.field(description="Trust checks a tester must hold (verified, in date).")
    def required_checks(self, root: TrialModel) -> list[str]:
        return list(root.checks)

    @strawberry.field
    async def business(self, root: TrialModel, info: Info) -> LazyOrganisation | None:
        return await _loader(info, OrganisationModel).load(root.organisation_id)  # type: ignore[no-any-return]

    @strawberry.field(description="The voucher offer a completed report earns one voucher of.")
    async def reward_offer(self, root: TrialModel, info: Info) -> LazyVoucherOffer | None:
        if root.reward_offer_id is None:
            return None
        return await _loader(info, VoucherOfferModel).load(root.reward_offer_id)  # type: ignore[no-any-return]


@orm_node(TrialApplicationModel)
@strawberry.type(name="TrialApplication", description="A member's application to test a trial.")
class TrialApplication(relay.Node):
    id: relay.NodeID[int]
    status: TrialApplicationStatus  # type: ignore[valid-type]
    note: str
    created_at: datetime
    selected_at: datetime | None

    @strawberry.field
    async def trial(self, root: TrialApplicationModel, info: Info) -> Trial | None:
        return await _loader(info, TrialModel).load(root.trial_id)  # type: ignore[no-any-return]

    @strawberry.field
    async def applicant(self, root: TrialApplicationModel, info: Info) -> LazyMember | None:
        return await _loader(info, MemberModel).load(root.member_id)  # type: ignore[no-any-return]


def _scores(info: Info) -> Any:
    def factory(hub_id: int | None) -> Any:
        async def load(ids: list[int]) -> list[list[int]]:
            found = await scores_of(ids)
            return [found.get(i, []) for i in ids]

        return load

    return info.context.loaders.get("trial.scores", factory)


@orm_node(TrialReportModel)
@strawberry.type(
    name="TrialReport",
    description="A tester's report, seen by the tester alone (businesses read reports through"
    " the ratings queries).",
)
class TrialReport(relay.Node):
    id: relay.NodeID[int]
    comment: str
    answers: list[str]
    photos: list[str]
    share_identity: bool
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The scores, in the order of the trial's dimensions.")
    async def ratings(self, root: TrialReportModel, info: Info) -> list[int]:
        return await _scores(info).load(root.id)  # type: ignore[no-any-return]

    @strawberry.field
    async def trial(self, root: TrialReportModel, info: Info) -> Trial | None:
        return await _loader(info, TrialModel).load(root.trial_id)  # type: ignore[no-any-return]

    @strawberry.field(description="The voucher this report earned (issued once, with it).")
    async def reward_voucher(self, root: TrialReportModel, info: Info) -> LazyVoucher | None:
        if root.reward_voucher_id is None:
            return None
        return await _loader(info, VoucherModel).load(root.reward_voucher_id)  # type: ignore[no-any-return]


@strawberry.type(
    name="DimensionRatings",
    description="One dimension's ratings: count, mean, median, sample standard deviation, the"
    " 95 % confidence interval of the mean (Student's t), how many 1s to 5s, and the net score"
    " (% rating 4-5 minus % rating 1-2).",
)
class DimensionRatings:
    name: str
    count: int
    mean: float
    median: float
    stddev: float | None
    ci_low: float | None
    ci_high: float | None
    distribution: list[int]
    net_score: float

    @classmethod
    def of(cls, d: stats.Dimension) -> "DimensionRatings":
        return cls(
            name=d.name,
            count=d.count,
            mean=d.mean,
            median=d.median,
            stddev=d.stddev,
            ci_low=d.ci_low,
            ci_high=d.ci_high,
            distribution=d.distribution,
            net_score=d.net_score,
        )


@strawberry.type(
    name="RatingsGroup",
    description="The whole, or one slice group (a cell, an age band, a week). Suppressed: it"
    " holds fewer than k testers, or is withheld so that the suppressed hold k together; its"
    " numbers are null.",
)
class RatingsGroup:
    key: str | None
    testers: int | None
    suppressed: bool
    dimensions: list[DimensionRatings]

    @classmethod
    def of(cls, g: ratings.Group) -> "RatingsGroup":
        return cls(
            key=g.key,
            testers=g.testers,
            suppressed=g.suppressed,
            dimensions=[DimensionRatings.of(d) for d in g.dimensions],
        )


@strawberry.type(
    name="TrialRatings",
    description="Ratings of closed trials: never a group of fewer than `k` testers.",
)
class TrialRatings:
    k: int
    slice: RatingsSlice  # type: ignore[valid-type]
    whole: RatingsGroup
    groups: list[RatingsGroup]
    suppressed_groups: int
    excluded_trials: int = strawberry.field(
        description="Across a business: closed trials left out for having fewer than k testers."
    )
    first_week: date | None
    last_week: date | None

    @classmethod
    def of(cls, r: ratings.Ratings) -> "TrialRatings":
        return cls(
            k=r.k,
            slice=r.slice,
            whole=RatingsGroup.of(r.whole),
            groups=[RatingsGroup.of(g) for g in r.groups],
            suppressed_groups=r.suppressed_groups,
            excluded_trials=r.excluded_trials,
            first_week=r.first_week,
            last_week=r.last_week,
        )


@strawberry.type(name="MeanDifference")
class MeanDifference:
    dimension: str
    difference: float = strawberry.field(description="The second's mean minus the first's.")


@strawberry.type(name="RatingsComparison")
class RatingsComparison:
    first: TrialRatings
    second: TrialRatings
    mean_differences: list[MeanDifference]

    @classmethod
    def of(cls, c: ratings.Comparison) -> "RatingsComparison":
        return cls(
            first=TrialRatings.of(c.first),
            second=TrialRatings.of(c.second),
            mean_differences=[
                MeanDifference(dimension=k, difference=v) for k, v in c.mean_differences.items()
            ],
        )


@strawberry.type(
    name="TrialComment",
    description="A tester's comment with their scores; their name only if they agreed.",
)
class TrialComment:
    comment: str

    @strawberry.field(description="The scores, in the order of the trial's dimensions.")
    async def ratings(self, root: TrialReportModel, info: Info) -> list[int]:
        return await _scores(info).load(root.id)  # type: ignore[no-any-return]

    @strawberry.field(description="Null unless the tester agreed to be named.")
    async def tester_name(self, root: TrialReportModel, info: Info) -> str | None:
        if not root.share_identity:
            return None
        member = await _loader(info, MemberModel).load(root.member_id)
        return member.display_name if member else None

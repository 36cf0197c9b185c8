"""GraphQL types of paid jobs and job applications."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.opportunities import geo
from app.organisations.models import Organisation as OrganisationModel
from app.paidjobs import applications
from app.paidjobs.errors import PaidJobErrorCode as PaidJobErrorCodeEnum
from app.paidjobs.models import Contract as ContractEnum
from app.paidjobs.models import JobApplication as JobApplicationModel
from app.paidjobs.models import JobApplicationStatus as JobApplicationStatusEnum
from app.paidjobs.models import PaidJob as PaidJobModel
from app.paidjobs.models import PaidJobStatus as PaidJobStatusEnum
from app.paidjobs.models import PayPeriod as PayPeriodEnum
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.portfolios.types import Portfolio
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]

PaidJobErrorCode = strawberry.enum(PaidJobErrorCodeEnum, name="PaidJobErrorCode")
PaidJobStatus = strawberry.enum(PaidJobStatusEnum, name="PaidJobStatus")
PayPeriod = strawberry.enum(PayPeriodEnum, name="PayPeriod")
Contract = strawberry.enum(ContractEnum, name="Contract")
JobApplicationStatus = strawberry.enum(JobApplicationStatusEnum, name="JobApplicationStatus")


@strawberry.type(description="Why a paid-job mutation did not go through (nothing was written).")
class PaidJobError:
    code: PaidJobErrorCode  # type: ignore[valid-type]
    field: str | None
    message: str


@orm_node(PaidJobModel)
@strawberry.type(name="PaidJob", description="A paid job posted by a business or charity.")
class PaidJob(relay.Node):
    id: relay.NodeID[int]
    status: PaidJobStatus  # type: ignore[valid-type]
    title: str
    description: str
    pay_min: int = strawberry.field(description="In the currency's minor unit (pence).")
    pay_max: int
    pay_period: PayPeriod  # type: ignore[valid-type]
    currency: str
    hours_per_week: float | None
    contract: Contract  # type: ignore[valid-type]
    remote: bool
    closes_at: datetime
    created_at: datetime

    @strawberry.field(description="The public H3 cell (resolution 7) of where it is; null: remote.")
    def area_cell(self, root: PaidJobModel) -> str | None:
        return geo.public_cell(root.cell8)

    @strawberry.field(description="From the search point, when searching near one.")
    def distance_km(self, root: PaidJobModel) -> float | None:
        return getattr(root, "distance_km", None)

    @strawberry.field
    async def employer(self, root: PaidJobModel, info: Info) -> LazyOrganisation | None:
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]


@orm_node(JobApplicationModel)
@strawberry.type(
    name="JobApplication",
    description="An application to a paid job, with the applicant's volunteer CV.",
)
class JobApplication(relay.Node):
    id: relay.NodeID[int]
    status: JobApplicationStatus  # type: ignore[valid-type]
    cover_note: str
    created_at: datetime
    decided_at: datetime | None

    @strawberry.field
    async def job(self, root: JobApplicationModel, info: Info) -> PaidJob | None:
        return await info.context.loaders.by_id(PaidJobModel).load(root.job_id)  # type: ignore[return-value]

    @strawberry.field
    async def applicant(self, root: JobApplicationModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.member_id)  # type: ignore[return-value]

    @strawberry.field(
        description="The applicant's volunteer CV (verified hours, skills, ratings): to the"
        " employer's people while the application is open, null once declined or withdrawn."
        " Built per application: read it on one application, not across a list."
    )
    async def cv(self, root: JobApplicationModel, info: Info) -> Portfolio | None:
        built = await applications.cv_of(viewer=info.context.viewer, application=root)
        if built is None:
            return None
        return Portfolio.of(built, public=False, share_url=None)

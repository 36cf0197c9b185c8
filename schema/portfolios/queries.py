"""Portfolio and hours queries."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.policy import visible
from app.portfolios import hours, service
from app.portfolios.errors import PortfolioErrorCode as E
from app.portfolios.models import HoursRecord as HoursRecordModel
from app.portfolios.models import HoursStatus as HoursStatusEnum
from schema.context import Info
from schema.portfolios.types import HoursRecord, HoursStatus, Portfolio
from schema.relay import Page, decode_id


@strawberry.type
class PortfolioQueries:
    @strawberry.field(
        description="A member's portfolio: your own (no memberId), or anyone's public one."
        " Errors (extensions.code): NOT_FOUND (no such member in your hub), PRIVATE (they have"
        " not shared it)."
    )
    async def portfolio(
        self, info: Info, member_id: strawberry.ID | None = None
    ) -> Portfolio | None:
        actor = info.context.require_actor()
        target = actor.member_id
        if member_id is not None:
            target = decode_id(member_id, "Member", field="memberId", invalid=E.INVALID)
        member, settings = await service.readable(actor=actor, member_id=target)
        built = await service.build(
            hub_id=actor.hub_id, member=member, for_owner=member.id == actor.member_id
        )
        return Portfolio.of(built, public=settings.public, share_url=service.share_url(settings))

    @relay.connection(Page[HoursRecord], description="Your logged hours, newest first.")  # type: ignore[misc]
    async def my_hours(
        self,
        info: Info,
        status: HoursStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[HoursRecord]:
        viewer = info.context.viewer
        mine = HoursRecordModel.filter(hub_id=viewer.hub_id, volunteer_id=viewer.member_id)
        query = await visible(viewer, "HoursRecord", mine)
        if status is not None:
            query = query.filter(status=status)
        return query.order_by("-worked_on", "-id")  # type: ignore[return-value]

    @relay.connection(Page[HoursRecord], description="Disputed hours awaiting a moderator.")  # type: ignore[misc]
    async def disputed_hours(self, info: Info) -> Iterable[HoursRecord]:
        viewer = info.context.viewer
        disputed = HoursRecordModel.filter(hub_id=viewer.hub_id, status=HoursStatusEnum.DISPUTED)
        query = await visible(viewer, "HoursRecord", disputed)
        return query.order_by("created_at", "id")  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[HoursRecord],
        description="Pending hours waiting for you to verify, oldest first: those given to you,"
        " or to an organisation you belong to (the receiving side), never your own.",
    )
    async def hours_to_verify(
        self,
        info: Info,
        opportunity_id: strawberry.ID | None = None,
    ) -> Iterable[HoursRecord]:
        viewer = info.context.viewer
        wanted = None
        if opportunity_id is not None:
            wanted = decode_id(
                opportunity_id, "Opportunity", field="opportunityId", invalid=E.INVALID
            )
        query = await hours.to_verify(viewer, opportunity_ids=None if wanted is None else [wanted])
        return await visible(viewer, "HoursRecord", query)  # type: ignore[return-value]

    @strawberry.field(description="How many hours records wait for you to verify (app badges).")
    async def hours_to_verify_count(self, info: Info) -> int:
        return await (await hours.to_verify(info.context.viewer)).count()

"""GraphQL types of ideas (Betri Reykjavik): the idea, its arguments, the council's answer."""

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from app.civic.ideas import service
from app.civic.ideas.models import Idea as IdeaModel
from app.civic.ideas.models import IdeaArgument as ArgumentModel
from app.civic.ideas.models import IdeaSupport as SupportModel
from app.civic.ideas.models import Outcome as OutcomeEnum
from app.civic.ideas.models import Side as SideEnum
from app.civic.ideas.service import IdeaStatus as IdeaStatusEnum
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.loaders import group
from schema.opportunities.types import GeoPoint
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]

IdeaSide = strawberry.enum(SideEnum, name="IdeaSide")
IdeaOutcome = strawberry.enum(OutcomeEnum, name="IdeaOutcome")
IdeaStatus = strawberry.enum(
    IdeaStatusEnum,
    name="IdeaStatus",
    description="OPEN (gathering support), AWAITING_ANSWER (reached its threshold in its"
    " window: the council must answer by answerDueAt), ANSWERED, CLOSED (the window passed"
    " below the threshold).",
)


@orm_node(ArgumentModel)
@strawberry.type(name="IdeaArgument", description="An argument for or against an idea.")
class IdeaArgument(relay.Node):
    id: relay.NodeID[int]
    side: IdeaSide  # type: ignore[valid-type]
    text: str
    created_at: datetime

    @strawberry.field
    async def author(self, root: ArgumentModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.author_id)  # type: ignore[return-value]


def _arguments(hub_id: int | None) -> Callable[[list[int]], Coroutine[Any, Any, list[list[Any]]]]:
    async def load(ids: list[int]) -> list[list[Any]]:
        rows = await ArgumentModel.filter(hub_id=hub_id, idea_id__in=ids).order_by("id")
        return group(rows, ids, "idea_id")

    return load


@orm_node(IdeaModel)
@strawberry.type(
    name="Idea",
    description="An idea a member posted for an area. Reaching its threshold of supporters"
    " within its window obliges the council to answer, publicly, by answerDueAt.",
)
class Idea(relay.Node):
    id: relay.NodeID[int]
    title: str
    body: str
    support_count: int
    threshold: int
    window_ends_at: datetime
    threshold_reached_at: datetime | None
    answer_due_at: datetime | None
    answer: str
    outcome: IdeaOutcome | None  # type: ignore[valid-type]
    answered_at: datetime | None
    created_at: datetime

    @strawberry.field
    def status(self, root: IdeaModel) -> IdeaStatus:  # type: ignore[valid-type]
        return service.status_of(root)

    @strawberry.field(description="The centre of its area (a ~5 km² city data cell).")
    def area(self, root: IdeaModel) -> GeoPoint:
        lat, lng = service.area_of(root)
        return GeoPoint(lat=lat, lng=lng)

    @strawberry.field
    async def author(self, root: IdeaModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.author_id)  # type: ignore[return-value]

    @strawberry.field(description="Arguments for and against, oldest first.")
    async def arguments(self, root: IdeaModel, info: Info) -> list[IdeaArgument]:
        loader = info.context.loaders.get("idea.arguments", _arguments)
        return await loader.load(root.id)  # type: ignore[no-any-return]

    @strawberry.field(description="True when you support it.")
    async def viewer_supports(self, root: IdeaModel, info: Info) -> bool:
        member_id = info.context.viewer.member_id
        if member_id is None:
            return False

        def factory(hub_id: int | None) -> Callable[[list[int]], Coroutine[Any, Any, list[bool]]]:
            async def load(ids: list[int]) -> list[bool]:
                found = set(
                    await SupportModel.filter(
                        hub_id=hub_id, member_id=member_id, idea_id__in=ids
                    ).values_list("idea_id", flat=True)
                )
                return [i in found for i in ids]

            return load

        return await info.context.loaders.get("idea.viewer_supports", factory).load(root.id)  # type: ignore[no-any-return]

"""Lists of problem reports and categories, through the policy table."""

from tortoise.queryset import QuerySet

from app.civic.problems.models import ProblemCategory, ProblemReport, ProblemStatus
from app.policy import Viewer, visible


async def categories(*, viewer: Viewer) -> QuerySet[ProblemCategory]:
    query = ProblemCategory.filter(hub_id=viewer.hub_id)
    return (await visible(viewer, "ProblemCategory", query)).order_by("name", "id")


async def reports(
    *,
    viewer: Viewer,
    status: ProblemStatus | None = None,
    category_id: int | None = None,
    organisation_id: int | None = None,
) -> QuerySet[ProblemReport]:
    """The hub's reports, newest first, narrowed by status, category or responsible body."""
    query = ProblemReport.filter(hub_id=viewer.hub_id)
    if status is not None:
        query = query.filter(status=status)
    if category_id is not None:
        query = query.filter(category_id=category_id)
    if organisation_id is not None:
        query = query.filter(organisation_id=organisation_id)
    return (await visible(viewer, "ProblemReport", query)).order_by("-id")

"""Comments with their ratings: a closed trial's reports that carry a comment, each with its
scores; the tester's name only when they agreed (`share_identity`). Served only when the
trial's whole has at least k testers. No slice keys go with a comment (area, age band and
week would narrow it to a person), and the order is a hash, not the order of submission."""

from tortoise import Tortoise
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import _
from app.policy import Viewer
from app.ratings import privacy
from app.ratings.errors import RatingsErrorCode as E
from app.ratings.queries import readable_trial
from app.trials.models import TrialReport


async def comments(*, viewer: Viewer, trial_id: int) -> QuerySet[TrialReport]:
    """The trial's commented reports, in a fixed order that does not follow submission."""
    trial = await readable_trial(viewer, trial_id)
    hub = await Hub.get(id=trial.hub_id)
    reports = await TrialReport.filter(hub_id=trial.hub_id, trial_id=trial.id).count()
    if reports < privacy.k_of(hub):
        raise DomainError(
            E.FORBIDDEN,
            _("Fewer than {k_of} testers reported: comments are withheld.", k_of=privacy.k_of(hub)),
            "trialId",
        )
    return (
        TrialReport.filter(hub_id=trial.hub_id, trial_id=trial.id)
        .exclude(comment="")
        .annotate(shuffle=RawSQL("md5(id::text)"))
        .order_by("shuffle", "id")
    )


async def scores_of(report_ids: list[int]) -> dict[int, list[int]]:
    """Each report's scores, in dimension order (one statement for a page of comments)."""
    if not report_ids:
        return {}
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT report_id, array_agg(score ORDER BY dimension) AS scores FROM trial_rating"
        " WHERE report_id = ANY($1::bigint[]) GROUP BY report_id",
        [report_ids],
    )
    return {int(r["report_id"]): [int(s) for s in r["scores"]] for r in rows}

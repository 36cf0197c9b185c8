"""Posting ideas and arguments, supporting them (one per member, race-safe, changeable until
the window closes), the council's public answer, and reminders of answers due."""

from datetime import UTC, datetime, timedelta
from enum import StrEnum

import h3
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.civic import area
from app.civic.errors import CivicErrorCode as E
from app.civic.ideas.models import Idea, IdeaArgument, IdeaSupport, Outcome, Side
from app.errors import DomainError
from app.i18n import _, n_
from app.matching.models import NotificationKind
from app.moderation.notify import tell
from app.people.models import MemberRole, MemberStatus, Role
from app.policy import Viewer, can_see, visible

MAX_TITLE = 160
MAX_BODY = 5000
MAX_ARGUMENT = 1000
MAX_ANSWER = 5000
# The council's answer as members read it (the notification's reason starts with it).
OUTCOME_NAMES = {
    Outcome.ACCEPTED: _("Accepted"),
    Outcome.PARTLY: _("Partly accepted"),
    Outcome.REJECTED: _("Rejected"),
    Outcome.REFERRED: _("Referred"),
}
# Reminders to the council: from this long before an answer is due, once a day, until answered.
REMIND_BEFORE = timedelta(days=3)


class IdeaStatus(StrEnum):
    OPEN = "open"  # gathering support
    AWAITING_ANSWER = "awaiting_answer"  # reached its threshold: the council must answer
    ANSWERED = "answered"
    CLOSED = "closed"  # the window passed below the threshold (no answer owed)


def status_of(idea: Idea, now: datetime | None = None) -> IdeaStatus:
    if idea.answered_at is not None:
        return IdeaStatus.ANSWERED
    if idea.threshold_reached_at is not None:
        return IdeaStatus.AWAITING_ANSWER
    if idea.window_ends_at <= (now or datetime.now(UTC)):
        return IdeaStatus.CLOSED
    return IdeaStatus.OPEN


async def post_idea(*, actor: Actor, title: str, body: str, location: tuple[float, float]) -> Idea:
    """An idea for the area around a place in the hub (OUTSIDE_AREA, NO_AREA); its window and
    threshold are the hub's at the time of posting."""
    title = v.text(title, field="title", max_length=MAX_TITLE, invalid=E.INVALID)
    body = v.text(body, field="body", max_length=MAX_BODY, invalid=E.INVALID, multiline=True)
    lat, lng = area.point(*location)
    cell7 = await area.require_inside(actor.hub_id, lat, lng)
    settings = await area.settings_of(actor.hub_id)
    now = datetime.now(UTC)
    async with in_transaction():
        idea = await Idea.create(
            hub_id=actor.hub_id, author_id=actor.member_id, title=title, body=body, cell7=cell7,
            threshold=settings.idea_threshold,
            window_ends_at=now + timedelta(days=settings.idea_window_days),
        )  # fmt: skip
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="civic.post_idea", object_type="Idea",
            object_id=idea.id,
        )  # fmt: skip
    return idea


async def load(actor: Actor, idea_id: int) -> Idea:
    idea = await Idea.get_or_none(id=idea_id, hub_id=actor.hub_id)
    if idea is None or not await can_see(Viewer.of(actor), "Idea", idea):
        raise DomainError(E.NOT_FOUND, _("No such idea."), "ideaId")
    return idea


async def add_argument(*, actor: Actor, idea_id: int, side: Side, text: str) -> IdeaArgument:
    text = v.text(text, field="text", max_length=MAX_ARGUMENT, invalid=E.INVALID, multiline=True)
    idea = await load(actor, idea_id)
    if status_of(idea) == IdeaStatus.CLOSED:
        raise DomainError(E.WINDOW_CLOSED, _("This idea's window has closed."), "ideaId")
    return await IdeaArgument.create(
        hub_id=actor.hub_id, idea_id=idea.id, author_id=actor.member_id, side=side, text=text
    )


# One statement: the support inserted only while the window is open and the member has none,
# and the count raised with it; the support that reaches the threshold (in the window) sets
# when it did and when the council's answer is due. Concurrent clicks of one member wait on
# the support's unique key: one inserts, the others insert nothing.
_SUPPORT = """
WITH added AS (
  INSERT INTO idea_support (hub_id, idea_id, member_id, created_at)
  SELECT $1, $2, $3, now() FROM idea
  WHERE id = $2 AND hub_id = $1 AND window_ends_at > now()
  ON CONFLICT (hub_id, idea_id, member_id) DO NOTHING
  RETURNING idea_id
)
UPDATE idea SET
  support_count = support_count + 1,
  threshold_reached_at = CASE
    WHEN threshold_reached_at IS NULL AND support_count + 1 >= threshold THEN now()
    ELSE threshold_reached_at END,
  answer_due_at = CASE
    WHEN threshold_reached_at IS NULL AND support_count + 1 >= threshold
    THEN now() + make_interval(days => $4)
    ELSE answer_due_at END
WHERE hub_id = $1 AND id IN (SELECT idea_id FROM added)
RETURNING support_count
"""
_WITHDRAW = """
WITH gone AS (
  DELETE FROM idea_support s USING idea i
  WHERE s.hub_id = $1 AND s.idea_id = $2 AND s.member_id = $3
    AND i.id = s.idea_id AND i.window_ends_at > now()
  RETURNING s.idea_id
)
UPDATE idea SET support_count = support_count - 1
WHERE hub_id = $1 AND id IN (SELECT idea_id FROM gone)
RETURNING support_count
"""


async def support(*, actor: Actor, idea_id: int) -> Idea:
    """ALREADY_SUPPORTED: the member's support stands; WINDOW_CLOSED: too late. Nothing is
    written either way."""
    idea = await load(actor, idea_id)
    settings = await area.settings_of(actor.hub_id)
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            _SUPPORT, [actor.hub_id, idea.id, actor.member_id, settings.answer_days]
        )
    if not rows:
        await idea.refresh_from_db()
        if idea.window_ends_at <= datetime.now(UTC):
            raise DomainError(E.WINDOW_CLOSED, _("This idea's window has closed."), "ideaId")
        raise DomainError(E.ALREADY_SUPPORTED, _("You support this idea already."), "ideaId")
    await idea.refresh_from_db()
    return idea


async def withdraw_support(*, actor: Actor, idea_id: int) -> Idea:
    """Until the window closes (WINDOW_CLOSED); NOT_SUPPORTED when there is none. A threshold
    once reached stays reached: the council's answer is owed all the same."""
    idea = await load(actor, idea_id)
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(_WITHDRAW, [actor.hub_id, idea.id, actor.member_id])
    if not rows:
        await idea.refresh_from_db()
        if idea.window_ends_at <= datetime.now(UTC):
            raise DomainError(E.WINDOW_CLOSED, _("This idea's window has closed."), "ideaId")
        raise DomainError(E.NOT_SUPPORTED, _("You do not support this idea."), "ideaId")
    await idea.refresh_from_db()
    return idea


async def answer(*, actor: Actor, idea_id: int, text: str, outcome: Outcome) -> Idea:
    """The council's public answer (Role.COUNCIL only), once (ALREADY_ANSWERED); the author and
    supporters are told."""
    if not actor.has_role(Role.COUNCIL):
        raise DomainError(E.FORBIDDEN, _("Only the council answers ideas."), None)
    text = v.text(text, field="answer", max_length=MAX_ANSWER, invalid=E.INVALID, multiline=True)
    await load(actor, idea_id)
    now = datetime.now(UTC)
    async with in_transaction():
        idea = await Idea.select_for_update().get(id=idea_id, hub_id=actor.hub_id)
        if idea.answered_at is not None:
            raise DomainError(E.ALREADY_ANSWERED, _("This idea has its answer."), "ideaId")
        idea.answer, idea.outcome, idea.answered_at = text, outcome, now
        idea.answered_by_id = actor.member_id
        await idea.save(update_fields=["answer", "outcome", "answered_at", "answered_by_id"])
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="civic.answer_idea", object_type="Idea",
            object_id=idea.id, data={"outcome": outcome.value},
        )  # fmt: skip
        supporters = await IdeaSupport.filter(hub_id=actor.hub_id, idea_id=idea.id).values_list(
            "member_id", flat=True
        )
        await tell(
            hub_id=actor.hub_id,
            member_ids=sorted({idea.author_id, *supporters}),  # type: ignore[arg-type]
            kind=NotificationKind.IDEA_ANSWERED,
            title=_("The council answered “{title}”", title=idea.title[:120]),
            reason=_("{outcome}: {answer}", outcome=OUTCOME_NAMES[outcome], answer=text[:250]),
            once=f"idea-answered:{idea.id}",
        )
    return idea


async def ideas(*, viewer: Viewer) -> QuerySet[Idea]:
    return (await visible(viewer, "Idea", Idea.filter(hub_id=viewer.hub_id))).order_by("-id")


async def remind_due(now: datetime | None = None) -> int:
    """Tells each hub's council about ideas awaiting an answer due within REMIND_BEFORE (or
    overdue): once a day per idea and officer (`data.once` holds the day), so a re-run, or
    two workers, add nothing. Returns the notifications made."""
    now = now or datetime.now(UTC)
    due = await Idea.filter(
        answered_at__isnull=True,
        threshold_reached_at__isnull=False,
        answer_due_at__lte=now + REMIND_BEFORE,
    ).order_by("hub_id", "id")
    made = 0
    day = now.date().isoformat()
    officers: dict[int, list[int]] = {}
    for idea in due:
        if idea.hub_id not in officers:
            found = await MemberRole.filter(
                hub_id=idea.hub_id, role=Role.COUNCIL, member__status=MemberStatus.ACTIVE
            ).values_list("member_id", flat=True)
            officers[idea.hub_id] = [int(m) for m in found]  # type: ignore[call-overload]
        members = officers[idea.hub_id]
        if not members or idea.answer_due_at is None:
            continue
        late = idea.answer_due_at <= now
        when = idea.answer_due_at.date().isoformat()
        before = await _count(idea.hub_id, f"idea-due:{idea.id}:{day}")
        await tell(
            hub_id=idea.hub_id,
            member_ids=members,
            kind=NotificationKind.IDEA_ANSWER_DUE,
            title=(
                _("Overdue: an answer to “{title}”", title=idea.title[:120])
                if late
                else _("Due: an answer to “{title}”", title=idea.title[:120])
            ),
            reason=n_(
                "{n} member supports it; the answer is due on {day}.",
                "{n} members support it; the answer is due on {day}.",
                idea.support_count,
                day=when,
            ),
            once=f"idea-due:{idea.id}:{day}",
        )
        made += await _count(idea.hub_id, f"idea-due:{idea.id}:{day}") - before
    return made


async def _count(hub_id: int, once: str) -> int:
    from app.matching.models import Notification

    return await Notification.filter(hub_id=hub_id, data__filter={"once": once}).count()


def area_of(idea: Idea) -> tuple[float, float]:
    """The centre of the idea's area (its base cell): ideas are public, and so is this."""
    return h3.cell_to_latlng(idea.cell7)  # type: ignore[no-any-return]

"""Testers' reports: one per tester, editable until the window closes; the first one earns the
reward exactly once.

The reward was held from the business when the tester was selected; the report's first
submission posts that hold in the same transaction. The report is unique per tester and trial
(trial_report_once) and the application row is locked first, so a second submission, however
concurrent, finds the report and writes nothing; a hold is posted once (ledger.post_hold
refuses a transfer no longer pending). A voucher reward reserved at selection is issued in the
same transaction (app/trials/vouchers.py).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import h3
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import events
from app.actor import Actor
from app.credits import ledger
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.people.models import Member
from app.trials import vouchers
from app.trials.access import get_trial
from app.trials.errors import TrialErrorCode as E
from app.trials.models import (
    Trial,
    TrialApplication,
    TrialApplicationStatus,
    TrialRating,
    TrialReport,
    TrialStatus,
)

MAX_PHOTOS = 10
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "under18"),
    (18, "18-24"),
    (25, "25-34"),
    (35, "35-44"),
    (45, "45-54"),
    (55, "55-64"),
    (65, "65+"),
)
REPORT_EVENT = "trial.report_submitted"


@dataclass(frozen=True, kw_only=True)
class ReportInput:
    ratings: list[int]  # one per dimension, in the trial's order, each 1-5
    comment: str = ""
    answers: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    share_identity: bool = False


def age_band(born: date | None, on: date) -> str | None:
    """The fixed band the member's age falls in (None when no date of birth is set)."""
    if born is None:
        return None
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    found = None
    for low, name in AGE_BANDS:
        if age >= low:
            found = name
    return found


def _validate(trial: Trial, given: ReportInput) -> None:
    bag = ErrorBag()
    if len(given.ratings) != len(trial.dimensions):
        bag.add(
            E.INVALID,
            _("Rate each of the {count} dimensions.", count=len(trial.dimensions)),
            "ratings",
        )
    elif any(not isinstance(r, int) or not 1 <= r <= 5 for r in given.ratings):
        bag.add(E.INVALID, _("Each rating is a whole number from 1 to 5."), "ratings")
    if len(given.comment) > 5000 or "\x00" in given.comment:
        bag.add(E.INVALID, _("At most 5000 characters."), "comment")
    if len(given.answers) > len(trial.questions):
        bag.add(E.INVALID, _("At most {count} answers.", count=len(trial.questions)), "answers")
    elif any(len(a) > 2000 or "\x00" in a for a in given.answers):
        bag.add(E.INVALID, _("Each answer at most 2000 characters."), "answers")
    if len(given.photos) > MAX_PHOTOS:
        bag.add(E.INVALID, _("At most {MAX_PHOTOS} photos.", MAX_PHOTOS=MAX_PHOTOS), "photos")
    for url in given.photos:
        try:
            parts = urlsplit(url)
            ok = parts.scheme in ("https", "http") and bool(parts.netloc) and len(url) <= 500
        except ValueError:  # e.g. an unclosed IPv6 bracket
            ok = False
        if not ok or any(c.isspace() or ord(c) < 32 for c in url):
            bag.add(E.INVALID, _("Photos are http(s) URLs."), "photos")
            break
    bag.raise_if_any()


def _open_window(trial: Trial) -> None:
    if trial.status not in (TrialStatus.RECRUITING, TrialStatus.TESTING) or (
        trial.closes_at <= datetime.now(UTC)
    ):
        raise DomainError(E.WINDOW_CLOSED, _("The trial's window has closed."), "trialId")


async def _tester(actor: Actor, trial: Trial) -> TrialApplication:
    application = (
        await TrialApplication.filter(
            hub_id=actor.hub_id, trial_id=trial.id, member_id=actor.member_id
        )
        .select_for_update()
        .first()
    )
    if application is None or application.status != TrialApplicationStatus.SELECTED:
        raise DomainError(E.NOT_A_TESTER, _("Only the trial's selected testers report."), "trialId")
    return application


async def _write_ratings(report: TrialReport, ratings: list[int]) -> None:
    await TrialRating.filter(report_id=report.id).delete()
    await TrialRating.bulk_create(
        [
            TrialRating(
                hub_id=report.hub_id,
                trial_id=report.trial_id,
                report_id=report.id,
                dimension=i,
                score=score,
            )
            for i, score in enumerate(ratings)
        ]
    )


async def submit_report(*, actor: Actor, trial_id: int, given: ReportInput) -> TrialReport:
    """A selected tester's report; the first one posts their reward."""
    async with in_transaction():
        trial = await get_trial(actor, trial_id)
        _open_window(trial)
        _validate(trial, given)
        application = await _tester(actor, trial)
        if await TrialReport.exists(
            hub_id=actor.hub_id, trial_id=trial.id, member_id=actor.member_id
        ):
            raise DomainError(
                E.ALREADY_REPORTED, _("You have reported: edit your report."), "trialId"
            )
        member = await Member.get(id=actor.member_id)
        cell8 = member.home_cell
        cells: dict[str, Any] = {
            f"cell{r}": str(h3.cell_to_parent(cell8, r)) if cell8 else None for r in (5, 6, 7)
        }
        try:
            report = await TrialReport.create(
                hub_id=actor.hub_id,
                trial_id=trial.id,
                application_id=application.id,
                member_id=actor.member_id,
                comment=given.comment.strip(),
                answers=[a.strip() for a in given.answers],
                photos=list(given.photos),
                share_identity=given.share_identity,
                age_band=age_band(member.date_of_birth, datetime.now(UTC).date()),
                **cells,
            )
        except IntegrityError as exc:
            raise DomainError(E.ALREADY_REPORTED, _("You have reported."), "trialId") from exc
        await _write_ratings(report, given.ratings)
        if application.reward_hold_id is not None:
            posted = await ledger.post_hold(application.reward_hold_id)
            report.reward_transfer_id = posted.id
        await vouchers.issue(trial, application, report)
        await report.save(update_fields=["reward_transfer_id", "reward_voucher_id"])
        await events.emit(
            REPORT_EVENT, {"trial_report_id": report.id}, key=f"trial_report={report.id}"
        )
    return report


async def edit_report(*, actor: Actor, trial_id: int, given: ReportInput) -> TrialReport:
    """The tester changes their report, until the window closes (no second reward)."""
    async with in_transaction():
        trial = await get_trial(actor, trial_id)
        _open_window(trial)
        _validate(trial, given)
        await _tester(actor, trial)
        report = (
            await TrialReport.filter(
                hub_id=actor.hub_id, trial_id=trial.id, member_id=actor.member_id
            )
            .select_for_update()
            .first()
        )
        if report is None:
            raise DomainError(E.NOT_FOUND, _("You have not reported yet."), "trialId")
        report.comment = given.comment.strip()
        report.answers = [a.strip() for a in given.answers]
        report.photos = list(given.photos)
        report.share_identity = given.share_identity
        await report.save(
            update_fields=["comment", "answers", "photos", "share_identity", "updated_at"]
        )
        await _write_ratings(report, given.ratings)
    return report

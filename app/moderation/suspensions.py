"""Suspending a member and reinstating them, with the effects on every module.

A suspended member cannot sign in, their sessions and tokens stop working at once (the member
row is saved: app/auth/cache.py forgets it in every process; sign-in, sessions and OAuth tokens
all refuse a suspended member), nobody can act for them (app/people/proxy.py) and:
- their open applications are withdrawn (places freed, the waitlist moves up), as if they
  withdrew themselves, recorded as done by the moderator: opportunities, paid jobs (the
  employer's access to their CV ends) and product trials not yet selected;
- their listings are paused: published opportunities are closed, listed assets withdrawn, and
  their campaigns (hidden) take no new pledge (app/campaigns/pledges.require_unpaused);
- their public content is hidden (HiddenObject rows of the suspension: reviews they wrote,
  their stories, the opportunities, assets and campaigns they posted), their profile's bio is
  masked and their CV page refuses (app/portfolios/service.py).
Reinstatement restores what can be restored: the hidden content shows again, paused listings
that nobody changed since are published again (unless expired); withdrawn applications stay
withdrawn (others may have taken the places: the member applies again).
"""

from datetime import UTC, datetime
from typing import Any

from app.actor import Actor
from app.assets.models import Asset, AssetStatus
from app.audit import service as audit
from app.auth import cache as auth_cache
from app.badges.models import SuccessStory
from app.campaigns.models import Campaign
from app.errors import DomainError
from app.i18n import _
from app.moderation import notify
from app.moderation.access import member_to_act_on, require_moderator
from app.moderation.errors import ModerationErrorCode as E
from app.moderation.models import (
    ActionKind,
    HiddenObject,
    ModerationAction,
    ModerationCase,
    Suspension,
    Target,
)
from app.opportunities import applications
from app.opportunities.models import Application, ApplicationStatus, Opportunity, OpportunityStatus
from app.paidjobs import applications as job_applications
from app.paidjobs.models import OPEN_APPLICATION, JobApplication
from app.people.models import Member, MemberStatus
from app.portfolios.models import Review
from app.trials.models import TrialApplication, TrialApplicationStatus

OPEN_APPLICATIONS = (
    ApplicationStatus.PENDING,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.ACCEPTED,
)


async def suspend(
    *,
    actor: Actor,
    member_id: int,
    reason: str,
    ends_at: datetime | None = None,
    case: ModerationCase | None = None,
) -> ModerationAction:
    """Suspends a member until `ends_at` (None: until reinstated). Call inside a transaction
    (app/moderation/actions.py)."""
    require_moderator(actor)
    now = datetime.now(UTC)
    if ends_at is not None and ends_at <= now:
        raise DomainError(E.INVALID, _("The end must be in the future."), "endsAt")
    member = await member_to_act_on(actor, member_id, lock=True)
    if member.status == MemberStatus.SUSPENDED:
        raise DomainError(E.ALREADY_SUSPENDED, _("This member is already suspended."), "memberId")
    action = await ModerationAction.create(
        hub_id=actor.hub_id,
        case_id=case.id if case else None,
        kind=ActionKind.SUSPEND,
        member_id=member.id,
        moderator_id=actor.member_id,
        target=Target.MEMBER,
        object_id=member.id,
        reason=reason,
        ends_at=ends_at,
    )
    member.status = MemberStatus.SUSPENDED
    await member.save(update_fields=["status", "updated_at"])
    # Their guest sessions in partner hubs end too (app/federation/guests.py).
    from app.federation import guests

    await guests.end_sessions(home_member_id=member.id)
    effects = await _apply_effects(actor, member, action)
    await Suspension.create(
        hub_id=actor.hub_id, member_id=member.id, action_id=action.id, ends_at=ends_at,
        effects=effects,
    )  # fmt: skip
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action="moderation.suspend",
        object_type="member",
        object_id=member.id,
        data={
            "action_id": action.id,
            "ends_at": ends_at.isoformat() if ends_at else None,
            **{k: len(v) for k, v in effects.items()},
        },
    )
    await notify.tell_member(action)
    return action


async def reinstate(
    *, actor: Actor | None, hub_id: int, member_id: int, reason: str = ""
) -> ModerationAction:
    """Lifts a member's suspension and restores what can be restored. `actor` None: the
    suspension ran out (app/moderation/expiry.py). Call inside a transaction."""
    member = await Member.filter(id=member_id, hub_id=hub_id).select_for_update().first()
    if member is None:
        raise DomainError(E.NOT_FOUND, _("No such member."), "memberId")
    if member.status != MemberStatus.SUSPENDED:
        raise DomainError(E.NOT_SUSPENDED, _("This member is not suspended."), "memberId")
    now = datetime.now(UTC)
    action = await ModerationAction.create(
        hub_id=hub_id,
        kind=ActionKind.REINSTATE,
        member_id=member.id,
        moderator_id=actor.member_id if actor else None,
        target=Target.MEMBER,
        object_id=member.id,
        reason=reason,
    )
    member.status = MemberStatus.ACTIVE
    await member.save(update_fields=["status", "updated_at"])
    for suspension in await Suspension.filter(
        hub_id=hub_id, member_id=member.id, lifted_at__isnull=True
    ).select_for_update():
        await _restore(hub_id, member.id, suspension, now)
        suspension.lifted_at = now
        await suspension.save(update_fields=["lifted_at"])
    await audit.record(
        actor=actor,
        hub_id=hub_id,
        action="moderation.reinstate",
        object_type="member",
        object_id=member.id,
        data={"action_id": action.id, "expired": actor is None},
    )
    await notify.tell_member(action)
    return action


def forget_sessions(member_id: int) -> None:
    """Ends the member's cached sessions in every process (after commit)."""
    auth_cache.forget_soon(member_id=member_id)


async def _apply_effects(
    actor: Actor, member: Member, action: ModerationAction
) -> dict[str, list[int]]:
    hub_id = member.hub_id  # type: ignore[attr-defined]
    # Withdrawn as the member, recorded as done by the moderator (audit's acted_by).
    as_member = Actor(member=member, acted_by=actor.member)
    withdrawn = await Application.filter(
        hub_id=hub_id, applicant_id=member.id, status__in=OPEN_APPLICATIONS
    ).values_list("id", flat=True)
    for application_id in withdrawn:
        await applications.withdraw(actor=as_member, application_id=application_id)  # type: ignore[arg-type]
    # Paid jobs: the employer's access to the CV ends; trials: applications not yet selected
    # (a selected tester holds the business's reward: the trial's own flow settles it).
    jobs = await JobApplication.filter(
        hub_id=hub_id, member_id=member.id, status__in=OPEN_APPLICATION
    ).values_list("id", flat=True)
    for job_application_id in jobs:
        await job_applications.withdraw(actor=as_member, application_id=job_application_id)  # type: ignore[arg-type]
    trial_applied = await TrialApplication.filter(
        hub_id=hub_id, member_id=member.id, status=TrialApplicationStatus.APPLIED
    ).values_list("id", flat=True)
    if trial_applied:
        await TrialApplication.filter(id__in=trial_applied).update(
            status=TrialApplicationStatus.WITHDRAWN
        )
    opportunities = await Opportunity.filter(
        hub_id=hub_id, poster_id=member.id, status=OpportunityStatus.PUBLISHED
    ).values_list("id", flat=True)
    if opportunities:
        await Opportunity.filter(id__in=opportunities).update(status=OpportunityStatus.CLOSED)
    assets = await Asset.filter(
        hub_id=hub_id, owner_member_id=member.id, status=AssetStatus.LISTED
    ).values_list("id", flat=True)
    if assets:
        await Asset.filter(id__in=assets).update(status=AssetStatus.WITHDRAWN)
    hidden: list[HiddenObject] = []
    for target, model, field in (
        (Target.REVIEW, Review, "author_id"),
        (Target.STORY, SuccessStory, "author_id"),
        (Target.OPPORTUNITY, Opportunity, "poster_id"),
        (Target.ASSET, Asset, "owner_member_id"),
        (Target.CAMPAIGN, Campaign, "owner_member_id"),
    ):
        ids = await model.filter(hub_id=hub_id, **{field: member.id}).values_list("id", flat=True)
        hidden += [
            HiddenObject(hub_id=hub_id, target=target, object_id=i, action_id=action.id)
            for i in ids
        ]
    await HiddenObject.bulk_create(hidden, ignore_conflicts=True)
    return {
        "withdrawn_applications": list(withdrawn),  # type: ignore[arg-type]
        "withdrawn_job_applications": list(jobs),  # type: ignore[arg-type]
        "withdrawn_trial_applications": list(trial_applied),  # type: ignore[arg-type]
        "paused_opportunities": list(opportunities),  # type: ignore[arg-type]
        "paused_assets": list(assets),  # type: ignore[arg-type]
    }


async def _restore(hub_id: int, member_id: int, suspension: Suspension, now: datetime) -> None:
    effects: dict[str, Any] = suspension.effects
    await HiddenObject.filter(hub_id=hub_id, action_id=suspension.action_id).delete()
    paused = effects.get("paused_opportunities") or []
    if paused:
        # Only those still as the suspension left them, and not past their expiry.
        await (
            Opportunity.filter(id__in=paused, hub_id=hub_id, status=OpportunityStatus.CLOSED)
            .filter(expires_at__isnull=True)
            .update(status=OpportunityStatus.PUBLISHED)
        )
        await Opportunity.filter(
            id__in=paused, hub_id=hub_id, status=OpportunityStatus.CLOSED, expires_at__gt=now
        ).update(status=OpportunityStatus.PUBLISHED)
    assets = effects.get("paused_assets") or []
    if assets:
        await Asset.filter(id__in=assets, hub_id=hub_id, status=AssetStatus.WITHDRAWN).update(
            status=AssetStatus.LISTED
        )

"""What each webhook event carries (`data`): the object it is about, as a small snapshot.

Every ID is a global ID (app/ids.py), the one `node(id:)` takes; field names and enum values
are the API's (camelCase, `PUBLISHED`), times ISO 8601 in UTC. Only what any member of the
hub may read goes out: never an exact location, address, contact details, email, an hours
note or an application's message. The README's webhook table lists every field.

The snapshot is taken when the event is fanned out to the endpoints (a job that runs seconds
after the change): it shows the object as it was then, the same on every retry of a delivery.
The event type says what happened; `node(id:)` gives the object as it is now.
"""

from datetime import date, datetime
from typing import Any

from app.assets import sharing_models
from app.assets.models import Asset, AssetCategory
from app.assets.sharing_models import Booking, Loan
from app.campaigns.models import Campaign
from app.ids import global_id
from app.opportunities import geo
from app.opportunities.models import Application, Category, Opportunity
from app.paidjobs.models import JobApplication
from app.portfolios.models import HoursRecord
from app.trials.models import TrialReport

# The events whose `data` is each object's snapshot, by the key in the event that names it.
SUBJECTS = {
    "opportunity.published": "opportunity_id",
    "opportunity.cancelled": "opportunity_id",
    "application.accepted": "application_id",
    "application.declined": "application_id",
    "hours.verified": "hours_record_id",
    "asset.listed": "asset_id",
    "giveaway.rehomed": "giveaway_request_id",
    "booking.confirmed": "booking_id",
    "loan.overdue": "loan_id",
    "campaign.tipped": "campaign_id",
    "campaign.succeeded": "campaign_id",
    "campaign.failed": "campaign_id",
    "campaign.cancelled": "campaign_id",
    "trial.report_submitted": "trial_report_id",
    "job.application_received": "job_application_id",
}


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _opportunity(row: Opportunity) -> dict[str, Any]:
    category = await Category.get(id=row.category_id)
    return {
        "id": global_id("Opportunity", row.id),
        "kind": row.kind.name,
        "status": row.status.name,
        "title": row.title,
        "category": category.slug,
        "areaCell": geo.public_cell(row.cell8),
        "startsAt": _when(row.starts_at),
    }


def _application(row: Application) -> dict[str, Any]:
    return {
        "id": global_id("Application", row.id),
        "status": row.status.name,
        "opportunityId": global_id("Opportunity", row.opportunity_id),
        "applicantId": global_id("Member", row.applicant_id),
        "decidedAt": _when(row.decided_at),
    }


def _hours(row: HoursRecord) -> dict[str, Any]:
    return {
        "id": global_id("HoursRecord", row.id),
        "status": row.status.name,
        "minutes": row.minutes,
        "workedOn": _when(row.worked_on),
        "opportunityId": global_id("Opportunity", row.opportunity_id),
        "volunteerId": global_id("Member", row.volunteer_id),
    }


def _optional_id(type_name: str, pk: int | None) -> str | None:
    return global_id(type_name, pk) if pk is not None else None


def _booking(row: Booking) -> dict[str, Any]:
    return {
        "id": global_id("Booking", row.id),
        "status": row.status.name,
        "assetId": global_id("Asset", row.asset_id),
        "bookerId": global_id("Member", row.booker_id),
        "bookerOrganisationId": _optional_id("Organisation", row.booker_organisation_id),
        "startsAt": _when(row.starts_at),
        "endsAt": _when(row.ends_at),
    }


def _loan(row: Loan) -> dict[str, Any]:
    return {
        "id": global_id("Loan", row.id),
        "status": row.status.name,
        "assetId": global_id("Asset", row.asset_id),
        "borrowerId": global_id("Member", row.borrower_id),
        "borrowerOrganisationId": _optional_id("Organisation", row.borrower_organisation_id),
        "startsAt": _when(row.starts_at),
        "dueAt": _when(row.due_at),
    }


async def _asset(row: Asset) -> dict[str, Any]:
    category = await AssetCategory.get(id=row.category_id)
    owner_member, owner_organisation = row.owner_member_id, row.owner_organisation_id
    return {
        "id": global_id("Asset", row.id),
        "kind": row.kind.name,
        "status": row.status.name,
        "title": row.title,
        "category": category.slug,
        "quantity": row.quantity,
        "areaCell": geo.public_cell(row.cell8),
        "ownerKind": row.owner_kind.name,
        "ownerMemberId": global_id("Member", owner_member) if owner_member else None,
        "ownerOrganisationId": (
            global_id("Organisation", owner_organisation) if owner_organisation else None
        ),
        "listedAt": _when(row.listed_at),
    }


def _giveaway_request(row: sharing_models.GiveawayRequest) -> dict[str, Any]:
    organisation = row.requester_organisation_id
    return {
        "id": global_id("GiveawayRequest", row.id),
        "status": row.status.name,
        "quantity": row.quantity,
        "assetId": global_id("Asset", row.asset_id),
        "requesterId": global_id("Member", row.requester_id),
        "requesterOrganisationId": (
            global_id("Organisation", organisation) if organisation else None
        ),
        "handedOverAt": _when(row.handed_over_at),
    }


def _trial_report(row: TrialReport) -> dict[str, Any]:
    # No tester: reports are anonymous to the business unless the tester agreed, and the
    # ratings are read through the ratings queries (k-anonymous), not one by one.
    return {
        "id": global_id("TrialReport", row.id),
        "trialId": global_id("Trial", row.trial_id),
        "submittedAt": _when(row.created_at),
    }


def _job_application(row: JobApplication) -> dict[str, Any]:
    return {
        "id": global_id("JobApplication", row.id),
        "status": row.status.name,
        "jobId": global_id("PaidJob", row.job_id),
        "applicantId": global_id("Member", row.member_id),
        "appliedAt": _when(row.created_at),
    }


def _campaign(row: Campaign) -> dict[str, Any]:
    supplier, owner_org = row.supplier_id, row.owner_organisation_id
    return {
        "id": global_id("Campaign", row.id),
        "kind": row.kind.name,
        "status": row.status.name,
        "title": row.title,
        "deadline": _when(row.deadline),
        "target": row.target,
        "unitPrice": row.unit_price,
        "tippingUnits": row.tipping_units,
        "maxUnits": row.max_units,
        "pledged": row.pledged,
        "matched": row.matched,
        "inKind": row.in_kind,
        "units": row.units,
        "backers": row.backers,
        "ownerMemberId": global_id("Member", row.owner_member_id) if row.owner_member_id else None,
        "ownerOrganisationId": global_id("Organisation", owner_org) if owner_org else None,
        "supplierId": global_id("Organisation", supplier) if supplier else None,
    }


async def event_data(event: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """(hub id, `data`) of a domain event's webhook; None when its object is gone."""
    key = SUBJECTS[event]
    if key == "opportunity_id":
        opportunity = await Opportunity.get_or_none(id=payload[key])
        if opportunity is None:
            return None
        return opportunity.hub_id, {"opportunity": await _opportunity(opportunity)}
    if key == "application_id":
        application = await Application.get_or_none(id=payload[key])
        if application is None:
            return None
        return application.hub_id, {"application": _application(application)}
    if key == "hours_record_id":
        record = await HoursRecord.get_or_none(id=payload[key])
        if record is None:
            return None
        return record.hub_id, {"hoursRecord": _hours(record)}
    if key == "booking_id":
        booking = await Booking.get_or_none(id=payload[key])
        if booking is None:
            return None
        return booking.hub_id, {"booking": _booking(booking)}
    if key == "loan_id":
        loan = await Loan.get_or_none(id=payload[key])
        if loan is None:
            return None
        return loan.hub_id, {"loan": _loan(loan)}
    if key == "asset_id":
        asset = await Asset.get_or_none(id=payload[key])
        if asset is None:
            return None
        return asset.hub_id, {"asset": await _asset(asset)}
    if key == "giveaway_request_id":
        request = await sharing_models.GiveawayRequest.get_or_none(id=payload[key])
        if request is None:
            return None
        return request.hub_id, {"giveawayRequest": _giveaway_request(request)}
    if key == "trial_report_id":
        report = await TrialReport.get_or_none(id=payload[key])
        if report is None:
            return None
        return report.hub_id, {"trialReport": _trial_report(report)}
    if key == "job_application_id":
        job_application = await JobApplication.get_or_none(id=payload[key])
        if job_application is None:
            return None
        return job_application.hub_id, {"jobApplication": _job_application(job_application)}
    if key == "campaign_id":
        campaign = await Campaign.get_or_none(id=payload[key])
        if campaign is None:
            return None
        return campaign.hub_id, {"campaign": _campaign(campaign)}
    raise ValueError(f"no webhook payload for {event} ({key})")

"""Paid jobs and the applications to them.

An application carries the applicant's volunteer CV (their portfolio), readable by the
employer's people for that application only, and only while it is open (APPLIED, SHORTLISTED
or OFFERED): the policy table's rule on JobApplication.cv (app/paidjobs/policy.py).
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class PayPeriod(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Contract(StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    TEMPORARY = "temporary"
    PART_TIME = "part_time"
    FREELANCE = "freelance"
    APPRENTICESHIP = "apprenticeship"


class PaidJobStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # its employer closed it (filled, withdrawn)
    EXPIRED = "expired"  # its closing date passed (the cron)


class PaidJob(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    organisation: fields.ForeignKeyRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.RESTRICT
    )
    organisation_id: int
    created_by: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    created_by_id: int
    title = fields.CharField(max_length=160)
    description = fields.TextField(default="")
    pay_min = fields.BigIntField()  # in the currency's minor unit (pence)
    pay_max = fields.BigIntField()
    pay_period = fields.CharEnumField(PayPeriod, max_length=8)
    currency = fields.CharField(max_length=3, default="GBP")
    hours_per_week = fields.FloatField(null=True)
    contract = fields.CharEnumField(Contract, max_length=16)
    remote = fields.BooleanField(default=False)
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    cell8 = fields.CharField(max_length=16, null=True)
    cell6 = fields.CharField(max_length=16, null=True)
    cell4 = fields.CharField(max_length=16, null=True)
    skill_ids: list[int] = fields.JSONField(default=list)
    closes_at = fields.DatetimeField()
    status = fields.CharEnumField(PaidJobStatus, max_length=8, default=PaidJobStatus.OPEN)
    closed_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "paid_job"
        constraints = (
            CheckConstraint(check="pay_min >= 0 AND pay_min <= pay_max", name="paid_job_pay_ok"),
            CheckConstraint(
                check="remote OR (lat IS NOT NULL AND lng IS NOT NULL)", name="paid_job_where"
            ),
        )
        indexes = (("hub_id", "status", "closes_at"), ("status", "closes_at"))


class JobApplicationStatus(StrEnum):
    APPLIED = "applied"
    SHORTLISTED = "shortlisted"
    OFFERED = "offered"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OPEN_APPLICATION = (
    JobApplicationStatus.APPLIED,
    JobApplicationStatus.SHORTLISTED,
    JobApplicationStatus.OFFERED,
)


class JobApplication(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    job: fields.ForeignKeyRelation[PaidJob] = fields.ForeignKeyField(
        "models.PaidJob", related_name=False, on_delete=fields.RESTRICT
    )
    job_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    member_id: int
    cover_note = fields.TextField(default="")
    status = fields.CharEnumField(
        JobApplicationStatus, max_length=12, default=JobApplicationStatus.APPLIED
    )
    decided_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "job_application"
        constraints = (
            UniqueConstraint(fields=("hub_id", "job_id", "member_id"), name="job_application_once"),
        )
        indexes = (("job_id", "status", "id"), ("hub_id", "member_id", "id"))

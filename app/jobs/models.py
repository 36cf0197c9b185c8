"""The job outbox: written in the caller's transaction, relayed to the queue after commit."""

from enum import StrEnum
from typing import Any

from tortoise import fields

from app.models_base import Base


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class OutboxJob(Base):
    name = fields.CharField(max_length=200)
    payload: dict[str, Any] = fields.JSONField(default=dict)
    # Optional caller key: a second enqueue with the same key is a no-op.
    key = fields.CharField(max_length=200, null=True, unique=True)
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.PENDING)
    attempts = fields.IntField(default=0)
    run_after = fields.DatetimeField(null=True)
    relayed_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")

    class Meta:
        table = "outbox_job"
        indexes = (("status", "relayed_at"),)

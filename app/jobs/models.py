"""The job outbox: written in the caller's transaction, relayed to the queue after commit.

The row owns the job's schedule. `run_after` is when it may run next (its planned retry);
`lease_until` is until when someone answers for it: the relay that handed it to the queue
(status pending) or the worker that claimed it (status running). A row is handed over again
only once it is due and its lease has run out, so a planned retry is never run early and a
second retry chain never starts; each hand-over gets a new queue id (`relays` counts them),
so a dead worker's leftovers in the queue cannot block it.
"""

from enum import StrEnum
from typing import Any

from tortoise import fields

from app.models_base import Base


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
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
    lease_until = fields.DatetimeField(null=True)
    relays = fields.IntField(default=0)
    relayed_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    # How far a job working through a list got (runner.save_progress): its retry resumes there.
    progress = fields.IntField(default=0)

    class Meta:
        table = "outbox_job"
        indexes = (("status", "lease_until"),)

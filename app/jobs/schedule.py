"""How long things may take and when they are tried again: the numbers the README states.

- A transient failure is retried after `retry_delay(n)` seconds (n = failures so far): the
  base delay, doubling each time, at most 300 s, until `job_max_tries` attempts were made.
- A worker that claims a job holds it for `run_lease(settings)`; the job itself is cut off at
  `job_timeout_seconds`, so once the lease has passed its worker is gone or has given up.
- A job handed to the queue but not claimed holds a shorter lease, `pickup_lease(settings)`.
- Whatever a dead worker held is running again within `recovery_deadline(settings)` (job
  timeout + sweep interval + 3 s): its lease runs out, then the next outbox sweep hands the
  job to a live worker under a new queue id.
"""

from datetime import timedelta

from app.config import Settings, get_settings

MAX_RETRY_DELAY_SECONDS = 300.0
# Time for the bookkeeping after a job's handler stopped (recording the outcome).
LEASE_GRACE_SECONDS = 2
# From a sweep tick to a worker running what it relayed (cron start, push, queue poll, claim).
HANDOVER_SECONDS = 1


def retry_delay(failures: int, settings: Settings | None = None) -> float:
    """Seconds between attempt `failures` (which failed) and the next one."""
    base = (settings or get_settings()).job_retry_base_seconds
    return float(min(MAX_RETRY_DELAY_SECONDS, base * 2 ** max(0, failures - 1)))


def retry_delays(settings: Settings | None = None) -> list[float]:
    """The whole schedule: the delays before attempts 2 .. job_max_tries."""
    settings = settings or get_settings()
    return [retry_delay(n, settings) for n in range(1, settings.job_max_tries)]


def run_lease(settings: Settings | None = None) -> timedelta:
    settings = settings or get_settings()
    return timedelta(seconds=settings.job_timeout_seconds + LEASE_GRACE_SECONDS)


def pickup_lease(settings: Settings | None = None) -> timedelta:
    """How long a relayed job may wait to be claimed before the sweep looks at it again."""
    settings = settings or get_settings()
    return min(timedelta(seconds=settings.outbox_stale_seconds), run_lease(settings))


def recovery_deadline(settings: Settings | None = None) -> timedelta:
    """After a worker dies, every job it held has started again on a live worker by then."""
    settings = settings or get_settings()
    seconds = settings.outbox_sweep_seconds + HANDOVER_SECONDS
    return run_lease(settings) + timedelta(seconds=seconds)

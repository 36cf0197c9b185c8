"""How long things may take and when they are tried again: the numbers the README states.

- A transient failure is retried after `retry_delay(n)` seconds (n = failures so far): the
  base delay, doubling each time, at most 300 s, until `job_max_tries` attempts were made.
- Webhook deliveries have a schedule of their own, the one Standard Webhooks recommends
  (`WEBHOOK_RETRY_DELAYS`: 8 attempts over 27 h 35 min), so a receiver that is redeploying or
  down for hours still gets every event. A planned retry, however far off, is the outbox
  row's `run_after` (the sweep leaves the row alone until then). The queue entry that wakes it
  up is deferred to that time, and arq keeps a deferred entry until a day past its time (its
  `_expires` default counts from the deferred time), so none expires unrun; an entry Redis
  lost is handed over again by the sweep once the retry is due.
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
# Webhook deliveries: the delays before attempts 2 .. 8 (the first at once, then 5 s, 5 min,
# 30 min, 2 h, 5 h, 10 h and 10 h later: the last 27 h 35 min 5 s after the first), as Standard
# Webhooks and Svix recommend. CH_WEBHOOK_RETRY_SECONDS replaces it (the test suite: no waits).
WEBHOOK_RETRY_DELAYS: tuple[float, ...] = (5, 300, 1_800, 7_200, 18_000, 36_000, 36_000)
WEBHOOK_DELIVERY_JOB = "webhook.deliver"
# Time for the bookkeeping after a job's handler stopped (recording the outcome).
LEASE_GRACE_SECONDS = 2
# From a sweep tick to a worker running what it relayed (cron start, push, queue poll, claim).
HANDOVER_SECONDS = 1


def _doubling(failures: int, settings: Settings) -> float:
    base = settings.job_retry_base_seconds
    return float(min(MAX_RETRY_DELAY_SECONDS, base * 2 ** max(0, failures - 1)))


def webhook_retry_delays(settings: Settings | None = None) -> list[float]:
    """The delays between the attempts of a webhook delivery."""
    own = (settings or get_settings()).webhook_retry_seconds
    return [float(d) for d in (WEBHOOK_RETRY_DELAYS if own is None else own)]


def retry_delays(settings: Settings | None = None, *, job: str | None = None) -> list[float]:
    """A job's whole schedule: the delays before attempts 2 .. its last (`max_tries`).

    Webhook deliveries: `webhook_retry_delays`; every other job: the base delay, doubling."""
    settings = settings or get_settings()
    if job == WEBHOOK_DELIVERY_JOB:
        return webhook_retry_delays(settings)
    return [_doubling(n, settings) for n in range(1, settings.job_max_tries)]


def retry_delay(
    failures: int, settings: Settings | None = None, *, job: str | None = None
) -> float:
    """Seconds between attempt `failures` (which failed) and the next one."""
    delays = retry_delays(settings, job=job)
    if not delays:
        return 0.0
    return delays[min(max(failures, 1), len(delays)) - 1]


def max_tries(job: str | None = None, settings: Settings | None = None) -> int:
    """Attempts of a job (one more than its retries): after the last, it is marked failed."""
    return len(retry_delays(settings, job=job)) + 1


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

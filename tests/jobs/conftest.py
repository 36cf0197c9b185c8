"""Fixtures of the jobs tests: fake clock and queue, worker processes, row locks."""

from tests.jobs.fakes import fake_clock, fake_queue, fakes  # noqa: F401
from tests.jobs.invariants import parked_outbox  # noqa: F401
from tests.jobs.pg import locks  # noqa: F401
from tests.jobs.processes import workers  # noqa: F401
from tests.opportunities.conftest import category, post  # noqa: F401

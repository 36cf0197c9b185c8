from tests.jobs.fakes import fake_clock, fake_queue, fakes  # noqa: F401  (fixtures)

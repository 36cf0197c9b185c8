"""With CI=true the test run fails before any test when PostgreSQL or Redis is unreachable,
with or without pytest-xdist: it neither skips nor starts private servers. (pytest.exit while
the conftest loads: pytest reports it as a conftest that cannot load, exit status 4.)"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTHING_LISTENS = "127.0.0.1:1"


@pytest.mark.parametrize(
    ("args", "database", "redis"),
    [
        (["-n", "2", "--maxschedchunk", "1"], NOTHING_LISTENS, NOTHING_LISTENS),
        (["-p", "no:xdist"], "127.0.0.1:5432", NOTHING_LISTENS),
    ],
    ids=["xdist, neither server", "one process, no Redis"],
)
def test_ci_fails_the_run_when_a_server_is_unreachable(
    args: list[str], database: str, redis: str
) -> None:
    # given: CI=true and servers where nothing listens (and none of this session's own
    # settings, which an xdist worker would otherwise inherit and reuse)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CH_", "PYTEST_"))}
    env |= {
        "CI": "true",
        "CH_DATABASE_URL": f"postgres://postgres@{database}/postgres",
        "CH_REDIS_URL": f"redis://{redis}/0",
    }
    # when: the suite's own command runs a (fast) test file
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", "tests/test_ids.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then: the run fails, naming the servers, and no test ran or was skipped
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "CI=true and PostgreSQL" in output and "is unreachable: failing." in output, output
    assert " passed" not in output and " skipped" not in output, output

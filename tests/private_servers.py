"""Private PostgreSQL and Redis under var/test, for developers without running servers."""

import atexit
from pathlib import Path

from app.devstack.binaries import find_dev_binaries
from app.devstack.postgres import PrivatePostgres
from app.devstack.redis import PrivateRedis

ROOT = Path(__file__).resolve().parent.parent / "var" / "test"


def start_private_servers() -> tuple[str, str]:
    """Starts both servers the way `communityhub dev` does; they stop when the run ends."""
    binaries = find_dev_binaries()
    postgres = PrivatePostgres(binaries.postgres, ROOT / "postgres")
    redis = PrivateRedis(binaries.redis_server, ROOT / "redis")
    database_url = postgres.start()
    atexit.register(postgres.stop)
    redis_url = redis.start()
    atexit.register(redis.stop)
    server_url = database_url.rsplit("/", 1)[0] + "/postgres"
    return server_url, redis_url

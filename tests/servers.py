"""Find the PostgreSQL and Redis servers the tests may use (or fail clearly under CI)."""

import os
import socket
from urllib.parse import urlsplit, urlunsplit

import pytest

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def database_url_for(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def ensure_servers() -> tuple[str, str]:
    """The server URLs to use; starts private servers under var/test when none runs (not in CI)."""
    db = os.environ.get("CH_DATABASE_URL", DEFAULT_DB)
    cache = os.environ.get("CH_REDIS_URL", DEFAULT_REDIS)
    if _reachable(db, 5432) and _reachable(cache, 6379):
        return db, cache
    if os.environ.get("CI") == "true":
        pytest.exit(
            f"CI=true and PostgreSQL ({db}) or Redis ({cache}) is unreachable: failing.",
            returncode=3,
        )
    from tests.private_servers import start_private_servers

    return start_private_servers()

"""Tortoise ORM configuration, shared by the API, the workers, the CLI and `tortoise` itself."""

from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from tortoise.backends.base.config_generator import expand_db_url

from app import tortoise_fixes
from app.config import Settings, get_settings

tortoise_fixes.apply()

MODEL_MODULES = [
    "app.hubs.models",
    "app.people.models",
    "app.organisations.models",
    "app.auth.models",
    "app.audit.models",
    "app.jobs.models",
    "app.opportunities.models",
    "app.portfolios.models",
    "app.credits.models",
    "app.matching.models",
    "app.integrations.models",
    "app.assets.models",
    "app.assets.sharing_models",
    "app.assets.impact_models",
    "app.campaigns.models",
    "app.trials.models",
    "app.paidjobs.models",
    "app.badges.models",
    "app.citydata.models",
    "app.oauth.models",
    "app.gdpr.models",
    "app.moderation.models",
    "app.federation.models",
    "app.civic.models",
    "app.civic.problems.models",
    "app.civic.ideas.models",
    "app.civic.sensors.models",
]


def tortoise_db_url(url: str, *, minsize: int, maxsize: int) -> str:
    """Normalise a libpq-style URL to Tortoise's asyncpg URL and add pool sizes."""
    parts = urlsplit(url)
    scheme = "asyncpg" if parts.scheme in {"postgres", "postgresql", "asyncpg"} else parts.scheme
    query = parts.query + ("&" if parts.query else "")
    query += urlencode({"minsize": minsize, "maxsize": maxsize})
    return urlunsplit((scheme, parts.netloc, parts.path, query, parts.fragment))


async def keep_session(connection: Any) -> None:
    """What a pooled connection needs before its next user, beyond asyncpg's own `_reset()`
    (which has already rolled back a transaction left open and dropped its listeners): nothing.
    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`
    on every release, one more round trip per request (issue 15: 14 % of the API's samples on
    the plain list). The app leaves no session state behind: its advisory locks are
    transaction-scoped (pg_advisory_xact_lock), settings are SET LOCAL, it does not LISTEN in
    PostgreSQL (Redis pub/sub) and holds no cursors WITH HOLD; tests/test_db_pool.py checks it."""


def tortoise_config(
    settings: Settings | None = None, *, database_url: str | None = None
) -> dict[str, Any]:
    settings = settings or get_settings()
    url = tortoise_db_url(
        database_url or settings.database_url,
        minsize=settings.db_pool_min,
        maxsize=settings.db_pool_max,
    )
    connection = expand_db_url(url)
    # OLTP statements: JIT compiling a costly-looking plan took 240 of 330 ms (bench/README).
    connection["credentials"]["server_settings"] = {"jit": "off"}
    connection["credentials"]["reset"] = keep_session
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> Any:
    # `tortoise` CLI reads app.db.TORTOISE_ORM; built lazily so settings are read at use time.
    if name == "TORTOISE_ORM":
        return tortoise_config()
    raise AttributeError(name)

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
]


def tortoise_db_url(url: str, *, minsize: int, maxsize: int) -> str:
    """Normalise a libpq-style URL to Tortoise's asyncpg URL and add pool sizes."""
    parts = urlsplit(url)
    scheme = "asyncpg" if parts.scheme in {"postgres", "postgresql", "asyncpg"} else parts.scheme
    query = parts.query + ("&" if parts.query else "")
    query += urlencode({"minsize": minsize, "maxsize": maxsize})
    return urlunsplit((scheme, parts.netloc, parts.path, query, parts.fragment))


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

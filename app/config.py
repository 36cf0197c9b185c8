"""Settings, read from environment variables prefixed CH_ (and an optional .env file)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of Community Hub; the README's configuration table lists them all."""

    model_config = SettingsConfigDict(env_prefix="CH_", env_file=".env", extra="ignore")

    database_url: str = "postgres://postgres@127.0.0.1:5432/communityhub"
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = Field(default="ch", description="Prefix of Redis keys, queues, channels.")
    db_pool_min: int = 1
    db_pool_max: int = 10

    debug: bool = False
    log_level: str = "INFO"
    log_json: bool = True
    var_dir: Path = Path("var")
    public_url: str = "http://127.0.0.1:8000"

    graphiql: bool = False
    introspection: bool = True
    max_page_size: int = 100
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_query_cost: int = 20_000
    # Each caller's budget of query cost (app/budgets): the bucket's room and its refill per second.
    budget_capacity: int = 100_000
    budget_per_second: float = 1_000.0
    # Multiplies the room of the tight per-identity and per-address limits (sign-in, password
    # reset, voucher checks); a hub whose members share one address may raise it.
    limits_scale: float = 1.0
    max_body_bytes: int = 1_000_000
    # Reads planned into one SQL statement (schema/compiled); false: the interpreter only.
    compile_reads: bool = True
    # `serve` sends a response's headers and body in one write (app/web/protocol.py).
    http_join_writes: bool = True
    ws_allowed_origins: list[str] = []

    access_token_ttl_seconds: int = 3_600
    # How long a process may serve an access token it has seen without reading it again;
    # revocations reach every process through Redis sooner (app/auth/cache.py). 0: off.
    auth_cache_seconds: float = Field(default=30.0, ge=0)
    refresh_token_ttl_seconds: int = 30 * 24 * 3_600
    # OAuth (app/oauth): a rotated client secret keeps working this long; codes live 10 min.
    oauth_secret_overlap_seconds: int = Field(default=24 * 3_600, ge=0)
    email_token_ttl_seconds: int = 2 * 24 * 3_600
    # Members' data rights (app/gdpr): a data export's link lives this long; an erased member's
    # trust-check records (DBS) are kept this long after erasure, as the law asks, then purged.
    export_link_ttl_seconds: int = Field(default=7 * 24 * 3_600, ge=60)
    trust_check_retention_days: int = Field(default=183, ge=0)
    reset_token_ttl_seconds: int = 3_600
    password_min_length: int = 10
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65_536

    email_backend: Literal["log", "file", "smtp"] = "file"
    email_from: str = "Community Hub <no-reply@communityhub.local>"
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True

    # A job whose worker dies runs again within job_timeout + outbox_sweep + 3 s
    # (app/jobs/schedule.py); the README states that deadline.
    job_timeout_seconds: int = 20
    job_max_tries: int = 5
    job_retry_base_seconds: float = 5.0
    outbox_sweep_seconds: int = 5
    outbox_stale_seconds: int = 10
    worker_max_jobs: int = 10
    # Bulk jobs (the matching's email lots) a worker process runs at once, on their own queue.
    worker_bulk_jobs: int = 1
    # Opportunities matched together at most (issue 19); an attempt cut off by the job timeout
    # is retried with half as many, so a slow database still gets through a burst.
    matching_batch: int = 20
    # The members a listing notifies at most: the nearest in reach who pass age, availability,
    # checks and preferences (its shortlist), at most 100 of them told now, the rest in their
    # digest. Until migration 0057 the cut came before those filters: the nearest 600, of
    # whom about a third passed at scale 1.
    matching_candidates: int = 200
    # A batch's candidates are found in this many statements at once, each on a connection and
    # database core of its own (1: one statement).
    matching_parts: int = 2
    # City data answers an API process keeps until the next refresh (issue 18); 0: none kept.
    citydata_cache_seconds: float = 300.0
    housekeeping_seconds: int = 60
    # Campaign settlement: pledges per transaction (each batch posted or voided in set-based SQL).
    settlement_batch: int = 10000

    webhook_allowed_hosts: list[str] = Field(
        default=[],
        description="Hosts or IPs webhooks may reach although private (tests: 127.0.0.1).",
    )
    federation_allowed_hosts: list[str] = Field(
        default=[],
        description="Hosts or IPs partner installations may be at although private (tests).",
    )
    webhook_timeout_seconds: float = 10.0
    webhook_disable_after: int = 5
    # None: the Standard Webhooks schedule (app/jobs/schedule.py WEBHOOK_RETRY_DELAYS).
    webhook_retry_seconds: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="Delays between the attempts of a webhook delivery (JSON list).",
    )

    # Payments across links to other installations (app/federation/protocol.py).
    federation_timeout_seconds: float = 5.0  # one message's round trip
    federation_deadline_seconds: float = 60.0  # a PREPARE is refused after it
    # The payer's side voids a payment the partner never answered this long after its
    # deadline (more than the two clocks may differ and a PREPARE may take).
    federation_margin_seconds: float = 5.0
    federation_recover_seconds: int = 30  # how often the worker re-sends pending decisions
    # Encrypts each link's private signing key at rest (PKCS#8, app/federation/signing.py): a
    # copy of the database alone cannot sign for this installation. Keys made without it stay
    # readable; `communityhub federation-encrypt-keys` encrypts them once it is set.
    federation_key_passphrase: SecretStr | None = None
    # How often linked accounts on other installations are synced (their verified hours
    # fetched, removals delivered): app/federation/remote_accounts.py.
    federation_account_links_seconds: int = 3600
    # Tests only: faults injected in this process's messages (JSON: {"lose": ["prepare"], ...}).
    federation_faults: str = ""

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"


@lru_cache
def get_settings() -> Settings:
    return Settings()

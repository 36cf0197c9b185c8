"""Helpers for tests: a GraphQL client, people factory, mail reader, burst worker, SQL counter."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import httpx

from app.people.models import Member, Role
from bench.sqlcount import SQLCounter as SQLCounter  # the tests count SQL like bench/run
from bench.sqlcount import count_sql as count_sql

DEFAULT_PASSWORD = "a sturdy passphrase 42"


@dataclass
class Person:
    member: Member
    token: str
    refresh_token: str
    email: str
    password: str = DEFAULT_PASSWORD

    @property
    def gid(self) -> str:
        from schema.relay import encode_id

        return str(encode_id("Member", self.member.id))

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def raw(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: Person | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        all_headers = {**(as_.headers if as_ else {}), **(headers or {})}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Runs the operation and asserts no top-level errors; returns `data`."""
        body = await self.raw(query, variables, **kwargs)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]


async def refused_act_for(
    gql: GraphQLClient,
    query: str,
    variables: dict[str, Any] | None,
    *,
    as_: Person | None,
    act_for: str,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Sends `query` with a CH-Act-For header the server must refuse: the whole request is
    answered 403 (401 when nobody is signed in) with ACT_FOR_REFUSED and no `data`."""
    all_headers = {**(as_.headers if as_ else {}), **(headers or {}), "CH-Act-For": act_for}
    response = await gql.http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
    )
    assert response.status_code == (403 if as_ else 401), response.text
    body: dict[str, Any] = response.json()
    assert "data" not in body, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["ACT_FOR_REFUSED"], body
    return body


async def create_person(
    *,
    hub: Any,
    display_name: str = "Member",
    roles: list[Role] | None = None,
    email: str | None = None,
) -> Person:
    """A verified member of `hub`, signed in, with extra roles."""
    from datetime import UTC, datetime

    from app.auth import cache as auth_cache
    from app.auth import service as auth
    from app.people.models import MemberRole

    email = email or f"{uuid.uuid4().hex[:10]}@example.org"
    member = await auth.register(
        hub_slug=hub.slug, email=email, password=DEFAULT_PASSWORD, display_name=display_name
    )
    await Member.filter(id=member.id).update(email_verified_at=datetime.now(UTC))
    for role in roles or []:
        await MemberRole.create(hub_id=hub.id, member_id=member.id, role=role)
    member, access, refresh = await auth.login(
        hub_slug=hub.slug, email=email, password=DEFAULT_PASSWORD
    )
    # Seen once, as an app's token is after its first request: a test's requests then cost
    # what a signed-in client's do (no statement to authenticate, app/auth/cache.py).
    if await auth_cache.ready():
        await auth.authenticate(access)
    return Person(member=member, token=access, refresh_token=refresh, email=email)


async def run_worker_burst(**overrides: Any) -> Any:
    """Real arq workers (the jobs queue's, then the bulk queue's) against real Redis, in burst
    mode, sharing the test process's ORM."""
    from app.jobs import relay_ids
    from app.jobs.models import JobStatus, OutboxJob
    from app.jobs.queue import make_worker
    from workers.main import build_bulk_settings, build_settings

    # Hand over anything committed but not yet relayed (as the cron sweep would).
    pending = await OutboxJob.filter(status=JobStatus.PENDING).values_list("id", flat=True)
    await relay_ids(list(pending))  # type: ignore[arg-type]
    # The jobs queue first (its jobs queue bulk ones, e.g. matching's email lots), then bulk;
    # returns the jobs queue's worker.
    workers = []
    for build in (build_settings, build_bulk_settings):
        settings = build(burst=True)
        settings.update(cron_jobs=[], on_startup=None, on_shutdown=None, **overrides)
        workers.append(make_worker(**settings))
        try:
            await workers[-1].main()
        finally:
            await workers[-1].close()
    return workers[0]


async def queued_emails(to: str | None = None) -> list[dict[str, Any]]:
    """The emails queued in the outbox and not sent yet, oldest first: each `send_email` job's
    payload and each message of a `send_emails` job (the matching batch's lots); `to` filters."""
    from app.jobs.models import OutboxJob

    found: list[dict[str, Any]] = []
    for job in await OutboxJob.filter(name__in=("send_email", "send_emails")).order_by("id"):
        found += job.payload.get("messages", []) if job.name == "send_emails" else [job.payload]
    return [m for m in found if to is None or m.get("to") == to]


def read_mail(to: str, subject: str | None = None) -> list[Any]:
    """The messages the file mail backend wrote to `to` (with `subject`), oldest first."""
    from app.config import get_settings

    folder = Path(get_settings().mail_dir)
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to and subject in (None, message["Subject"]):
            found.append(message)
    return found


def link_in(message: Any, prefix: str) -> str:
    body = message.get_content() if hasattr(message, "get_content") else message.get_payload()
    for word in body.split():
        if word.startswith(prefix):
            return word
    raise AssertionError(f"no link starting {prefix!r} in {body!r}")


def next_weekday(weekday: int, zone: str = "Europe/London") -> date:
    """The first such weekday (Monday is 0) after today in `zone`: a start always in the future."""
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo(zone)).date()
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)

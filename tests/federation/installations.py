"""Two installations on loopback for the protocol tests: each a real `communityhub serve`
process with a database and a Redis prefix of its own, set up through their own code."""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.clients.live import free_port
from tests.servers import database_url_for

GRAPHQL_PAY = """
mutation($input: PayPartnerMemberInput!) {
  payPartnerMember(input: $input) { transfer { id status amount } errors { code field } }
}"""


@dataclass
class Installation:
    name: str  # also the hub's slug
    database_url: str
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, **extra: str) -> dict[str, str]:
        return {**os.environ, **self.env, **extra}

    def start(self, faults: dict[str, Any] | None = None, **extra: str) -> None:
        """Starts (or restarts) the server on its port, with these faults."""
        self.launch(faults, **extra)
        self.wait_up()

    def launch(self, faults: dict[str, Any] | None = None, **extra: str) -> None:
        self.stop()
        self.port = self.port or free_port()
        env = self.environment(CH_FEDERATION_FAULTS=json.dumps(faults or {}), **extra)
        with tempfile.NamedTemporaryFile(prefix=f"ch-fed-{self.name}-", suffix=".log") as f:
            self.log = Path(f.name)
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app", "serve", "--port", str(self.port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )

    def wait_up(self) -> None:
        assert self.process is not None and self.log is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self, *, kill: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            (self.process.kill if kill else self.process.terminate)()
            self.process.wait(10)
        self.process = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cli(self, *args: str, faults: dict[str, Any] | None = None, **extra: str) -> str:
        env = self.environment(CH_FEDERATION_FAULTS=json.dumps(faults or {}), **extra)
        done = subprocess.run(
            [sys.executable, "-m", "app", *args], env=env, capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        return done.stdout.decode()

    def setup(self, command: dict[str, Any] | list[dict[str, Any]]) -> Any:
        """Runs one setup command (or several, in one process) here; their answers."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.federation.remote_setup"],
            env=self.environment(),
            input=json.dumps(command).encode(),
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def pay(self, payer: str, partner: "Installation", payee: str, amount: int) -> dict[str, Any]:
        person = self.info["people"][payer]
        variables = {
            "input": {
                "partnerHubSlug": partner.name,
                "payeeId": partner.info["people"][payee]["gid"],
                "amount": amount,
                "idempotencyKey": uuid.uuid4().hex,
            }
        }
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": GRAPHQL_PAY, "variables": variables},
            headers={"Authorization": f"Bearer {person['token']}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]["payPartnerMember"]  # type: ignore[no-any-return]

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        conn = await asyncpg.connect(self.database_url.replace("asyncpg://", "postgresql://"))
        try:
            return [dict(r) for r in await conn.fetch(sql, *args)]
        finally:
            await conn.close()

    async def books(self) -> int:
        rows = await self.rows("SELECT coalesce(sum(balance), 0)::bigint AS b FROM account")
        return int(rows[0]["b"])

    async def clearing(self) -> int:
        rows = await self.rows("SELECT balance FROM account WHERE kind = 'clearing'")
        return int(rows[0]["balance"])

    async def payments(self) -> dict[str, str]:
        rows = await self.rows("SELECT payment_id::text AS id, state FROM federation_payment")
        return {r["id"]: r["state"] for r in rows}

    async def counts(self) -> dict[str, int]:
        counts = {}
        for table in ("transfer", "entry", "federation_payment", "account", "audit_event"):
            rows = await self.rows(f"SELECT count(*)::int AS n FROM {table}")
            counts[table] = rows[0]["n"]
        return counts


def new_installation(name: str, server_db: str, redis_url: str) -> Installation:
    run = uuid.uuid4().hex[:8]
    database_url = database_url_for(server_db, f"ch_fed_{name.replace('-', '_')}_{run}")
    return Installation(
        name=name,
        database_url=database_url,
        env={
            "CH_DATABASE_URL": database_url,
            "CH_REDIS_URL": redis_url,
            "CH_REDIS_PREFIX": f"ch-fed-{name}-{run}",
            "CH_VAR_DIR": tempfile.mkdtemp(prefix=f"ch-fed-{name}-"),
            "CH_LOG_LEVEL": "WARNING",
            "CH_LOG_JSON": "false",
            "CH_FEDERATION_TIMEOUT_SECONDS": "2",
        },
    )


def hub_and_link(
    a: Installation, b: Installation, *, fund_a: int, limit_a: int, limit_b: int
) -> None:
    """Hub `a.name` (payer Ada, funded) and hub `b.name` (payee Bo), linked at 1:1: A's admin
    connects, B's admin connects with A's key, A completes with B's. `limit_a`: what A lends
    B's members (A's clearing account may go that far below zero), `limit_b` the other way.
    Three setup processes in all (each costs an interpreter's start)."""
    pair = str(uuid.uuid4())
    a.port, b.port = a.port or free_port(), b.port or free_port()
    hub_a, first = a.setup([
        {"op": "hub", "name": "City A", "slug": a.name, "people": ["Ada"], "fund": fund_a},
        {"op": "connect", "slug": a.name, "partner_slug": b.name, "partner_name": f"Hub {b.name}",
         "partner_url": b.url, "pair": pair, "credit_limit": limit_a},
    ])  # fmt: skip
    hub_b, second = b.setup([
        {"op": "hub", "name": "City B", "slug": b.name, "people": ["Bo"]},
        {"op": "connect", "slug": b.name, "partner_slug": a.name, "partner_name": f"Hub {a.name}",
         "partner_url": a.url, "pair": pair, "partner_key": first["public"],
         "credit_limit": limit_b},
    ])  # fmt: skip
    a.setup({"op": "complete", "slug": a.name, "link_id": first["link_id"],
             "partner_key": second["public"]})  # fmt: skip
    a.info = {**hub_a, "link_id": first["link_id"], "pair": pair}
    b.info = {**hub_b, "link_id": second["link_id"], "pair": pair}

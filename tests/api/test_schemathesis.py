"""Schemathesis over every query and mutation, anonymous and signed in, against real uvicorn.

For each operation schemathesis (hypothesis-graphql) writes documents from the published schema:
valid ones with arbitrary arguments (positive) and ones that break the argument types
(negative). Every response must be free of 5xx, of INTERNAL_SERVER_ERROR, of leaked exception
text, and must keep the schema's promises (schemathesis's response conformance check: a JSON
object, no null in a non-null field); and the server must log no error. Examples are bounded
and derandomized, so a run is replayable and short (POSITIVE below).
"""

import asyncio
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.hubs import documents as trusted
from app.people.models import Role
from tests.helpers import create_person

# Per operation and identity. A longer hunt by hand: CH_FUZZ_EXAMPLES=200 CH_FUZZ_SEED=7.
# (20 in the suite took 14 minutes of its CPU at ~380 operations and 3 identities: 860 s of 3,500.)
POSITIVE = int(os.environ.get("CH_FUZZ_EXAMPLES", "8"))
EXAMPLES = {GenerationMode.POSITIVE: POSITIVE, GenerationMode.NEGATIVE: max(1, POSITIVE // 5)}
SEED = os.environ.get("CH_FUZZ_SEED")
LEAKS = ("Traceback", "asyncpg", "tortoise", "psycopg", "site-packages", 'File "')
VIEWER = json.dumps({"query": "{ viewer { id } }"})
TRUST_OFF = "mutation { updateHub(input: {trustedDocumentsOnly: false}) { errors { code } } }"


@dataclass
class Fuzzed:
    """What one identity's run sent and found."""

    operations: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, case: Any, response: Any, why: str) -> None:
        self.failures.append(
            f"{case.operation.label}: {why}\n  sent: {case.body}\n  got {response.status_code}:"
            f" {response.text[:400]}"
        )


@pytest.fixture(scope="module")
def api_schema(live_api: Any) -> Any:
    return schemathesis.graphql.from_url(f"{live_api.url}/graphql", timeout=10)


@pytest.fixture(autouse=True)
async def no_jobs_left_behind() -> AsyncIterator[None]:
    """Drops the outbox jobs the fuzzing queued (emails, matching, webhooks), so that the
    burst workers of later tests do not run thousands of them. (The live API relays to its own
    Redis queue, which nothing consumes.)"""
    from app.jobs.models import OutboxJob

    last = await OutboxJob.all().order_by("-id").first()
    yield
    await OutboxJob.filter(id__gt=last.id if last else 0).delete()


@pytest.fixture
async def demo_hub() -> Any:
    """The demo hub: people, skills and organisations for anonymous reads to serve."""
    from app.demo import DEMO_HUB_SLUG, load_demo_hub
    from app.hubs.models import Hub

    await load_demo_hub()
    return await Hub.get(slug=DEMO_HUB_SLUG)


async def test_schemathesis_anonymous(api_schema: Any, live_api: Any, demo_hub: Any) -> None:
    # given: an anonymous client reading a hub's public data
    headers = {"CH-Hub": demo_hub.slug}
    # when: blocking HTTP, so off the event loop the fixtures share
    found = await asyncio.to_thread(_fuzz, api_schema, live_api.url, lambda _: headers)
    # then
    _assert_clean(found, live_api)


@pytest.mark.parametrize(
    "roles", [[], [Role.HUB_ADMIN, Role.MODERATOR, Role.COORDINATOR]], ids=["member", "hub admin"]
)
async def test_schemathesis_signed_in(
    api_schema: Any, live_api: Any, hub: Any, roles: list[Role]
) -> None:
    # given: a signed-in member of a fresh hub, replaced by a spare once an operation signs
    # it out; mutations run first, so the reads after them have rows to serve
    spares = [await create_person(hub=hub, roles=roles) for _ in range(4)]
    current = spares.pop()
    # and a registered document that turns trusted documents off again, for when updateHub
    # turned them on (then the hub refuses every other document)
    await trusted.register(hub.slug, trusted.read_manifest({_sha(TRUST_OFF): TRUST_OFF}))

    def headers(session: requests.Session) -> dict[str, str]:
        nonlocal current
        signed_in = _post(session, live_api.url, VIEWER, current.headers)
        if "PERSISTED_QUERY_NOT_IN_LIST" in json.dumps(signed_in):
            _post(session, live_api.url, json.dumps({"query": TRUST_OFF}), current.headers)
            signed_in = _post(session, live_api.url, VIEWER, current.headers)
        if (signed_in.get("data") or {}).get("viewer") is None:
            # (not StopIteration: raised into asyncio.to_thread's future it hangs the test)
            assert spares, f"no signed-in member left: {signed_in}"
            current = spares.pop()
        return current.headers

    # when: blocking HTTP, so off the event loop the fixtures share
    found = await asyncio.to_thread(_fuzz, api_schema, live_api.url, headers)
    # then
    _assert_clean(found, live_api)


def _fuzz(
    api_schema: Any, url: str, headers_for: Callable[[requests.Session], dict[str, str]]
) -> Fuzzed:
    found = Fuzzed()
    started = time.monotonic()
    # IDs the answers carry feed later documents (schemathesis's resource pool), so that
    # mutations and reads reach rows that exist, not only "not found".
    ids = api_schema.create_extra_data_source()
    with requests.Session() as session:
        operations = [result.ok() for result in api_schema.get_all_operations()]
        for operation in sorted(operations, key=lambda op: not op.definition.is_mutation):
            found.operations += 1
            headers = headers_for(session)
            for mode, examples in EXAMPLES.items():
                _run(operation, mode, examples, Target(session, url, headers, ids), found)
    print(  # the counts for the record (pytest -s shows them)
        f"\nschemathesis: {found.operations} operations, {found.requests} requests,"
        f" {len(found.failures)} failures, {time.monotonic() - started:.1f} s"
    )
    return found


@dataclass
class Target:
    session: requests.Session
    base_url: str
    headers: dict[str, str]
    ids: Any  # the resource pool


def _run(
    operation: Any, mode: GenerationMode, examples: int, target: Target, found: Fuzzed
) -> None:
    answered: list[tuple[Any, Any]] = []

    def send(case: Any) -> None:
        response = case.call(
            base_url=target.base_url, session=target.session, headers=target.headers
        )
        found.requests += 1
        answered.append((case, response))
        _check(case, response, found)

    feedback = FeedbackSources(extra_data_source=target.ids)
    test = given(case=operation.as_strategy(generation_mode=mode, feedback=feedback))(send)
    if SEED is not None:
        test = seed(int(SEED))(test)
    settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(test)()
    # Only between runs: hypothesis replays draws, and fails a strategy whose data changed
    # under it (FlakyStrategyDefinition).
    for case, response in answered:
        target.ids.record_response(operation=operation, response=response, case=case)


def _check(case: Any, response: Any, found: Fuzzed) -> None:
    if response.status_code >= 500:
        found.fail(case, response, "server error")
        return
    try:
        case.validate_response(response, checks=[response_schema_conformance])
    except FailureGroup as exc:
        found.fail(case, response, f"breaks the schema: {exc.exceptions[0].title}")
    body = response.text
    if "INTERNAL_SERVER_ERROR" in body:
        found.fail(case, response, "internal error")
    if leaked := [word for word in LEAKS if word in body]:
        found.fail(case, response, f"leaks {leaked}")


def _assert_clean(found: Fuzzed, live_api: Any) -> None:
    assert found.operations == _operations_in_schema()
    assert found.requests >= found.operations * sum(EXAMPLES.values()) // 2
    assert found.failures == [], "\n\n".join(found.failures[:20])
    assert live_api.errors_logged() == []


def _operations_in_schema() -> int:
    from schema import schema

    graphql_schema = schema._schema
    roots = (graphql_schema.query_type, graphql_schema.mutation_type)
    return sum(len(root.fields) for root in roots if root is not None)


def _json(headers: dict[str, str]) -> dict[str, str]:
    return {"Content-Type": "application/json", **headers}


def _post(session: requests.Session, url: str, body: str, headers: dict[str, str]) -> Any:
    return session.post(f"{url}/graphql", data=body, headers=_json(headers), timeout=10).json()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()

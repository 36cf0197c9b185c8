"""GraphQL over HTTP conformance: the `graphql-http` npm package's serverAudits against a live
`communityhub serve`. Every MUST and SHOULD audit passes (and today every MAY too)."""

from collections import Counter
from typing import Any

from tests.clients.live import LiveAPI, run_node


async def test_every_must_and_should_audit_of_graphql_http_passes(
    node: str, live_api: LiveAPI
) -> None:
    # when
    results: list[dict[str, Any]] = await run_node(node, "audit.mjs", {"url": live_api.graphql})
    # then
    failed = [r for r in results if r["status"] != "ok" and not r["name"].startswith("MAY")]
    assert failed == [], "\n".join(f"{r['name']}: {r['reason']} {r['response']}" for r in failed)
    levels = Counter(r["name"].split()[0] for r in results)
    assert levels["MUST"] >= 13 and levels["SHOULD"] >= 23, levels
    assert live_api.errors_logged() == []

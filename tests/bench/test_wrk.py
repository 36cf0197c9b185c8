"""bench/wrk.py: wrk sends the given requests in turn, and its counts and percentiles come back."""

import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import wrk

pytestmark = pytest.mark.skipif(not wrk.installed(), reason="wrk is not installed")

REQUESTS = [
    ({"Authorization": "Bearer one"}, {"query": "{ a }", "variables": {"name": 'Zoë "q" \\'}}),
    ({"Authorization": "Bearer two", "CH-Hub": "leeds"}, {"query": "{ b }"}),
    ({"Content-Type": "text/plain"}, "refuse me"),
]


class Seen(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    seen: Counter[tuple[str, str, str, str, bytes]] = Counter()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = (
            self.path,
            self.headers.get("Authorization", ""),
            self.headers.get("CH-Hub", ""),
            self.headers.get("Content-Type", ""),
            body,
        )
        Seen.seen[key] += 1
        status = 500 if body == b"refuse me" else 200
        self.wfile.write(
            f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\n\r\nok".encode()
        )  # one write: no delayed-ACK stall between headers and body

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture
def server() -> Iterator[str]:
    Seen.seen.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Seen)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_wrk_sends_every_request_in_turn_and_counts_refusals(server: str) -> None:
    # given three requests with their own headers and bodies (one the server refuses with 500)
    # when wrk sends them from 2 connections for a second
    found = wrk.run(server + "/graphql?x=1", REQUESTS, clients=2, seconds=1)

    # then the server got each one as given, in turn (about a third each)
    first = ("/graphql?x=1", "Bearer one", "", "application/json")
    body_one = json.dumps(REQUESTS[0][1], separators=(",", ":")).encode()
    second = ("/graphql?x=1", "Bearer two", "leeds", "application/json", b'{"query":"{ b }"}')
    third = ("/graphql?x=1", "", "", "text/plain", b"refuse me")
    seen = Seen.seen
    assert set(seen) == {(*first, body_one), second, third}
    assert max(seen.values()) - min(seen.values()) <= 2
    # and the answers are counted: every one, the refusals as non-2xx errors
    assert found["requests"] <= sum(seen.values()) <= found["requests"] + 2  # 2 in flight
    assert found["non_2xx"] == found["errors"] > 0
    assert abs(found["non_2xx"] - seen[third]) <= 2  # requests in flight when wrk stopped
    assert 0 < found["p50_ms"] <= found["p95_ms"] <= found["p99_ms"]
    assert found["per_second"] > 0 and found["seconds"] >= 1
    assert sum(count for _, count in found["histogram"]) == found["requests"]


def test_merged_rounds_sum_counts_and_recompute_percentiles(server: str) -> None:
    # given two rounds against the same server
    rounds = [wrk.run(server + "/p", REQUESTS[:2], clients=1, seconds=1) for _ in range(2)]

    # when merged
    both = wrk.merged(rounds)

    # then counts add up and the percentiles come from the summed histogram
    assert both["requests"] == rounds[0]["requests"] + rounds[1]["requests"]
    assert both["errors"] == 0 and both["rounds"] == 2
    low = min(r["p50_ms"] for r in rounds)
    high = max(r["p50_ms"] for r in rounds)
    assert low <= both["p50_ms"] <= high

"""bench/wrk_writes.py: every request gets its own key, rows go round, every answer is read."""

import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import wrk, wrk_writes

pytestmark = pytest.mark.skipif(not wrk.installed(), reason="wrk is not installed")

ROWS = [
    ({"Authorization": "Bearer one"}, '{"query":"m","variables":{"key":"@KEY@","n":1}}'),
    ({"Authorization": "Bearer two"}, '{"query":"m","variables":{"key":"@KEY@","n":2}}'),
    ({"Authorization": "Bearer three"}, '{"query":"m","variables":{"n":3}}'),
]
ANSWERS = {  # by n: what the fake API answers
    1: (200, {"data": {"pay": {"transfer": {"id": "T"}, "errors": []}}}),
    2: (200, {"data": {"pay": {"transfer": None, "errors": [{"code": "SAME_ACCOUNT"}]}}}),
    3: (200, {"data": None, "errors": [{"message": "boom", "path": ["pay"]}]}),
}


class Fake(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    keys: Counter[str] = Counter()
    seen: Counter[tuple[str, int]] = Counter()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        n = body["variables"]["n"]
        Fake.seen[(self.headers["Authorization"], n)] += 1
        if "key" in body["variables"]:
            Fake.keys[body["variables"]["key"]] += 1
        status, answer = ANSWERS[n]
        text = json.dumps(answer, separators=(",", ":")).encode()
        head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(text)}\r\n\r\n".encode()
        self.wfile.write(head + text)

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture
def server() -> Iterator[str]:
    Fake.keys.clear()
    Fake.seen.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/graphql"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_each_request_has_a_fresh_key_and_each_answer_is_counted(server: str) -> None:
    # given rows with a key placeholder, a payload refusal and a top-level GraphQL error
    # when wrk sends them from 2 connections on 2 threads for a second, only "ok" allowed
    found = wrk_writes.run(server, ROWS, clients=2, seconds=1, threads=2, allowed={"ok"})

    # then every keyed request carried a key no other request had
    assert Fake.keys and max(Fake.keys.values()) == 1
    assert sum(Fake.keys.values()) == Fake.seen[("Bearer one", 1)] + Fake.seen[("Bearer two", 2)]
    # and the rows went round with their own headers
    assert set(Fake.seen) == {("Bearer one", 1), ("Bearer two", 2), ("Bearer three", 3)}
    # and each answer read was counted by its outcome; the refusals and GraphQL errors are errors
    outcomes = found["outcomes"]
    assert set(outcomes) == {"ok", "same_account", "graphql_error"}
    assert sum(outcomes.values()) == found["requests"]
    assert found["errors"] == outcomes["same_account"] + outcomes["graphql_error"]
    assert found["non_2xx"] == 0


def test_allowed_none_admits_payload_outcomes_but_not_graphql_errors(server: str) -> None:
    # given only the first two rows (an answer and a refusal as data)
    # when sent with every payload outcome allowed
    found = wrk_writes.run(server, ROWS[:2], clients=1, seconds=1)

    # then nothing is an error, and merging two results sums the outcomes
    assert found["errors"] == 0 and found["outcomes"]["same_account"] > 0
    both = wrk_writes.merged([found, found], None)
    assert both["outcomes"]["ok"] == 2 * found["outcomes"]["ok"]
    assert both["requests"] == 2 * found["requests"] and both["errors"] == 0

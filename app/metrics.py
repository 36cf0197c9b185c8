"""Prometheus metrics of the API and the workers."""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "ch_http_requests_total", "HTTP requests served.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "ch_http_request_duration_seconds",
    "HTTP request latency.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
GRAPHQL_ERRORS = Counter("ch_graphql_errors_total", "GraphQL responses carrying errors.", ["kind"])
GRAPHQL_OPERATIONS = Counter(
    "ch_graphql_operations_total",
    "GraphQL operations over HTTP by how they ran: compiled into one SQL statement or by the"
    " interpreter.",
    ["path"],
)
JOBS_FINISHED = Counter(
    "ch_jobs_finished_total", "Jobs finished by this process.", ["job", "outcome"]
)
OUTBOX_JOBS = Gauge("ch_outbox_jobs", "Outbox jobs by status (read at scrape time).", ["status"])
FEDERATION_DIFFERENCE = Gauge(
    "ch_federation_clearing_difference",
    "A link with another installation: this side's clearing balance (converted) plus the"
    " partner's, at the last reconciliation with nothing in flight; 0 when the books agree.",
    ["pair"],
)

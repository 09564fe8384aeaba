"""Per-request measurements for Prometheus: latency and database queries by view, responses by status.

prometheus-client keeps them in this process, or, when PROMETHEUS_MULTIPROC_DIR is set (gunicorn with several
workers), in files there that the metrics endpoint adds up (docs/operations.md, "Metrics").
"""

from prometheus_client import Counter, Histogram

# Views are the label, never paths: a path carries ids, and one time series per trip would swamp Prometheus.
UNRESOLVED_VIEW = "unresolved"

REQUEST_SECONDS = Histogram(
    "chunfeng_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
REQUEST_QUERIES = Histogram(
    "chunfeng_http_request_db_queries",
    "Database queries made to answer a request, by view.",
    ["view"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233),
)
RESPONSES = Counter("chunfeng_http_responses_total", "Responses, by view and status code.", ["view", "status"])


def view_label(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNRESOLVED_VIEW
    return match.view_name or match._func_path


def request_observe(*, view, seconds, queries, status):
    REQUEST_SECONDS.labels(view).observe(seconds)
    REQUEST_QUERIES.labels(view).observe(queries)
    RESPONSES.labels(view, str(status)).inc()

"""Prometheus metrics of the app."""

from prometheus_client import Counter, Histogram

REQUEST_DURATION = Histogram(
    "fabricloop_http_request_duration_seconds",
    "HTTP request duration by route template, method and status.",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "fabricloop_http_requests_total",
    "HTTP requests by route template, method and status.",
    ["method", "route", "status"],
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    labels = (method, route, str(status))
    REQUEST_DURATION.labels(*labels).observe(seconds)
    REQUESTS.labels(*labels).inc()

"""Prometheus metrics shared by every service (one registry per process)."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("onevisit_http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "onevisit_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_PUBLISHED = Counter("onevisit_outbox_published_total", "Outbox rows published to NATS")
MESSAGES_CONSUMED = Counter("onevisit_messages_consumed_total", "Messages handled", ["consumer", "outcome"])

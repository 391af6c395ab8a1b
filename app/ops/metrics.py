"""``/metrics``: the process's figures in the Prometheus text format (``prometheus_client``).

- ``khabar_http_requests_total`` and ``khabar_http_request_duration_seconds``, by method,
  route (the path template, such as ``/v1/articles/{article_id}``, so that ids do not make a
  series each; ``unrouted`` for what no route answered, such as a 304 from the validator
  middleware or a media file) and status class (``2xx``…);
- ``khabar_ticker_stream_clients``: live ticker clients connected to this worker;
- ``khabar_webhook_attempts_total`` by outcome and ``khabar_webhook_attempt_duration_seconds``.

Each worker process answers for itself. With several workers, set ``PROMETHEUS_MULTIPROC_DIR``
to an empty directory shared by them (``prometheus_client``'s multiprocess mode) and any worker
answers for all.
"""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "khabar_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
DURATION = Histogram(
    "khabar_http_request_duration_seconds",
    "Time to answer an HTTP request (to the start of the response).",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TICKER_CLIENTS = Gauge(
    "khabar_ticker_stream_clients",
    "Live ticker clients (SSE and WebSocket) connected to this worker.",
    multiprocess_mode="livesum",
)
WEBHOOK_ATTEMPTS = Counter(
    "khabar_webhook_attempts_total", "Webhook delivery attempts, by outcome.", ["outcome"]
)
WEBHOOK_DURATION = Histogram(
    "khabar_webhook_attempt_duration_seconds",
    "Time from sending a webhook to having the whole answer (or giving up).",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


class MetricsMiddleware:
    """Counts and times every HTTP request, labelled by its route template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        counted = False

        def count(status: int) -> None:
            nonlocal counted
            counted = True
            template = getattr(scope.get("route"), "path", "unrouted")
            method = scope["method"]
            DURATION.labels(method, template).observe(time.perf_counter() - started)
            REQUESTS.labels(method, template, f"{status // 100}xx").inc()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                count(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            if not counted:  # the server's error handler, outside, answers 500
                count(500)
            raise


def exposition(_request: Request) -> Response:
    registry: Any = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(
        generate_latest(registry),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )

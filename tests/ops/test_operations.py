"""``/metrics``: what Prometheus scrapes (``/healthz`` and ``/readyz`` are exercised with
real workers in ``tests/ticker/test_workers.py``)."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.newsroom import Newsroom


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus exposition, by name and labels (the parser refuses what
    is not the text format)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_requests_by_route_template_not_by_id(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    route = ("route", "/v1/articles/{article_id}")

    def count(text: str, status: str) -> float:
        key = ("khabar_http_requests_total", (("method", "GET"), route, ("status", status)))
        return samples(text).get(key, 0.0)

    before = (await client.get("/metrics")).text
    for article in newsroom.public[:3]:
        assert (await client.get(f"/v1/articles/{article.id}")).status_code == 200
    assert (await client.get("/v1/articles/999999")).status_code == 404
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text
    assert count(after, "2xx") - count(before, "2xx") == 3
    assert count(after, "4xx") - count(before, "4xx") == 1
    # One series per route, whatever the ids asked for.
    assert 'article_id}"' in after
    assert "/v1/articles/999999" not in after
    assert "khabar_http_request_duration_seconds_bucket" in after
    assert "khabar_ticker_stream_clients" in after
    assert "khabar_webhook_attempts_total" in after

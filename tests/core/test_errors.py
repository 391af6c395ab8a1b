"""Bad input: every error is an RFC 9457 problem, a 4xx, never a 500 or a stack trace."""

from __future__ import annotations

import json
import sqlite3

import httpx
import jsonschema
import pytest
from sqlalchemy.exc import OperationalError

from app.articles import editing
from tests.accounts import Staff, bearer
from tests.conftest import STANDARDS
from tests.newsroom import Newsroom

PROBLEM_SCHEMA = json.loads((STANDARDS / "http" / "problem-object-rfc9457.schema.json").read_text())


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    jsonschema.validate(body, PROBLEM_SCHEMA)
    assert body["status"] == status
    assert body["title"]
    assert body["type"]
    text = response.text.lower()
    for leak in ("traceback", "select ", "sqlalchemy", "/work/", ".py"):
        assert leak not in text
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("path", "status", "loc"),
    [
        ("/v1/articles?limit=0", 422, ["query", "limit"]),
        ("/v1/articles?limit=101", 422, ["query", "limit"]),
        ("/v1/articles?limit=abc", 422, ["query", "limit"]),
        ("/v1/articles?fields=id,password", 422, ["query", "fields"]),
        ("/v1/articles?fields=,", 422, ["query", "fields"]),
        ("/v1/articles?since=yesterday", 422, ["query", "since"]),
        ("/v1/articles?until=2026-13-45", 422, ["query", "until"]),
        ("/v1/articles?since=9999-12-31T23:59:59-05:00", 422, ["query", "since"]),
        ("/v1/articles?until=0001-01-01T00:00:00%2B01:00", 422, ["query", "until"]),
        ("/v1/articles?is_breaking=perhaps", 422, ["query", "is_breaking"]),
        ("/v1/articles?language=not a language", 422, ["query", "language"]),
        ("/v1/articles?category=no-such-section", 422, ["query", "category"]),
        ("/v1/articles?tag=no-such-tag", 422, ["query", "tag"]),
        ("/v1/articles?author=nobody", 422, ["query", "author"]),
        ("/v1/articles/42abc", 422, ["path", "article_id"]),
        ("/v1/articles/1%20OR%201=1", 422, ["path", "article_id"]),
        ("/v1/articles/0", 422, ["path", "article_id"]),
        ("/v1/articles/99999999999999999999999", 422, ["path", "article_id"]),
        ("/v1/media/-1", 422, ["path", "media_id"]),
        ("/v1/ticker?priority=urgentest", 422, ["query", "priority"]),
        ("/v1/feed?per_section=0", 422, ["query", "per_section"]),
    ],
)
async def test_invalid_parameters_are_422_problems_naming_the_parameter(
    client: httpx.AsyncClient, newsroom: Newsroom, path: str, status: int, loc: list[str]
) -> None:
    body = assert_problem(await client.get(path), status)
    assert loc in [error["loc"] for error in body["errors"]]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/articles/987654",
        "/v1/articles/by-slug/لا-يوجد",
        "/v1/categories/لا-يوجد",
        "/v1/tags/none",
        "/v1/authors/none",
        "/v1/media/987654",
        "/v1/collections/none",
        "/v1/no-such-route",
        "/nothing/here",
    ],
)
async def test_unknown_things_are_404_problems(
    client: httpx.AsyncClient, newsroom: Newsroom, path: str
) -> None:
    assert_problem(await client.get(path), 404)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
async def test_wrong_methods_are_405_problems_with_allow(
    client: httpx.AsyncClient, method: str
) -> None:
    response = await client.request(method, "/v1/feed")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


async def test_a_tampered_cursor_is_a_400_not_a_wrong_page(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    cursor = (await client.get("/v1/articles", params={"limit": 1})).json()["next_cursor"]
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for bad in (flipped, "not-a-cursor", "eyJhIjoxfQ", "%%%", cursor + "x"):
        body = assert_problem(await client.get("/v1/articles", params={"cursor": bad}), 400)
        assert body["type"] == "urn:khabar:problem:invalid-cursor"


async def test_a_cursor_from_another_list_is_refused(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    tags_cursor = (await client.get("/v1/tags", params={"limit": 1})).json()
    articles = (await client.get("/v1/articles", params={"limit": 1})).json()["next_cursor"]
    assert_problem(await client.get("/v1/tags", params={"cursor": articles}), 400)
    assert tags_cursor["next_cursor"] is None  # one tag only: nothing to page


async def test_problems_are_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/articles/987654")
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_a_lock_held_too_long_is_a_503_to_retry(
    client: httpx.AsyncClient, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError(
            "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
        )

    monkeypatch.setattr(editing, "create_article", locked)
    response = await client.post(
        "/v1/articles", json={"title": "x", "category_id": 1}, headers=bearer(staff.editor)
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/problem+json"
    assert "locked" not in response.text

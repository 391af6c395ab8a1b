"""The OpenAPI document lists every /v1 endpoint with the schemas the responses conform to."""

from __future__ import annotations

import httpx

from app.main import create_app

PUBLIC_READS = [
    "/v1/articles",
    "/v1/articles/{article_id}",
    "/v1/articles/by-slug/{slug}",
    "/v1/categories",
    "/v1/categories/{slug}",
    "/v1/tags",
    "/v1/tags/{slug}",
    "/v1/authors",
    "/v1/authors/{slug}",
    "/v1/media/{media_id}",
    "/v1/collections/{slug}",
    "/v1/feed",
    "/v1/ticker",
    "/v1/search",
    "/v1/search/suggest",
]


async def test_openapi_documents_every_read_with_a_response_schema(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    for path in PUBLIC_READS:
        get = document["paths"][path]["get"]
        schema = get["responses"]["200"]["content"]["application/json"]["schema"]
        # One model, or (the article, which editors see with its workflow fields) a choice
        # of models.
        assert "$ref" in schema or all("$ref" in option for option in schema["anyOf"]), path
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_every_v1_route_is_in_the_document() -> None:
    app = create_app()
    document = app.openapi()
    routes = {
        getattr(r, "path", "") for r in app.routes if getattr(r, "path", "").startswith("/v1")
    }
    assert routes <= set(document["paths"])


async def test_the_article_list_documents_its_query_parameters(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    parameters = {p["name"]: p for p in document["paths"]["/v1/articles"]["get"]["parameters"]}
    assert set(parameters) >= {
        "category", "tag", "author", "language", "since", "until", "is_breaking", "fields",
        "cursor", "limit",
    }  # fmt: skip
    assert parameters["limit"]["schema"]["maximum"] == 100
    assert all(p["in"] == "query" for p in parameters.values())


def test_every_write_documents_its_success_schema_and_its_problems() -> None:
    document = create_app().openapi()
    writes = [
        (path, method, operation)
        for path, item in document["paths"].items()
        if path.startswith("/v1")
        for method, operation in item.items()
        if method in ("post", "patch", "put", "delete")
    ]
    assert len(writes) >= 20
    for path, method, operation in writes:
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, (method, path)
        if success[0] != "204":
            assert "$ref" in str(responses[success[0]]["content"]["application/json"]), (
                method,
                path,
            )
        problems = [code for code in responses if code[0] in "45"]
        assert "422" in problems, (method, path)
        if path != "/v1/auth/token":
            assert "401" in problems, (method, path)

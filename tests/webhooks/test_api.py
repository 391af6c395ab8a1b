"""Managing webhooks (``/v1/webhooks``), and the outbox: every event the public sees becomes a
message to each subscribed endpoint, in the transaction that made it, and nothing else does."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import get_settings
from app.models import Category, Webhook, WebhookMessage
from app.webhooks import service
from app.webhooks.schemas import DeliveryList, WebhookCreated, WebhookList, WebhookRead
from app.webhooks.targets import TargetRefused, check_url, pinned, resolve_public
from tests import factories
from tests.accounts import Staff, api_key
from tests.newsroom import Newsroom

ARTICLE_EVENTS = ["article.published", "article.updated", "article.unpublished"]
RECEIVER = "https://partner.example/hooks"


async def register(
    client: httpx.AsyncClient, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/webhooks", json={"url": RECEIVER, "events": ARTICLE_EVENTS, **body}, headers=headers
    )
    assert response.status_code == 201, response.text
    created = response.json()
    WebhookCreated.model_validate(created)
    return dict(created)


async def messages(session: AsyncSession) -> list[tuple[str, dict[str, Any]]]:
    rows = await session.execute(
        select(WebhookMessage.event_type, WebhookMessage.payload).order_by(WebhookMessage.id)
    )
    return [(kind, orjson.loads(payload)) for kind, payload in rows]


async def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    admin = staff.headers(staff.admin)
    created = await register(client, admin, description="شريك")
    assert created["secret"].startswith("whsec_")
    assert created["is_active"] is True
    assert created["events"] == sorted(ARTICLE_EVENTS)
    again = await client.get(f"/v1/webhooks/{created['id']}", headers=admin)
    assert again.status_code == 200
    assert "secret" not in again.json()
    WebhookRead.model_validate(again.json())
    # Stored sealed, never in the clear, and it opens to what was shown.
    stored = await session.scalar(select(Webhook.secret).where(Webhook.id == created["id"]))
    assert stored is not None
    assert created["secret"] not in stored
    assert service.unseal(stored) == created["secret"]


async def test_partner_keys_manage_only_their_own_endpoints_and_others_may_not_at_all(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    mine = await api_key(session, staff.admin, "webhooks:manage")
    theirs = await api_key(session, staff.admin, "webhooks:manage")
    reader = await api_key(session, staff.admin, "syndication:read")
    own = await register(client, mine)
    assert own["owner"]["kind"] == "key"
    other = await register(client, theirs)
    listed = (await client.get("/v1/webhooks", headers=mine)).json()
    WebhookList.model_validate(listed)
    assert [item["id"] for item in listed["items"]] == [own["id"]]
    assert (await client.get(f"/v1/webhooks/{other['id']}", headers=mine)).status_code == 404
    assert (
        await client.patch(f"/v1/webhooks/{other['id']}", json={"is_active": False}, headers=mine)
    ).status_code == 404
    everyone = (await client.get("/v1/webhooks", headers=staff.headers(staff.admin))).json()
    assert {own["id"], other["id"]} <= {item["id"] for item in everyone["items"]}
    for headers in (reader, staff.headers(staff.editor)):
        assert (await client.get("/v1/webhooks", headers=headers)).status_code == 403
        refused = await client.post(
            "/v1/webhooks", json={"url": RECEIVER, "events": ARTICLE_EVENTS}, headers=headers
        )
        assert refused.status_code == 403
    assert (await client.get("/v1/webhooks")).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://partner.example/hooks", "events": ARTICLE_EVENTS},
        {"url": "javascript:alert(1)", "events": ARTICLE_EVENTS},
        {"url": "https:///no-host", "events": ARTICLE_EVENTS},
        {"url": "https://partner.example/hooks#frag", "events": ARTICLE_EVENTS},
        {"url": "http://☃..com/", "events": ARTICLE_EVENTS},
        {"url": "https://partner.example:0/", "events": ARTICLE_EVENTS},
        {"url": RECEIVER, "events": ["article.exploded"]},
        {"url": RECEIVER, "events": []},
        {"url": RECEIVER, "events": ARTICLE_EVENTS, "secret": "whsec_mine"},
    ],
)
async def test_a_bad_endpoint_is_a_422_and_registers_nothing(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff, body: dict[str, Any]
) -> None:
    response = await client.post("/v1/webhooks", json=body, headers=staff.headers(staff.admin))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]
    assert await session.scalar(select(func.count()).select_from(Webhook)) == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://localhost/hooks",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 for 169.254.169.254
        "http://[2002:7f00:1::]/",  # 6to4 for 127.0.0.1
        "http://[::127.0.0.1]/",  # IPv4-compatible
    ],
)
async def test_production_refuses_targets_that_resolve_to_non_public_addresses(url: str) -> None:
    parsed = check_url(url)  # well-formed: only where it leads is refused
    with pytest.raises(TargetRefused, match="non-public"):
        await resolve_public(parsed)


async def test_a_public_address_is_accepted_and_the_setting_decides_when_to_check(
    client: httpx.AsyncClient, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await resolve_public(check_url("https://93.184.215.14/hooks")) == "93.184.215.14"
    settings = get_settings()
    assert not settings.webhook_blocks_private_targets  # tests post to 127.0.0.1
    production = settings.model_copy(update={"env": "production"})
    assert production.webhook_blocks_private_targets
    allowed = production.model_copy(update={"webhook_allow_private_targets": True})
    assert not allowed.webhook_blocks_private_targets
    monkeypatch.setattr("app.webhooks.service.get_settings", lambda: production)
    refused = await client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/", "events": ARTICLE_EVENTS},
        headers=staff.headers(staff.admin),
    )
    assert refused.status_code == 422
    assert "non-public" in refused.json()["errors"][0]["msg"]


async def test_publishing_editing_and_unpublishing_write_one_message_per_subscriber(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff, newsroom: Newsroom
) -> None:
    await session.commit()  # the newsroom's stories are out before anyone subscribes
    admin = staff.headers(staff.admin)
    articles = await register(client, admin)
    await register(client, admin, events=["ticker.created"])  # hears no article event
    editor = staff.headers(staff.editor)
    story = await factories.article(session, "خبر قيد التحرير", newsroom.world, status="draft")
    await session.commit()
    assert await messages(session) == []  # a draft is not news
    assert (await client.post(f"/v1/articles/{story.id}/publish", headers=editor)).is_success
    current = await client.get(f"/v1/articles/{story.id}", headers=editor)
    edited = await client.patch(
        f"/v1/articles/{story.id}",
        json={"title": "خبر بعد التحرير"},
        headers={**editor, "If-Match": current.headers["etag"]},
    )
    assert edited.status_code == 200
    assert (await client.post(f"/v1/articles/{story.id}/unpublish", headers=editor)).is_success
    sent = await messages(session)
    assert [kind for kind, _ in sent] == ARTICLE_EVENTS
    published, updated, unpublished = (body for _, body in sent)
    assert published["type"] == "article.published"
    assert published["timestamp"].endswith("Z")
    assert published["data"]["id"] == story.id
    assert published["data"]["uri"] == f"https://api.example/v1/articles/{story.id}"
    assert published["data"]["url"].startswith("https://news.example/")
    assert updated["data"]["title"] == "خبر بعد التحرير"
    # A withdrawn story is named, not repeated.
    assert set(unpublished["data"]) == {"id", "uri", "url"}
    rows = await session.execute(select(WebhookMessage.webhook_id, WebhookMessage.msg_id))
    targets = {webhook_id for webhook_id, _ in rows}
    assert targets == {articles["id"]}


async def test_a_rolled_back_change_leaves_no_message_and_its_commit_one(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff, newsroom: Newsroom
) -> None:
    await session.commit()
    world_id = newsroom.world.id
    await register(client, staff.headers(staff.admin))
    await factories.article(session, "خبر لن يرى النور", newsroom.world)
    await session.rollback()
    assert await messages(session) == []
    section = await session.get_one(Category, world_id)
    await factories.article(session, "خبر يرى النور", section)
    await session.commit()
    assert [kind for kind, _ in await messages(session)] == ["article.published"]


async def test_ticker_events_reach_ticker_subscribers(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    await register(client, staff.headers(staff.admin), events=["ticker.created", "ticker.deleted"])
    editor = staff.headers(staff.editor)
    line = await client.post("/v1/ticker", json={"text": "عاجل: زلزال"}, headers=editor)
    assert line.status_code == 201, line.text
    assert (
        await client.delete(f"/v1/ticker/{line.json()['id']}", headers=editor)
    ).status_code == 204
    sent = await messages(session)
    assert [kind for kind, _ in sent] == ["ticker.created", "ticker.deleted"]
    assert sent[0][1]["data"]["text"] == "عاجل: زلزال"
    assert sent[1][1]["data"] == {"id": line.json()["id"]}


async def test_the_test_event_is_queued_for_that_endpoint_and_a_disabled_one_refuses(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    admin = staff.headers(staff.admin)
    hook = await register(client, admin)
    queued = await client.post(f"/v1/webhooks/{hook['id']}/test", headers=admin)
    assert queued.status_code == 202
    assert queued.json()["msg_id"].startswith("msg_")
    [(kind, body)] = await messages(session)
    assert kind == body["type"] == "webhook.test"
    paused = await client.patch(
        f"/v1/webhooks/{hook['id']}", json={"is_active": False}, headers=admin
    )
    assert paused.json()["is_active"] is False
    assert paused.json()["disabled_reason"]
    refused = await client.post(f"/v1/webhooks/{hook['id']}/test", headers=admin)
    assert refused.status_code == 409
    log = await client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=admin)
    assert log.status_code == 200
    assert DeliveryList.model_validate(log.json()).items == []  # nothing attempted: no worker


async def test_patch_changes_what_it_names_and_null_is_refused(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    admin = staff.headers(staff.admin)
    hook = await register(client, admin)
    changed = await client.patch(
        f"/v1/webhooks/{hook['id']}",
        json={"events": ["ticker.created"], "url": "https://partner.example/v2"},
        headers=admin,
    )
    assert changed.status_code == 200
    assert changed.json()["events"] == ["ticker.created"]
    assert changed.json()["url"] == "https://partner.example/v2"
    assert changed.json()["description"] is None
    for body in ({"url": None}, {"events": None}, {"is_active": None}, {"url": "ftp://x"}):
        response = await client.patch(f"/v1/webhooks/{hook['id']}", json=body, headers=admin)
        assert response.status_code == 422, body
    deleted = await client.delete(f"/v1/webhooks/{hook['id']}", headers=admin)
    assert deleted.status_code == 204
    assert (await client.get(f"/v1/webhooks/{hook['id']}", headers=admin)).status_code == 404


def test_an_attempt_connects_to_the_checked_address_under_the_name_it_was_given() -> None:
    secure = pinned(check_url("https://hooks.partner.example:8443/in?x=1"), "93.184.215.14")
    assert str(secure.url) == "https://93.184.215.14:8443/in?x=1"
    assert secure.headers == {"host": "hooks.partner.example:8443"}
    assert secure.extensions == {"sni_hostname": "hooks.partner.example"}  # TLS checks the name
    plain = pinned(check_url("http://شريك.example/in"), "2001:db8::1")
    assert str(plain.url) == "http://[2001:db8::1]/in"
    assert plain.headers == {"host": "شريك.example".encode("idna").decode()}
    assert plain.extensions == {}


async def test_withdrawing_a_story_takes_back_the_messages_still_carrying_it(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff, newsroom: Newsroom
) -> None:
    await session.commit()
    await register(client, staff.headers(staff.admin))
    editor = staff.headers(staff.editor)
    story = await factories.article(session, "خبر سيسحب", newsroom.world, status="draft")
    await session.commit()
    assert (await client.post(f"/v1/articles/{story.id}/publish", headers=editor)).is_success
    assert (await client.post(f"/v1/articles/{story.id}/unpublish", headers=editor)).is_success
    rows = await session.execute(
        select(WebhookMessage.event_type, WebhookMessage.status, WebhookMessage.subject).order_by(
            WebhookMessage.id
        )
    )
    assert [tuple(row) for row in rows] == [
        ("article.published", "superseded", f"article:{story.id}"),
        ("article.unpublished", "pending", f"article:{story.id}"),
    ]


async def test_revoking_a_key_stops_its_webhooks(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff, newsroom: Newsroom
) -> None:
    await session.commit()
    key = await api_key(session, staff.admin, "webhooks:manage")
    hook = await register(client, key)
    key_id = await session.scalar(select(Webhook.owner_key_id).where(Webhook.id == hook["id"]))
    revoked = await client.delete(f"/v1/api-keys/{key_id}", headers=staff.headers(staff.admin))
    assert revoked.status_code == 204
    state = (
        await client.get(f"/v1/webhooks/{hook['id']}", headers=staff.headers(staff.admin))
    ).json()
    assert state["is_active"] is False
    assert "revoked" in state["disabled_reason"]
    section = await session.get_one(Category, newsroom.world.id)
    await factories.article(session, "خبر بعد سحب المفتاح", section)
    await session.commit()
    assert await messages(session) == []  # nothing queued for a revoked partner


async def test_rotating_the_secret_shows_the_new_one_once_and_keeps_the_old_a_day(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    admin = staff.headers(staff.admin)
    hook = await register(client, admin)
    rotated = await client.post(f"/v1/webhooks/{hook['id']}/rotate-secret", headers=admin)
    assert rotated.status_code == 200
    body = rotated.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != hook["secret"]
    row = await session.scalar(select(Webhook).where(Webhook.id == hook["id"]))
    assert row is not None
    assert service.unseal(row.secret) == body["secret"]
    assert row.previous_secret is not None
    assert service.unseal(row.previous_secret) == hook["secret"]
    assert body["previous_secret_until"].endswith("Z")


async def test_another_owners_endpoint_is_not_found_for_every_action(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    mine = await api_key(session, staff.admin, "webhooks:manage")
    theirs = await register(client, await api_key(session, staff.admin, "webhooks:manage"))
    path = f"/v1/webhooks/{theirs['id']}"
    for method, suffix in (
        ("GET", ""),
        ("DELETE", ""),
        ("POST", "/test"),
        ("POST", "/rotate-secret"),
        ("GET", "/deliveries"),
    ):
        response = await client.request(method, path + suffix, headers=mine)
        assert response.status_code == 404, (method, suffix)
    assert (await client.get(path, headers=staff.headers(staff.admin))).status_code == 200

"""Webhook delivery against a real receiver on 127.0.0.1, with the app's own delivery worker:
signed deliveries a partner verifies with the ``standardwebhooks`` library, and, through a
receiver that is down, failing, slow, or an app killed mid-delivery, every event delivered at
least once afterwards under its one ``webhook-id``."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select
from standardwebhooks import Webhook as Verifier

from app.core.database import Database
from app.core.settings import get_settings
from app.models import Category, WebhookMessage
from app.webhooks.delivery import lease_seconds
from tests import factories
from tests.conftest import app_on
from tests.webhooks.receiver import Answer, Receiver, eventually, until

ROOT = Path(__file__).resolve().parents[2]
ADMIN = {"admin_username": "chief", "admin_password": "a long enough password for tests"}
#: A worker that retries within a fraction of a second, so faults pass quickly.
FAST = {
    "webhook_delivery": True,
    "webhook_timeout_seconds": 0.5,
    "webhook_retry_base_seconds": 0.05,
    "webhook_retry_max_seconds": 0.2,
    "webhook_poll_seconds": 0.05,
}


@pytest.fixture
def receiver() -> Any:
    running = Receiver().start()
    yield running
    running.stop()


@asynccontextmanager
async def newsroom(url: str, **settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    """The app over ``url`` with its delivery worker, and a client logged in as its admin."""
    async with app_on(url, **{**ADMIN, **FAST, **settings}) as (client, database):
        token = await client.post(
            "/v1/auth/token",
            data={"username": ADMIN["admin_username"], "password": ADMIN["admin_password"]},
        )
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield client, database


async def subscribe(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await client.post(
        "/v1/webhooks", json={"url": url, "events": ["article.published", "article.unpublished"]}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def publish(database: Database, *titles: str) -> list[int]:
    """Publish stories in one transaction (the outbox is written in it)."""
    async with database.write_sessions() as session:
        section = await session.scalar(select(Category).limit(1))
        if section is None:
            section = await factories.category(session, "أخبار")
        ids = [(await factories.article(session, title, section)).id for title in titles]
        await session.commit()
    return ids


async def log(client: httpx.AsyncClient, webhook_id: int) -> list[dict[str, Any]]:
    """The endpoint's delivery log, oldest attempt first."""
    response = await client.get(f"/v1/webhooks/{webhook_id}/deliveries", params={"limit": 100})
    assert response.status_code == 200
    return list(reversed(response.json()["items"]))


async def statuses(database: Database) -> list[str]:
    async with database.write_sessions() as session:
        return list(
            await session.scalars(select(WebhookMessage.status).order_by(WebhookMessage.id))
        )


async def delivered(database: Database, count: int) -> None:
    """Wait until ``count`` messages exist and all are delivered (outcomes are written after
    the receiver has answered)."""
    await until(lambda: _all_delivered(database, count))


async def _all_delivered(database: Database, count: int) -> bool:
    return await statuses(database) == ["delivered"] * count


async def _attempted(client: httpx.AsyncClient, webhook_id: int, count: int) -> bool:
    return len(await log(client, webhook_id)) >= count


async def test_a_partner_receives_a_signed_delivery_for_each_publish_and_verifies_it(
    own_database: str, receiver: Receiver
) -> None:
    async with newsroom(own_database) as (client, database):
        hook = await subscribe(client, receiver.url)
        ids = await publish(database, "الخبر الأول", "الخبر الثاني", "الخبر الثالث")
        received = await receiver.wait_for(3)
        verifier = Verifier(hook["secret"])
        bodies = [verifier.verify(r.body, r.headers) for r in received]
        assert sorted(body["data"]["id"] for body in bodies) == ids
        assert {body["type"] for body in bodies} == {"article.published"}
        assert all(r.headers["content-type"] == "application/json" for r in received)
        assert len(set(receiver.ids())) == 3
        # Signed with another secret, it would not verify.
        with pytest.raises(Exception, match="signature"):
            Verifier("whsec_" + "A" * 43).verify(received[0].body, received[0].headers)
        await delivered(database, 3)
        attempts = await log(client, hook["id"])
        assert [a["outcome"] for a in attempts] == ["delivered"] * 3
        assert {a["status_code"] for a in attempts} == {204}
        assert {a["msg_id"] for a in attempts} == set(receiver.ids())


async def test_a_receiver_down_for_a_while_gets_every_event_after_it_returns(
    own_database: str,
) -> None:
    receiver = Receiver()  # not listening yet: connections are refused
    async with newsroom(own_database) as (client, database):
        hook = await subscribe(client, receiver.url)
        await publish(database, "خبر أثناء الانقطاع", "خبر آخر أثناء الانقطاع")
        await until(lambda: _attempted(client, hook["id"], 4))
        failed = await log(client, hook["id"])
        assert {a["outcome"] for a in failed} == {"error"}
        receiver.start()
        try:
            await receiver.wait_for(2)
            await delivered(database, 2)
            attempts = await log(client, hook["id"])
            # Every attempt of a message carried its one id; each id arrived once, at the end.
            assert len({a["msg_id"] for a in attempts}) == 2
            assert sorted(receiver.ids()) == sorted({a["msg_id"] for a in attempts})
            successes = [a for a in attempts if a["outcome"] == "delivered"]
            assert all(a["attempt"] > 1 for a in successes)
        finally:
            receiver.stop()


async def test_a_receiver_answering_500_is_retried_with_the_same_id_and_logged(
    own_database: str, receiver: Receiver
) -> None:
    receiver.answers.extend([Answer(500, body=b"database on fire"), Answer(503)])
    async with newsroom(own_database) as (client, database):
        hook = await subscribe(client, receiver.url)
        await publish(database, "خبر يصل في المحاولة الثالثة")
        await receiver.wait_for(3)
        await delivered(database, 1)
        assert len(set(receiver.ids())) == 1
        attempts = await log(client, hook["id"])
        assert [(a["attempt"], a["outcome"], a["status_code"]) for a in attempts] == [
            (1, "failed", 500),
            (2, "failed", 503),
            (3, "delivered", 204),
        ]
        assert attempts[0]["response_excerpt"] == "database on fire"
        assert all(a["latency_ms"] >= 0 for a in attempts)
        again = (await client.get(f"/v1/webhooks/{hook['id']}")).json()
        assert again["consecutive_failures"] == 0
        assert again["failing_since"] is None


async def test_a_slow_receiver_times_out_and_gets_the_same_message_again(
    own_database: str, receiver: Receiver
) -> None:
    receiver.answers.append(Answer(200, delay=1.5))  # beyond the 0.5 s timeout
    async with newsroom(own_database) as (client, database):
        hook = await subscribe(client, receiver.url)
        await publish(database, "خبر يتأخر")
        first, second = await receiver.wait_for(2)
        assert first.webhook_id == second.webhook_id
        assert first.body == second.body
        await delivered(database, 1)
        outcomes = [a["outcome"] for a in await log(client, hook["id"])]
        assert outcomes == ["timeout", "delivered"]


async def test_workers_sharing_a_database_attempt_each_message_once(
    own_database: str, receiver: Receiver
) -> None:
    patient = {"webhook_timeout_seconds": 5}  # 60 requests at once on one event loop
    async with (
        newsroom(own_database, **patient) as (client, database),
        newsroom(own_database, **patient),
    ):
        hook = await subscribe(client, receiver.url)
        ids = await publish(database, *(f"خبر رقم {n}" for n in range(30)))
        await delivered(database, 30)
        assert len(receiver.received) == 30  # none twice
        assert sorted(orjson.loads(r.body)["data"]["id"] for r in receiver.received) == ids
        attempts = await log(client, hook["id"])
        assert [a["outcome"] for a in attempts] == ["delivered"] * 30


async def test_an_endpoint_failing_too_long_is_disabled_and_catches_up_when_re_enabled(
    own_database: str, receiver: Receiver
) -> None:
    receiver.default = Answer(500)
    settings = {"webhook_disable_after_hours": 0, "webhook_disable_after_failures": 3}
    async with newsroom(own_database, **settings) as (client, database):
        hook = await subscribe(client, receiver.url)
        await publish(database, "خبر أول")

        async def disabled() -> bool:
            state = (await client.get(f"/v1/webhooks/{hook['id']}")).json()
            return not state["is_active"]

        for _ in range(100):
            if await disabled():
                break
            await asyncio.sleep(0.05)
        state = (await client.get(f"/v1/webhooks/{hook['id']}")).json()
        assert state["is_active"] is False
        assert "500" in state["disabled_reason"]
        attempts = len(receiver.received)
        await publish(database, "خبر أثناء التعطيل")
        await asyncio.sleep(0.5)
        assert len(receiver.received) == attempts  # nothing sent to a disabled endpoint
        receiver.default = Answer(204)
        enabled = await client.patch(f"/v1/webhooks/{hook['id']}", json={"is_active": True})
        assert enabled.json()["is_active"] is True
        await eventually(lambda: len(set(receiver.ids())) == 2)
        await delivered(database, 2)


async def test_an_app_killed_mid_delivery_leaves_the_message_to_be_sent_again(
    own_database: str, receiver: Receiver
) -> None:
    receiver.answers.append(Answer(204, delay=30))  # the first attempt hangs
    async with newsroom(own_database, webhook_delivery=False) as (client, database):
        hook = await subscribe(client, receiver.url)
        await publish(database, "خبر انقطع تسليمه")
    env = {
        **os.environ,
        "KHABAR_DATABASE_URL": own_database,
        "KHABAR_WEBHOOK_DELIVERY": "true",
        "KHABAR_WEBHOOK_TIMEOUT_SECONDS": "1",
        "KHABAR_WEBHOOK_POLL_SECONDS": "0.05",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
         "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        [first] = await receiver.wait_for(1, timeout=30)
    finally:
        worker.send_signal(signal.SIGKILL)  # mid-delivery: no outcome is ever written
        worker.wait()
    async with newsroom(own_database, webhook_timeout_seconds=1) as (client, database):
        # Once the dead worker's lease has run out, the message is due again.
        lease = lease_seconds(get_settings().model_copy(update={"webhook_timeout_seconds": 1}))
        [_, second] = await receiver.wait_for(2, timeout=lease + 10)
        assert second.webhook_id == first.webhook_id
        assert second.body == first.body
        await delivered(database, 1)
        attempts = await log(client, hook["id"])
        assert [(a["attempt"], a["outcome"]) for a in attempts] == [(2, "delivered")]


async def test_a_rotated_secret_and_the_old_one_both_verify_during_the_overlap(
    own_database: str, receiver: Receiver
) -> None:
    async with newsroom(own_database) as (client, database):
        hook = await subscribe(client, receiver.url)
        rotated = (await client.post(f"/v1/webhooks/{hook['id']}/rotate-secret")).json()
        await publish(database, "خبر بعد تغيير السر")
        [request] = await receiver.wait_for(1)
        assert len(request.headers["webhook-signature"].split()) == 2
        for secret in (hook["secret"], rotated["secret"]):
            Verifier(secret).verify(request.body, request.headers)


async def test_an_answer_that_is_not_text_is_logged_without_what_no_log_can_hold(
    own_database: str, receiver: Receiver
) -> None:
    receiver.answers.append(Answer(200, body=b"ok\x00\x01\xffdone"))
    async with newsroom(own_database) as (client, database):
        hook = await subscribe(client, receiver.url)
        await publish(database, "خبر وجواب ثنائي")
        await delivered(database, 1)
        [attempt] = await log(client, hook["id"])
        assert attempt["response_excerpt"] == "ok\x01\ufffddone"


async def test_in_production_an_attempt_connects_to_the_address_it_checked(
    own_database: str, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved and checked once per attempt, and the request goes to that very
    address under the name (``Host``), so a name re-pointed in between is never followed."""
    checked: list[str] = []

    async def resolve(url: Any) -> str:
        checked.append(url.host)
        return "127.0.0.1"  # as if the partner's name resolved to a public address

    monkeypatch.setattr("app.webhooks.delivery.resolve_public", resolve)
    monkeypatch.setattr("app.webhooks.service.resolve_public", resolve)
    production = {"env": "production", "webhook_allow_private_targets": False}
    async with newsroom(own_database, **production) as (client, database):
        url = f"http://hooks.partner.invalid:{receiver.port}/in"
        hook = await subscribe(client, url)
        await publish(database, "خبر إلى عنوان مفحوص")
        [request] = await receiver.wait_for(1)
        assert request.headers["host"] == f"hooks.partner.invalid:{receiver.port}"
        Verifier(hook["secret"]).verify(request.body, request.headers)
        assert checked == ["hooks.partner.invalid"]  # the attempt's own resolution

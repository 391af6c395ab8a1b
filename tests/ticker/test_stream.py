"""``/v1/ticker/stream`` and ``/v1/ticker/ws`` over real HTTP: events as they happen, replay
from ``Last-Event-ID``, a reset when the place is lost, filters, heartbeats and headers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import delete

from app.core.database import Database, make_engine
from app.core.settings import get_settings
from app.main import create_app
from app.models import TickerEvent
from app.models.base import utcnow
from tests.accounts import bearer, user
from tests.ticker.live import served, sse


@pytest.fixture
async def live(own_database: str) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The app on a real server over a database of its own, its clock and heartbeat quick;
    a client and an editor's credentials."""
    settings = get_settings().model_copy(
        update={
            "database_url": own_database,
            "content_clock_seconds": 0.1,
            "ticker_heartbeat_seconds": 0.3,
        }
    )
    database = Database.from_settings(settings)
    async with database.write_sessions() as session, session.begin():
        editor = bearer(await user(session, "editor", "editor"))
    async with served(create_app(settings, database)) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            yield client, editor
    await database.dispose()


async def _post(client: httpx.AsyncClient, editor: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/ticker", json={"text": "عاجل", **body}, headers=editor)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_new_line_reaches_a_connected_client_at_once(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, editor = live
    headers = {"Accept-Encoding": "br, gzip"}
    async with sse(client, "/v1/ticker/stream", headers) as stream:
        response = stream.response
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        assert response.headers["cache-control"] == "no-store"
        assert "content-encoding" not in response.headers, "a compressed stream would buffer"
        created = await _post(client, editor, text="عاجل: زلزال", priority="breaking")
        event = await stream.next(timeout=2)
        assert stream.retry == get_settings().ticker_retry_ms
        assert (event.type, event.json) == ("ticker.created", created)
        assert int(event.id or 0) > 0
        changed = await client.patch(
            f"/v1/ticker/{created['id']}", json={"text": "عاجل: زلزال بقوة ٥"}, headers=editor
        )
        update = await stream.next(timeout=2)
        assert (update.type, update.json) == ("ticker.updated", changed.json())
        assert int(update.id or 0) > int(event.id or 0)
        await client.delete(f"/v1/ticker/{created['id']}", headers=editor)
        deleted = await stream.next(timeout=2)
        assert (deleted.type, deleted.json) == ("ticker.deleted", {"id": created["id"]})


async def test_last_event_id_replays_what_was_missed(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, editor = live
    async with sse(client, "/v1/ticker/stream") as stream:
        first = await _post(client, editor, text="الأول")
        seen = await stream.next()
    # Disconnected: two lines happen meanwhile.
    second = await _post(client, editor, text="الثاني")
    third = await _post(client, editor, text="الثالث")
    async with sse(client, "/v1/ticker/stream", {"Last-Event-ID": seen.id or ""}) as stream:
        replayed = [await stream.next(), await stream.next()]
        assert [e.json["id"] for e in replayed] == [second["id"], third["id"]]
        fourth = await _post(client, editor, text="الرابع")
        assert (await stream.next()).json["id"] == fourth["id"]
    assert seen.json["id"] == first["id"]


@pytest.mark.parametrize("last_event_id", ["not-a-number", "99999999999", "-3"])
async def test_a_lost_place_in_the_log_starts_with_the_current_ticker(
    live: tuple[httpx.AsyncClient, dict[str, str]], last_event_id: str
) -> None:
    client, editor = live
    on_air = await _post(client, editor, text="على الهواء")
    async with sse(client, "/v1/ticker/stream", {"Last-Event-ID": last_event_id}) as stream:
        reset = await stream.next()
        assert reset.type == "ticker.reset"
        assert [item["id"] for item in reset.json["items"]] == [on_air["id"]]
        later = await _post(client, editor, text="بعد")
        event = await stream.next()
        assert (event.type, event.json["id"]) == ("ticker.created", later["id"])
        assert int(event.id or 0) > int(reset.id or 0)


async def test_filters_by_language_and_lowest_priority(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, editor = live
    async with sse(client, "/v1/ticker/stream?language=en&priority=urgent") as stream:
        await _post(client, editor, text="عاجل", priority="breaking", language="ar")
        await _post(client, editor, text="Minor", priority="normal", language="en")
        wanted = await _post(client, editor, text="Urgent", priority="urgent", language="en")
        event = await stream.next()
        assert event.json["id"] == wanted["id"]
    bad = await client.get("/v1/ticker/stream?priority=loud")
    assert bad.status_code == 422


async def test_an_expiring_line_leaves_the_stream_by_itself_and_heartbeats_keep_it_open(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, editor = live
    async with sse(client, "/v1/ticker/stream") as stream:
        await stream.heartbeat()  # subscribed: the line's creation cannot come before it
        expires_at = (utcnow() + timedelta(seconds=2)).isoformat()
        line = await _post(client, editor, text="مؤقت", expires_at=expires_at)
        assert (await stream.next()).type == "ticker.created"
        gone = await stream.next(timeout=5)
        assert (gone.type, gone.json) == ("ticker.deleted", {"id": line["id"]})
        assert stream.comments[1:], f"no heartbeat comment: {stream.comments}"


async def test_the_websocket_carries_the_same_events(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, editor = live
    first = await _post(client, editor, text="الأول")
    url = str(client.base_url).replace("http://", "ws://") + "/v1/ticker/ws?last_event_id=0"
    async with websockets.connect(url) as socket:
        replayed = json.loads(await socket.recv())
        assert (replayed["type"], replayed["data"]) == ("ticker.created", first)
        created = await _post(client, editor, text="الثاني", priority="breaking")
        message = json.loads(await socket.recv())
        assert message["type"] == "ticker.created"
        assert message["data"] == created
        assert message["id"] > 0
    assert first["id"] != created["id"]


async def test_a_place_older_than_the_log_keeps_starts_with_the_current_ticker(
    live: tuple[httpx.AsyncClient, dict[str, str]], own_database: str
) -> None:
    client, editor = live
    first = await _post(client, editor, text="قديم")
    second = await _post(client, editor, text="جديد")
    engine = make_engine(own_database)
    async with engine.begin() as connection:  # the log's retention has passed for the first
        await connection.execute(delete(TickerEvent).where(TickerEvent.item_id == first["id"]))
    await engine.dispose()
    async with sse(client, "/v1/ticker/stream", {"Last-Event-ID": "0"}) as stream:
        reset = await stream.next()
        assert reset.type == "ticker.reset"
        assert {item["id"] for item in reset.json["items"]} == {first["id"], second["id"]}


async def test_a_line_moving_out_of_a_clients_filter_leaves_its_stream(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, editor = live
    async with sse(client, "/v1/ticker/stream?priority=breaking") as stream:
        line = await _post(client, editor, text="عاجل", priority="breaking")
        assert (await stream.next()).type == "ticker.created"
        await client.patch(f"/v1/ticker/{line['id']}", json={"priority": "normal"}, headers=editor)
        left = await stream.next()
        assert (left.type, left.json) == ("ticker.deleted", {"id": line["id"]})
        await client.patch(
            f"/v1/ticker/{line['id']}", json={"priority": "breaking"}, headers=editor
        )
        back = await stream.next()
        assert (back.type, back.json["id"], back.json["priority"]) == (
            "ticker.created", line["id"], "breaking",
        )  # fmt: skip


async def test_replay_sends_each_missed_line_as_it_is_now_never_as_it_was(
    live: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, editor = live
    async with sse(client, "/v1/ticker/stream") as stream:
        kept = await _post(client, editor, text="يبقى")
        seen = await stream.next()
    corrected = await _post(client, editor, text="خطأ مطبعي")
    fixed = await client.patch(
        f"/v1/ticker/{corrected['id']}", json={"text": "مصحح"}, headers=editor
    )
    withdrawn = await _post(client, editor, text="سحب لاحقا")
    await client.delete(f"/v1/ticker/{withdrawn['id']}", headers=editor)
    async with sse(client, "/v1/ticker/stream", {"Last-Event-ID": seen.id or ""}) as stream:
        first, second = await stream.next(), await stream.next()
    assert (first.type, first.json) == ("ticker.updated", fixed.json())
    assert (second.type, second.json) == ("ticker.deleted", {"id": withdrawn["id"]})
    assert "خطأ مطبعي" not in first.data + second.data
    assert "سحب لاحقا" not in second.data
    assert kept["id"] not in (first.json["id"], second.json["id"])

"""Media writes racing article saves on a database of their own (real connections)."""

from __future__ import annotations

import asyncio

import httpx

from app.core.database import Database
from app.models import Category
from tests.accounts import bearer, user
from tests.media import samples
from tests.media.test_uploads import upload


async def test_deleting_media_while_articles_attach_it_never_fails_the_server(
    racing_app: tuple[httpx.AsyncClient, Database],
) -> None:
    """Attaching an item to articles and deleting it at once: each article save either
    attaches it (and the deletion is 409) or finds it gone (422, or 409 when the deletion
    committed between its check and its write), never a deadlock or a 500."""
    client, database = racing_app
    async with database.write_sessions() as session, session.begin():
        editor = bearer(await user(session, "editor", "editor"))
        section = Category(slug="دولي", name="دولي", tree_path="/")
        session.add(section)
        await session.flush()
        section.tree_path = f"/{section.id}/"
    for _round in range(3):
        photo = (await upload(client, editor, samples.png())).json()
        drafts = [
            (await client.post(
                "/v1/articles", json={"title": f"خبر {i}", "category_id": section.id},
                headers=editor,
            )).json()
            for i in range(4)
        ]  # fmt: skip

        async def attach(draft: dict[str, object], media_id: int = photo["id"]) -> int:
            url = f"/v1/articles/{draft['id']}"
            etag = (await client.get(url, headers=editor)).headers["etag"]
            body = {
                "featured_media_id": media_id,
                "media": [{"media_id": media_id, "role": "gallery"}],
            }
            response = await client.patch(url, json=body, headers={**editor, "If-Match": etag})
            return response.status_code

        deletion = client.delete(f"/v1/media/{photo['id']}", headers=editor)
        statuses = await asyncio.gather(deletion, *(attach(d) for d in drafts))
        deleted, saves = statuses[0].status_code, statuses[1:]
        assert deleted in (204, 409), statuses[0].text
        assert set(saves) <= {200, 409, 422}, saves
        if deleted == 204:
            assert 200 not in saves, "an article points at a deleted item"
        else:
            assert 200 in saves

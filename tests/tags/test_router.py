"""Tags and bylines."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.authors.schemas import AuthorList, AuthorRead
from app.tags.schemas import TagList
from tests import factories


async def test_tags_page_by_slug_with_cursor(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    for name in ("اقتصاد", "Elections", "بيئة", "Climate"):
        await factories.tag(session, name, language="en" if name.isascii() else "ar")
    first = await client.get("/v1/tags", params={"limit": 3})
    page = TagList.model_validate(first.json())
    assert [t.slug for t in page.items] == ["climate", "elections", "اقتصاد"]
    assert page.next_cursor
    assert 'rel="next"' in first.headers["link"]
    second = TagList.model_validate(
        (await client.get("/v1/tags", params={"limit": 3, "cursor": page.next_cursor})).json()
    )
    assert [t.slug for t in second.items] == ["بيئة"]
    assert second.next_cursor is None


async def test_one_tag(client: httpx.AsyncClient, session: AsyncSession) -> None:
    tag = await factories.tag(session, "الانتخابات")
    response = await client.get("/v1/tags/الانتخابات")
    assert response.json() == {
        "id": tag.id,
        "slug": "الانتخابات",
        "name": "الانتخابات",
        "language": "ar",
        "direction": "rtl",
    }


async def test_authors_with_avatars(client: httpx.AsyncClient, session: AsyncSession) -> None:
    avatar = await factories.image(session, caption="صورة الكاتب")
    await factories.author(session, "سارة", avatar_media_id=avatar.id, bio="محررة")
    await factories.author(session, "John Smith", language="en")
    listed = AuthorList.model_validate((await client.get("/v1/authors")).json())
    assert [a.slug for a in listed.items] == ["john-smith", "سارة"]
    sara = AuthorRead.model_validate((await client.get("/v1/authors/سارة")).json())
    assert sara.avatar is not None
    assert sara.avatar.id == avatar.id
    assert sara.bio == "محررة"
    assert listed.items[0].avatar is None
    assert listed.items[0].direction == "ltr"

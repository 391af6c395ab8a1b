"""Media items are public once published content shows them, and not before."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.media.schemas import MediaRead
from app.models.base import utcnow
from tests import factories


async def test_media_of_a_published_article_is_public(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    home = await factories.category(session, "الرئيسية")
    photo = await factories.image(session)
    video = await factories.youtube(session)
    story = await factories.article(session, "خبر", home, featured_media_id=photo.id)
    await factories.attach(session, story, video, "video")
    image = MediaRead.model_validate((await client.get(f"/v1/media/{photo.id}")).json())
    assert image.kind == "image"
    assert image.url == "https://api.example/media/ab/abcdef.jpg"
    embed = MediaRead.model_validate((await client.get(f"/v1/media/{video.id}")).json())
    assert embed.embed is not None
    assert embed.embed.start_seconds == 33
    assert embed.url == "https://www.youtube.com/watch?time_continue=33&v=8IqWBHMtgyI"


async def test_media_used_only_by_hidden_articles_is_404(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    home = await factories.category(session, "الرئيسية")
    in_draft = await factories.image(session)
    under_embargo = await factories.image(session)
    unused = await factories.image(session)
    await factories.article(session, "مسودة", home, status="draft", featured_media_id=in_draft.id)
    embargoed = await factories.article(
        session, "محظور", home, embargo_until=utcnow() + timedelta(hours=1)
    )
    await factories.attach(session, embargoed, under_embargo, "gallery")
    for media in (in_draft, under_embargo, unused):
        assert (await client.get(f"/v1/media/{media.id}")).status_code == 404

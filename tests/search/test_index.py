"""The index's upkeep outside the request path: the start-up rebuild, and what repairs it."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import make_engine
from app.models import ArticleSearch, ContentState
from app.search import index
from tests import factories


async def test_an_index_built_by_another_analysis_is_rebuilt_once_at_start_up(
    own_database: str,
) -> None:
    engine = make_engine(own_database)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            section = await factories.category(session, "ثقافة")
            shown = await factories.article(session, "معرض الكتاب", section)
            await factories.article(session, "مسودة", section, status="draft")
            await session.commit()  # the commit indexes the published story only
            assert list(await session.scalars(select(ArticleSearch.article_id))) == [shown.id]
            # An index from another analysis version, and one row lost.
            await session.execute(update(ContentState).values(search_fingerprint="older"))
            await session.execute(delete(ArticleSearch))
            await session.commit()

        assert await index.ensure_index_current(engine)
        assert not await index.ensure_index_current(engine)  # current now: nothing to do

        async with AsyncSession(engine) as session:
            assert list(await session.scalars(select(ArticleSearch.article_id))) == [shown.id]
            fingerprint = await session.scalar(select(ContentState.search_fingerprint))
            assert fingerprint == index.FINGERPRINT
    finally:
        await engine.dispose()


async def test_the_clock_check_finds_rows_missing_and_rows_left_over(
    session: AsyncSession,
) -> None:
    section = await factories.category(session, "علوم")
    public = await factories.article(session, "مسبار جديد", section)
    hidden = await factories.article(session, "مسودة علمية", section, status="draft")
    session.add(
        ArticleSearch(article_id=hidden.id, language="ar", published_at=public.published_at)
    )
    await session.flush()
    assert sorted(await session.run_sync(index.out_of_step, public.published_at)) == sorted(
        [public.id, hidden.id]
    )
    await session.run_sync(index.index_articles, [public.id, hidden.id])
    assert await session.run_sync(index.out_of_step, public.published_at) == []
    assert await session.scalar(select(func.count()).select_from(ArticleSearch)) >= 1

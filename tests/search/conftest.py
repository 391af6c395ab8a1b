"""The relevance set, loaded once per module and backend into a database of its own (the
tests that read it write nothing), with a session and a client over it."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.categories.service import forget_cached_trees
from app.core.database import make_engine
from app.models import Article, Category, Tag
from tests import factories
from tests.conftest import app_on, fresh_database
from tests.search.relevance import STORIES


@dataclass
class Corpus:
    """The relevance set, indexed: articles by story key, sections by name (each under one
    root, «الرئيسية»), a tag on the politics stories, and the database they are in."""

    url: str
    engine: AsyncEngine
    articles: dict[str, Article]
    root: Category
    sections: dict[str, Category]
    politics: Tag


def body_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


async def load(
    session: AsyncSession,
) -> tuple[dict[str, Article], Category, dict[str, Category], Tag]:
    root = await factories.category(session, "الرئيسية")
    sections: dict[str, Category] = {}
    for name in sorted({story.section for story in STORIES}):
        sections[name] = await factories.category(session, name, root)
    politics = await factories.tag(session, "سياسة")
    articles: dict[str, Article] = {}
    for story in STORIES:
        articles[story.key] = await factories.article(
            session,
            story.title,
            sections[story.section],
            summary=story.summary,
            body=body_html(story.body),
            language=story.language,
            age=timedelta(hours=story.hours_ago),
            tags=[politics] if story.section == "politics" else [],
        )
    return articles, root, sections, politics


@pytest.fixture(scope="module")
async def corpus(backend: str, request: pytest.FixtureRequest) -> AsyncIterator[Corpus]:
    async with fresh_database(backend, request) as url:
        engine = make_engine(url)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                loaded = await load(session)
                await session.commit()  # which indexes every story, as any commit does
            yield Corpus(url, engine, *loaded)
        finally:
            await engine.dispose()


@pytest.fixture
async def corpus_session(corpus: Corpus) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(corpus.engine) as session:
        yield session


@pytest.fixture(scope="module")
async def _corpus_app(corpus: Corpus) -> AsyncIterator[httpx.AsyncClient]:
    async with app_on(corpus.url) as (client, _database):
        yield client


@pytest.fixture
async def corpus_client(_corpus_app: httpx.AsyncClient) -> httpx.AsyncClient:
    # Category trees are cached by content revision, which another database shares.
    forget_cached_trees()
    return _corpus_app

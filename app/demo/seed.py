"""The demo newsroom: a realistic, original data set for a fresh install, and a bulk loader
for benchmarks.

``seed_demo`` fills an empty database with what a small Arabic-first newsroom publishes in two
months: a section tree per edition, tags, bylines, photographs and a video, some three hundred
stories in every state of the workflow (drafts, scheduled, embargoed, archived, breaking),
collections and the ticker. ``load_bulk`` then adds as many published stories as a benchmark
needs, through Core ``executemany`` so a hundred thousand rows take seconds, not minutes.

Both work inside the caller's transaction and only ``flush()``: the caller decides to commit.
Every time is derived from ``now`` so a test can pin the clock; it must be timezone-aware.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.articles.body import Body, parse_body
from app.articles.listing import refresh_listing
from app.core.revision import bump_revision, ensure_state_row
from app.core.slugs import unique_slug
from app.core.text import slugify
from app.demo import content
from app.demo.content import BEATS, BYLINES, HOUSE, Beat, Byline, Figure
from app.demo.images import ImageSpec, StoredImage, demo_specs, make_demo_images
from app.media.embeds import parse_embed
from app.models import (
    Article,
    ArticleAuthor,
    ArticleMedia,
    ArticleRelated,
    ArticleTag,
    Author,
    Category,
    Collection,
    CollectionItem,
    Media,
    Tag,
    TickerItem,
)
from app.models.base import utcnow
from app.models.ticker import TICKER_PRIORITIES
from app.search import index as search_index
from app.syndication import changes as syndication_changes

#: One seed for the whole demo: the same database every time, for tests and screenshots.
DEMO_SEED = 20261128
BULK_SEED = 3_000_000

#: The demo's video: the API contract's own example link, parsed as an editor's paste is.
YOUTUBE_EMBED: dict[str, Any] = parse_embed(
    "https://www.youtube.com/watch?time_continue=33&v=8IqWBHMtgyI"
).as_json()


class DemoNotSeeded(RuntimeError):
    """``load_bulk`` needs the demo tree, tags, bylines and media; run ``seed_demo`` first."""


# --- the section tree --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    beat: str
    #: How much of the edition's output this section carries.
    weight: int
    description: str
    desks: tuple[tuple[str, str], ...]  # (subsection name, desk key in app.demo.content)


@dataclass(frozen=True, slots=True)
class Edition:
    root: str
    language: str
    description: str
    #: How many stories the demo publishes in this edition.
    stories: int
    sections: tuple[Section, ...]


EDITIONS: tuple[Edition, ...] = (
    Edition(
        root="الرئيسية",
        language="ar",
        description="الصفحة الرئيسية لموقع «خبر» باللغة العربية.",
        stories=220,
        sections=(
            Section(
                "شؤون محلية",
                "local",
                3,
                "أخبار التعليم والصحة والخدمات البلدية في المدن والمحافظات.",
                (("التعليم", "education"), ("الصحة", "health"), ("البلديات", "municipal")),
            ),
            Section(
                "شؤون دولية",
                "international",
                3,
                "الدبلوماسية والقمم والانتخابات حول العالم.",
                (("الشرق الأوسط", "middle-east"), ("أوروبا", "europe"), ("آسيا", "asia")),
            ),
            Section(
                "اقتصاد",
                "economy",
                2,
                "الأسواق والطاقة والشركات.",
                (("أسواق", "markets"), ("طاقة", "energy"), ("شركات", "companies")),
            ),
            Section(
                "رياضة",
                "sport",
                2,
                "كرة القدم وكرة السلة وألعاب القوى.",
                (
                    ("كرة القدم", "football"),
                    ("كرة السلة", "basketball"),
                    ("ألعاب القوى", "athletics"),
                ),
            ),
            Section(
                "ثقافة وفنون",
                "culture",
                1,
                "السينما والكتب والموسيقى.",
                (("سينما", "cinema"), ("كتب", "books"), ("موسيقى", "music")),
            ),
            Section(
                "تكنولوجيا",
                "technology",
                1,
                "الذكاء الاصطناعي والتطبيقات والعلوم.",
                (("الذكاء الاصطناعي", "ai"), ("تطبيقات", "apps"), ("علوم", "science")),
            ),
        ),
    ),
    Edition(
        root="Home",
        language="en",
        description="Khabar's English edition.",
        stories=80,
        sections=(
            Section(
                "World",
                "world",
                3,
                "Diplomacy, summits and elections.",
                (("Middle East", "middle-east"), ("Europe", "europe")),
            ),
            Section(
                "Business",
                "business",
                2,
                "Markets and the economy.",
                (("Markets", "markets"), ("Economy", "economy")),
            ),
            Section(
                "Sport",
                "sport",
                2,
                "Football and tennis.",
                (("Football", "football"), ("Tennis", "tennis")),
            ),
            Section(
                "Technology",
                "technology",
                1,
                "The internet and science.",
                (("Internet", "internet"), ("Science", "science")),
            ),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class _Desk:
    """A category a story can be filed in, with the beat that writes for it."""

    category_id: int
    section_id: int
    language: str
    beat: Beat
    #: The subsection's desk; None when the story is filed at section level.
    desk: str | None
    weight: int


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("naive datetime given; the demo uses timezone-aware UTC only")
    return now.astimezone(UTC)


async def database_is_empty(session: AsyncSession) -> bool:
    """True when no article exists: the signal that a fresh install wants the demo."""
    return await session.scalar(select(Article.id).limit(1)) is None


async def _category(
    session: AsyncSession,
    name: str,
    language: str,
    parent: Category | None,
    position: int,
    description: str | None = None,
) -> Category:
    category = Category(
        slug=await unique_slug(session, Category.slug, name),
        name=name,
        description=description,
        language=language,
        position=position,
        parent_id=parent.id if parent is not None else None,
        depth=parent.depth + 1 if parent is not None else 0,
    )
    session.add(category)
    # The materialised path names the row's own id, which exists only after the INSERT.
    await session.flush()
    category.tree_path = f"{parent.tree_path if parent is not None else '/'}{category.id}/"
    return category


async def _seed_tree(session: AsyncSession) -> tuple[list[_Desk], int]:
    desks: list[_Desk] = []
    created = 0
    for edition in EDITIONS:
        root = await _category(
            session, edition.root, edition.language, None, 0, edition.description
        )
        created += 1
        for position, section in enumerate(edition.sections):
            node = await _category(
                session, section.name, edition.language, root, position, section.description
            )
            created += 1
            beat = BEATS[(edition.language, section.beat)]
            # Section-level filing is rarer than filing in a subsection, as in a real newsroom.
            desks.append(_Desk(node.id, node.id, edition.language, beat, None, section.weight))
            for sub_position, (name, desk) in enumerate(section.desks):
                leaf = await _category(session, name, edition.language, node, sub_position)
                created += 1
                desks.append(
                    _Desk(leaf.id, node.id, edition.language, beat, desk, 2 * section.weight)
                )
    await session.flush()
    return desks, created


# --- tags, bylines, media ----------------------------------------------------------------


async def _seed_tags(session: AsyncSession) -> dict[tuple[str, str], int]:
    tags: dict[tuple[str, str], Tag] = {}
    for language in content.LANGUAGES:
        for name in content.all_tags(language):
            tag = Tag(slug=await unique_slug(session, Tag.slug, name), name=name, language=language)
            session.add(tag)
            tags[(language, name)] = tag
    await session.flush()
    return {key: tag.id for key, tag in tags.items()}


@dataclass(slots=True)
class _Library:
    """The seeded media, by language, for picking featured images and galleries."""

    images: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    captions: dict[int, str] = field(default_factory=dict)
    avatars: list[int] = field(default_factory=list)
    video_id: int = 0

    def pick(self, rng: random.Random, language: str, k: int = 1) -> list[int]:
        own = self.images.get(language) or [i for ids in self.images.values() for i in ids]
        others = [i for ids in self.images.values() for i in ids if i not in own]
        pool = own if len(own) >= k else own + others
        return rng.sample(pool, k=min(k, len(pool)))


async def _seed_media(session: AsyncSession, media_dir: Path) -> _Library:
    specs = demo_specs(DEMO_SEED)
    # Rendering and encoding JPEGs is blocking CPU and disk work; keep it off the event loop.
    stored: list[StoredImage] = await asyncio.to_thread(make_demo_images, media_dir, specs)
    library = _Library()
    rows: list[tuple[ImageSpec, Media]] = []
    for spec, image in zip(specs, stored, strict=True):
        media = Media(
            kind="image",
            caption=spec.caption(),
            credit=content.CREDITS[spec.language],
            alt_text=spec.alt_text(),
            language=spec.language,
            **image.media_fields(),
        )
        session.add(media)
        rows.append((spec, media))
    video = Media(
        kind="embed",
        mime_type=None,
        storage_key=None,
        caption=content.VIDEO_CAPTION,
        credit=content.VIDEO_CREDIT,
        alt_text=None,
        language="ar",
        renditions={},
        embed=dict(YOUTUBE_EMBED),
    )
    session.add(video)
    await session.flush()
    for spec, media in rows:
        if spec.width == spec.height:
            library.avatars.append(media.id)
        else:
            library.images[spec.language].append(media.id)
        library.captions[media.id] = media.caption or ""
    library.video_id = video.id
    return library


async def _seed_authors(session: AsyncSession, library: _Library) -> list[tuple[int, Byline]]:
    authors: list[tuple[Author, Byline]] = []
    avatars = iter(library.avatars)
    for index, byline in enumerate(BYLINES):
        author = Author(
            slug=await unique_slug(session, Author.slug, byline.name),
            name=byline.name,
            bio=byline.bio,
            language=byline.language,
            # Every third byline gets a square portrait while they last: many contributors
            # never send a photo.
            avatar_media_id=next(avatars, None) if index % 3 == 0 else None,
        )
        session.add(author)
        authors.append((author, byline))
    await session.flush()
    return [(author.id, byline) for author, byline in authors]


# --- the stories -------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    """Where a story stands in the workflow, decided before it is written."""

    language: str
    status: str
    created_at: datetime
    published_at: datetime | None = None
    embargo_until: datetime | None = None
    is_breaking: bool = False
    #: "video", "gallery" or "inline" when the story carries attached media.
    media_role: str | None = None
    sourced: bool = False

    @property
    def is_public(self) -> bool:
        return self.status == "published" and self.published_at is not None

    @property
    def updated_at(self) -> datetime:
        """Last touched when it went out; a draft or a scheduled story when it was started
        (a scheduled time is in the future, and an edit time never is)."""
        if self.status in ("published", "archived") and self.published_at is not None:
            return self.published_at
        return self.created_at


#: Beats whose stories can be breaking news; a book prize rarely is.
HARD_NEWS = frozenset({"local", "international", "economy", "world", "business"})


def _plan_desk(
    rng: random.Random, desks: Sequence[_Desk], language: str, *, hard_news: bool = False
) -> _Desk:
    choices = [
        d for d in desks if d.language == language and (not hard_news or d.beat.key in HARD_NEWS)
    ]
    return rng.choices(choices, weights=[d.weight for d in choices])[0]


def _plan_workflow(rng: random.Random, now: datetime) -> list[_Plan]:
    """The demo's publishing history: mostly published over sixty days, plus one or two of
    each state an editor meets (draft, scheduled, under embargo, archived, breaking)."""
    plans: list[_Plan] = []
    minutes = timedelta(minutes=1)
    for edition in EDITIONS:
        language = edition.language
        english = language == "en"

        def published(at: datetime, *, lang: str = language, **extra: Any) -> _Plan:
            # A story is started a little before it goes out.
            started = at - rng.randint(5, 90) * minutes
            return _Plan(lang, "published", started, published_at=at, **extra)

        # One scheduled, one embargoed and one archived story per edition, and a few drafts.
        special = [
            _Plan(
                language,
                "scheduled",
                now - rng.randint(60, 600) * minutes,
                published_at=now + (timedelta(days=2) if english else timedelta(hours=5)),
            ),
            published(
                now - (120 if english else 60) * minutes,
                embargo_until=now + (timedelta(days=1) if english else timedelta(hours=6)),
            ),
        ]
        archived = published(now - timedelta(days=rng.uniform(30, 50)))
        archived.status = "archived"
        special.append(archived)
        special += [
            _Plan(language, "draft", now - rng.randint(30, 2880) * minutes)
            for _ in range(2 if english else 4)
        ]

        # Breaking stories are by nature the freshest ones.
        regular = [
            published(now - age * minutes, is_breaking=True)
            for age in ((25, 70) if english else (12, 47, 95))
        ]
        if not english:
            regular.append(published(now - 150 * minutes, media_role="video"))
        while len(regular) + len(special) < edition.stories:
            regular.append(published(now - timedelta(seconds=rng.uniform(300, 60 * 86400))))

        # Galleries, inline photos and agency copy go to ordinary stories, at random.
        ordinary = [p for p in regular if not p.is_breaking and p.media_role is None]
        extras = (
            ["gallery"] * (4 if english else 10)
            + ["inline"] * (5 if english else 12)
            + ["agency"] * (2 if english else 8)
        )
        for plan, extra in zip(rng.sample(ordinary, k=len(extras)), extras, strict=True):
            if extra == "agency":
                plan.sourced = True
            else:
                plan.media_role = extra
        plans += regular + special
    # Ids then follow the order stories were started in, as they do in production.
    plans.sort(key=lambda p: p.created_at)
    return plans


@dataclass(slots=True)
class _Written:
    article: Article
    plan: _Plan
    desk: _Desk
    figures: tuple[Figure, ...]


async def _write_articles(
    session: AsyncSession,
    rng: random.Random,
    plans: Sequence[_Plan],
    desks: Sequence[_Desk],
    library: _Library,
) -> list[_Written]:
    written: list[_Written] = []
    titles: set[str] = set()
    video_beat, video_desk, video_title = content.VIDEO_STORY
    sources = {language: 0 for language in content.LANGUAGES}
    for plan in plans:
        house = HOUSE[plan.language]
        title: str | None = None
        kicker: str | None = None
        figures: tuple[Figure, ...] = ()
        if plan.media_role == "video":
            desk = next(
                d
                for d in desks
                if d.language == plan.language and d.beat.key == video_beat and d.desk == video_desk
            )
            title, kicker = video_title, house.video_kicker
            figures = (Figure(library.video_id, content.VIDEO_CAPTION),)
        else:
            desk = _plan_desk(rng, desks, plan.language, hard_news=plan.is_breaking)
            # Headlines repeat across a template's slots; try a few before accepting a twin.
            for _ in range(25):
                title = content.headline(rng, desk.beat, desk.desk)
                if title not in titles:
                    break
            if plan.is_breaking:
                kicker = house.breaking_kicker
            elif plan.media_role == "gallery" and rng.random() < 0.6:
                kicker = house.gallery_kicker
            elif plan.media_role == "inline":
                figure_id = library.pick(rng, plan.language)[0]
                figures = (Figure(figure_id, library.captions.get(figure_id)),)
        assert title is not None
        titles.add(title)
        story = content.write_story(
            rng,
            desk.beat,
            desk.desk,
            title=title,
            kicker_text=kicker,
            kicker_chance=0.0 if plan.is_breaking or plan.media_role == "video" else 0.3,
            figures=figures,
        )
        body: Body = parse_body(story.body_html)
        source_name = source_url = None
        if plan.sourced:
            sources[plan.language] += 1
            source_name, prefix = content.AGENCIES[plan.language]
            source_url = f"{prefix}{DEMO_SEED}-{sources[plan.language]:03d}"
        # Computed before the Article exists, so the autoflush inside unique_slug never sees a
        # half-built row.
        slug = await unique_slug(session, Article.slug, story.title)
        featured = library.pick(rng, plan.language)[0] if rng.random() < 0.88 else None
        if plan.media_role in ("video", "gallery"):
            featured = library.pick(rng, plan.language)[0]
        article = Article(
            slug=slug,
            title=story.title,
            kicker=story.kicker,
            subtitle=story.subtitle,
            summary=story.summary,
            body_html=body.html,
            body_blocks=body.blocks,
            body_text=body.text,
            word_count=body.word_count,
            language=plan.language,
            status=plan.status,
            status_before_archive="published" if plan.status == "archived" else None,
            published_at=plan.published_at,
            embargo_until=plan.embargo_until,
            is_breaking=plan.is_breaking,
            category_id=desk.category_id,
            featured_media_id=featured,
            source_name=source_name,
            source_url=source_url,
            created_at=plan.created_at,
            updated_at=plan.updated_at,
        )
        session.add(article)
        written.append(_Written(article, plan, desk, figures))
    await session.flush()
    return written


def _link_articles(
    session: AsyncSession,
    rng: random.Random,
    written: Sequence[_Written],
    tag_ids: dict[tuple[str, str], int],
    authors: Sequence[tuple[int, Byline]],
    library: _Library,
) -> dict[str, int]:
    counts = {"article_tags": 0, "article_authors": 0, "article_media": 0, "article_related": 0}
    public_by_language: dict[str, list[_Written]] = defaultdict(list)
    for item in written:
        if item.plan.is_public:
            public_by_language[item.plan.language].append(item)
    for item in written:
        article, plan, desk = item.article, item.plan, item.desk
        beat_tags = [tag_ids[(plan.language, name)] for name in desk.beat.tags]
        house_tags = [tag_ids[(plan.language, name)] for name in HOUSE[plan.language].tags]
        chosen = rng.sample(beat_tags, k=rng.randint(1, min(3, len(beat_tags))))
        if house_tags and len(chosen) < 3 and rng.random() < 0.25:
            chosen.append(rng.choice(house_tags))
        for position, tag_id in enumerate(chosen):
            session.add(
                ArticleTag(
                    article_id=article.id,
                    tag_id=tag_id,
                    position=position,
                    published_at=plan.published_at,
                )
            )
        counts["article_tags"] += len(chosen)

        own = [a for a, b in authors if b.language == plan.language and desk.beat.key in b.beats]
        everyone = [a for a, b in authors if b.language == plan.language]
        bylines = [rng.choice(own or everyone)]
        if rng.random() < 0.3:
            second = rng.choice(everyone)
            if second not in bylines:
                bylines.append(second)
        for position, author_id in enumerate(bylines):
            session.add(
                ArticleAuthor(
                    article_id=article.id,
                    author_id=author_id,
                    position=position,
                    published_at=plan.published_at,
                )
            )
        counts["article_authors"] += len(bylines)

        attached: list[ArticleMedia] = []
        if plan.media_role == "video":
            attached.append(
                ArticleMedia(
                    article_id=article.id, media_id=library.video_id, role="video", position=0
                )
            )
        elif plan.media_role == "inline":
            attached += [
                ArticleMedia(
                    article_id=article.id, media_id=figure.media_id, role="inline", position=index
                )
                for index, figure in enumerate(item.figures)
            ]
        elif plan.media_role == "gallery":
            for position, media_id in enumerate(
                library.pick(rng, plan.language, k=rng.randint(3, 4))
            ):
                # Editors sometimes rewrite a caption for the story; otherwise the photo's own
                # caption shows.
                override = (
                    content.GALLERY_CAPTIONS[plan.language]
                    if position == 0 and rng.random() < 0.5
                    else None
                )
                attached.append(
                    ArticleMedia(
                        article_id=article.id,
                        media_id=media_id,
                        role="gallery",
                        position=position,
                        caption=override,
                    )
                )
        session.add_all(attached)
        counts["article_media"] += len(attached)

        if plan.is_public:
            peers = [p for p in public_by_language[plan.language] if p is not item]
            close = [p for p in peers if p.desk.section_id == desk.section_id]
            pool = close if len(close) >= 3 else peers
            related = rng.sample(pool, k=min(len(pool), rng.randint(2, 3)))
            for position, peer in enumerate(related):
                session.add(
                    ArticleRelated(
                        article_id=article.id, related_id=peer.article.id, position=position
                    )
                )
            counts["article_related"] += len(related)
    return counts


async def _seed_collections(
    session: AsyncSession, rng: random.Random, written: Sequence[_Written], now: datetime
) -> tuple[int, int]:
    def visible(item: _Written, language: str) -> bool:
        plan = item.plan
        return (
            plan.language == language
            and plan.is_public
            and plan.published_at is not None
            and plan.published_at <= now
            and plan.embargo_until is None
        )

    def newest(language: str) -> list[_Written]:
        items = [item for item in written if visible(item, language)]
        return sorted(items, key=lambda i: i.plan.published_at or now, reverse=True)

    # The front page leads with the freshest stories; editors' picks are a hand-picked six
    # from the twenty newest English ones, so the two lists do not look machine-made alike.
    picks = {
        "top-stories": newest("ar")[:8],
        "editors-picks": sorted(
            rng.sample(newest("en")[:20], k=6),
            key=lambda i: i.plan.published_at or now,
            reverse=True,
        ),
    }
    items = 0
    for slug, (title, description, language) in content.COLLECTIONS.items():
        collection = Collection(
            slug=await unique_slug(session, Collection.slug, slug),
            title=title,
            description=description,
            language=language,
        )
        session.add(collection)
        await session.flush()
        for position, item in enumerate(picks[slug]):
            session.add(
                CollectionItem(
                    collection_id=collection.id, article_id=item.article.id, position=position
                )
            )
            items += 1
    return len(content.COLLECTIONS), items


def _seed_ticker(session: AsyncSession, written: Sequence[_Written], now: datetime) -> int:
    rank = {priority: index for index, priority in enumerate(TICKER_PRIORITIES)}
    breaking = max(
        (i for i in written if i.plan.language == "ar" and i.plan.is_breaking),
        key=lambda i: i.plan.published_at or now,
    )
    urgent_line, normal_line = content.TICKER_LINES["ar"]
    minutes = timedelta(minutes=1)
    lines = (
        # (text, article id, priority, language, starts, expires)
        (
            breaking.article.title,
            breaking.article.id,
            "breaking",
            "ar",
            now - 10 * minutes,
            now + timedelta(hours=3),
        ),
        (urgent_line, None, "urgent", "ar", now - 30 * minutes, now + timedelta(hours=2)),
        # A standing notice: no end time until an editor takes it down.
        (normal_line, None, "normal", "ar", now - 60 * minutes, None),
        (
            content.TICKER_LINES["en"][0],
            None,
            "normal",
            "en",
            now - 20 * minutes,
            now + timedelta(hours=4),
        ),
    )
    for text, article_id, priority, language, starts_at, expires_at in lines:
        session.add(
            TickerItem(
                text=text,
                article_id=article_id,
                priority=priority,
                priority_rank=rank[priority],
                language=language,
                starts_at=starts_at,
                expires_at=expires_at,
            )
        )
    return len(lines)


async def seed_demo(
    session: AsyncSession, media_dir: Path, *, now: datetime | None = None
) -> dict[str, int]:
    """Load the demo newsroom into the caller's transaction and return what was created.

    Meant for an empty database (see ``database_is_empty``); run twice, it adds a second,
    independent copy with suffixed slugs rather than failing. Image files are written under
    ``media_dir`` content-addressed, so a re-run reuses them.
    """
    now = _aware(now)
    rng = random.Random(DEMO_SEED)
    library = await _seed_media(session, media_dir)
    desks, categories = await _seed_tree(session)
    tag_ids = await _seed_tags(session)
    authors = await _seed_authors(session, library)
    plans = _plan_workflow(rng, now)
    written = await _write_articles(session, rng, plans, desks, library)
    links = _link_articles(session, rng, written, tag_ids, authors, library)
    await session.flush()
    collections, collection_items = await _seed_collections(session, rng, written, now)
    ticker_items = _seed_ticker(session, written, now)
    await session.flush()
    # Listing rows are derived data: rebuild them once everything they derive from exists.
    await refresh_listing(session)
    await ensure_state_row(session)
    await session.run_sync(search_index.rebuild)
    await bump_revision(session)

    def count(status: str) -> int:
        return sum(1 for item in written if item.plan.status == status)

    return {
        "articles": len(written),
        "published": count("published"),
        "drafts": count("draft"),
        "scheduled": count("scheduled"),
        "archived": count("archived"),
        "embargoed": sum(1 for item in written if item.plan.embargo_until is not None),
        "breaking": sum(1 for item in written if item.plan.is_breaking),
        "categories": categories,
        "tags": len(tag_ids),
        "authors": len(authors),
        "media": sum(len(ids) for ids in library.images.values()) + len(library.avatars) + 1,
        **links,
        "collections": collections,
        "collection_items": collection_items,
        "ticker_items": ticker_items,
    }


# --- bulk loading for benchmarks ---------------------------------------------------------


@dataclass(slots=True)
class _Catalogue:
    """What bulk stories can point at: leaf categories, tags, bylines and images."""

    desks: dict[str, list[_Desk]]
    tags: dict[tuple[str, str], list[int]]
    authors: dict[tuple[str, str], list[int]]
    images: dict[str, list[int]]


async def _load_catalogue(session: AsyncSession) -> _Catalogue:
    desk_of: dict[tuple[str, str], tuple[Beat, str | None]] = {}
    for edition in EDITIONS:
        for section in edition.sections:
            beat = BEATS[(edition.language, section.beat)]
            desk_of[(edition.language, section.name)] = (beat, None)
            for name, desk_key in section.desks:
                desk_of[(edition.language, name)] = (beat, desk_key)

    child = aliased(Category)
    parent = aliased(Category)
    leaves = await session.execute(
        select(Category.id, Category.parent_id, Category.language, Category.name, parent.name)
        .outerjoin(parent, parent.id == Category.parent_id)
        .where(
            ~exists().where(child.parent_id == Category.id),
            Category.language.in_(content.LANGUAGES),
        )
        .order_by(Category.id)
    )
    desks: dict[str, list[_Desk]] = defaultdict(list)
    for category_id, parent_id, language, name, parent_name in leaves:
        found = desk_of.get((language, name)) or desk_of.get((language, parent_name or ""))
        if found is None:
            # A category an editor added: write for it from one of the language's beats.
            beats = content.beats_for(language)
            found = (beats[category_id % len(beats)], None)
        beat, desk = found
        section_id = parent_id if parent_id is not None else category_id
        desks[language].append(_Desk(category_id, section_id, language, beat, desk, 1))
    if not desks:
        raise DemoNotSeeded("no Arabic or English categories; run seed_demo first")

    tag_rows = (await session.execute(select(Tag.id, Tag.name, Tag.language))).all()
    tags: dict[tuple[str, str], list[int]] = defaultdict(list)
    for language in content.LANGUAGES:
        in_language = [(i, n) for i, n, lang in tag_rows if lang == language]
        for beat in content.beats_for(language):
            tags[(language, beat.key)] = [i for i, n in in_language if n in beat.tags] or [
                i for i, _ in in_language
            ]

    author_rows = (await session.execute(select(Author.id, Author.name, Author.language))).all()
    beats_of = {byline.name: byline.beats for byline in BYLINES}
    authors: dict[tuple[str, str], list[int]] = defaultdict(list)
    for language in content.LANGUAGES:
        in_language = [(i, n) for i, n, lang in author_rows if lang == language]
        for beat in content.beats_for(language):
            authors[(language, beat.key)] = [
                i for i, n in in_language if beat.key in beats_of.get(n, ())
            ] or [i for i, _ in in_language]

    image_rows = await session.execute(
        select(Media.id, Media.language).where(Media.kind == "image", Media.width > Media.height)
    )
    images: dict[str, list[int]] = defaultdict(list)
    for media_id, language in image_rows:
        images[language].append(media_id)
    return _Catalogue(desks=desks, tags=tags, authors=authors, images=images)


@dataclass(frozen=True, slots=True)
class _Copy:
    """A pre-written story whose body is reused by many bulk rows (parsing 100,000 bodies
    would cost more than inserting them)."""

    subtitle: str
    summary: str
    body: Body


def _write_pool(
    rng: random.Random, catalogue: _Catalogue, size: int
) -> dict[tuple[str, str], list[_Copy]]:
    beats = sorted({(d.language, d.beat.key) for ds in catalogue.desks.values() for d in ds})
    per_beat = max(1, -(-size // len(beats)))
    pool: dict[tuple[str, str], list[_Copy]] = {}
    for language, key in beats:
        beat = BEATS[(language, key)]
        stories = [content.write_story(rng, beat, kicker_chance=0.0) for _ in range(per_beat)]
        pool[(language, key)] = [
            _Copy(s.subtitle, s.summary, parse_body(s.body_html)) for s in stories
        ]
    return pool


async def load_bulk(
    session: AsyncSession, count: int, *, now: datetime | None = None, batch: int = 5000
) -> None:
    """Add ``count`` published stories spread over the last three years, for benchmarks.

    Requires the demo tree, tags, bylines and images (``seed_demo`` on an empty database
    first); raises ``DemoNotSeeded`` otherwise. Rows go in through Core ``executemany`` in
    batches of ``batch``: the ORM unit of work and a slug lookup per row would be far too slow.
    Slugs are made unique with a ``-b<n>`` suffix past the highest article id instead.
    """
    now = _aware(now)
    if count <= 0:
        return
    catalogue = await _load_catalogue(session)
    rng = random.Random(BULK_SEED)
    pool = _write_pool(rng, catalogue, 200)
    serial = await session.scalar(select(func.max(Article.id))) or 0

    # Sorted times, so ids grow with publication time as they would have in production.
    span = timedelta(days=3 * 365).total_seconds()
    offsets = sorted((rng.uniform(60, span) for _ in range(count)), reverse=True)
    languages = [lang for lang in ("ar", "en") if catalogue.desks.get(lang)]
    language_weights = [72 if lang == "ar" else 28 for lang in languages]
    every_image = [i for ids in catalogue.images.values() for i in ids]
    slugs: dict[str, str] = {}
    loaded: list[int] = []
    # Declarative types ``__table__`` as a FromClause; these are plain Tables.
    articles = cast(Table, Article.__table__)
    tag_links = cast(Table, ArticleTag.__table__)
    author_links = cast(Table, ArticleAuthor.__table__)

    for start in range(0, count, batch):
        rows: list[dict[str, Any]] = []
        picks: list[tuple[str, str]] = []
        for offset in offsets[start : start + batch]:
            serial += 1
            language = rng.choices(languages, weights=language_weights)[0]
            desk = rng.choice(catalogue.desks[language])
            copy = rng.choice(pool[(language, desk.beat.key)])
            title = content.headline(rng, desk.beat, desk.desk)
            base = slugs.get(title)
            if base is None:
                base = slugs[title] = slugify(title) or "article"
            published_at = now - timedelta(seconds=offset)
            images = catalogue.images.get(language) or every_image
            rows.append(
                {
                    "slug": f"{base}-b{serial}",
                    "title": title,
                    "kicker": content.kicker(rng, language, 0.1),
                    "subtitle": copy.subtitle,
                    "summary": copy.summary,
                    "body_html": copy.body.html,
                    "body_text": copy.body.text,
                    "body_blocks": copy.body.blocks,
                    "word_count": copy.body.word_count,
                    "language": language,
                    "status": "published",
                    "status_before_archive": None,
                    "published_at": published_at,
                    "embargo_until": None,
                    "is_breaking": rng.random() < 0.003,
                    "category_id": desk.category_id,
                    "featured_media_id": (
                        rng.choice(images) if images and rng.random() < 0.9 else None
                    ),
                    "source_name": None,
                    "source_url": None,
                    "created_by_id": None,
                    "version": 1,
                    "created_at": published_at,
                    "updated_at": published_at,
                }
            )
            picks.append((language, desk.beat.key))
        # Plain executemany, then one indexed lookup for the new ids: an ordered RETURNING
        # would make SQLite fall back to one INSERT per row, several times slower.
        await session.execute(insert(articles), rows)
        new_slugs = [row["slug"] for row in rows]
        id_of: dict[str, int] = {
            slug: article_id
            for slug, article_id in await session.execute(
                select(articles.c.slug, articles.c.id).where(articles.c.slug.in_(new_slugs))
            )
        }
        ids = [id_of[slug] for slug in new_slugs]
        loaded.extend(ids)

        tag_rows: list[dict[str, Any]] = []
        author_rows: list[dict[str, Any]] = []
        for article_id, row, key in zip(ids, rows, picks, strict=True):
            published_at = row["published_at"]
            tags = catalogue.tags.get(key) or []
            for position, tag_id in enumerate(
                rng.sample(tags, k=min(len(tags), rng.randint(1, 3)))
            ):
                tag_rows.append(
                    {
                        "article_id": article_id,
                        "tag_id": tag_id,
                        "position": position,
                        "published_at": published_at,
                    }
                )
            bylines = catalogue.authors.get(key) or []
            if bylines:
                author_rows.append(
                    {
                        "article_id": article_id,
                        "author_id": rng.choice(bylines),
                        "position": 0,
                        "published_at": published_at,
                    }
                )
        if tag_rows:
            await session.execute(insert(tag_links), tag_rows)
        if author_rows:
            await session.execute(insert(author_links), author_rows)

    await refresh_listing(session)
    await search_index.reindex(session, loaded)
    await ensure_state_row(session)
    await bump_revision(session)  # which takes the content writers' lock: the feed's order
    await syndication_changes.catch_up(session, loaded)

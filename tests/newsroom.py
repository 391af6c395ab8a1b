"""A small newsroom most read tests share: a three-level Arabic tree, an English section, and
articles in every state the visibility rule must tell apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Article, Author, Category, Media, Tag
from app.models.base import utcnow
from tests import factories


@dataclass
class Newsroom:
    home: Category
    world: Category
    middle_east: Category
    sport: Category
    english_home: Category
    english_world: Category
    elections: Tag
    ahmad: Author
    photo: Media
    video: Media
    lead: Article
    mideast_story: Article
    sport_story: Article
    english_story: Article
    draft: Article
    scheduled: Article
    embargoed: Article
    archived: Article
    future_published: Article

    @property
    def public(self) -> list[Article]:
        """Visible articles, newest first."""
        return [self.lead, self.mideast_story, self.sport_story, self.english_story]

    @property
    def hidden(self) -> list[Article]:
        return [self.draft, self.scheduled, self.embargoed, self.archived, self.future_published]


async def build(session: AsyncSession) -> Newsroom:
    f = factories
    now = utcnow()
    home = await f.category(session, "الرئيسية")
    world = await f.category(session, "شؤون دولية", home, position=1)
    middle_east = await f.category(session, "الشرق الأوسط", world)
    sport = await f.category(session, "رياضة", home, position=2)
    english_home = await f.category(session, "Home", language="en", position=1)
    english_world = await f.category(session, "World", english_home, language="en")
    elections = await f.tag(session, "الانتخابات")
    ahmad = await f.author(session, "أحمد المصري", bio="مراسل")
    photo = await f.image(session, caption="الرئيس في القاهرة")
    video = await f.youtube(session)
    lead = await f.article(
        session,
        "الرئيس يفتتح مدرسة جديدة في القاهرة",
        world,
        age=timedelta(minutes=10),
        kicker="عاجل",
        summary="افتتح الرئيس مدرسة.",
        body=(
            "<p>افتتح الرئيسُ اليوم مدرسةً جديدةً.</p><h2>التفاصيل</h2>"
            "<p>قال أحمد إن المدرسة تتسع لألف طالب.</p>"
        ),
        tags=[elections],
        authors=[ahmad],
        featured_media_id=photo.id,
        is_breaking=True,
        source_name="وكالة الأنباء",
        source_url="https://agency.example/1",
    )
    mideast_story = await f.article(
        session, "الانتخابات في المنطقة", middle_east, age=timedelta(hours=2), tags=[elections]
    )
    sport_story = await f.article(session, "فوز الفريق الوطني", sport, age=timedelta(hours=3))
    english_story = await f.article(
        session,
        "Elections: what comes next",
        english_world,
        language="en",
        age=timedelta(hours=4),
        body="<p>Voters go to the polls.</p>",
        authors=[ahmad],
    )
    draft = await f.article(session, "مسودة سرية", world, status="draft")
    scheduled = await f.article(
        session, "خبر مجدول", world, status="scheduled", published_at=now + timedelta(hours=5)
    )
    embargoed = await f.article(
        session, "خبر تحت الحظر", world, embargo_until=now + timedelta(hours=1), tags=[elections]
    )
    archived = await f.article(
        session, "خبر مؤرشف", world, status="archived", status_before_archive="published"
    )
    future_published = await f.article(
        session, "خبر من المستقبل", world, published_at=now + timedelta(days=1)
    )
    await f.attach(session, lead, video, "video", caption="شاهد الافتتاح")
    await f.attach(session, lead, photo, "gallery", 0)
    await f.relate(session, lead, mideast_story, draft, sport_story)
    return Newsroom(**{k: v for k, v in locals().items() if k not in ("session", "f", "now")})

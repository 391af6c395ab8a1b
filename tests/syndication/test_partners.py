"""``GET /v1/syndication/articles``: partners pull each change once, oldest first, as ninjs
documents valid against the IPTC schemas, with tombstones for what was withdrawn and embargoed
stories only for keys entitled to them."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.revision import advance_clock
from app.models import Article, ContentState
from app.models.base import utcnow
from app.syndication.schemas import ChangePage
from tests import factories
from tests.accounts import Staff, api_key
from tests.newsroom import Newsroom
from tests.syndication.test_ninjs import KEYS, assert_valid

PATH = "/v1/syndication/articles"


def uri(article: Any) -> str:
    return f"https://api.example/v1/articles/{article.id}"


async def pull(client: httpx.AsyncClient, key: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(PATH, params=params, headers=key)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    page = response.json()
    ChangePage.model_validate(page)
    return dict(page)


async def pull_all(client: httpx.AsyncClient, key: dict[str, str], **params: Any) -> Any:
    """Every page from ``params``; the documents and the cursor to resume from."""
    items: list[dict[str, Any]] = []
    while True:
        page = await pull(client, key, **params)
        items += page["items"]
        if page["next_cursor"] is None:
            return items, page["resume_cursor"]
        params = {**params, "cursor": page["next_cursor"]}


@pytest.fixture
async def partner(session: AsyncSession, staff: Staff) -> dict[str, str]:
    return await api_key(session, staff.admin, "syndication:read")


@pytest.fixture
async def embargo_partner(session: AsyncSession, staff: Staff) -> dict[str, str]:
    return await api_key(session, staff.admin, "syndication:read", "embargoed:read")


@pytest.fixture
async def published(session: AsyncSession, newsroom: Newsroom) -> Newsroom:
    await session.commit()  # the commit writes the change feed, as any commit does
    return newsroom


async def test_only_partner_keys_with_syndication_read_may_pull(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff, published: Newsroom
) -> None:
    assert (await client.get(PATH)).status_code == 401
    other = await api_key(session, staff.admin, "webhooks:manage")
    assert (await client.get(PATH, headers=other)).status_code == 403
    editor = staff.headers(staff.editor)
    assert (await client.get(PATH, headers=editor)).status_code == 403


@pytest.mark.parametrize("ninjs", [2, 3])
async def test_public_articles_come_as_valid_ninjs_oldest_first_and_nothing_hidden(
    client: httpx.AsyncClient, partner: dict[str, str], published: Newsroom, ninjs: int
) -> None:
    items, _ = await pull_all(client, partner, ninjs=ninjs, limit=100)
    for item in items:
        assert_valid(item, 2 if ninjs == 2 else 3)
    keys = KEYS[2 if ninjs == 2 else 3]
    # Everything public, in the order it was published (the fixture's commit), nothing else.
    assert {item["uri"] for item in items} == {uri(a) for a in published.public}
    assert all(item[keys["pubstatus"]] == "usable" for item in items)
    lead = next(item for item in items if item["uri"] == uri(published.lead))
    assert lead["headlines"][0]["value"] == published.lead.title
    assert lead["language"] == "ar"
    assert lead["version"] == str(published.lead.version)
    assert keys["embargoed"] not in lead


async def test_embargoed_stories_reach_only_keys_with_embargoed_read_marked_as_such(
    client: httpx.AsyncClient,
    partner: dict[str, str],
    embargo_partner: dict[str, str],
    published: Newsroom,
) -> None:
    plain, _ = await pull_all(client, partner)
    assert uri(published.embargoed) not in {item["uri"] for item in plain}
    entitled, _ = await pull_all(client, embargo_partner, limit=100)
    held = next(item for item in entitled if item["uri"] == uri(published.embargoed))
    assert_valid(held, 2)
    assert held["embargoed"].endswith("Z")
    assert held["pubstatus"] == "usable"
    # Drafts, scheduled and future stories and the archive are nobody's business.
    hidden = [published.draft, published.scheduled, published.archived, published.future_published]
    assert not {uri(a) for a in hidden} & {item["uri"] for item in entitled}


async def test_polling_with_the_resume_cursor_gets_each_change_once_and_tombstones(
    client: httpx.AsyncClient,
    partner: dict[str, str],
    published: Newsroom,
    staff: Staff,
) -> None:
    _, resume = await pull_all(client, partner, limit=2)
    # Caught up: the next poll finds nothing, and may be repeated.
    quiet = await pull(client, partner, cursor=resume)
    assert quiet["items"] == []
    assert quiet["next_cursor"] is None
    assert quiet["resume_cursor"] == resume
    editor = staff.headers(staff.editor)
    story = published.sport_story
    current = await client.get(f"/v1/articles/{story.id}", headers=editor)
    edited = await client.patch(
        f"/v1/articles/{story.id}",
        json={"title": "نتيجة المباراة النهائية"},
        headers={**editor, "If-Match": current.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    unpublished = await client.post(f"/v1/articles/{published.lead.id}/unpublish", headers=editor)
    assert unpublished.status_code == 200, unpublished.text

    page = await pull(client, partner, cursor=resume)
    assert [item["uri"] for item in page["items"]] == [uri(story), uri(published.lead)]
    changed, gone = page["items"]
    assert changed["headlines"][0]["value"] == "نتيجة المباراة النهائية"
    assert changed["version"] == str(edited.json()["version"])
    assert gone["pubstatus"] == "canceled"
    assert "headlines" not in gone
    assert "bodies" not in gone
    assert_valid(gone, 2)
    again = await pull(client, partner, cursor=page["resume_cursor"])
    assert again["items"] == []
    # Archiving (DELETE) an article the partner saw is a tombstone too.
    mideast = published.mideast_story
    current = await client.get(f"/v1/articles/{mideast.id}", headers=editor)
    archived = await client.delete(
        f"/v1/articles/{mideast.id}", headers={**editor, "If-Match": current.headers["etag"]}
    )
    assert archived.status_code in (200, 204), archived.text
    last = await pull(client, partner, cursor=page["resume_cursor"], ninjs=3)
    assert [(i["uri"], i["pubStatus"]) for i in last["items"]] == [(uri(mideast), "canceled")]
    assert_valid(last["items"][0], 3)


async def test_a_draft_saved_and_an_unseen_embargo_lifted_by_the_clock(
    client: httpx.AsyncClient, session: AsyncSession, partner: dict[str, str], published: Newsroom
) -> None:
    _, resume = await pull_all(client, partner)
    section = published.world
    await factories.article(session, "مسودة لم تنشر", section, status="draft")
    held = await factories.article(
        session, "قرعة البطولة", section, embargo_until=utcnow() + timedelta(seconds=1)
    )
    await session.commit()
    assert (await pull(client, partner, cursor=resume))["items"] == []
    await session.execute(update(ContentState).values(next_transition_at=utcnow()))
    await asyncio.sleep(1.05)
    assert await advance_clock(session)
    await session.commit()
    page = await pull(client, partner, cursor=resume)
    assert [item["uri"] for item in page["items"]] == [uri(held)]
    assert "embargoed" not in page["items"][0]
    # The next tick looks only at the times that passed since this one, and finds the next.
    later = await factories.article(
        session, "قرعة الدور الثاني", section, embargo_until=utcnow() + timedelta(seconds=1)
    )
    await session.commit()
    await asyncio.sleep(1.05)
    await session.execute(update(ContentState).values(next_transition_at=utcnow()))
    assert await advance_clock(session)
    await session.commit()
    page = await pull(client, partner, cursor=page["resume_cursor"])
    assert [item["uri"] for item in page["items"]] == [uri(later)]


async def test_since_starts_from_a_time_and_pages_carry_a_link(
    client: httpx.AsyncClient, session: AsyncSession, partner: dict[str, str], published: Newsroom
) -> None:
    everything, _ = await pull_all(client, partner)
    first = await client.get(PATH, params={"limit": 1}, headers=partner)
    assert 'rel="next"' in first.headers["link"]
    later = utcnow() + timedelta(milliseconds=5)
    await asyncio.sleep(0.01)
    newer = await factories.article(session, "خبر جديد", published.world)
    await session.commit()
    items, _ = await pull_all(client, partner, since=later.isoformat().replace("+00:00", "Z"))
    assert [item["uri"] for item in items] == [uri(newer)]
    assert len(everything) == len(published.public)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"cursor": "not-a-cursor"}, 400),
        ({"ninjs": "4"}, 422),
        ({"limit": 0}, 422),
        ({"limit": 101}, 422),
        ({"since": "yesterday"}, 422),
        ({"since": "2026-11-29T10:00:00"}, 422),  # no time zone
    ],
)
async def test_bad_parameters_are_problems(
    client: httpx.AsyncClient, partner: dict[str, str], params: dict[str, Any], status: int
) -> None:
    response = await client.get(PATH, params=params, headers=partner)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_tampered_cursor_from_another_list_is_refused(
    client: httpx.AsyncClient, partner: dict[str, str], published: Newsroom
) -> None:
    other = (await client.get("/v1/articles", params={"limit": 1})).json()["next_cursor"]
    response = await client.get(PATH, params={"cursor": other}, headers=partner)
    assert response.status_code == 400


async def test_renaming_a_tag_moves_the_articles_showing_it_and_a_first_sync_has_no_tombstones(
    client: httpx.AsyncClient, partner: dict[str, str], published: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    _, resume = await pull_all(client, partner)
    renamed = await client.patch(
        f"/v1/tags/{published.elections.slug}", json={"name": "الانتخابات الرئاسية"}, headers=editor
    )
    assert renamed.status_code == 200, renamed.text
    page = await pull(client, partner, cursor=resume)
    tagged = {published.lead.id, published.mideast_story.id}
    assert {item["uri"] for item in page["items"]} == {
        f"https://api.example/v1/articles/{i}" for i in tagged
    }
    for item in page["items"]:
        assert "الانتخابات الرئاسية" in {s.get("name") for s in item["subjects"]}
    # Withdrawn before a new partner's first sync: nothing to take down, so no tombstone.
    assert (
        await client.post(f"/v1/articles/{published.sport_story.id}/unpublish", headers=editor)
    ).is_success
    first, _ = await pull_all(client, partner)
    assert all(item["pubstatus"] == "usable" for item in first)
    assert uri(published.sport_story) not in {item["uri"] for item in first}


async def test_an_embargoed_story_withdrawn_before_it_lifted_leaves_no_trace_for_other_keys(
    client: httpx.AsyncClient,
    partner: dict[str, str],
    embargo_partner: dict[str, str],
    published: Newsroom,
    staff: Staff,
) -> None:
    _, plain = await pull_all(client, partner)
    _, entitled = await pull_all(client, embargo_partner)
    editor = staff.headers(staff.editor)
    story = published.embargoed
    assert (await client.post(f"/v1/articles/{story.id}/unpublish", headers=editor)).is_success
    assert (await pull(client, partner, cursor=plain))["items"] == []
    [gone] = (await pull(client, embargo_partner, cursor=entitled))["items"]
    assert (gone["uri"], gone["pubstatus"]) == (uri(story), "canceled")


async def test_the_scheduler_publishing_a_story_puts_it_in_the_feed(
    app: FastAPI,
    client: httpx.AsyncClient,
    session: AsyncSession,
    partner: dict[str, str],
    published: Newsroom,
) -> None:
    from app.articles.workflow import publish_scheduled

    _, resume = await pull_all(client, partner)
    scheduled_id = published.scheduled.id
    await session.execute(
        update(Article)
        .where(Article.id == scheduled_id)
        .values(publish_at=utcnow() - timedelta(seconds=1))
    )
    await session.commit()
    assert await publish_scheduled(app.state.database.write_sessions) == [scheduled_id]
    [item] = (await pull(client, partner, cursor=resume))["items"]
    assert item["uri"] == f"https://api.example/v1/articles/{scheduled_id}"


async def test_a_page_costs_the_same_statements_whatever_its_size(
    client: httpx.AsyncClient,
    partner: dict[str, str],
    published: Newsroom,
    count_queries: Any,
) -> None:
    await pull(client, partner)  # the key's first use is recorded once
    counts = []
    for limit in (1, 4):
        before = count_queries.count
        page = await pull(client, partner, limit=limit)
        assert len(page["items"]) == limit
        counts.append(count_queries.count - before)
    assert counts[0] == counts[1]

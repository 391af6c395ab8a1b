"""The audit log: who changed what and when, for admins."""

from __future__ import annotations

import httpx

from app.audit.schemas import AuditList
from tests.accounts import Staff, bearer
from tests.newsroom import Newsroom


async def test_the_audit_log_names_who_changed_what(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    editor = bearer(staff.editor)
    created = await client.post(
        "/v1/articles", json={"title": "خبر", "category_id": newsroom.world.id}, headers=editor
    )
    article_id = created.json()["id"]
    await client.patch(
        f"/v1/articles/{article_id}",
        json={"kicker": "عاجل", "summary": "ملخص"},
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    await client.post(f"/v1/articles/{article_id}/publish", headers=editor)

    response = await client.get(
        f"/v1/audit?resource_type=article&resource_id={article_id}", headers=bearer(staff.admin)
    )
    assert response.status_code == 200
    entries = AuditList.model_validate(response.json()).items
    assert [e.action for e in entries] == ["article.publish", "article.update", "article.create"]
    assert {e.actor for e in entries} == {f"user:{staff.editor.id}"}
    assert entries[1].details["changed"] == ["kicker", "summary"]
    assert entries[0].created_at >= entries[2].created_at

    paged = (await client.get("/v1/audit?limit=1", headers=bearer(staff.admin))).json()
    assert len(paged["items"]) == 1
    assert paged["next_cursor"]
    assert (await client.get("/v1/audit", headers=editor)).status_code == 403

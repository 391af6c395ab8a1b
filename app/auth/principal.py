"""Who is calling: a newsroom account, a partner key, or the app itself (the scheduler).

What a caller may *see* is a ``Viewer`` (``app.articles.visibility``); what it may *do* is
decided by the role and scope checks in ``app.auth.dependencies``. Both start here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from app.articles.visibility import EMBARGOED, PUBLIC, STAFF, Viewer

EDITOR_ROLES = frozenset({"editor", "admin"})


@dataclass(frozen=True, slots=True)
class Principal:
    kind: Literal["user", "key", "system"]
    id: int
    name: str
    role: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def actor(self) -> str:
        """How audit entries and revisions name the caller: ``user:3``, ``key:1``…"""
        return f"{self.kind}:{self.id if self.kind != 'system' else self.name}"

    @property
    def user_id(self) -> int | None:
        return self.id if self.kind == "user" else None

    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    @property
    def is_editor(self) -> bool:
        """Editors and admins: every article, publishing, the taxonomy, the ticker."""
        return self.kind == "system" or (self.kind == "user" and self.role in EDITOR_ROLES)

    @property
    def is_admin(self) -> bool:
        return self.kind == "user" and self.role == "admin"

    def owns_or_edits(self, owner_id: int | None) -> bool:
        """The newsroom's rule for unpublished work: editors reach every article, writers
        the ones they created."""
        return self.is_editor or (owner_id is not None and owner_id == self.user_id)

    def has_scope(self, scope: str) -> bool:
        return self.kind == "key" and scope in self.scopes

    @property
    def viewer(self) -> Viewer:
        """What this caller sees through the read endpoints. Writers see what the public
        sees there, and their own articles through ``GET /v1/articles/{id}``."""
        if self.is_editor:
            return STAFF
        if self.has_scope("embargoed:read"):
            return EMBARGOED
        return PUBLIC


SCHEDULER = Principal(kind="system", id=0, name="scheduler")

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class SyndicationChange(Base):
    """Where each article partners have been shown stands in their change feed
    (``app.syndication.changes``).

    One row per article that was ever published to partners: ``seq`` is its place in the feed
    and moves to the end each time the article changes for partners, so a partner reading from
    its last position gets every changed article once, as it is now. ``audience`` is who may
    see it now: ``public`` (every partner), ``embargoed`` (published, under embargo: only keys
    with ``embargoed:read``) or ``withdrawn`` (unpublished or archived: a ``canceled``
    tombstone). ``public_once`` says whether every partner has seen it, and so needs the
    tombstone. ``seq`` is given under the content writers' lock, so positions commit in
    increasing order and a reader can never skip one still being written.
    """

    __tablename__ = "syndication_changes"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    audience: Mapped[str] = mapped_column(String(10))
    version: Mapped[int]
    #: A digest of what partners were last shown (the article's version and card): a change
    #: to its tags, bylines, category or featured media changes it too.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    public_once: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(index=True)

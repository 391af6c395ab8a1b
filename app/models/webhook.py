from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin, utcnow
from app.models.media import JSONType


class Webhook(TimestampMixin, Base):
    """A partner's endpoint and what it subscribes to.

    ``secret`` is the signing secret, encrypted with a key derived from ``KHABAR_SECRET_KEY``
    (it must be read back to sign; it is shown to the owner once). The owner is the account
    or partner key that created it. An endpoint that keeps failing is disabled
    (``is_active`` false, ``disabled_reason``); its owner re-enables it. ``failing_since`` is
    the first failure since the last success."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSONType, default=list)
    description: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(Text)
    #: After a rotation, the secret before it, still used to sign (beside the new one) until
    #: ``previous_secret_until``, so the receiver can switch without losing a delivery.
    previous_secret: Mapped[str | None] = mapped_column(Text)
    previous_secret_until: Mapped[datetime | None]
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    owner_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    disabled_at: Mapped[datetime | None]
    failing_since: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0)


class WebhookMessage(Base):
    """The outbox: one event for one endpoint, written in the transaction that made the event.

    ``msg_id`` is the ``webhook-id`` every attempt carries, so a receiver can de-duplicate.
    ``payload`` is the exact body, kept so that every attempt sends the same bytes. A message
    is ``pending`` until delivered (``delivered``) or too old to retry (``expired``).
    ``next_attempt_at`` is when it is due; a worker that claims it moves that past the
    attempt's timeout (its lease) and writes ``claim``, so no other worker attempts it at the
    same time, and a worker that dies mid-attempt leaves it to be retried when the lease ends.
    A message still waiting when its story is withdrawn is ``superseded`` and never sent.
    """

    __tablename__ = "webhook_messages"
    __table_args__ = (Index(None, "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    #: What the event is about (``article:42``): a withdrawal supersedes the waiting
    #: messages that still carry the story.
    subject: Mapped[str | None] = mapped_column(String(40), index=True)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim: Mapped[str | None] = mapped_column(String(32))
    delivered_at: Mapped[datetime | None]


class WebhookDelivery(Base):
    """One delivery attempt, for the owner's delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index(None, "webhook_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_messages.id", ondelete="CASCADE"), index=True
    )
    msg_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(40))
    attempt: Mapped[int]
    attempted_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(20))
    status_code: Mapped[int | None]
    latency_ms: Mapped[int]
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(500))

"""Every ORM model, imported in one place so Alembic's autogenerate sees them all."""

from app.models.api_key import ApiKey
from app.models.article import (
    Article,
    ArticleAuthor,
    ArticleCard,
    ArticleMedia,
    ArticleRelated,
    ArticleSection,
    ArticleTag,
)
from app.models.audit import AuditEntry
from app.models.author import Author
from app.models.base import Base
from app.models.category import Category
from app.models.collection import Collection, CollectionItem
from app.models.content_state import ContentState
from app.models.idempotency import IdempotencyRecord
from app.models.media import Media
from app.models.revision import ArticleRevision
from app.models.search import ArticleSearch
from app.models.syndication import SyndicationChange
from app.models.tag import Tag
from app.models.ticker import TickerAnnounced, TickerEvent, TickerItem
from app.models.user import User
from app.models.webhook import Webhook, WebhookDelivery, WebhookMessage

__all__ = [
    "ApiKey",
    "Article",
    "ArticleAuthor",
    "ArticleCard",
    "ArticleMedia",
    "ArticleRelated",
    "ArticleRevision",
    "ArticleSearch",
    "ArticleSection",
    "ArticleTag",
    "AuditEntry",
    "Author",
    "Base",
    "Category",
    "Collection",
    "CollectionItem",
    "ContentState",
    "IdempotencyRecord",
    "Media",
    "SyndicationChange",
    "Tag",
    "TickerAnnounced",
    "TickerEvent",
    "TickerItem",
    "User",
    "Webhook",
    "WebhookDelivery",
    "WebhookMessage",
]

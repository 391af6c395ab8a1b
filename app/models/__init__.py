"""Every ORM model, imported in one place so Alembic's autogenerate sees them all."""

from app.models.article import (
    Article,
    ArticleAuthor,
    ArticleCard,
    ArticleMedia,
    ArticleRelated,
    ArticleSection,
    ArticleTag,
)
from app.models.author import Author
from app.models.base import Base
from app.models.category import Category
from app.models.collection import Collection, CollectionItem
from app.models.content_state import ContentState
from app.models.media import Media
from app.models.tag import Tag
from app.models.ticker import TickerItem
from app.models.user import User

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleCard",
    "ArticleMedia",
    "ArticleRelated",
    "ArticleSection",
    "ArticleTag",
    "Author",
    "Base",
    "Category",
    "Collection",
    "CollectionItem",
    "ContentState",
    "Media",
    "Tag",
    "TickerItem",
    "User",
]

"""Article representations as the contract describes them.

Responses are built as plain dicts by the service for speed; these models document them in
OpenAPI, and the test suite validates real responses against them (``extra="forbid"``) so the
documentation cannot drift from what is served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from app.categories.schemas import CategoryRef
from app.core.schemas import MAX_ID, SERVER_KEPT, AwareTime, HttpUrlText, WriteModel, refuse
from app.core.text import LANGUAGE_PATTERN
from app.media.schemas import AttachedMediaRead, MediaRead


class TagRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str


class AuthorRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    name: str


class ArticleCategory(CategoryRef):
    """The article's category; in the full article it carries its breadcrumb ``path``."""

    path: list[CategoryRef] | None = None


class ArticleSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    url: str
    title: str
    kicker: str | None
    summary: str | None
    language: str
    direction: Literal["rtl", "ltr"]
    published_at: datetime | None
    updated_at: datetime
    is_breaking: bool
    category: ArticleCategory
    tags: list[TagRef]
    authors: list[AuthorRef]
    featured_media: MediaRead | None
    reading_time_minutes: int


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None
    url: str | None


class ArticleRead(ArticleSummary):
    subtitle: str | None
    body_html: str
    body_blocks: list[dict[str, Any]]
    body_text: str
    word_count: int
    media: list[AttachedMediaRead]
    related: list[ArticleSummary]
    source: Source | None
    status: Literal["draft", "scheduled", "published", "archived"]
    version: int


class ArticleEditorialSummary(ArticleSummary):
    """A summary in the newsroom's list (``?status=``), with its workflow fields."""

    status: Literal["draft", "scheduled", "published", "archived"]
    version: int
    publish_at: datetime | None
    embargo_until: datetime | None
    created_by_id: int | None


class ArticleList(BaseModel):
    """A page of summaries. With ``fields=``, each item holds exactly the fields asked for."""

    model_config = ConfigDict(extra="forbid")

    items: list[ArticleSummary] | list[ArticleEditorialSummary]
    next_cursor: str | None


SUMMARY_FIELDS = tuple(ArticleSummary.model_fields)
ARTICLE_FIELDS = tuple(ArticleRead.model_fields)


# Writing


class ArticleEditorialRead(ArticleRead):
    """The full article as the newsroom sees it (any status), with its workflow fields."""

    publish_at: datetime | None
    embargo_until: datetime | None
    created_at: datetime
    created_by_id: int | None


Ids = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=100)]


def _unique(ids: list[int] | None) -> list[int] | None:
    if ids is not None and len(set(ids)) != len(ids):
        raise ValueError("each id may appear once")
    return ids


UniqueIds = Annotated[Ids, AfterValidator(_unique)]


class MediaLink(WriteModel):
    media_id: int = Field(ge=1, le=MAX_ID)
    role: Literal["featured", "gallery", "inline", "video"]
    position: int | None = Field(None, ge=0, le=10_000)
    caption: str | None = Field(None, max_length=2000)
    credit: str | None = Field(None, max_length=300)


class _ArticleFields(WriteModel):
    """Fields shared by create and update. The workflow fields are refused by name."""

    slug: str | None = Field(None, min_length=1, max_length=300)
    kicker: str | None = Field(None, max_length=200)
    subtitle: str | None = Field(None, max_length=500)
    summary: str | None = Field(None, max_length=5000)
    body_html: str | None = Field(None, max_length=2_000_000)
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN, max_length=35)
    tag_ids: UniqueIds | None = None
    author_ids: UniqueIds | None = None
    featured_media_id: int | None = Field(None, ge=1, le=MAX_ID)
    media: list[MediaLink] | None = Field(None, max_length=200)
    related_ids: UniqueIds | None = None
    source_name: str | None = Field(None, max_length=200)
    source_url: HttpUrlText = None
    is_breaking: bool | None = None
    embargo_until: AwareTime = Field(
        None, description="Hidden from the public until then, even once published."
    )

    # Named so the 422 says why rather than "extra input".
    id: SkipJsonSchema[Any] = None
    version: SkipJsonSchema[Any] = None
    status: SkipJsonSchema[Any] = None
    created_by: SkipJsonSchema[Any] = None
    created_by_id: SkipJsonSchema[Any] = None
    created_at: SkipJsonSchema[Any] = None
    updated_at: SkipJsonSchema[Any] = None
    published_at: SkipJsonSchema[Any] = None
    publish_at: SkipJsonSchema[Any] = None

    _refuse_server_fields = refuse(
        "id", "created_by", "created_by_id", "created_at", "updated_at", reason=SERVER_KEPT
    )
    _refuse_version = refuse(
        "version",
        reason="is kept by the server; send the ETag you read in If-Match instead",
    )
    _refuse_status = refuse(
        "status",
        reason="changes only through the workflow: POST /v1/articles/{id}/publish, "
        "/unpublish, /restore, or DELETE",
    )
    _refuse_publication = refuse(
        "published_at",
        "publish_at",
        reason="is set by publishing: POST /v1/articles/{id}/publish with publish_at",
    )

    @field_validator("language", "body_html", "is_breaking")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields the caller sent: these may be left out, never cleared.
        if value is None:
            raise ValueError("cannot be null")
        return value


class ArticleCreate(_ArticleFields):
    """A new draft. ``slug`` is made from the title when not given."""

    title: str = Field(min_length=1, max_length=500)
    category_id: int = Field(ge=1, le=MAX_ID)


class ArticleUpdate(_ArticleFields):
    """The fields to change; fields not sent stay as they are, ``null`` clears an optional
    one."""

    title: str | None = Field(None, min_length=1, max_length=500)
    category_id: int | None = Field(None, ge=1, le=MAX_ID)

    @field_validator("title", "category_id")
    @classmethod
    def _title_and_category_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value


class PublishRequest(WriteModel):
    publish_at: AwareTime = Field(
        None,
        description="A future time schedules the article (it goes live by itself then); "
        "absent or past publishes now.",
    )


class RevisionAuthor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    username: str | None


class RevisionRead(BaseModel):
    """One save: ``created_by`` is the account (null for the app's scheduler), ``actor``
    who saved it as the audit log names it, ``data`` the saved fields."""

    model_config = ConfigDict(extra="forbid")

    number: int
    created_at: datetime
    created_by: RevisionAuthor | None
    created_by_id: int | None
    actor: str
    data: dict[str, Any]


class RevisionList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[RevisionRead]
    next_cursor: str | None

"""Configuration: every knob is an environment variable prefixed ``KHABAR_``.

The defaults are the embedded set-up a newcomer gets from ``make run``: SQLite under ``./var/``,
media on local disk, the in-process event broker. Anything that is unsafe outside development
(the default secret key) is refused when ``KHABAR_ENV`` is ``production``; in development an
install without ``KHABAR_SECRET_KEY`` makes a random key of its own.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse as parse_limit
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "khabar-development-secret-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KHABAR_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./var/khabar.db"
    #: Optional read replica; reads use the primary when unset.
    database_read_url: str | None = None
    database_pool_size: int = Field(default=10, ge=1)
    media_dir: Path = Path("./var/media")
    media_url_path: str = "/media"
    #: The newsroom's public web site: canonical article URLs are built under it.
    site_url: str = "http://localhost:3000"
    #: Where this API is reachable by clients; media URLs are built under it.
    public_url: str = "http://localhost:8000"
    #: A CDN in front of media storage; defaults to ``{public_url}{media_url_path}``.
    media_base_url: str | None = None
    #: Where media is stored: ``local`` (``media_dir``, served at ``media_url_path``) or ``s3``
    #: (any S3-compatible object store, ``s3_*`` below).
    media_storage: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    #: The store's API endpoint; unset for AWS itself.
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    #: A key prefix inside the bucket, e.g. ``media/``.
    s3_prefix: str = ""
    #: Where clients fetch stored objects; defaults to ``{s3_endpoint_url}/{s3_bucket}/{prefix}``.
    #: ``media_base_url`` (a CDN) wins over both.
    s3_public_url: str | None = None
    #: Upload limits per kind, in megabytes: beyond them an upload answers 413 as it streams.
    media_max_image_mb: int = Field(default=25, ge=1)
    media_max_video_mb: int = Field(default=500, ge=1)
    media_max_audio_mb: int = Field(default=100, ge=1)
    media_max_document_mb: int = Field(default=50, ge=1)
    #: Images with more pixels than this are refused (decompression bombs).
    media_max_pixels: int = Field(default=50_000_000, ge=1)
    #: Rendition widths, comma-separated; an image is never upscaled.
    media_rendition_widths: str = "320,640,1024,1600"
    #: Processes that decode and render images, off the event loop.
    media_processes: int = Field(default=2, ge=1, le=64)
    #: Where uploads stream to before they are stored; defaults to ``{media_dir}/../incoming``.
    upload_tmp_dir: Path | None = None
    #: Refuse to publish an article whose images have no ``alt_text``.
    require_alt_text: bool = False
    #: Canonical article path under ``site_url``.
    article_path: str = "/news/{id}/{slug}"
    #: The collection whose articles lead the home feed's ``top``.
    feed_top_collection: str = "top-stories"
    site_name: str = "خبر"
    #: The site's main language (BCP 47): site-wide feeds and the news sitemap name it.
    site_language: str = Field(default="ar", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
    #: Who gets article bodies in feeds: ``partners`` (keys with ``syndication:read``; the
    #: public gets summaries) or ``everyone``.
    feed_full_content: Literal["partners", "everyone"] = "partners"
    #: Built feeds and sitemaps each worker keeps for the current revision (0: build each
    #: request anew, as the syndication benchmark does to measure building).
    feed_cache_entries: int = Field(default=64, ge=0)
    secret_key: str = DEV_SECRET_KEY
    #: Where a development install keeps a random key of its own when ``secret_key`` is not
    #: set: the built-in value is public, and it signs access tokens.
    secret_key_file: Path = Path("./var/secret_key")
    #: Words read per minute, for ``reading_time_minutes``.
    reading_words_per_minute: int = Field(default=200, ge=50)
    cache_max_age: int = Field(default=30, ge=0)
    cache_stale_while_revalidate: int = Field(default=300, ge=0)
    #: How often the content clock turns passing embargoes and schedules into revision bumps;
    #: 0 switches it off (tests drive it by hand).
    content_clock_seconds: float = Field(default=1.0, ge=0)
    #: Lifetime of a login's access token; a deactivation or password change ends it sooner.
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    #: Origins (comma-separated) allowed to call endpoints that take credentials from a
    #: browser. Public GETs allow any origin regardless.
    cors_origins: str = ""
    #: Failed logins allowed per client address and per username (``limits`` notation).
    login_rate_limit_client: str = "20 per minute"
    login_rate_limit_username: str = "5 per 5 minutes"
    #: Where rate-limit counters live: ``memory://`` (per process) or a shared store; unset,
    #: Redis when ``redis_url`` is set, else per process.
    rate_limit_storage_url: str | None = None
    #: Redis (``redis://host:6379/0``): live ticker events reach every worker through its
    #: pub/sub, and rate limits are shared when ``rate_limit_storage_url`` is not set.
    redis_url: str | None = None
    #: How often a worker looks in the ticker's event log for events no broker told it of (a
    #: worker without Redis learns of other workers' events this way, and of all of them while
    #: Redis is down).
    ticker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    #: A comment line on every live stream at least this often, so proxies keep it open.
    ticker_heartbeat_seconds: float = Field(default=10.0, gt=0, le=15)
    #: The reconnection delay streams advise clients (``retry:``), in milliseconds.
    ticker_retry_ms: int = Field(default=3000, ge=100)
    #: Publishing an ``is_breaking`` article puts it on the ticker for this many hours.
    breaking_ticker_hours: float = Field(default=6.0, gt=0)
    #: Deliver webhooks from this process (the delivery worker; any number of processes may
    #: run one: each message is claimed by one at a time).
    webhook_delivery: bool = True
    #: An attempt that has not had its whole answer after this many seconds has failed.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    #: Retries wait about base × 2^(attempt − 1) seconds (with jitter), at most the cap.
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0)
    webhook_retry_max_seconds: float = Field(default=24 * 3600.0, gt=0)
    #: A message not delivered within this many hours is given up (``expired``).
    webhook_expire_hours: float = Field(default=72.0, gt=0)
    #: An endpoint that has failed every attempt for this many hours, and at least
    #: ``webhook_disable_after_failures`` times in a row, is disabled until its owner
    #: re-enables it.
    webhook_disable_after_hours: float = Field(default=24.0, ge=0)
    webhook_disable_after_failures: int = Field(default=10, ge=1)
    #: How often the delivery worker looks for due messages that no commit in this process
    #: announced (retries, and events written by other processes).
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    #: Attempts in flight at once in one process.
    webhook_concurrency: int = Field(default=16, ge=1, le=256)
    #: In production, endpoints resolving to loopback, private, link-local or other
    #: non-public addresses are refused; this allows them (never in production, normally).
    webhook_allow_private_targets: bool = False
    admin_username: str | None = None
    admin_password: str | None = None
    seed_demo: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"

    @property
    def webhook_blocks_private_targets(self) -> bool:
        """Whether webhook targets must be public addresses: in production, unless allowed."""
        return self.env == "production" and not self.webhook_allow_private_targets

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env == "development" and self.secret_key == DEV_SECRET_KEY:
            self.secret_key = _install_secret(self.secret_key_file)
        if self.env == "production":
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
                raise ValueError(
                    "KHABAR_SECRET_KEY must be set to a random value of 32+ characters "
                    "when KHABAR_ENV=production"
                )
        if self.media_storage == "s3" and not self.s3_bucket:
            raise ValueError("KHABAR_S3_BUCKET must be set when KHABAR_MEDIA_STORAGE=s3")
        try:
            widths = self.rendition_widths
        except ValueError:
            widths = ()
        if not widths or min(widths) < 16 or max(widths) > 8192:
            raise ValueError(
                "KHABAR_MEDIA_RENDITION_WIDTHS must be comma-separated widths from 16 to 8192"
            )
        for name in ("login_rate_limit_client", "login_rate_limit_username"):
            try:
                parse_limit(getattr(self, name))
            except ValueError:
                raise ValueError(
                    f"KHABAR_{name.upper()} is not a rate limit such as '5 per minute'"
                ) from None
        return self

    @property
    def rate_limit_storage(self) -> str:
        return self.rate_limit_storage_url or self.redis_url or "memory://"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def site_base(self) -> str:
        return self.site_url.rstrip("/")

    @property
    def media_base(self) -> str:
        """The base of every media URL: a CDN when set, else the object store's public URL,
        else this API's own ``/media``."""
        if self.media_base_url:
            base = self.media_base_url
        elif self.media_storage == "s3":
            base = self.s3_public_url or self._s3_object_base()
        else:
            base = self.public_url.rstrip("/") + self.media_url_path
        return base.rstrip("/")

    def _s3_object_base(self) -> str:
        if self.s3_endpoint_url:
            bucket = f"{self.s3_endpoint_url.rstrip('/')}/{self.s3_bucket}"
        else:
            bucket = f"https://{self.s3_bucket}.s3.{self.s3_region}.amazonaws.com"
        prefix = self.s3_prefix.strip("/")
        return f"{bucket}/{prefix}" if prefix else bucket

    @property
    def rendition_widths(self) -> tuple[int, ...]:
        return tuple(sorted({int(part) for part in self.media_rendition_widths.split(",")}))

    @property
    def upload_limits(self) -> dict[str, int]:
        """The most bytes an upload of each kind may have."""
        megabyte = 1024 * 1024
        return {
            "image": self.media_max_image_mb * megabyte,
            "video": self.media_max_video_mb * megabyte,
            "audio": self.media_max_audio_mb * megabyte,
            "document": self.media_max_document_mb * megabyte,
        }

    @property
    def upload_dir(self) -> Path:
        return self.upload_tmp_dir or self.media_dir.parent / "incoming"


def _install_secret(path: Path) -> str:
    """This install's own random key, made on first use and kept (owner-only) so tokens and
    cursors survive restarts."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()

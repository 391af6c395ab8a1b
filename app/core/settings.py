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
    #: Canonical article path under ``site_url``.
    article_path: str = "/news/{id}/{slug}"
    #: The collection whose articles lead the home feed's ``top``.
    feed_top_collection: str = "top-stories"
    site_name: str = "خبر"
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
    #: Where rate-limit counters live: ``memory://`` (per process) or a shared store.
    rate_limit_storage_url: str = "memory://"
    admin_username: str | None = None
    admin_password: str | None = None
    seed_demo: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"

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
        for name in ("login_rate_limit_client", "login_rate_limit_username"):
            try:
                parse_limit(getattr(self, name))
            except ValueError:
                raise ValueError(
                    f"KHABAR_{name.upper()} is not a rate limit such as '5 per minute'"
                ) from None
        return self

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
        base = self.media_base_url or self.public_url.rstrip("/") + self.media_url_path
        return base.rstrip("/")


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

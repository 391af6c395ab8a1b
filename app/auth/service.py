"""Logging in: one answer for every failure, and limits per client address (attempts) and
per username (failed attempts), so passwords cannot be guessed quickly from one address or
spread over many."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.ratelimit import Limit, RateLimiter
from app.auth.tokens import create_access_token
from app.core.errors import Unauthorized
from app.core.settings import Settings
from app.users.service import authenticate


@dataclass(frozen=True, slots=True)
class LoginLimiter:
    limiter: RateLimiter
    per_client: Limit
    per_username: Limit

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimiter:
        return cls(
            limiter=RateLimiter(settings.rate_limit_storage),
            per_client=RateLimiter.limit(settings.login_rate_limit_client, "login-client"),
            per_username=RateLimiter.limit(settings.login_rate_limit_username, "login-username"),
        )


async def login(
    limits: LoginLimiter, session: AsyncSession, username: str, password: str, client: str
) -> tuple[str, int]:
    # Every attempt is counted before the password is checked (argon2 takes tens of
    # milliseconds; attempts in flight meanwhile must not all pass). A success gives the
    # username its attempts back.
    await limits.limiter.consume(
        (limits.per_client, client), (limits.per_username, username.strip().lower())
    )
    user = await authenticate(session, username.strip(), password)
    if user is None:
        raise Unauthorized("The username or password is not right.")
    await limits.limiter.clear(limits.per_username, user.username)
    return create_access_token(user.id, user.token_version)

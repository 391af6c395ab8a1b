"""Access tokens: short-lived HS256 JWTs (PyJWT) signed with ``KHABAR_SECRET_KEY``.

A token names its user (``sub``) and the user's ``token_version`` at login (``ver``). Every
request checks both against the account, so deactivating a user or changing a password (both
bump the version) ends the tokens issued before, at once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import jwt

from app.core.errors import Unauthorized
from app.core.settings import get_settings
from app.models.base import utcnow

ALGORITHM = "HS256"
ISSUER = "khabar"


def create_access_token(user_id: int, token_version: int) -> tuple[str, int]:
    """A signed token and its lifetime in seconds."""
    settings = get_settings()
    lifetime = settings.access_token_minutes * 60
    now = utcnow()
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "ver": token_version,
        "iat": now,
        "exp": now + timedelta(seconds=lifetime),
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), lifetime


def decode_access_token(token: str) -> tuple[int, int]:
    """``(user_id, token_version)`` of a valid token; ``Unauthorized`` otherwise.

    Only HS256 is accepted: a token claiming ``alg: none`` or another algorithm is refused,
    as are a wrong signature, an expired token and one missing a claim."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            get_settings().secret_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "ver", "iss"]},
        )
        return int(claims["sub"]), int(claims["ver"])
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired; log in again.") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise Unauthorized("The access token is not valid.") from None

"""Rate limits, counted by the ``limits`` library in ``KHABAR_RATE_LIMIT_STORAGE_URL``
(``memory://`` per process by default; a shared store makes them hold across workers)."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.core.errors import TooManyRequests


@dataclass(frozen=True, slots=True)
class Limit:
    item: RateLimitItem
    scope: str


log = logging.getLogger("khabar.auth")


class RateLimiter:
    def __init__(self, storage_url: str) -> None:
        url = storage_url if storage_url.startswith("async+") else "async+" + storage_url
        # Redis through redis-py, the client the rest of the app uses.
        options: dict[str, Any] = (
            {"implementation": "redispy", "socket_timeout": 1, "socket_connect_timeout": 1}
            if url.startswith("async+redis")
            else {}
        )
        storage = storage_from_string(url, **options)
        if not isinstance(storage, Storage):
            raise ValueError(f"{storage_url} is not an asynchronous rate-limit storage")
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(self.storage)

    @staticmethod
    def limit(expression: str, scope: str) -> Limit:
        return Limit(parse(expression), scope)

    async def consume(self, *checks: tuple[Limit, str]) -> None:
        """Take one attempt from each ``(limit, identity)``, or refuse (429) when one has
        none left. Taking is atomic in the storage, so concurrent attempts cannot all pass
        a check made before any of them is counted."""
        for limit, identity in checks:
            try:
                allowed = await self.strategy.hit(limit.item, limit.scope, identity)
            except Exception:
                # The counters' store (Redis) is out of reach: logins go on, unlimited, rather
                # than every one failing; the outage is logged and /readyz reports it.
                log.warning("rate-limit storage unreachable; not limiting %s", limit.scope)
                return
            if not allowed:
                stats = await self.strategy.get_window_stats(limit.item, limit.scope, identity)
                reset = max(1, math.ceil(stats.reset_time - time.time()))
                raise TooManyRequests(
                    "Too many attempts; wait before trying again.",
                    headers={
                        "Retry-After": str(reset),
                        "RateLimit-Limit": str(limit.item.amount),
                        "RateLimit-Remaining": "0",
                        "RateLimit-Reset": str(reset),
                    },
                )

    async def clear(self, limit: Limit, identity: str) -> None:
        try:
            await self.strategy.clear(limit.item, limit.scope, identity)
        except Exception:
            log.warning("rate-limit storage unreachable; %s not cleared", limit.scope)

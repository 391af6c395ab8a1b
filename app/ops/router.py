from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.responses import Response

from app.core.caching import dump_json
from app.core.database import get_database
from app.ops import metrics
from app.ticker.live import TickerHub

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> Response:
    return Response(dump_json({"status": "ok"}), media_type="application/json")


router.add_api_route(
    "/metrics",
    metrics.exposition,
    methods=["GET"],
    summary="The process's figures, in the Prometheus text format",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)


@router.get("/readyz", summary="Dependencies are reachable; 503 when not")
async def readyz(request: Request) -> Response:
    checks: dict[str, str] = {}
    try:
        async with get_database(request).read_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unreachable"
    if request.app.state.settings.redis_url:
        hub: TickerHub = request.app.state.ticker_hub
        checks["redis"] = "ok" if await hub.broker.ready() else "unreachable"
    ready = all(value == "ok" for value in checks.values())
    return Response(
        dump_json({"status": "ready" if ready else "unavailable", "checks": checks}),
        status_code=200 if ready else 503,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )

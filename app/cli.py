"""``khabar``: the newsroom's command line. ``khabar start`` is what ``make run`` does; the
other commands are its steps one by one."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from app.core.database import Database, ensure_sqlite_directory, refresh_planner_statistics
from app.core.errors import KhabarError
from app.core.migrations import upgrade_to_head
from app.core.settings import get_settings

cli = typer.Typer(help="Khabar (خبر): a news-content API.", no_args_is_help=True)


@cli.command()
def migrate() -> None:
    """Bring the database schema to the newest migration."""
    settings = get_settings()
    ensure_sqlite_directory(settings.database_url)
    upgrade_to_head(settings.database_url)
    typer.echo("database is up to date")


async def _seed(only_if_empty: bool) -> bool:
    from app.demo.seed import database_is_empty, seed_demo
    from app.main import install_model_hooks

    install_model_hooks()
    settings = get_settings()
    database = Database.from_settings(settings)
    try:
        async with database.write_sessions() as session, session.begin():
            if only_if_empty and not await database_is_empty(session):
                return False
            counts = await seed_demo(session, Path(settings.media_dir))
        await refresh_planner_statistics(database.write_engine)
        typer.echo("demo content loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return True
    finally:
        await database.dispose()


@cli.command("seed-demo")
def seed_demo_command(
    force: Annotated[bool, typer.Option(help="Load even when articles already exist.")] = False,
) -> None:
    """Load the demo newsroom (Arabic and English articles, tree, media, ticker)."""
    if not asyncio.run(_seed(only_if_empty=not force)):
        typer.echo("the database already has articles; nothing loaded (use --force)")


async def _load_bulk(count: int) -> None:
    from app.demo.seed import database_is_empty, load_bulk, seed_demo
    from app.main import install_model_hooks

    install_model_hooks()
    settings = get_settings()
    database = Database.from_settings(settings)
    try:
        async with database.write_sessions() as session, session.begin():
            if await database_is_empty(session):
                await seed_demo(session, Path(settings.media_dir))
            await load_bulk(session, count)
        await refresh_planner_statistics(database.write_engine)
    finally:
        await database.dispose()


@cli.command("load-bulk")
def load_bulk_command(count: Annotated[int, typer.Argument(min=1)] = 100_000) -> None:
    """Add COUNT generated published articles (for benchmarks)."""
    asyncio.run(_load_bulk(count))
    typer.echo(f"loaded {count} articles")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: KHABAR_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: KHABAR_PORT.")] = None,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    reload: bool = False,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Serve the API with uvicorn."""
    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        access_log=access_log,
        log_level=settings.log_level,
        # Live streams end themselves on shutdown; this bounds anything else held open.
        timeout_graceful_shutdown=10,
    )


@cli.command("create-user")
def create_user_command(
    username: str,
    role: Annotated[str, typer.Option(help="admin, editor or writer.")] = "editor",
    display_name: Annotated[str | None, typer.Option()] = None,
    password: Annotated[
        str | None, typer.Option(help="Prompted for when not given.", envvar="KHABAR_NEW_PASSWORD")
    ] = None,
) -> None:
    """Create a newsroom account."""
    from app.users.service import create_user

    secret = password or getpass.getpass("password: ")

    async def run() -> None:
        database = Database.from_settings(get_settings())
        try:
            async with database.write_sessions() as session, session.begin():
                await create_user(
                    session,
                    username=username,
                    password=secret,
                    role=role,
                    display_name=display_name,
                )
        finally:
            await database.dispose()

    try:
        asyncio.run(run())
    except KhabarError as error:
        typer.echo(f"error: {error.detail or error.title}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"created {role} {username}")


@cli.command()
def start() -> None:
    """Migrate, load the demo when the database is empty, and serve: what ``make run`` does."""
    settings = get_settings()
    migrate()
    if settings.seed_demo:
        asyncio.run(_seed(only_if_empty=True))
    serve(host=None, port=None, workers=1, reload=False, access_log=True)


def main() -> None:
    cli()

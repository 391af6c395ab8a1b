"""Running Alembic from code (``khabar migrate``, ``make run``, the tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

_REPO_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str | None = None, connection: Any = None) -> Config:
    directory = _REPO_MIGRATIONS if _REPO_MIGRATIONS.is_dir() else Path.cwd() / "migrations"
    config = Config()
    config.set_main_option("script_location", str(directory))
    config.attributes["configure_logging"] = False
    if database_url is not None:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(database_url: str | None = None) -> None:
    command.upgrade(alembic_config(database_url), "head")


def upgrade_connection(connection: Any) -> None:
    """Upgrade through an already open sync connection (use with ``run_sync``)."""
    command.upgrade(alembic_config(connection=connection), "head")

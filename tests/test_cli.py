"""`khabar`, the steps of `make run` one by one, on a database of its own."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.core.settings import get_settings

pytestmark = pytest.mark.sqlite_only  # the commands run on a file database of their own


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "var" / "khabar.db"
    monkeypatch.setenv("KHABAR_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_migrate_seed_demo_and_create_user(database: Path) -> None:
    runner = CliRunner()
    migrated = runner.invoke(cli, ["migrate"])
    assert migrated.exit_code == 0, migrated.output
    assert database.exists()  # the folder was created too

    seeded = runner.invoke(cli, ["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    assert "demo content loaded" in seeded.output
    again = runner.invoke(cli, ["seed-demo"])
    assert "nothing loaded" in again.output

    created = runner.invoke(
        cli, ["create-user", "huda", "--role", "editor", "--password", "a long secret phrase"]
    )
    assert created.exit_code == 0, created.output
    refused = runner.invoke(cli, ["create-user", "huda", "--password", "a long secret phrase"])
    assert refused.exit_code != 0

    with sqlite3.connect(database) as connection:
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        cards = connection.execute("SELECT count(*) FROM article_cards").fetchone()[0]
        users = connection.execute("SELECT username, role FROM users").fetchall()
    assert articles >= 250
    assert cards == articles
    assert users == [("huda", "editor")]

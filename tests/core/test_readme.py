"""The README documents every setting the app reads."""

from __future__ import annotations

from pathlib import Path

from app.core.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_in_the_readme() -> None:
    missing = [f"KHABAR_{name.upper()}" for name in Settings.model_fields]
    missing = [name for name in missing if name not in README]
    assert missing == []


def test_production_refuses_the_development_secret() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="KHABAR_SECRET_KEY"):
        Settings(env="production", secret_key="khabar-development-secret-key-change-me")
    assert Settings(env="production", secret_key="x" * 40).env == "production"

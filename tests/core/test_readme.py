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


def test_a_development_install_makes_and_keeps_a_secret_key_of_its_own(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "secret_key"
    built_in = "khabar-development-secret-key-change-me"
    first = Settings(env="development", secret_key=built_in, secret_key_file=key_file)
    again = Settings(env="development", secret_key=built_in, secret_key_file=key_file)
    assert first.secret_key == again.secret_key
    assert first.secret_key != "khabar-development-secret-key-change-me"
    assert len(first.secret_key) >= 32
    assert key_file.stat().st_mode & 0o077 == 0

"""callboard.yaml: Backstage-style keys, ${ENV} substitution, CALLBOARD_ overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config_file import ConfigError, read_config_file
from bot.settings import load_settings

CONFIG = """
server:
  port: 7010
database:
  url: postgres://cb:${DB_PASSWORD}@db.internal/callboard
auth:
  apiTokens: ["${API_TOKEN}"]
catalog:
  rules:
    - allow: [Component, API]
  locations:
    - type: file
      target: ./catalog/all.yaml
      rules:
        - allow: [Group]
    - type: git
      target: https://github.com/acme/catalog.git
      branch: main
      catalogPath: "services/**/catalog-info.yaml"
  orphanGraceSeconds: 60
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "callboard.yaml"
    path.write_text(CONFIG)
    return path


def test_file_values_env_substitution_and_paths(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", "s3cret")
    monkeypatch.delenv("API_TOKEN", raising=False)
    settings = load_settings(config_file)
    assert settings.server.port == 7010
    assert settings.database_url() == "postgresql+psycopg://cb:s3cret@db.internal/callboard"
    assert settings.auth.api_tokens == []
    ingest = settings.ingest_config()
    assert ingest.base_dir == config_file.parent
    assert ingest.rules == ({"allow": ["Component", "API"]},)
    assert [(loc.type, loc.target, loc.branch, loc.catalog_path) for loc in ingest.locations] == [
        ("file", "./catalog/all.yaml", None, None),
        ("git", "https://github.com/acme/catalog.git", "main", "services/**/catalog-info.yaml"),
    ]
    assert ingest.locations[0].rules == ({"allow": ["Group"]},)
    assert ingest.orphan_grace_seconds == 60


def test_environment_overrides_every_value(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", "x")
    monkeypatch.setenv("API_TOKEN", "tok-1")
    monkeypatch.setenv("CALLBOARD_SERVER__PORT", "9001")
    monkeypatch.setenv("CALLBOARD_CATALOG__ORPHAN_GRACE_SECONDS", "5")
    monkeypatch.setenv("CALLBOARD_DATABASE__URL", "sqlite:///data/cb.db")
    monkeypatch.setenv(
        "CALLBOARD_CATALOG__LOCATIONS", '[{"type": "url", "target": "https://example.com/c.yaml"}]'
    )
    settings = load_settings(config_file)
    assert settings.server.port == 9001
    assert settings.catalog.orphan_grace_seconds == 5
    assert settings.database_url() == f"sqlite:///{config_file.parent / 'data/cb.db'}"
    assert [t.get_secret_value() for t in settings.auth.api_tokens] == ["tok-1"]
    assert [loc.type for loc in settings.catalog.locations] == ["url"]
    assert "tok-1" not in repr(settings)


def test_database_url_from_plain_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert load_settings(None).database_url() == "postgresql+psycopg://u@h/db"


def test_errors_name_the_file_line_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("server:\n  port: [1\n")
    with pytest.raises(ConfigError, match=r"broken.yaml:3: invalid YAML"):
        read_config_file(broken)
    embedded = tmp_path / "embedded.yaml"
    embedded.write_text("database:\n  url: postgres://u:${NOPE_NOT_SET}@h/db\n")
    monkeypatch.delenv("NOPE_NOT_SET", raising=False)
    with pytest.raises(ConfigError, match="url: environment variable NOPE_NOT_SET is not set"):
        read_config_file(embedded)
    typo = tmp_path / "typo.yaml"
    typo.write_text("catalog:\n  locatoins: []\n")
    with pytest.raises(ValidationError, match=r"catalog\.locatoins"):
        load_settings(typo)


def test_escaped_reference_stays_literal(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("template: 'hello $${NAME}'\n")
    assert read_config_file(path, environ={}) == {"template": "hello ${NAME}"}

"""``slack:`` settings: the file, the environment (also Slack's usual variable names and
``CALLBOARD_SLACK_API_URL``), validation, and secrets that are never shown or logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bot.app import create_app
from bot.settings import load_settings
from bot.slack_app.config import SlackConfig
from bot.wiring import build_wiring
from tests.bot.slack_app.conftest import SIGNING_SECRET, Bot, wait_for

SLACK_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "CALLBOARD_SLACK_API_URL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name in list(__import__("os").environ):
        if name.startswith("CALLBOARD_SLACK__"):
            monkeypatch.delenv(name)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "callboard.yaml"
    path.write_text(text)
    return path


def test_the_file_and_its_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNING", "s3cret")
    settings = load_settings(
        write(
            tmp_path,
            """
slack:
  botToken: xoxb-file
  signingSecret: ${SIGNING}
  apiUrl: http://127.0.0.1:3000/api
  verbCommands: [/whois, /oncall]
  catalogUrl: https://backstage.acme.example/
""",
        )
    )
    assert settings.slack.enabled
    config = SlackConfig.from_settings(settings.slack)
    assert config.command == "/idp" and config.verb_commands == ("/whois", "/oncall")
    assert config.signing_secret == "s3cret" and config.bot_token == "xoxb-file"
    assert config.http and not config.oauth and not config.socket_mode
    assert config.api_url == "http://127.0.0.1:3000/api/"
    assert config.catalog_url == "https://backstage.acme.example"
    assert "users:read.email" in config.scopes and "commands" in config.scopes
    assert not load_settings(None).slack.enabled


def test_the_environment_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "slack:\n  botToken: xoxb-file\n  apiUrl: https://file.example/api/\n")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "from-slack-variable")
    monkeypatch.setenv("CALLBOARD_SLACK_API_URL", "http://plain.example/api")
    config = SlackConfig.from_settings(load_settings(path).slack)
    assert config.bot_token == "xoxb-file" and config.signing_secret == "from-slack-variable"
    assert config.api_url == "http://plain.example/api/"
    monkeypatch.setenv("CALLBOARD_SLACK__API_URL", "http://nested.example/api/")
    monkeypatch.setenv("CALLBOARD_SLACK__BOT_TOKEN", "xoxb-env")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-slack-variable")
    config = SlackConfig.from_settings(load_settings(path).slack)
    assert config.api_url == "http://nested.example/api/" and config.bot_token == "xoxb-env"


def test_oauth_and_socket_mode_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "1234.5678")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "cs")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "ss")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    config = SlackConfig.from_settings(load_settings(None).slack)
    assert config.oauth and config.socket_mode and config.http and config.bot_token is None


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("botToken: xoxb-1", "signingSecret"),
        ("signingSecret: s", "botToken"),
        ("clientId: '1.2'\n  signingSecret: s", "clientSecret"),
        ("clientId: 1234.5678\n  clientSecret: c\n  signingSecret: s", "quote"),
        ("clientId: '1.2'\n  clientSecret: c\n  appToken: xapp-1", "signingSecret"),
        ("botToken: x\n  signingSecret: s\n  command: idp", "slash command"),
        ("botToken: x\n  signingSecret: s\n  verbCommands: [/deploy]", "/deploy names no verb"),
        ("botToken: x\n  signingSecret: s\n  verbCommands: [/whois]\n  command: /whois", "both"),
        ("botToken: x\n  signingSecret: s\n  apiUrl: slack.com/api", "http"),
    ],
)
def test_incomplete_or_wrong_settings_are_named(tmp_path: Path, yaml: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        load_settings(write(tmp_path, f"slack:\n  {yaml}\n"))
    assert message in str(error.value)


def test_without_slack_settings_there_is_no_slack_endpoint(tmp_path: Path) -> None:
    path = write(tmp_path, f"database:\n  url: sqlite:///{tmp_path / 'db.sqlite'}\n")
    wiring = build_wiring(load_settings(path))
    try:
        assert wiring.slack() is None
        with TestClient(create_app(wiring, background=False)) as client:
            assert client.post("/slack/events", content=b"{}").status_code == 404
            assert client.get("/healthz").status_code == 200
    finally:
        wiring.close()


def test_secrets_are_never_shown_or_logged(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = bot.state.workspace.bot_token
    settings = bot.wiring.settings
    config = bot.surface.config
    for shown in (repr(settings), str(settings), repr(config), repr(bot.wiring)):
        assert token not in shown and SIGNING_SECRET not in shown
    bot.sender.slash_command("alice", "payments", "/idp", "owner")
    bot.sender.open_home("alice")
    bot.sender.slash_command("alice", "payments", "/idp", "whois pmts")
    wait_for(lambda: len(bot.bot_messages("alice", "payments")) == 2)
    wait_for(lambda: bot.state.home_view("U0ALICE"))
    bot.idle()
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "api/users.info" in logged and "api/views.publish" in logged
    assert token not in logged and SIGNING_SECRET not in logged

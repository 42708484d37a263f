"""Installing the app in workspaces through Slack's OAuth flow, installations kept in our
database (slack_sdk's SQLAlchemy stores on our engine, tables made by our migrations)."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, func, select

from bot.slack_app.schema import migrate_slack_tables
from bot.slack_app.tables import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE, metadata
from bot.slack_standin import StandinServer
from catalog_store.db.engine import create_catalog_engine
from tests.bot.slack_app.conftest import Bot, MakeBot, blocks_text, wait_for

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret"
CODE = "code-from-slack-123"


class OAuthAccess:
    """Slack's ``oauth.v2.access``: HTTP Basic client credentials, a one-time code."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.used: set[str] = set()

    def install(self, server: StandinServer) -> None:
        state = server.state

        @server.app.middleware("http")
        async def oauth_access(request: Request, call_next: Callable[[Request], Any]) -> Response:
            if request.url.path != "/api/oauth.v2.access":
                answer: Response = await call_next(request)
                return answer
            form = dict(parse_qsl((await request.body()).decode()))
            self.calls.append(form)
            scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "basic":
                return JSONResponse({"ok": False, "error": "invalid_client_id"})
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
            if client_id != CLIENT_ID:
                return JSONResponse({"ok": False, "error": "invalid_client_id"})
            if secret != CLIENT_SECRET:
                return JSONResponse({"ok": False, "error": "bad_client_secret"})
            code = form.get("code")
            if code != CODE or code in self.used:
                return JSONResponse({"ok": False, "error": "invalid_code"})
            self.used.add(code)
            ws = state.workspace
            return JSONResponse(
                {
                    "ok": True,
                    "access_token": ws.bot_token,
                    "token_type": "bot",
                    "scope": ",".join(ws.scopes),
                    "bot_user_id": ws.bot_user_id,
                    "app_id": ws.app_id,
                    "team": {"name": ws.team_name, "id": ws.team_id},
                    "enterprise": None,
                    "authed_user": {"id": "U0ERIN"},
                    "is_enterprise_install": False,
                }
            )


def installed_bots(bot: Bot) -> int:
    store = SQLAlchemyInstallationStore(
        CLIENT_ID,
        bot.wiring.engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
    )
    with bot.wiring.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(store.bots)) or 0)


def start_install(bot: Bot) -> str:
    page = httpx.get(f"{bot.url}/slack/install")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', page.text)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert "commands" in query["scope"][0].split(",")
    state = query["state"][0]
    assert f"slack-app-oauth-state={state}" in page.headers["set-cookie"]
    return state


def test_a_workspace_installs_the_app_and_is_answered(make_bot: MakeBot) -> None:
    access = OAuthAccess()
    bot = make_bot(oauth=(CLIENT_ID, CLIENT_SECRET), before_start=access.install)
    before = bot.sender.slash_command("alice", "payments", "/idp", "whois pmts")
    assert before.ok
    refused = wait_for(lambda: bot.bot_messages("alice", "payments"))
    assert "not installed" in refused[0].text
    assert installed_bots(bot) == 0

    state = start_install(bot)
    done = httpx.get(
        f"{bot.url}/slack/oauth_redirect",
        params={"code": CODE, "state": state},
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    )
    assert done.status_code == 200, done.text
    assert installed_bots(bot) == 1
    assert access.calls[-1]["code"] == CODE

    assert bot.sender.slash_command("alice", "payments", "/idp", "whois pmts").ok
    answer = wait_for(lambda: bot.bot_messages("alice", "payments")[1:])
    assert "payment-service" in blocks_text(answer[0]).lower()


def test_forged_or_replayed_installs_are_refused(make_bot: MakeBot) -> None:
    access = OAuthAccess()
    bot = make_bot(oauth=(CLIENT_ID, CLIENT_SECRET), before_start=access.install)
    state = start_install(bot)
    no_cookie = httpx.get(f"{bot.url}/slack/oauth_redirect", params={"code": CODE, "state": state})
    assert 400 <= no_cookie.status_code < 500
    forged = httpx.get(
        f"{bot.url}/slack/oauth_redirect",
        params={"code": CODE, "state": "made-up"},
        headers={"Cookie": "slack-app-oauth-state=made-up"},
    )
    assert 400 <= forged.status_code < 500
    assert access.calls == [] and installed_bots(bot) == 0
    bad_code = httpx.get(
        f"{bot.url}/slack/oauth_redirect",
        params={"code": "stolen", "state": state},
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    )
    assert 400 <= bad_code.status_code < 500 and installed_bots(bot) == 0
    replay = httpx.get(
        f"{bot.url}/slack/oauth_redirect",
        params={"code": CODE, "state": state},
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    )
    assert 400 <= replay.status_code < 500 and installed_bots(bot) == 0


def test_the_migrations_make_the_tables_the_stores_use(database_url: str) -> None:
    engine = create_catalog_engine(database_url)
    try:
        migrate_slack_tables(engine)
        migrate_slack_tables(engine)
        expected = MetaData()
        for table in metadata.tables.values():
            table.to_metadata(expected)
        SQLAlchemyInstallationStore.build_installations_table(expected, INSTALLATIONS_TABLE)
        SQLAlchemyInstallationStore.build_bots_table(expected, BOTS_TABLE)
        SQLAlchemyOAuthStateStore.build_oauth_states_table(expected, OAUTH_STATES_TABLE)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": lambda name, kind, _parent: (
                        kind != "table" or name in expected.tables
                    )
                },
            )
            assert compare_metadata(context, expected) == []
        store = SQLAlchemyOAuthStateStore(600, engine, table_name=OAUTH_STATES_TABLE)
        issued = store.issue()
        assert store.consume(issued) and not store.consume(issued)
    finally:
        engine.dispose()

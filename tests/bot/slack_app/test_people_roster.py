"""The workspace roster: read with ``users.list`` in the background, read again when old,
and lookups by address while it is missing or cannot be read."""

from __future__ import annotations

import logging

import pytest
from slack_sdk import WebClient

from bot.slack_app.people import RosterRefresh, SlackDirectory
from bot.slack_app.web_client import make_web_client
from bot.slack_standin import StandinServer, StandinState, Workspace
from bot.slack_standin.workspace import User
from catalog_store.ownership import PeopleResolver


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def workspace_with_leavers() -> Workspace:
    workspace = Workspace.default()
    workspace.users["U0GONE"] = User("U0GONE", "gone", "Gone Away", "gone@acme.example")
    workspace.users["U0GONE"].deleted = True
    for number in range(450):
        user_id = f"U1{number:05d}"
        workspace.users[user_id] = User(
            user_id, f"p{number}", f"P {number}", f"p{number}@acme.example"
        )
    return workspace


def test_the_roster_pages_through_everyone_but_bots_and_leavers() -> None:
    workspace = workspace_with_leavers()
    with StandinServer(StandinState(workspace)) as server:
        directory = SlackDirectory(WebClient(token=workspace.bot_token, base_url=server.api_url))
        roster = directory.roster()
        assert len(server.state.calls("users.list")) == 3
    assert roster["alice@acme.example"] == "U0ALICE"
    assert roster["p449@acme.example"] == "U100449"
    assert "gone@acme.example" not in roster
    assert workspace.bot_user_id not in roster.values()
    assert len(roster) == len(workspace.people()) - 1


def test_a_roster_is_read_once_until_it_is_due_again() -> None:
    clock = Clock()
    with StandinServer(StandinState.default()) as server:
        client = make_web_client(server.api_url, server.state.workspace.bot_token, timeout=5)
        directory = SlackDirectory(client)
        resolver = PeopleResolver(directory)
        rosters = RosterRefresh(refresh=600, retry=60, clock=clock)
        rosters.ensure("T0ACME", directory, resolver)
        rosters.wait()
        rosters.ensure("T0ACME", directory, resolver)
        rosters.wait()
        assert len(server.state.calls("users.list")) == 1
        assert resolver.slack_id_for_email("DAN@acme.example") == "U0DAN"
        assert resolver.slack_id_for_email("nobody@acme.example") is None
        assert server.state.calls("users.lookupByEmail") == []
        clock.now += 601
        rosters.ensure("T0ACME", directory, resolver)
        rosters.wait()
        assert len(server.state.calls("users.list")) == 2


def test_a_roster_that_cannot_be_read_leaves_lookups_by_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    workspace = Workspace.default()
    workspace.scopes = tuple(s for s in workspace.scopes if s != "users:read")
    with StandinServer(StandinState(workspace)) as server:
        client = make_web_client(server.api_url, workspace.bot_token, timeout=5)
        directory = SlackDirectory(client)
        resolver = PeopleResolver(directory)
        rosters = RosterRefresh(refresh=600, retry=60, clock=clock)
        with caplog.at_level(logging.WARNING):
            rosters.ensure("T0ACME", directory, resolver)
            rosters.wait()
        assert "reading the Slack roster failed: missing_scope" in caplog.text
        assert workspace.bot_token not in caplog.text
        assert resolver.roster_age() is None
        assert resolver.slack_id_for_email("dan@acme.example") == "U0DAN"
        assert len(server.state.calls("users.lookupByEmail")) == 1
        rosters.ensure("T0ACME", directory, resolver)
        rosters.wait()
        assert len(server.state.calls("users.list")) == 1
        clock.now += 61
        rosters.ensure("T0ACME", directory, resolver)
        rosters.wait()
        assert len(server.state.calls("users.list")) == 2

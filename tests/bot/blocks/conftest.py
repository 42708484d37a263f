"""The example catalog's discovery stack (from the command tests), and checks of rendered
blocks against the stand-in's Block Kit validator."""

from __future__ import annotations

from typing import Any

from bot.blocks import SlackMessage
from bot.slack_standin import validate_blocks, validate_message, validate_view
from tests.commands.conftest import directory, discovery

__all__ = ["assert_valid_home", "assert_valid_message", "directory", "discovery"]


def assert_valid_message(message: SlackMessage) -> None:
    """The message is one Slack accepts: blocks within limits, text within 3000."""
    assert validate_blocks(message.blocks, surface="message") == []
    assert validate_message(message.text, message.blocks) == []
    assert 0 < len(message.text) <= 3000
    assert len(message.blocks) <= 50


def assert_valid_home(view: dict[str, Any]) -> None:
    """The Home tab view is one ``views.publish`` accepts."""
    assert view["type"] == "home"
    assert validate_blocks(view["blocks"], surface="home") == []
    assert validate_view(view) == []
    assert len(view["blocks"]) <= 100

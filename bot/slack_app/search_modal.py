"""The "Search the catalog" modal: opening it, and answering its submission once.

A submission is acknowledged at once: errors beside the fields when the query is blank,
else the modal closes and ``find``'s answer arrives as a direct message. A modal submitted
twice (a double click reaches Slack as two ``view_submission`` requests for the same view
and hash) is answered once: the first request claims ``view:<id>:<hash>`` in the event
receipts, the second finds it claimed.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.search_modal import OPEN_SEARCH, SEARCH_CALLBACK, read_search, search_modal
from bot.slack_app.delivery import post_message
from bot.slack_app.parts import Parts
from bot.slack_app.web_client import slack_error

log = logging.getLogger(__name__)


def open_search_modal(client: WebClient, trigger_id: str, words: str = "") -> bool:
    """``views.open`` of the modal; True when Slack opened it (a failure is logged)."""
    try:
        client.views_open(trigger_id=trigger_id, view=search_modal(words))
    except Exception as exc:
        log.warning("opening the search modal failed: %s", slack_error(exc))
        return False
    return True


def register_search_modal(app: App, parts: Parts) -> None:
    """Listen for the ``open_search`` button and the modal's submissions."""

    def on_open(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        trigger_id = body.get("trigger_id")
        if isinstance(trigger_id, str) and trigger_id:
            open_search_modal(client, trigger_id)

    def on_submit(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        state = view.get("state")
        values = state.get("values") if isinstance(state, dict) else None
        request = read_search(values if isinstance(values, dict) else {})
        if isinstance(request, dict):
            ack(response_action="errors", errors=request)
            return
        ack()
        key = f"view:{view.get('id')}:{view.get('hash')}"
        if not parts.receipts.claim(key, context.team_id):
            log.info("a search modal submitted twice was answered once")
            return
        user = body.get("user")
        user_id = user.get("id") if isinstance(user, dict) else None
        if not isinstance(user_id, str) or not user_id:
            log.warning("a search modal submission without a user was dropped")
            return
        parts.work.submit(
            SEARCH_CALLBACK,
            lambda: _answer(parts, client, context, user_id, request.command),
        )

    app.action(OPEN_SEARCH)(on_open)
    app.view(SEARCH_CALLBACK)(on_submit)


def _answer(
    parts: Parts, client: WebClient, context: BoltContext, user_id: str, command: str
) -> None:
    message = parts.answers.answer(
        client, context.team_id, command, user_id=user_id, channel_id=user_id, shareable=False
    )
    post_message(client, user_id, message)

"""Catalog links unfurled: ``link_shared`` for ``{catalogUrl}/catalog/{ns}/{kind}/{name}``
becomes a compact card of the entity through ``chat.unfurl``."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks import unfurl_card
from bot.slack_app.catalog_links import entity_ref_of_link
from bot.slack_app.parts import Parts
from bot.slack_app.web_client import slack_error
from commands.errors import CommandError
from commands.whois import whois

log = logging.getLogger(__name__)

MAX_LINKS = 5
"""Links unfurled per message (Slack sends at most five)."""


def register_unfurls(app: App, parts: Parts) -> None:
    """Unfurl catalog links on ``link_shared`` (when ``catalogUrl`` is set)."""

    def on_link_shared(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        parts.work.submit(
            "link_shared", lambda: unfurl_links(parts, client, context.team_id, event)
        )

    app.event("link_shared")(on_link_shared)


def unfurl_links(
    parts: Parts, client: WebClient, team_id: str | None, event: dict[str, Any]
) -> None:
    """Answer one ``link_shared`` event with ``chat.unfurl`` (failures are logged)."""
    catalog_url = parts.config.catalog_url
    links = event.get("links")
    if catalog_url is None or not isinstance(links, list):
        return
    discovery = parts.teams.for_team(team_id, client)
    unfurls: dict[str, dict[str, Any]] = {}
    for link in links[:MAX_LINKS]:
        url = link.get("url") if isinstance(link, dict) else None
        ref = entity_ref_of_link(url, catalog_url) if isinstance(url, str) else None
        if ref is None or not isinstance(url, str):
            continue
        try:
            unfurls[url] = unfurl_card(whois(discovery, ref.key))
        except CommandError as exc:
            log.info("not unfurling %s: %s", ref.key, exc.message)
    if not unfurls:
        return
    target: dict[str, Any]
    if event.get("source") == "composer" and event.get("unfurl_id"):
        target = {"unfurl_id": event["unfurl_id"], "source": "composer"}
    else:
        target = {"channel": event.get("channel"), "ts": event.get("message_ts")}
    try:
        client.chat_unfurl(unfurls=unfurls, **target)
    except Exception as exc:
        log.warning("chat.unfurl failed: %s", slack_error(exc))

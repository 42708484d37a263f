"""The outbox's chat client over Slack's Web API.

Calls are made once each, without the client's own retries: the outbox decides what to do
with a rate limit (wait ``Retry-After``), a server error or a timeout (back off, and ask
:meth:`SlackChat.find_posted` before posting again, since the first attempt may have
reached Slack), or a permanent error (dead letter). Every message carries its outbox key in
Slack's message metadata, which is how a post whose answer was lost is found again.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.run_messages import message_metadata, render_chat_message
from workflows.notifications.messages import ChatMessage
from workflows.notifications.outbox import ChatResult

log = logging.getLogger(__name__)

HISTORY_PAGE = 200
"""Messages read per ``conversations.history``/``replies`` page when looking for a post."""
HISTORY_PAGES = 5
"""Pages read at most; older posts are not looked for."""
DEFAULT_RETRY_AFTER = 1.0
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


class ChannelLookupFailed(Exception):
    """Slack could not be asked for a channel's id (a transient failure)."""


class SlackChat:
    """Posts, updates and finds run notifications in Slack."""

    def __init__(self, client: WebClient, *, catalog_url: str | None = None) -> None:
        """Talk to Slack through ``client`` (its retry handlers are not used)."""
        self._client = WebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            logger=logging.getLogger("bot.notifications.web_api"),
            retry_handlers=[],
        )
        self._catalog_url = catalog_url
        self._ids: dict[str, str] = {}
        self._lock = threading.Lock()

    def post(
        self, channel: str, message: ChatMessage, *, thread_ts: str | None, key: str
    ) -> ChatResult:
        """``chat.postMessage`` of ``message`` with ``key`` in its metadata."""
        try:
            channel_id = self._resolve(channel)
        except ChannelLookupFailed:
            return ChatResult.failure("channel_lookup_failed")
        if channel_id is None:
            return ChatResult.failure("channel_not_found")
        rendered = render_chat_message(message, catalog_url=self._catalog_url)
        return self._call(
            "chat.postMessage",
            lambda: self._client.chat_postMessage(
                channel=channel_id,
                text=rendered.text,
                blocks=rendered.blocks,
                thread_ts=thread_ts,
                metadata=message_metadata(key),
                unfurl_links=False,
                unfurl_media=False,
            ),
        )

    def update(self, channel: str, ts: str, message: ChatMessage) -> ChatResult:
        """``chat.update`` of the message ``ts``."""
        try:
            channel_id = self._resolve(channel)
        except ChannelLookupFailed:
            return ChatResult.failure("channel_lookup_failed")
        if channel_id is None:
            return ChatResult.failure("channel_not_found")
        rendered = render_chat_message(message, catalog_url=self._catalog_url)
        return self._call(
            "chat.update",
            lambda: self._client.chat_update(
                channel=channel_id, ts=ts, text=rendered.text, blocks=rendered.blocks
            ),
            ts=ts,
        )

    def find_posted(
        self, channel: str, key: str, since: datetime, *, thread_ts: str | None = None
    ) -> str | None:
        """The ts of a message carrying ``key`` posted since ``since`` (in the thread
        ``thread_ts`` when given), or None when there is none.

        Raises:
            Exception: Slack could not be asked; the outbox retries later rather than
                risk posting twice.
        """
        cursor: str | None = None
        channel = self._resolve(channel) or channel
        for _ in range(HISTORY_PAGES):
            if thread_ts is None:
                page = self._client.conversations_history(
                    channel=channel,
                    oldest=f"{since.timestamp():.6f}",
                    limit=HISTORY_PAGE,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            else:
                page = self._client.conversations_replies(
                    channel=channel,
                    ts=thread_ts,
                    oldest=f"{since.timestamp():.6f}",
                    limit=HISTORY_PAGE,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            for message in page.get("messages") or []:
                if _key_of(message) == key:
                    return str(message["ts"])
            metadata = page.get("response_metadata") or {}
            cursor = metadata.get("next_cursor") or None
            if not cursor:
                return None
        return None

    def _resolve(self, channel: str) -> str | None:
        """The channel's id (names looked up once, then remembered); None when unknown or
        Slack could not be asked (logged)."""
        if _CHANNEL_ID.match(channel):
            return channel
        with self._lock:
            known = self._ids.get(channel)
        if known is not None:
            return known
        try:
            found = self.channel_id(channel)
        except Exception as exc:
            log.warning("looking up channel %s failed: %s", channel[:80], type(exc).__name__)
            raise ChannelLookupFailed(channel) from exc
        if found is not None:
            with self._lock:
                self._ids[channel] = found
        return found

    def channel_id(self, channel: str) -> str | None:
        """The id of a channel named ``#name``, ``name`` or by id; None when Slack has no
        such channel the bot can see.

        Raises:
            SlackApiError: Slack refused the lookup (missing scope, bad token).
        """
        wanted = channel.strip().lstrip("#")
        if not wanted:
            return None
        if _CHANNEL_ID.match(wanted):
            try:
                info = self._client.conversations_info(channel=wanted)
                return str(info["channel"]["id"])
            except SlackApiError:
                pass
        cursor: str | None = None
        for _ in range(50):
            page = self._client.conversations_list(
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=1000,
                cursor=cursor,
            )
            for found in page.get("channels") or []:
                if found.get("name") == wanted or found.get("id") == wanted:
                    return str(found["id"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return None

    def _call(self, method: str, call: Any, *, ts: str | None = None) -> ChatResult:
        try:
            response = call()
        except SlackApiError as exc:
            status = exc.response.status_code
            if status == 429:
                retry = exc.response.headers.get("Retry-After") or exc.response.headers.get(
                    "retry-after"
                )
                return ChatResult.rate_limited(_seconds(retry))
            if status >= 500:
                log.warning("%s failed: HTTP %s", method, status)
                return ChatResult.failure(f"http_{status}")
            error = _error(exc)
            log.warning("%s failed: %s", method, error)
            return ChatResult.failure(error)
        except TimeoutError:
            log.warning("%s timed out", method)
            return ChatResult.failure("timeout")
        except Exception as exc:  # connection refused or reset, DNS: try again later
            log.warning("%s failed: %s", method, type(exc).__name__)
            return ChatResult.failure("connection_error")
        return ChatResult.success(str(response.get("ts") or ts or ""))


def _key_of(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata")
    payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
    key = payload.get("key") if isinstance(payload, dict) else None
    return key if isinstance(key, str) else None


def _seconds(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or exc.response.status_code)

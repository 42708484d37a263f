"""People in Slack: catalog people's Slack ids (``users.lookupByEmail``) and the email of
whoever types a command (``users.info``), both cached.

Each workspace has its own directory and caches: a Slack user id means nothing in another
workspace. The clients come from Bolt's request context, so OAuth installs use their own
bot token.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_app.web_client import slack_error
from catalog_store.ownership import PeopleResolver
from commands.services import Discovery

log = logging.getLogger(__name__)

EMAIL_TTL = 3600.0
"""Seconds the email of a Slack user is remembered."""
EMAIL_ERROR_TTL = 30.0
"""Seconds a failed ``users.info`` is remembered."""
MAX_EMAILS = 10_000


class SlackDirectory:
    """A :class:`catalog_store.ownership.SlackUserDirectory` over ``users.lookupByEmail``."""

    def __init__(self, client: WebClient) -> None:
        """Look people up with ``client`` (replaced as tokens are refreshed)."""
        self.client = client

    def lookup_by_email(self, email: str) -> str | None:
        """The Slack user id of ``email``; None when Slack has no such user.

        Raises:
            SlackApiError: any other error (the resolver logs it and retries later).
        """
        try:
            response = self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if exc.response.get("error") == "users_not_found":
                return None
            raise
        user = response.get("user")
        found = user.get("id") if isinstance(user, dict) else None
        return found if isinstance(found, str) and found else None


class UserEmails:
    """The email address of a Slack user (``users.info``), cached per workspace and user."""

    def __init__(
        self,
        *,
        ttl: float = EMAIL_TTL,
        error_ttl: float = EMAIL_ERROR_TTL,
        max_entries: int = MAX_EMAILS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Remember answers for ``ttl`` seconds (failures for ``error_ttl``)."""
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str], tuple[str | None, float]] = OrderedDict()

    def email_of(self, client: WebClient, team_id: str | None, user_id: str | None) -> str | None:
        """The person's email; None when unknown, hidden, or Slack could not be asked."""
        if not user_id:
            return None
        key = (team_id or "", user_id)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[1] > self._clock():
                self._cache.move_to_end(key)
                return cached[0]
        email, ttl = self._ask(client, user_id)
        with self._lock:
            self._cache[key] = (email, self._clock() + ttl)
            self._cache.move_to_end(key)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return email

    def _ask(self, client: WebClient, user_id: str) -> tuple[str | None, float]:
        try:
            response = client.users_info(user=user_id)
        except Exception as exc:
            log.warning("users.info failed: %s", slack_error(exc))
            return None, self._error_ttl
        user = response.get("user")
        profile = user.get("profile") if isinstance(user, dict) else None
        email = profile.get("email") if isinstance(profile, dict) else None
        return (email.strip() or None if isinstance(email, str) else None), self._ttl


class TeamDiscovery:
    """The discovery services with a people resolver for each workspace."""

    def __init__(self, discovery: Callable[[], Discovery]) -> None:
        """Build on ``discovery`` (the shared services, made on first use)."""
        self._discovery = discovery
        self._lock = threading.Lock()
        self._teams: dict[str, tuple[SlackDirectory, PeopleResolver]] = {}

    def for_team(self, team_id: str | None, client: WebClient) -> Discovery:
        """The services for one workspace, people resolved with ``client``."""
        key = team_id or ""
        with self._lock:
            found = self._teams.get(key)
            if found is None:
                directory = SlackDirectory(client)
                found = self._teams[key] = (directory, PeopleResolver(directory))
            else:
                found[0].client = client
        return replace(self._discovery(), people=found[1])

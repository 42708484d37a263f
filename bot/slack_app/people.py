"""People in Slack: catalog people's Slack ids and the email of whoever types a command
(``users.info``), both cached.

Catalog people are found in a roster of the workspace, read in the background with
``users.list`` and read again every few minutes; until the first roster is in, and when
it is too old, each address is asked for with ``users.lookupByEmail``.

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
from catalog_store.ownership.people import normalise_email
from commands.services import Discovery

log = logging.getLogger(__name__)

EMAIL_TTL = 3600.0
"""Seconds the email of a Slack user is remembered."""
EMAIL_ERROR_TTL = 30.0
"""Seconds a failed ``users.info`` is remembered."""
MAX_EMAILS = 10_000
ROSTER_REFRESH = 600.0
"""Seconds after which a workspace's roster is read again (on the next command)."""
ROSTER_RETRY = 60.0
"""Seconds before a roster that could not be read is tried again."""
ROSTER_PAGE = 200
"""Members asked for per ``users.list`` page (Slack advises at most 200)."""


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

    def roster(self) -> dict[str, str]:
        """The Slack user id of every active person with an address, by address.

        Pages through ``users.list`` (rate limits are waited out by the client's retry
        handlers); bots and deactivated accounts are left out.

        Raises:
            SlackApiError: a page could not be read.
        """
        found: dict[str, str] = {}
        cursor: str | None = None
        while True:
            response = self.client.users_list(limit=ROSTER_PAGE, cursor=cursor)
            members = response.get("members")
            for member in members if isinstance(members, list) else ():
                if not isinstance(member, dict) or member.get("deleted") or member.get("is_bot"):
                    continue
                profile = member.get("profile")
                email = profile.get("email") if isinstance(profile, dict) else None
                key = normalise_email(email)
                user_id = member.get("id")
                if key is not None and isinstance(user_id, str):
                    found[key] = user_id
            metadata = response.get("response_metadata")
            cursor = metadata.get("next_cursor") if isinstance(metadata, dict) else None
            if not cursor:
                return found


class RosterRefresh:
    """Reads a workspace's roster in the background when it is missing or old.

    :meth:`ensure` never waits for Slack: it starts one reading thread per workspace at a
    time and returns; the resolver answers by address lookups until the roster is in.
    """

    def __init__(
        self,
        *,
        refresh: float = ROSTER_REFRESH,
        retry: float = ROSTER_RETRY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Read rosters again after ``refresh`` seconds, failed reads after ``retry``."""
        self._refresh = refresh
        self._retry = retry
        self._clock = clock
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._reading: dict[str, threading.Thread] = {}

    def ensure(self, team: str, directory: SlackDirectory, resolver: PeopleResolver) -> None:
        """Start reading ``team``'s roster into ``resolver`` if it is due."""
        now = self._clock()
        with self._lock:
            if team in self._reading or now < self._next.get(team, 0.0):
                return
            self._next[team] = now + self._retry
            thread = threading.Thread(
                target=self._read,
                args=(team, directory, resolver),
                name=f"slack-roster-{team or 'default'}",
                daemon=True,
            )
            self._reading[team] = thread
        thread.start()

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for the reads under way (tests and shutdown)."""
        with self._lock:
            threads = list(self._reading.values())
        for thread in threads:
            thread.join(timeout)

    def _read(self, team: str, directory: SlackDirectory, resolver: PeopleResolver) -> None:
        try:
            roster = directory.roster()
        except Exception as exc:
            log.warning("reading the Slack roster failed: %s", slack_error(exc))
        else:
            resolver.use_roster(roster)
            with self._lock:
                self._next[team] = self._clock() + self._refresh
            log.info("Slack roster read: %d people", len(roster))
        finally:
            with self._lock:
                self._reading.pop(team, None)


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

    def __init__(
        self, discovery: Callable[[], Discovery], *, rosters: RosterRefresh | None = None
    ) -> None:
        """Build on ``discovery`` (the shared services, made on first use), reading each
        workspace's roster with ``rosters`` (a default :class:`RosterRefresh`)."""
        self._discovery = discovery
        self._lock = threading.Lock()
        self._teams: dict[str, tuple[SlackDirectory, PeopleResolver]] = {}
        self.rosters = rosters or RosterRefresh()

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
        self.rosters.ensure(key, *found)
        return replace(self._discovery(), people=found[1])

"""Catalog people in Slack: the Slack user id of a catalog User.

A User names its Slack account with the ``slack.com/user-id`` annotation; without it,
the account is looked up by ``spec.profile.email`` through a
:class:`SlackUserDirectory` (the Slack surface plugs in ``users.lookupByEmail``).
Lookups are cached, found and not-found alike, for a TTL, in a bounded, thread-safe
cache; concurrent lookups of one address make a single call. A failing lookup gives
None (show the name, mention nobody) and is remembered only briefly, so that a Slack
outage neither floods Slack with retries nor hides people for long once it is over.

A whole roster of the workspace (every member's address, as Slack's ``users.list`` pages
them) can be handed over with :meth:`PeopleResolver.use_roster`. While it is fresh,
addresses are answered from it alone: one paged listing every few minutes replaces a
lookup per person, whom Slack allows only about 50 a minute.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from catalog_store.ownership.entity_fields import SLACK_USER_ID_ANNOTATION, annotation
from catalog_store.ownership.models import PersonInfo

log = logging.getLogger(__name__)

DEFAULT_TTL = 3600.0
"""Seconds a found (or not found) Slack user id is remembered."""
DEFAULT_ERROR_TTL = 30.0
"""Seconds a failed lookup is remembered before Slack is asked again."""
DEFAULT_MAX_ENTRIES = 10_000
"""Most email addresses remembered; the least recently used go first."""
DEFAULT_ROSTER_MAX_AGE = 3600.0
"""Seconds a roster answers for the workspace before lookups by address take over again."""


class SlackUserDirectory(Protocol):
    """Finds a Slack user by email address (Slack's ``users.lookupByEmail``)."""

    def lookup_by_email(self, email: str) -> str | None:
        """The Slack user id of ``email``, or None when Slack has no such user.

        Raises:
            Exception: Slack could not be asked (network, rate limit, auth); the
                resolver treats any exception as a failed lookup.
        """
        ...


@dataclass(frozen=True, slots=True)
class _Roster:
    user_ids: Mapping[str, str]
    loaded: float


@dataclass(frozen=True, slots=True)
class _Entry:
    user_id: str | None
    expires: float


def normalise_email(email: str | None) -> str | None:
    """The cache key of an address: stripped and lower-cased; None when blank."""
    if not isinstance(email, str):
        return None
    key = email.strip().lower()
    return key or None


class PeopleResolver:
    """Slack user ids of catalog people, by annotation or through a cached email lookup."""

    def __init__(
        self,
        directory: SlackUserDirectory,
        *,
        ttl: float = DEFAULT_TTL,
        negative_ttl: float | None = None,
        error_ttl: float = DEFAULT_ERROR_TTL,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        wait_timeout: float = 10.0,
        roster_max_age: float = DEFAULT_ROSTER_MAX_AGE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Resolve through ``directory``.

        Args:
            directory: The Slack lookup.
            ttl: Seconds a found user id is remembered.
            negative_ttl: Seconds a "no such Slack user" answer is remembered
                (defaults to ``ttl``).
            error_ttl: Seconds a failed lookup is remembered.
            max_entries: Most addresses remembered.
            wait_timeout: Seconds a caller waits for another thread's lookup of the
                same address before giving up (None is then returned).
            roster_max_age: Seconds a roster given to :meth:`use_roster` answers alone.
            clock: Monotonic seconds.
        """
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._directory = directory
        self._ttl = ttl
        self._negative_ttl = ttl if negative_ttl is None else negative_ttl
        self._error_ttl = error_ttl
        self._max_entries = max_entries
        self._wait_timeout = wait_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._pending: dict[str, threading.Event] = {}
        self._roster_max_age = roster_max_age
        self._roster: _Roster | None = None

    def use_roster(self, user_ids: Mapping[str, str]) -> None:
        """Answer from a complete roster of the workspace from now on.

        Args:
            user_ids: The Slack user id of every active member with an address, keyed by
                address (any case). An address missing from it has no Slack account.
        """
        roster = {
            key: user_id for email, user_id in user_ids.items() if (key := normalise_email(email))
        }
        with self._lock:
            self._roster = _Roster(roster, self._clock())

    def roster_age(self) -> float | None:
        """Seconds since the roster was handed over; None without one."""
        with self._lock:
            roster = self._roster
        return None if roster is None else self._clock() - roster.loaded

    def slack_id_for(self, user_entity: Mapping[str, Any]) -> str | None:
        """The Slack user id of a catalog User entity.

        Args:
            user_entity: The User as stored or served (``metadata.annotations``,
                ``spec.profile.email``).

        Returns:
            The ``slack.com/user-id`` annotation, else the id found by email, else None.
        """
        body = dict(user_entity)
        annotated = annotation(body, SLACK_USER_ID_ANNOTATION)
        if annotated is not None:
            return annotated
        spec = body.get("spec")
        profile = spec.get("profile") if isinstance(spec, Mapping) else None
        email = profile.get("email") if isinstance(profile, Mapping) else None
        return self.slack_id_for_email(email if isinstance(email, str) else None)

    def slack_id_for_person(self, person: PersonInfo) -> str | None:
        """The Slack user id of a :class:`PersonInfo`: its annotation, else by email."""
        if person.slack_user_id:
            return person.slack_user_id
        return self.slack_id_for_email(person.email)

    def slack_id_for_email(self, email: str | None) -> str | None:
        """The Slack user id of an email address, from the cache or the directory.

        Returns:
            The id; None when the address is blank, Slack has no such user, or the
            lookup failed (logged, and remembered for ``error_ttl`` seconds).
        """
        key = normalise_email(email)
        if key is None or email is None:
            return None
        with self._lock:
            roster = self._roster
            if roster is not None and self._clock() - roster.loaded < self._roster_max_age:
                return roster.user_ids.get(key)
            cached = self._fresh(key)
            if cached is not None:
                return cached.user_id
            waiter = self._pending.get(key)
            leader = waiter is None
            if waiter is None:
                waiter = self._pending[key] = threading.Event()
        if not leader:
            waiter.wait(self._wait_timeout)
            with self._lock:
                cached = self._fresh(key)
            return None if cached is None else cached.user_id
        try:
            user_id, ttl = self._lookup(email.strip())
            with self._lock:
                self._store(key, user_id, ttl)
        finally:
            with self._lock:
                self._pending.pop(key, None)
            waiter.set()
        return user_id

    def clear(self) -> None:
        """Forget every remembered address."""
        with self._lock:
            self._cache.clear()

    def __len__(self) -> int:
        """How many addresses are remembered (expired ones included until touched)."""
        with self._lock:
            return len(self._cache)

    def _lookup(self, email: str) -> tuple[str | None, float]:
        try:
            found = self._directory.lookup_by_email(email)
        except Exception as exc:
            log.warning("Slack user lookup by email failed: %s", type(exc).__name__)
            return None, self._error_ttl
        if isinstance(found, str) and found.strip():
            return found.strip(), self._ttl
        return None, self._negative_ttl

    def _fresh(self, key: str) -> _Entry | None:
        entry = self._cache.get(key)
        if entry is None:
            return None
        if entry.expires <= self._clock():
            del self._cache[key]
            return None
        self._cache.move_to_end(key)
        return entry

    def _store(self, key: str, user_id: str | None, ttl: float) -> None:
        self._cache[key] = _Entry(user_id, self._clock() + ttl)
        self._cache.move_to_end(key)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)

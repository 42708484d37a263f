"""Finding the catalog Component a run is about, its channels, and who is on call for it.

An event's ``component`` is a hint: an entity ref or a name (case-insensitive), else the
value of one of :data:`COMPONENT_ID_ANNOTATIONS` on a Component (a terraform workspace, a
GitHub repository, an Argo CD application, a Humanitec app).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import case, select
from sqlalchemy.orm import Session, sessionmaker

from catalog_store.db.tables import CatalogStateRow, EntityRow, SearchRow
from catalog_store.model import InvalidEntityRef, parse_entity_ref
from catalog_store.ownership import GroupInfo, Ownership
from catalog_store.queries.entity_queries import entity_by_key
from catalog_store.queries.entity_reader import ENTITY_COLUMNS, StoredEntity

SLACK_CHANNEL_ANNOTATION = "callboard.dev/slack-channel"
"""On a Component: the channel its runs are reported in (``C0123`` or ``#name``)."""
COMPONENT_ID_ANNOTATIONS = (
    "callboard.dev/terraform-workspace",
    "github.com/project-slug",
    "argocd/app-name",
    "humanitec.com/appId",
)
"""Annotations whose value names a Component in a source's own words."""


@dataclass(frozen=True, slots=True)
class ComponentInfo:
    """A catalog Component as notifications need it.

    Attributes:
        ref: Its entity ref (``component:default/payment-service``).
        name: ``metadata.name``.
        title: ``metadata.title``.
        channel: Its own channel (``callboard.dev/slack-channel``), if any.
        owner_ref: Its owner's ref, if it has one.
        owner_channel: The owner group's channel id (own or inherited from a parent group).
    """

    ref: str
    name: str
    title: str | None = None
    channel: str | None = None
    owner_ref: str | None = None
    owner_channel: str | None = None


class RunDirectory(Protocol):
    """Resolves the component hint of a run event."""

    def component(self, hint: str) -> ComponentInfo | None:
        """The Component ``hint`` names, or None when the catalog has none."""


class OnCallLookup(Protocol):
    """Who to mention when a run of a component fails."""

    def mentions(self, component_ref: str) -> Sequence[str]:
        """Slack user ids of the people on call for ``component_ref`` (may be empty)."""


class InMemoryRunDirectory:
    """A directory over a fixed set of components (matched by ref, name or alias)."""

    def __init__(
        self,
        components: Sequence[ComponentInfo],
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        """Answer for ``components``; ``aliases`` maps other hints to component refs."""
        self._by_hint: dict[str, ComponentInfo] = {}
        for info in components:
            self._by_hint[info.ref.lower()] = info
            self._by_hint.setdefault(info.name.lower(), info)
        for alias, ref in (aliases or {}).items():
            self._by_hint[alias.lower()] = self._by_hint[ref.lower()]
        self.calls = 0

    def component(self, hint: str) -> ComponentInfo | None:
        """The component named by ``hint`` (case-insensitive)."""
        self.calls += 1
        return self._by_hint.get(hint.strip().lower())


class StaticOnCall:
    """On-call answers from a mapping of component ref to Slack user ids."""

    def __init__(self, mentions: Mapping[str, Sequence[str]]) -> None:
        """Answer from ``mentions`` (refs compared case-insensitively)."""
        self._mentions = {ref.lower(): tuple(ids) for ref, ids in mentions.items()}

    def mentions(self, component_ref: str) -> Sequence[str]:
        """The ids listed for ``component_ref``."""
        return self._mentions.get(component_ref.lower(), ())


def _annotations(row: StoredEntity) -> dict[str, Any]:
    body = json.loads(row.body)
    metadata = body.get("metadata") if isinstance(body, dict) else None
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    return annotations if isinstance(annotations, dict) else {}


def _metadata_text(row: StoredEntity, name: str) -> str | None:
    body = json.loads(row.body)
    metadata = body.get("metadata") if isinstance(body, dict) else None
    value = metadata.get(name) if isinstance(metadata, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def find_component_row(session: Session, hint: str) -> StoredEntity | None:
    """The Component row ``hint`` names: by ref, by name, else by an id annotation.

    Several matches are decided by namespace ``default`` first, then by ref.
    """
    text = hint.strip()
    if not text:
        return None
    try:
        key = parse_entity_ref(text, default_kind="Component").key
    except InvalidEntityRef:
        key = None
    if key is not None and key.startswith("component:"):
        row = entity_by_key(session, key)
        if row is not None:
            return row
    lowered = text.lower()
    preference = (
        case((EntityRow.namespace == "default", 0), else_=1),
        EntityRow.entity_ref,
    )
    values = session.execute(
        select(*ENTITY_COLUMNS)
        .where(EntityRow.kind == "component", EntityRow.name == lowered)
        .order_by(*preference)
        .limit(1)
    ).first()
    if values is not None:
        return StoredEntity(*values)
    keys = [f"metadata.annotations.{name}".lower() for name in COMPONENT_ID_ANNOTATIONS]
    matching = select(SearchRow.entity_row_id).where(
        SearchRow.key.in_(keys), SearchRow.value == lowered
    )
    values = session.execute(
        select(*ENTITY_COLUMNS)
        .where(EntityRow.kind == "component", EntityRow.row_id.in_(matching))
        .order_by(*preference)
        .limit(1)
    ).first()
    return None if values is None else StoredEntity(*values)


class CatalogRunDirectory:
    """Components from the catalog database, cached until the catalog changes.

    Answers (misses too) are kept while ``catalog_state.change_seq`` stays the same; the
    counter is read at most once every ``recheck_seconds``, so a burst of events costs no
    query at all once the hints are known. Thread-safe.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        ownership: Ownership | None = None,
        recheck_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Read the catalog behind ``sessions`` (owners through ``ownership``)."""
        self._sessions = sessions
        self._ownership = ownership or Ownership(sessions)
        self._recheck = recheck_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cache: dict[str, ComponentInfo | None] = {}
        self._seq: int | None = None
        self._checked_at = float("-inf")
        self.queries = 0
        """Catalog lookups made (cache misses), for tests and metrics."""

    def component(self, hint: str) -> ComponentInfo | None:
        """The Component ``hint`` names, with its own and its owner group's channel."""
        cache_key = hint.strip().lower()
        self._refresh_seq()
        with self._lock:
            if cache_key in self._cache:
                return self._cache[cache_key]
        info = self._lookup(hint)
        with self._lock:
            self._cache[cache_key] = info
        return info

    def _refresh_seq(self) -> None:
        """Forget every answer when the catalog's change counter moved (read outside the
        lock: a thread never waits for the database while holding it)."""
        now = self._monotonic()
        with self._lock:
            if now - self._checked_at < self._recheck:
                return
            self._checked_at = now
        with self._sessions() as session:
            seq = session.scalar(select(CatalogStateRow.change_seq).where(CatalogStateRow.id == 1))
        with self._lock:
            if seq != self._seq:
                self._seq = seq
                self._cache.clear()

    def _lookup(self, hint: str) -> ComponentInfo | None:
        self.queries += 1
        with self._sessions() as session:
            row = find_component_row(session, hint)
        if row is None:
            return None
        annotations = _annotations(row)
        channel = annotations.get(SLACK_CHANNEL_ANNOTATION)
        owner = self._ownership.owner_of(row.entity_ref)
        owner_channel = None
        if owner is not None and isinstance(owner.owner, GroupInfo):
            owner_channel = owner.owner.slack_channel_id
        name = _metadata_text(row, "name") or row.entity_ref.rsplit("/", 1)[-1]
        return ComponentInfo(
            ref=owner.entity_ref if owner is not None else row.entity_ref,
            name=name,
            title=_metadata_text(row, "title"),
            channel=channel.strip() if isinstance(channel, str) and channel.strip() else None,
            owner_ref=owner.owner_ref if owner is not None else None,
            owner_channel=owner_channel,
        )

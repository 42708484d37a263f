"""The answers about ownership and people: plain, immutable values without Slack types.

Every ``ref`` is Backstage's string form ``kind:namespace/name`` (kind and namespace
lower-cased, the name as written); an entity that a reference names but the catalog
lacks keeps the reference and is marked ``missing``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

FoundVia = Literal["direct", "system", "domain", "none"]
"""How an owner was found: the entity's own ``spec.owner``, its system's, its system's
domain's, or not at all."""


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """A catalog User as people are shown.

    Attributes:
        ref: The User's ref.
        name: ``metadata.name``.
        display_name: ``spec.profile.displayName``, else ``metadata.title``.
        email: ``spec.profile.email``.
        slack_user_id: The ``slack.com/user-id`` annotation; looking the email up in Slack
            is :class:`catalog_store.ownership.people.PeopleResolver`'s job.
        missing: A reference names this user but the catalog has no such entity.
    """

    ref: str
    name: str
    display_name: str | None = None
    email: str | None = None
    slack_user_id: str | None = None
    missing: bool = False

    @property
    def label(self) -> str:
        """The name to show: the display name, else ``metadata.name``."""
        return self.display_name or self.name


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A group named from another answer (a parent, a child, a user's team).

    Attributes:
        ref: The Group's ref.
        name: ``metadata.name``.
        title: ``metadata.title``, else ``spec.profile.displayName``.
        email: ``spec.profile.email``.
        slack_channel_id: The group's own ``slack.com/channel-id`` annotation.
        slack_channel_name: The group's own ``slack.com/channel-name`` annotation.
        missing: A reference names this group but the catalog has no such entity.
    """

    ref: str
    name: str
    title: str | None = None
    email: str | None = None
    slack_channel_id: str | None = None
    slack_channel_name: str | None = None
    missing: bool = False

    @property
    def label(self) -> str:
        """The name to show: the title, else ``metadata.name``."""
        return self.title or self.name


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """A group with its contacts, parents, members and children.

    Attributes:
        ref: The Group's ref.
        name: ``metadata.name``.
        title: ``metadata.title``, else ``spec.profile.displayName``.
        email: ``spec.profile.email``.
        slack_channel_id: The group's channel, or the nearest parent's when the group
            has none (see ``channel_inherited_from``).
        slack_channel_name: The name that goes with ``slack_channel_id``, when annotated.
        channel_inherited_from: The ref of the parent whose channel this is; None when
            the channel is the group's own (or there is none).
        parents: The ancestors through ``childOf``, nearest first, up to the root; each
            group once even when the hierarchy has a cycle.
        members: Members through ``hasMember`` (at most the query's member limit),
            ordered by label.
        children: Child groups through ``parentOf`` (same limit), ordered by ref.
        member_count: Every member, beyond the limit too.
        child_count: Every child group, beyond the limit too.
    """

    ref: str
    name: str
    title: str | None
    email: str | None
    slack_channel_id: str | None
    slack_channel_name: str | None
    channel_inherited_from: str | None
    parents: tuple[GroupSummary, ...]
    members: tuple[PersonInfo, ...]
    children: tuple[GroupSummary, ...]
    member_count: int
    child_count: int

    @property
    def label(self) -> str:
        """The name to show: the title, else ``metadata.name``."""
        return self.title or self.name


@dataclass(frozen=True, slots=True)
class OwnedEntity:
    """An entity owned by a group or user.

    Attributes:
        ref: The entity's ref.
        kind: Its kind as written (``Component``).
        name: ``metadata.name``.
        title: ``metadata.title``.
        owner_ref: The group or user whose ``ownerOf`` relation names it.
        direct: Owned by the asked group or user itself (or, for a user, one of the
            user's own groups), not through a child group.
    """

    ref: str
    kind: str
    name: str
    title: str | None
    owner_ref: str
    direct: bool


@dataclass(frozen=True, slots=True)
class OwnedEntities:
    """What a group (with its child groups) or a user (with their groups) owns.

    Attributes:
        owner_ref: The group or user asked about.
        owners: Every owner counted: the asked ref, then the groups it reaches
            (a user's groups, child groups transitively), nearest first.
        counts: Number of owned entities per kind (kind as written), every entity
            counted even beyond ``limit``.
        items: At most ``limit`` entities of each kind, by kind then name.
        limit: The per-kind limit applied to ``items``.
    """

    owner_ref: str
    owners: tuple[str, ...]
    counts: Mapping[str, int]
    items: tuple[OwnedEntity, ...]
    limit: int

    @property
    def total(self) -> int:
        """Every owned entity, beyond the limit too."""
        return sum(self.counts.values())

    @property
    def truncated(self) -> bool:
        """Whether some kind has more entities than ``items`` lists."""
        return self.total > len(self.items)

    def by_kind(self) -> dict[str, list[OwnedEntity]]:
        """The listed items grouped by kind, in the order of ``counts``."""
        grouped: dict[str, list[OwnedEntity]] = {kind: [] for kind in self.counts}
        for item in self.items:
            grouped.setdefault(item.kind, []).append(item)
        return grouped


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A catalog User with their groups and, when asked for, what they own.

    Attributes:
        ref: The User's ref.
        name: ``metadata.name``.
        display_name: ``spec.profile.displayName``, else ``metadata.title``.
        email: ``spec.profile.email``.
        slack_user_id: The ``slack.com/user-id`` annotation.
        groups: The groups the user is a member of (``memberOf``), by ref.
        owned: What the user and their groups own; None when not asked for (in an
            :class:`OwnerAnswer`).
    """

    ref: str
    name: str
    display_name: str | None
    email: str | None
    slack_user_id: str | None
    groups: tuple[GroupSummary, ...]
    owned: OwnedEntities | None = None

    @property
    def person(self) -> PersonInfo:
        """The user as a :class:`PersonInfo`."""
        return PersonInfo(self.ref, self.name, self.display_name, self.email, self.slack_user_id)

    @property
    def label(self) -> str:
        """The name to show: the display name, else ``metadata.name``."""
        return self.display_name or self.name


@dataclass(frozen=True, slots=True)
class OwnerAnswer:
    """Who owns an entity, and how that was found.

    Attributes:
        entity_ref: The entity asked about.
        entity_title: Its ``metadata.title``.
        owner_ref: The owner's ref as the catalog names it; None when no owner was found.
        owner: The owner's details; None when no owner was found or it is missing.
        found_via: ``"direct"`` (the entity's ``spec.owner``), ``"system"`` (its
            system's owner), ``"domain"`` (its system's domain's owner) or ``"none"``.
        via_ref: The system or domain the owner was found through.
        missing: ``owner_ref`` names no entity in the catalog.
        path: The refs walked from the entity to the owner's holder (entity, system,
            domain), for explaining the answer.
    """

    entity_ref: str
    entity_title: str | None
    owner_ref: str | None
    owner: GroupInfo | UserInfo | None
    found_via: FoundVia
    via_ref: str | None = None
    missing: bool = False
    path: tuple[str, ...] = field(default=())

    @property
    def how(self) -> str:
        """How the owner was found, in words: ``direct``, ``via system system:default/x``..."""
        if self.found_via == "direct":
            return "direct"
        if self.found_via == "none":
            return "no owner found"
        return f"via {self.found_via} {self.via_ref}"

"""``whois QUERY``: the entity, its owner and contacts, and who is on call for it now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from catalog_store.oncall import OnCallAnswer
from catalog_store.ownership import (
    EntityOwnership,
    GroupInfo,
    OwnedEntities,
    OwnerAnswer,
    UserInfo,
)
from catalog_store.search import FieldMatch, SearchHit
from commands.entity_cards import EntityCard, entity_card
from commands.mentions import collect_mentions
from commands.services import Discovery
from commands.targets import resolve_target

OWNED_LIMIT = 10
PEOPLE_KINDS = frozenset({"group", "user"})
"""Kinds answered with their members or groups rather than an owner."""


@dataclass(frozen=True, slots=True)
class WhoisAnswer:
    """Everything ``whois`` says about one entity.

    Attributes:
        entity: The entity found.
        matched: The fields that matched the query (empty for a full reference).
        owner: Its owner and how it was found; for a group or user, None.
        group: The group itself, when the entity is a Group.
        user: The user with their groups, when the entity is a User.
        owned: What the group or user owns, when the entity is one.
        oncall: Who is on call for the entity (or the group) now and next.
        mentions: Slack user ids of the people named, keyed by user ref or email.
        alternatives: Other entities that matched, for "did you mean".
    """

    entity: EntityCard
    matched: tuple[FieldMatch, ...]
    owner: OwnerAnswer | None
    group: GroupInfo | None
    user: UserInfo | None
    owned: OwnedEntities | None
    oncall: OnCallAnswer | None
    mentions: dict[str, str] = field(default_factory=dict)
    alternatives: tuple[SearchHit, ...] = ()


def whois(discovery: Discovery, text: str, *, at: datetime | None = None) -> WhoisAnswer:
    """Answer ``whois``.

    Args:
        discovery: The services.
        text: What the person typed: a name, words, or a full ref.
        at: The moment for the on-call answer; default now.

    Raises:
        commands.errors.CommandError: the query is empty or malformed, or finds nothing.
    """
    owned_entities: dict[str, EntityOwnership] = {}

    def read(key: str) -> Mapping[str, Any] | None:
        if key.partition(":")[0] in PEOPLE_KINDS:
            return discovery.lookup(key)
        found = discovery.ownership.entity_with_owner(key)
        if found is None:
            return None
        owned_entities[key] = found
        return found.entity

    target = resolve_target(discovery, text, example="whois payment-service", read=read)
    card = entity_card(target.ref, target.entity)
    kind = card.kind.lower()
    owner = group = user = owned = None
    chain: Sequence[Mapping[str, Any]] = ()
    people = []
    if kind == "group":
        group = discovery.ownership.group(target.ref)
        owned = discovery.ownership.owned_by_group(target.ref, limit=OWNED_LIMIT)
        people = list(group.members) if group is not None else []
    elif kind == "user":
        user = discovery.ownership.user(target.ref, limit=OWNED_LIMIT)
        owned = user.owned if user is not None else None
        people = [user.person] if user is not None else []
    else:
        known = owned_entities.get(target.ref)
        if known is not None:
            owner, chain = known.owner, known.chain
        else:
            owner, chain = discovery.ownership.owner_and_chain(target.ref)
        if owner is not None and isinstance(owner.owner, GroupInfo):
            people = list(owner.owner.members)
        elif owner is not None and isinstance(owner.owner, UserInfo):
            people = [owner.owner.person]
    oncall = None
    if kind != "user":
        if not chain:
            chain = discovery.ownership.owner_chain(target.ref) or [dict(target.entity)]
        oncall = discovery.oncall.who_is_on_call(chain, at)
    return WhoisAnswer(
        entity=card,
        matched=tuple(target.hit.matches) if target.hit is not None else (),
        owner=owner,
        group=group,
        user=user,
        owned=owned,
        oncall=oncall,
        mentions=collect_mentions(discovery, people=people, oncall=oncall),
        alternatives=target.alternatives,
    )

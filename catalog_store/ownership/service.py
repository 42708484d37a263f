"""Who owns what: owners of entities, groups with their contacts, what groups and users own.

An entity's owner is its ``spec.owner`` (the ``ownedBy`` relation). An entity without
one takes the owner of its system (``partOf`` a System), and a system without one the
owner of its domain (``partOf`` a Domain); the answer says which. An owner reference
that names no entity is reported missing, reference kept, never replaced by a guess.

Every answer costs a fixed handful of SQL statements, whatever the size of the
hierarchy (see :mod:`catalog_store.ownership.graph_queries`):

* :meth:`Ownership.owner_of`: 3 (entity with system and domain; owner group with its
  ancestors; members and children), 2 for a user owner or a missing owner, 1 when no
  owner is found.
* :meth:`Ownership.group`: 2. :meth:`Ownership.owned_by_group`: 2.
  :meth:`Ownership.user`: 3. :meth:`Ownership.find_user_by_email`: 1.
* :meth:`Ownership.owner_chain`: 4 (the last two add relations and statuses, as the
  catalog serves entities).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from catalog_store.model import (
    RELATION_HAS_MEMBER,
    RELATION_MEMBER_OF,
    RELATION_OWNED_BY,
    RELATION_PARENT_OF,
    RELATION_PART_OF,
    InvalidEntityRef,
    parse_entity_ref,
)
from catalog_store.ownership.entity_fields import (
    SLACK_CHANNEL_ID_ANNOTATION,
    SLACK_CHANNEL_NAME_ANNOTATION,
    annotation,
    body_ref,
    group_summary,
    group_title,
    metadata_text,
    parse_body,
    person_info,
    profile_text,
    ref_name,
)
from catalog_store.ownership.generation_cache import Generation, GenerationCache
from catalog_store.ownership.graph_queries import (
    Node,
    OwnedRow,
    Target,
    descendant_edges,
    group_lineage,
    linked,
    owned_rows,
    ownership_nodes,
    user_row_by_email,
)
from catalog_store.ownership.models import (
    FoundVia,
    GroupInfo,
    GroupSummary,
    OwnedEntities,
    OwnedEntity,
    OwnerAnswer,
    PersonInfo,
    UserInfo,
)
from catalog_store.queries.entity_queries import entity_by_key
from catalog_store.queries.entity_reader import StoredEntity, build_entities

DEFAULT_OWNED_LIMIT = 20
"""Owned entities listed per kind unless asked otherwise (all are counted)."""
DEFAULT_MEMBER_LIMIT = 100
ENTITY_ANSWERS = 2048
"""Most :meth:`Ownership.entity_with_owner` answers remembered per catalog generation."""
"""Members and child groups listed per group unless asked otherwise (all are counted)."""
MAX_USER_GROUPS = 100
"""Most groups listed for one user."""
KIND_ORDER = ("domain", "system", "component", "api", "resource", "template")
"""Kinds of owned entities in the order answers list them; other kinds follow by name."""

_FALLBACK_STEPS: dict[str, tuple[FoundVia, ...]] = {
    "system": ("domain",),
    "domain": (),
    "group": (),
    "user": (),
}
_DEFAULT_STEPS: tuple[FoundVia, ...] = ("system", "domain")


@dataclass
class _Resolution:
    entity: Node
    walked: list[Node] = field(default_factory=list)
    owner: Target | None = None
    found_via: FoundVia = "none"
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)

    def body(self, node: Node) -> dict[str, Any]:
        """The parsed body of one of the resolution's nodes (parsed once)."""
        key = node.row.entity_ref
        found = self.bodies.get(key)
        if found is None:
            found = self.bodies[key] = parse_body(node.row)
        return found


@dataclass(frozen=True, slots=True)
class EntityOwnership:
    """An entity as written, who owns it, and the entities that speak for it.

    Attributes:
        entity: The entity as stored, with ``metadata.uid`` (no relations or status).
        owner: Its owner and how that was found.
        chain: The entity, what it is part of up to the owner, the owner and the owner's
            ancestors, nearest first, as written (see :meth:`Ownership.owner_and_chain`).
    """

    entity: Mapping[str, Any]
    owner: OwnerAnswer
    chain: tuple[Mapping[str, Any], ...]


def _parse(ref: str, default_kind: str) -> tuple[str, str] | None:
    """``(key, ref)`` of a user-supplied reference, or None when it cannot be parsed."""
    try:
        parsed = parse_entity_ref(ref.strip(), default_kind=default_kind)
    except InvalidEntityRef:
        return None
    return parsed.key, str(parsed)


def _check_limit(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")


def _kind_of(key: str) -> str:
    return key.split(":", 1)[0]


def _kind_rank(kind: str) -> tuple[int, str]:
    lowered = kind.lower()
    position = KIND_ORDER.index(lowered) if lowered in KIND_ORDER else len(KIND_ORDER)
    return position, lowered


def _body(row: StoredEntity | None) -> dict[str, Any] | None:
    return None if row is None else parse_body(row)


def _resolve(session: Session, key: str) -> _Resolution | None:
    nodes = ownership_nodes(session, key)
    start = nodes.get(key)
    if start is None:
        return None
    resolution = _Resolution(start)
    owner = start.first(RELATION_OWNED_BY)
    if owner is not None:
        resolution.owner, resolution.found_via = owner, "direct"
        return resolution
    current = start
    for step in _FALLBACK_STEPS.get(_kind_of(key), _DEFAULT_STEPS):
        target = current.first(RELATION_PART_OF, step)
        node = None if target is None else nodes.get(target.key)
        if node is None:
            break
        resolution.walked.append(node)
        owner = node.first(RELATION_OWNED_BY)
        if owner is not None:
            resolution.owner, resolution.found_via = owner, step
            break
        current = node
    return resolution


def _ordered_owners(root_key: str, edges: Iterable[tuple[str, str, str]]) -> list[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for parent, child, _ref in sorted(edges):
        children[parent].append(child)
    seen = {root_key}
    order = [root_key]
    todo = deque([root_key])
    while todo:
        for child in children.get(todo.popleft(), ()):
            if child not in seen:
                seen.add(child)
                order.append(child)
                todo.append(child)
    return order


def _owned_entities(
    owner_ref: str,
    owner_keys: list[str],
    refs: dict[str, str],
    rows: list[OwnedRow],
    direct_keys: Collection[str],
    limit: int,
) -> OwnedEntities:
    counts: dict[str, int] = {}
    items: list[OwnedEntity] = []
    for owned in sorted(rows, key=lambda r: _kind_rank(r.kind)):
        body = parse_body(owned.row)
        kind = body.get("kind") if isinstance(body.get("kind"), str) else owned.kind
        counts.setdefault(str(kind), owned.kind_total)
        items.append(
            OwnedEntity(
                ref=body_ref(body, owned.row.entity_ref),
                kind=str(kind),
                name=metadata_text(body, "name") or ref_name(owned.row.entity_ref),
                title=metadata_text(body, "title"),
                owner_ref=refs.get(owned.owner_key, owned.owner_key),
                direct=owned.owner_key in direct_keys,
            )
        )
    return OwnedEntities(
        owner_ref=owner_ref,
        owners=tuple(refs.get(key, key) for key in owner_keys),
        counts=counts,
        items=tuple(items),
        limit=limit,
    )


class Ownership:
    """Ownership answers over the catalog database.

    Every method opens its own short read-only session. References given by people
    may leave out the kind (the method's default kind applies) and the namespace
    (``default``); they are matched case-insensitively.

    With a ``generation`` source (the catalog's change counter as the search index
    follows it), the answers about groups and users that many entities share (owner
    group, parents, members, channel) are remembered until the counter moves, and so are
    the last :data:`ENTITY_ANSWERS` entities asked for with :meth:`entity_with_owner` (the
    services people ask about again and again are answered without reading the database).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        generation: Generation | None = None,
        entity_answers: int = ENTITY_ANSWERS,
    ) -> None:
        """Answer from the database behind ``sessions``, remembering shared answers and
        the last ``entity_answers`` entities for as long as ``generation()`` stays the
        same."""
        self._sessions = sessions
        self._cache = GenerationCache(generation)
        self._entities = GenerationCache(generation, max_entries=entity_answers)

    def owner_of(self, ref: str, *, member_limit: int = DEFAULT_MEMBER_LIMIT) -> OwnerAnswer | None:
        """Who owns an entity, and how that was found.

        Args:
            ref: The entity's ref (kind defaults to Component).
            member_limit: Most members and child groups listed for an owner group.

        Returns:
            The answer, or None when the ref cannot be parsed or names no entity.

        Raises:
            ValueError: ``member_limit`` is less than 1.
        """
        _check_limit("member_limit", member_limit)
        parsed = _parse(ref, "Component")
        if parsed is None:
            return None
        with self._sessions() as session:
            resolution = _resolve(session, parsed[0])
            if resolution is None:
                return None
            return self._owner_answer(session, resolution, member_limit)

    def owner_and_chain(
        self, ref: str, *, member_limit: int = DEFAULT_MEMBER_LIMIT
    ) -> tuple[OwnerAnswer | None, tuple[Mapping[str, Any], ...]]:
        """:meth:`owner_of` and the entities that speak for the entity, walking the catalog
        once: the answer ``whois`` and ``oncall`` need on every command.

        The chain holds the same entities as :meth:`owner_chain`, nearest first, but as
        they were written (``kind``, ``metadata`` with annotations, ``spec``; no uid,
        relations or status), enough to pick an on-call provider and contacts. Its
        entries are shared with other callers: read them, never change them.

        Args:
            ref: The entity's ref (kind defaults to Component).
            member_limit: Most members and child groups listed for an owner group.

        Returns:
            The owner answer (None when the ref names no entity) and the chain (empty
            then).

        Raises:
            ValueError: ``member_limit`` is less than 1.
        """
        found = self.entity_with_owner(ref, member_limit=member_limit)
        return (None, ()) if found is None else (found.owner, found.chain)

    def entity_with_owner(
        self, ref: str, *, member_limit: int = DEFAULT_MEMBER_LIMIT
    ) -> EntityOwnership | None:
        """The entity itself with :meth:`owner_and_chain`'s answer, from the same reads.

        Args:
            ref: The entity's ref (kind defaults to Component).
            member_limit: Most members and child groups listed for an owner group.

        Returns:
            The entity, its owner and its chain; None when the ref names no entity. The
            answer may be shared with other callers: read it, never change it.

        Raises:
            ValueError: ``member_limit`` is less than 1.
        """
        _check_limit("member_limit", member_limit)
        parsed = _parse(ref, "Component")
        if parsed is None:
            return None
        key = parsed[0]
        return self._entities.get(
            ("entity", key, member_limit), lambda: self._read_entity_with_owner(key, member_limit)
        )

    def _read_entity_with_owner(self, key: str, member_limit: int) -> EntityOwnership | None:
        with self._sessions() as session:
            resolution = _resolve(session, key)
            if resolution is None:
                return None
            answer = self._owner_answer(session, resolution, member_limit)
            head = [resolution.body(node) for node in (resolution.entity, *resolution.walked)]
            tail: tuple[Mapping[str, Any], ...] = ()
            owner = resolution.owner
            if owner is not None:
                owner_key = owner.key
                tail = self._cache.get(
                    ("lineage", owner_key),
                    lambda: tuple(parse_body(row) for row in self._owner_rows(session, owner_key)),
                )
        chain: list[Mapping[str, Any]] = []
        seen: set[str] = set()
        for item in (*head, *tail):
            served = _served_ref(item)
            if served not in seen:
                seen.add(served)
                chain.append(item)
        entity = dict(head[0])
        metadata = entity.get("metadata")
        if isinstance(metadata, dict):
            entity["metadata"] = {**metadata, "uid": resolution.entity.row.id}
        return EntityOwnership(entity, answer, tuple(chain))

    def _owner_answer(
        self, session: Session, resolution: _Resolution, member_limit: int
    ) -> OwnerAnswer:
        target = resolution.owner
        owner: GroupInfo | UserInfo | None = None
        missing = False
        if target is not None:
            owner, missing = self._owner_details(session, target, member_limit)
        entity_body = resolution.body(resolution.entity)
        holder = resolution.walked[-1] if target is not None and resolution.walked else None
        return OwnerAnswer(
            entity_ref=body_ref(entity_body, resolution.entity.row.entity_ref),
            entity_title=metadata_text(entity_body, "title"),
            owner_ref=None if target is None else (owner.ref if owner else target.ref),
            owner=owner,
            found_via=resolution.found_via,
            via_ref=None
            if holder is None
            else body_ref(resolution.body(holder), holder.row.entity_ref),
            missing=missing,
            path=tuple(
                body_ref(resolution.body(node), node.row.entity_ref)
                for node in (resolution.entity, *resolution.walked)
            ),
        )

    def group(self, ref: str, *, member_limit: int = DEFAULT_MEMBER_LIMIT) -> GroupInfo | None:
        """A group with its parents, channel (own or inherited), email, members and children.

        Args:
            ref: The group's ref (kind defaults to Group).
            member_limit: Most members and most child groups listed (all are counted).

        Returns:
            The group, or None when the ref cannot be parsed or names no Group.

        Raises:
            ValueError: ``member_limit`` is less than 1.
        """
        _check_limit("member_limit", member_limit)
        parsed = _parse(ref, "Group")
        if parsed is None or _kind_of(parsed[0]) != "group":
            return None
        with self._sessions() as session:
            return self._group_info(session, parsed[0], member_limit)

    def owned_by_group(self, ref: str, *, limit: int = DEFAULT_OWNED_LIMIT) -> OwnedEntities:
        """What a group owns, directly and through its child groups (transitively).

        Works for a group the catalog lacks too: entities may name a missing owner.

        Args:
            ref: The group's ref (kind defaults to Group).
            limit: Most entities listed per kind (every entity is counted).

        Returns:
            The owned entities; empty when the ref cannot be parsed.

        Raises:
            ValueError: ``limit`` is less than 1.
        """
        _check_limit("limit", limit)
        parsed = _parse(ref, "Group")
        if parsed is None:
            return OwnedEntities(ref, (), {}, (), limit)
        key, display = parsed
        with self._sessions() as session:
            return self._owned(session, key, display, RELATION_PARENT_OF, limit)

    def user(self, ref: str, *, limit: int = DEFAULT_OWNED_LIMIT) -> UserInfo | None:
        """A user with their groups and what they and their groups own.

        Owned entities are those of the user, of their groups and of those groups'
        child groups (transitively); ``direct`` marks the user's and their groups' own.

        Args:
            ref: The user's ref (kind defaults to User).
            limit: Most owned entities listed per kind (every entity is counted).

        Returns:
            The user, or None when the ref cannot be parsed or names no User.

        Raises:
            ValueError: ``limit`` is less than 1.
        """
        _check_limit("limit", limit)
        parsed = _parse(ref, "User")
        if parsed is None or _kind_of(parsed[0]) != "user":
            return None
        with self._sessions() as session:
            info = self._user_info(session, parsed[0])
            if info is None:
                return None
            owned = self._owned(session, parsed[0], info.ref, RELATION_MEMBER_OF, limit)
        return UserInfo(
            info.ref,
            info.name,
            info.display_name,
            info.email,
            info.slack_user_id,
            info.groups,
            owned,
        )

    def find_user_by_email(self, email: str) -> PersonInfo | None:
        """The catalog User whose ``spec.profile.email`` is ``email`` (case-insensitive).

        Returns:
            The user (the first by ref if several share the address), or None.
        """
        if not email.strip():
            return None
        with self._sessions() as session:
            row = user_row_by_email(session, email)
        return None if row is None else person_info(row.entity_ref, parse_body(row))

    def owner_chain(self, ref: str) -> list[dict[str, Any]]:
        """The entities that speak for an entity, nearest first, as the catalog serves them.

        The entity itself, the system and domain its owner was found through (or walked
        through without finding one), the owner, and the owner group's ancestors nearest
        first. A missing owner ends the chain. Used to pick whose annotations (on-call
        provider, channel) apply to an entity.

        Args:
            ref: The entity's ref (kind defaults to Component).

        Returns:
            Entity dicts with ``metadata.uid``, ``metadata.etag`` and ``relations``; empty
            when the ref cannot be parsed or names no entity.
        """
        parsed = _parse(ref, "Component")
        if parsed is None:
            return []
        with self._sessions() as session:
            resolution = _resolve(session, parsed[0])
            if resolution is None:
                return []
            return self._chain(session, resolution)

    def _chain(self, session: Session, resolution: _Resolution) -> list[dict[str, Any]]:
        rows = [resolution.entity.row, *(node.row for node in resolution.walked)]
        owner = resolution.owner
        if owner is not None:
            rows.extend(self._owner_rows(session, owner.key))
        unique = list({row.entity_ref: row for row in reversed(rows)}.values())[::-1]
        return build_entities(session, unique)

    @staticmethod
    def _owner_rows(session: Session, key: str) -> list[StoredEntity]:
        """The owner's row (and a group owner's ancestors' rows, nearest first)."""
        if _kind_of(key) != "group":
            owner_row = entity_by_key(session, key)
            return [] if owner_row is None else [owner_row]
        lineage = group_lineage(session, [key])
        if key not in lineage.rows:
            return []
        ancestors = lineage.ancestors(key)
        return [
            lineage.rows[key],
            *(lineage.rows[a.key] for a in ancestors if a.key in lineage.rows),
        ]

    def _owner_details(
        self, session: Session, target: Target, member_limit: int
    ) -> tuple[GroupInfo | UserInfo | None, bool]:
        kind = _kind_of(target.key)
        if kind == "group":
            group = self._group_info(session, target.key, member_limit)
            return group, group is None
        if kind == "user":
            user = self._user_info(session, target.key)
            return user, user is None
        return None, entity_by_key(session, target.key) is None

    def _group_info(self, session: Session, key: str, member_limit: int) -> GroupInfo | None:
        return self._cache.get(
            ("group", key, member_limit), lambda: self._read_group(session, key, member_limit)
        )

    def _read_group(self, session: Session, key: str, member_limit: int) -> GroupInfo | None:
        lineage = group_lineage(session, [key])
        row = lineage.rows.get(key)
        if row is None:
            return None
        body = parse_body(row)
        parents = tuple(
            group_summary(target.ref, _body(lineage.rows.get(target.key)))
            for target in lineage.ancestors(key)
        )
        channel_id = annotation(body, SLACK_CHANNEL_ID_ANNOTATION)
        channel_name = annotation(body, SLACK_CHANNEL_NAME_ANNOTATION)
        inherited_from = None
        if channel_id is None:
            donor = next((p for p in parents if p.slack_channel_id), None)
            if donor is not None:
                channel_id, channel_name = donor.slack_channel_id, donor.slack_channel_name
                inherited_from = donor.ref
        _, links = linked(session, key, (RELATION_HAS_MEMBER, RELATION_PARENT_OF), member_limit)
        members = [
            person_info(x.target.ref, _body(x.row)) for x in links if x.type == RELATION_HAS_MEMBER
        ]
        children = [
            group_summary(x.target.ref, _body(x.row)) for x in links if x.type == RELATION_PARENT_OF
        ]
        totals = {x.type: x.total for x in links}
        return GroupInfo(
            ref=body_ref(body, row.entity_ref),
            name=metadata_text(body, "name") or ref_name(row.entity_ref),
            title=group_title(body),
            email=profile_text(body, "email"),
            slack_channel_id=channel_id,
            slack_channel_name=channel_name,
            channel_inherited_from=inherited_from,
            parents=parents,
            members=tuple(sorted(members, key=lambda p: (p.label.lower(), p.ref))),
            children=tuple(sorted(children, key=lambda g: g.ref)),
            member_count=totals.get(RELATION_HAS_MEMBER, 0),
            child_count=totals.get(RELATION_PARENT_OF, 0),
        )

    def _user_info(self, session: Session, key: str) -> UserInfo | None:
        return self._cache.get(("user", key), lambda: self._read_user(session, key))

    def _read_user(self, session: Session, key: str) -> UserInfo | None:
        row, links = linked(session, key, (RELATION_MEMBER_OF,), MAX_USER_GROUPS)
        if row is None:
            return None
        person = person_info(row.entity_ref, parse_body(row))
        groups: list[GroupSummary] = [group_summary(x.target.ref, _body(x.row)) for x in links]
        return UserInfo(
            person.ref,
            person.name,
            person.display_name,
            person.email,
            person.slack_user_id,
            tuple(sorted(groups, key=lambda g: g.ref)),
        )

    def _owned(
        self, session: Session, root_key: str, root_ref: str, anchor_type: str, limit: int
    ) -> OwnedEntities:
        """What ``root_key`` and the groups reached from its ``anchor_type`` relations own.

        For a user (``memberOf``), entities of the user's own groups count as direct.
        """
        edges = descendant_edges(session, root_key, anchor_type)
        direct_keys = {root_key}
        if anchor_type == RELATION_MEMBER_OF:
            direct_keys.update(child for parent, child, _ref in edges if parent == root_key)
        refs = {root_key: root_ref}
        for _parent, child, child_ref in sorted(edges):
            refs.setdefault(child, child_ref)
        owners = _ordered_owners(root_key, edges)
        rows = owned_rows(session, owners, anchor_type, limit)
        return _owned_entities(root_ref, owners, refs, rows, direct_keys, limit)


def _served_ref(entity: Mapping[str, Any]) -> str:
    """The lower-case ``kind:namespace/name`` of a served entity dict."""
    metadata = entity.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    namespace = str(metadata.get("namespace") or "default")
    kind = str(entity.get("kind", "")).lower()
    return f"{kind}:{namespace.lower()}/{str(metadata.get('name', '')).lower()}"

"""The SQL behind ownership answers: a few set-based queries over ``relations``.

Each function is one statement whatever the size of the answer. Statements are built
once with bound parameters, so SQLAlchemy's compiled cache serves every later call.
Hierarchies are walked with recursive CTEs (``UNION``, not ``UNION ALL``, so a cycle of
groups ends the walk instead of looping), and long lists are cut per kind with window
functions so that the counts still cover everything.

Relation rows come from both ends of a relation (a group's ``members`` and a user's
``memberOf`` both store ``group hasMember user``), so rows are made distinct per
target before they are counted.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session, aliased

from catalog_store.db.tables import EntityRow, RelationRow, SearchRow
from catalog_store.model import (
    RELATION_CHILD_OF,
    RELATION_OWNED_BY,
    RELATION_PARENT_OF,
    RELATION_PART_OF,
)
from catalog_store.queries.entity_reader import ENTITY_COLUMNS, StoredEntity

EMAIL_SEARCH_KEY = "spec.profile.email"
OWNED_BY_SEARCH_KEY = f"relations.{RELATION_OWNED_BY.lower()}"
_ENTITY_WIDTH = len(ENTITY_COLUMNS)
AnySelect = Select[*tuple[Any, ...]]
MAX_LISTED_OWNERS = 2000
"""Most owners :func:`owned_rows` names in an ``IN`` list."""


@dataclass(frozen=True, slots=True)
class Target:
    """The far end of a relation: its ref as written in the relation, and its key."""

    ref: str
    key: str


@dataclass(frozen=True, slots=True)
class Node:
    """An entity with some of its outgoing relations, by type (distinct targets, by key)."""

    row: StoredEntity
    targets: Mapping[str, tuple[Target, ...]]

    def first(self, relation_type: str, kind: str | None = None) -> Target | None:
        """The first target of a relation type, optionally only of one (lower-case) kind."""
        for target in self.targets.get(relation_type, ()):
            if kind is None or target.key.startswith(f"{kind}:"):
                return target
        return None


@dataclass(frozen=True, slots=True)
class Linked:
    """A relation target with its row (None when the catalog lacks it).

    Attributes:
        type: The relation type.
        target: The target.
        row: The target's row.
        total: How many distinct targets of this type the source has.
    """

    type: str
    target: Target
    row: StoredEntity | None
    total: int


@dataclass(frozen=True, slots=True)
class Lineage:
    """Groups and their ancestors: the rows found and the ``childOf`` edges between them."""

    rows: Mapping[str, StoredEntity]
    parents: Mapping[str, tuple[Target, ...]]

    def ancestors(self, key: str) -> list[Target]:
        """The ancestors of ``key``, nearest first (breadth-first), each once."""
        seen = {key}
        order: list[Target] = []
        todo = deque([key])
        while todo:
            for parent in self.parents.get(todo.popleft(), ()):
                if parent.key not in seen:
                    seen.add(parent.key)
                    order.append(parent)
                    todo.append(parent.key)
        return order


@dataclass(frozen=True, slots=True)
class OwnedRow:
    """An owned entity's row, its owner's key and the number of owned entities of its kind."""

    row: StoredEntity
    kind: str
    owner_key: str
    kind_total: int


def _stored(values: Sequence[Any], start: int) -> StoredEntity | None:
    fields = tuple(values[start : start + _ENTITY_WIDTH])
    return None if fields[0] is None else StoredEntity(*fields)


def _distinct_targets(pairs: Iterable[tuple[str, Target]]) -> dict[str, tuple[Target, ...]]:
    found: dict[str, dict[str, Target]] = defaultdict(dict)
    for relation_type, target in pairs:
        found[relation_type].setdefault(target.key, target)
    return {
        relation_type: tuple(targets[k] for k in sorted(targets))
        for relation_type, targets in found.items()
    }


@cache
def _ownership_nodes_statement() -> AnySelect:
    key = bindparam("key", type_=String())
    hop = aliased(RelationRow)
    first = aliased(RelationRow)
    second = aliased(RelationRow)
    rel = aliased(RelationRow)
    # Every ``partOf`` target one and two steps up (a component's system or parent
    # component, a system's domain); the caller keeps the kinds it walks through. No
    # prefix test on the keys here: it would tempt PostgreSQL into range scans.
    holders = select(hop.target_key).where(hop.source_key == key, hop.type == RELATION_PART_OF)
    domains = (
        select(second.target_key)
        .join(first, first.target_key == second.source_key)
        .where(
            first.source_key == key,
            first.type == RELATION_PART_OF,
            second.type == RELATION_PART_OF,
        )
    )
    wanted = union(select(cast(key, String(400)).label("entity_key")), holders, domains).subquery(
        "wanted"
    )
    return (
        select(*ENTITY_COLUMNS, rel.type, rel.target_ref, rel.target_key)
        .select_from(wanted)
        .join(EntityRow, EntityRow.entity_ref == wanted.c.entity_key)
        .outerjoin(
            rel,
            and_(
                rel.source_key == EntityRow.entity_ref,
                rel.type.in_((RELATION_OWNED_BY, RELATION_PART_OF)),
            ),
        )
    )


def ownership_nodes(session: Session, key: str) -> dict[str, Node]:
    """An entity and what it is part of, two steps up, with their ``ownedBy`` and ``partOf``.

    One statement: the entity's key, its ``partOf`` targets and theirs are gathered in a
    ``UNION`` first, so that both engines seek each of the few rows by index.

    Args:
        session: An open session.
        key: The entity's lower-case ref.

    Returns:
        The nodes found, by lower-case ref; the entity is absent when the catalog lacks it.
    """
    rows: dict[str, StoredEntity] = {}
    pairs: dict[str, list[tuple[str, Target]]] = defaultdict(list)
    for result in session.connection().execute(_ownership_nodes_statement(), {"key": key}):
        values: tuple[Any, ...] = tuple(result)
        row = _stored(values, 0)
        assert row is not None
        rows[row.entity_ref] = row
        relation_type, target_ref, target_key = values[_ENTITY_WIDTH:]
        if relation_type is not None:
            pairs[row.entity_ref].append((relation_type, Target(target_ref, target_key)))
    return {
        entity_key: Node(row, _distinct_targets(pairs.get(entity_key, ())))
        for entity_key, row in rows.items()
    }


@cache
def _lineage_statement() -> AnySelect:
    anchor = select(
        EntityRow.entity_ref.label("child_key"),
        EntityRow.entity_ref.label("parent_key"),
        EntityRow.entity_ref.label("parent_ref"),
    ).where(EntityRow.entity_ref.in_(bindparam("keys", expanding=True)))
    lineage = anchor.cte("group_lineage", recursive=True)
    previous = lineage.alias("previous")
    rel = aliased(RelationRow)
    lineage = lineage.union(
        select(rel.source_key, rel.target_key, rel.target_ref)
        .join(previous, rel.source_key == previous.c.parent_key)
        .where(rel.type == RELATION_CHILD_OF)
    )
    return select(
        lineage.c.child_key, lineage.c.parent_key, lineage.c.parent_ref, *ENTITY_COLUMNS
    ).outerjoin(EntityRow, EntityRow.entity_ref == lineage.c.parent_key)


def group_lineage(session: Session, keys: Sequence[str]) -> Lineage:
    """Groups and all their ancestors through ``childOf``, in one recursive query.

    Args:
        session: An open session.
        keys: Lower-case refs of the groups to start from; those the catalog lacks
            are left out (with their ancestors).

    Returns:
        The rows of the groups and of every ancestor found, and the parent edges.
    """
    rows: dict[str, StoredEntity] = {}
    edges: dict[str, list[tuple[str, Target]]] = defaultdict(list)
    for values in session.connection().execute(_lineage_statement(), {"keys": list(keys)}):
        child_key, parent_key, parent_ref = values[:3]
        row = _stored(values, 3)
        if row is not None:
            rows[row.entity_ref] = row
        if child_key != parent_key:
            edges[child_key].append((RELATION_CHILD_OF, Target(parent_ref, parent_key)))
    parents = {
        child: _distinct_targets(pairs).get(RELATION_CHILD_OF, ()) for child, pairs in edges.items()
    }
    return Lineage(rows, parents)


@cache
def _linked_statement(types: tuple[str, ...]) -> AnySelect:
    rel = aliased(RelationRow)
    source = aliased(EntityRow)
    target = aliased(EntityRow)
    edges = (
        select(rel.type, rel.target_key, func.min(rel.target_ref).label("target_ref"))
        .where(rel.source_key == bindparam("key", type_=String()), rel.type.in_(types))
        .group_by(rel.type, rel.target_key)
        .subquery("edges")
    )
    ranked = select(
        edges.c.type,
        edges.c.target_key,
        edges.c.target_ref,
        func.row_number()
        .over(partition_by=edges.c.type, order_by=edges.c.target_key)
        .label("position"),
        func.count().over(partition_by=edges.c.type).label("total"),
    ).subquery("ranked")
    source_columns = [getattr(source, column.key) for column in ENTITY_COLUMNS]
    target_columns = [getattr(target, column.key) for column in ENTITY_COLUMNS]
    return (
        select(
            *source_columns,
            ranked.c.type,
            ranked.c.target_ref,
            ranked.c.target_key,
            ranked.c.total,
            *target_columns,
        )
        .select_from(source)
        .outerjoin(ranked, ranked.c.position <= bindparam("limit", type_=Integer()))
        .outerjoin(target, target.entity_ref == ranked.c.target_key)
        .where(source.entity_ref == bindparam("key", type_=String()))
        .order_by(ranked.c.type, ranked.c.target_key)
    )


def linked(
    session: Session, key: str, types: Sequence[str], limit: int
) -> tuple[StoredEntity | None, list[Linked]]:
    """An entity and the targets of some of its relation types, with their rows.

    One statement: distinct targets per type are ranked by key and cut at ``limit``;
    every row carries the full count of its type.

    Args:
        session: An open session.
        key: The entity's lower-case ref.
        types: The relation types to follow.
        limit: Most targets per type.

    Returns:
        The entity's row (None when the catalog lacks it, and then no targets) and the
        targets, by type then key.
    """
    stmt = _linked_statement(tuple(types))
    own: StoredEntity | None = None
    found: list[Linked] = []
    for values in session.connection().execute(stmt, {"key": key, "limit": limit}):
        own = _stored(values, 0)
        relation_type, target_ref, target_key, total = values[_ENTITY_WIDTH : _ENTITY_WIDTH + 4]
        if relation_type is not None:
            found.append(
                Linked(
                    relation_type,
                    Target(target_ref, target_key),
                    _stored(values, _ENTITY_WIDTH + 4),
                    int(total),
                )
            )
    return own, found


@cache
def _descendants(anchor_type: str) -> CTE:
    """A recursive CTE ``(parent_key, child_key, child_ref)`` of groups reached downwards.

    The walk starts from the ``anchor_type`` relation rows of the entity bound as
    ``root`` (a group's ``parentOf`` rows, a user's ``memberOf`` rows) and follows
    ``parentOf`` from every child reached.
    """
    start = aliased(RelationRow)
    anchor = select(
        start.source_key.label("parent_key"),
        start.target_key.label("child_key"),
        start.target_ref.label("child_ref"),
    ).where(start.source_key == bindparam("root", type_=String()), start.type == anchor_type)
    down = anchor.cte("group_descendants", recursive=True)
    previous = down.alias("previous")
    rel = aliased(RelationRow)
    return down.union(
        select(rel.source_key, rel.target_key, rel.target_ref)
        .join(previous, rel.source_key == previous.c.child_key)
        .where(rel.type == RELATION_PARENT_OF)
    )


@cache
def _descendant_edges_statement(anchor_type: str) -> AnySelect:
    down = _descendants(anchor_type)
    return select(down.c.parent_key, down.c.child_key, down.c.child_ref)


def descendant_edges(session: Session, root: str, anchor_type: str) -> list[tuple[str, str, str]]:
    """Every ``(parent_key, child_key, child_ref)`` edge of the groups below ``root``.

    One recursive statement, ending on cycles.

    Args:
        session: An open session.
        root: The lower-case ref of the group or user to start from.
        anchor_type: The relation of ``root`` that names the first groups:
            ``parentOf`` (a group's children) or ``memberOf`` (a user's groups).
    """
    stmt = _descendant_edges_statement(anchor_type)
    return [
        (parent, child, ref)
        for parent, child, ref in session.connection().execute(stmt, {"root": root})
    ]


@cache
def _owned_statement(anchor_type: str | None) -> AnySelect:
    # The owned entity's own ``relations.ownedby`` search rows name its owner: the
    # (key, value, entity_row_id) index answers "owned by any of these" without table reads.
    # Grouping by entity counts an entity once even if its rows were ever repeated.
    owners: ColumnElement[bool]
    if anchor_type is None:
        owners = SearchRow.value.in_(bindparam("owners", expanding=True))
    else:
        down = _descendants(anchor_type)
        owners = or_(
            SearchRow.value == bindparam("root", type_=String()),
            SearchRow.value.in_(select(down.c.child_key)),
        )
    owned = (
        select(SearchRow.entity_row_id, func.min(SearchRow.value).label("owner_key"))
        .where(SearchRow.key == OWNED_BY_SEARCH_KEY, owners)
        .group_by(SearchRow.entity_row_id)
        .subquery("owned")
    )
    ranked = (
        select(
            EntityRow.row_id.label("row_id"),
            EntityRow.kind.label("kind"),
            owned.c.owner_key,
            func.row_number()
            .over(
                partition_by=EntityRow.kind,
                order_by=(EntityRow.name, EntityRow.namespace, EntityRow.id),
            )
            .label("position"),
            func.count().over(partition_by=EntityRow.kind).label("total"),
        )
        .join(EntityRow, EntityRow.row_id == owned.c.entity_row_id)
        .subquery("ranked")
    )
    return (
        select(ranked.c.kind, ranked.c.owner_key, ranked.c.total, *ENTITY_COLUMNS)
        .join(EntityRow, EntityRow.row_id == ranked.c.row_id)
        .where(ranked.c.position <= bindparam("limit", type_=Integer()))
        .order_by(ranked.c.kind, ranked.c.position)
    )


def owned_rows(
    session: Session, owner_keys: Sequence[str], anchor_type: str, limit: int
) -> list[OwnedRow]:
    """The entities owned by any of ``owner_keys``, at most ``limit`` per kind.

    One statement: entities are ranked by name within their kind, and every row carries
    the number of owned entities of its kind. Up to :data:`MAX_LISTED_OWNERS` owners
    are passed as a list (the engines then seek each owner directly); beyond that the
    hierarchy query they came from is evaluated again inside the statement.

    Args:
        session: An open session.
        owner_keys: Lower-case refs of the owners: the asked group or user first, then
            the groups :func:`descendant_edges` found from it with ``anchor_type``.
        anchor_type: The relation :func:`descendant_edges` started from.
        limit: Most entities per kind.

    Returns:
        The rows by kind, then by name.
    """
    if len(owner_keys) <= MAX_LISTED_OWNERS:
        stmt = _owned_statement(None)
        params: dict[str, Any] = {"owners": list(owner_keys), "limit": limit}
    else:
        stmt = _owned_statement(anchor_type)
        params = {"root": owner_keys[0], "limit": limit}
    found = []
    for values in session.connection().execute(stmt, params):
        row = _stored(values, 3)
        assert row is not None
        found.append(OwnedRow(row, values[0], values[1], int(values[2])))
    return found


@cache
def _user_by_email_statement() -> AnySelect:
    return (
        select(*ENTITY_COLUMNS)
        .join(SearchRow, SearchRow.entity_row_id == EntityRow.row_id)
        .where(
            SearchRow.key == EMAIL_SEARCH_KEY,
            SearchRow.value == bindparam("email", type_=String()),
            EntityRow.kind == "user",
        )
        .order_by(EntityRow.entity_ref)
        .limit(1)
    )


def user_row_by_email(session: Session, email: str) -> StoredEntity | None:
    """The User whose ``spec.profile.email`` is ``email`` (case-insensitive), first by ref."""
    stmt = _user_by_email_statement()
    values = session.connection().execute(stmt, {"email": email.strip().lower()}).first()
    return None if values is None else StoredEntity(*values)

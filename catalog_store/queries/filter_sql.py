"""Filter trees as SQL conditions on the ``search`` table, shaped for fast plans.

A leaf ``key=value`` is either a list, ``row_id IN (SELECT entity_row_id FROM search
WHERE key=... AND value=...)``, or a per-entity check, ``EXISTS (SELECT 1 FROM search
WHERE entity_row_id=row_id AND key=... AND value=...)``; both read only the ``(key,
value, entity_row_id)`` index. In a conjunction the most selective leaf (counted up to a cap with
one cheap probe) is the list that drives the query and the others are checks, so a
query never materialises a large list only to intersect it with a small one. Leaves
on ``kind``, ``metadata.namespace``, ``metadata.name`` and ``metadata.uid`` read the
equal, lower-cased columns of ``entities``; on SQLite ``kind`` becomes a range of the
ordered ``entity_ref`` index (every ref starts with ``<kind>:``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, select, true
from sqlalchemy.orm import Session, aliased

from catalog_store.db.tables import EntityRow, SearchRow
from catalog_store.queries.filters import AllOf, AnyOf, FilterNode, KeyMatch, escape_like

SELECTIVE_ROWS = 2000
"""Up to this many matching rows a leaf drives a query as a list of ids."""

_COLUMNS: dict[str, Any] = {
    "kind": EntityRow.kind,
    "metadata.namespace": EntityRow.namespace,
    "metadata.name": EntityRow.name,
    "metadata.uid": EntityRow.id,
}


def _leaf_terms(table: Any, match: KeyMatch) -> list[ColumnElement[bool]]:
    terms: list[ColumnElement[bool]] = [table.key == match.key]
    if match.values is not None:
        if len(match.values) == 1:
            terms.append(table.value == match.values[0])
        else:
            terms.append(table.value.in_(match.values))
    if match.prefix is not None:
        terms.append(table.value.like(escape_like(match.prefix) + "%", escape="\\"))
    return terms


class RowEstimator:
    """Counts, up to a cap, the search rows a leaf matches (cached for one request)."""

    def __init__(self, session: Session, cap: int = SELECTIVE_ROWS) -> None:
        self.session = session
        self.cap = cap
        self._cache: dict[KeyMatch, int] = {}

    def leaf(self, match: KeyMatch) -> int:
        """Matching rows of a leaf, or ``cap + 1`` when there are more than ``cap``."""
        if match not in self._cache:
            rows = select(SearchRow.id).where(*_leaf_terms(SearchRow, match)).limit(self.cap + 1)
            count = self.session.scalar(select(func.count()).select_from(rows.subquery()))
            self._cache[match] = int(count or 0)
        return self._cache[match]

    def node(self, node: FilterNode) -> int:
        """An upper estimate of the entities a filter keeps, capped at ``cap + 1``."""
        if isinstance(node, KeyMatch):
            return self.leaf(node)
        if isinstance(node, AllOf):
            return min((self.node(child) for child in node.children), default=self.cap + 1)
        if isinstance(node, AnyOf):
            return min(sum(self.node(child) for child in node.children), self.cap + 1)
        return self.cap + 1


class FilterCompiler:
    """Compiles filter trees into conditions on an entity id column.

    Args:
        estimator: Probes selectivity to choose the driving leaf of conjunctions;
            without one every leaf is a list (as in Backstage).
        dialect: The database's dialect name (``sqlite`` enables the ``kind`` range).
        checks_only: Make every leaf a per-entity check, for queries that another
            condition drives (such as a list of refs).
        id_column: The entity row id column the conditions test: ``entities.row_id``,
            or ``search.entity_row_id`` to filter search rows directly (then the
            ``entities`` columns are not used).
        use_columns: Read ``kind``, namespace, name and uid leaves from the
            ``entities`` columns. Worth it when the query walks ``entity_ref`` order,
            sorts all matches or only counts; a query walking the uid order is
            better served by per-entity checks on the search index.
        ordered_scan: The query walks an index in result order and stops at a
            limit, so a leaf matching many rows is checked per entity rather than
            listed; otherwise (counting, sorting all matches) any leaf may be a list.
    """

    def __init__(
        self,
        estimator: RowEstimator | None = None,
        dialect: str = "",
        checks_only: bool = False,
        id_column: Any = EntityRow.row_id,
        use_columns: bool = True,
        ordered_scan: bool = False,
    ) -> None:
        self.estimator = estimator
        self.dialect = dialect
        self.checks_only = checks_only
        self.id_column = id_column
        self.columns = _COLUMNS if use_columns and id_column is EntityRow.row_id else {}
        self.ordered_scan = ordered_scan

    def condition(self, node: FilterNode) -> ColumnElement[bool]:
        """The SQL condition that keeps the entities matching ``node``."""
        if isinstance(node, KeyMatch):
            column = self._column_condition(node)
            if column is not None:
                return column
            return self._in_list(node) if self._may_list(node) else self._check(node)
        if isinstance(node, AllOf):
            return self._all(node)
        if isinstance(node, AnyOf):
            if not node.children:
                return false()
            return or_(*(self.condition(child) for child in node.children))
        if isinstance(node.child, KeyMatch) and node.child.key not in self.columns:
            return not_(self._check(node.child))
        return not_(self.condition(node.child))

    def _all(self, node: AllOf) -> ColumnElement[bool]:
        if not node.children:
            return true()
        leaves = [c for c in node.children if isinstance(c, KeyMatch) and c.key not in self.columns]
        if self.estimator is None or self.checks_only or not leaves:
            return and_(*(self.condition(child) for child in node.children))
        best = min(leaves, key=self.estimator.leaf)
        driver = best if self._may_list(best) else None
        terms = []
        for child in node.children:
            if isinstance(child, KeyMatch) and child.key not in self.columns:
                terms.append(self._in_list(child) if child is driver else self._check(child))
            else:
                terms.append(self.condition(child))
        return and_(*terms)

    def _may_list(self, match: KeyMatch) -> bool:
        """Whether a leaf may be a list of ids rather than a per-entity check.

        Lists are refused under ``checks_only``; in an ordered scan only leaves with
        few rows are listed, since a long list costs more than the scan it replaces.
        """
        if self.checks_only:
            return False
        if self.estimator is None or not self.ordered_scan:
            return True
        return self.estimator.leaf(match) <= self.estimator.cap

    def _in_list(self, match: KeyMatch) -> ColumnElement[bool]:
        row = aliased(SearchRow)
        listed = select(row.entity_row_id).where(*_leaf_terms(row, match))
        condition: ColumnElement[bool] = self.id_column.in_(listed)
        return condition

    def _check(self, match: KeyMatch) -> ColumnElement[bool]:
        row = aliased(SearchRow)
        return exists().where(row.entity_row_id == self.id_column, *_leaf_terms(row, match))

    def _column_condition(self, match: KeyMatch) -> ColumnElement[bool] | None:
        column = self.columns.get(match.key)
        if column is None:
            return None
        terms: list[ColumnElement[bool]] = []
        if match.values is not None:
            if match.key == "kind" and self.dialect == "sqlite":
                ranges = [
                    and_(EntityRow.entity_ref >= f"{v}:", EntityRow.entity_ref < f"{v};")
                    for v in match.values
                    if ":" not in v
                ]
                terms.append(or_(*ranges) if ranges else false())
            else:
                terms.append(column.in_(match.values))
        if match.prefix is not None:
            terms.append(column.like(escape_like(match.prefix) + "%", escape="\\"))
        return and_(*terms) if terms else true()


def entity_condition(
    session: Session,
    node: FilterNode,
    *,
    checks_only: bool = False,
    use_columns: bool = True,
    ordered_scan: bool = False,
) -> ColumnElement[bool]:
    """The condition on ``entities`` for ``node``, planned with selectivity probes.

    Args:
        session: The session the query will run in (probes run in it too).
        node: The filter.
        checks_only: Check every leaf per entity, when the query is driven otherwise.
        use_columns: Read kind, namespace, name and uid from ``entities`` columns.
        ordered_scan: The query walks its result order on an index up to a limit.
    """
    dialect = session.get_bind().dialect.name
    estimator = None if checks_only else RowEstimator(session)
    compiler = FilterCompiler(
        estimator, dialect, checks_only, use_columns=use_columns, ordered_scan=ordered_scan
    )
    return compiler.condition(node)

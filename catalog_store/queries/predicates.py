"""Backstage filter predicates (the ``query`` of the POST endpoints) as filter trees.

A predicate is a JSON object. ``{"$all": [...]}``, ``{"$any": [...]}`` and
``{"$not": {...}}`` combine predicates; any other object maps dotted keys to a value
matcher: a primitive (equality, case-insensitive, numbers and booleans as text),
``{"$exists": bool}``, ``{"$in": [primitives]}`` or ``{"$hasPrefix": "text"}``. Like
Backstage's catalog backend, ``$contains`` and unknown operators are refused.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from catalog_store.catalog_writer import CatalogInputError
from catalog_store.queries.filters import (
    MAX_DEPTH,
    MAX_FILTER_SETS,
    AllOf,
    AnyOf,
    ConditionBudget,
    FilterNode,
    KeyMatch,
    Negation,
    normalise_key,
    normalise_value,
)

_LOGICAL = ("$all", "$any", "$not")


def primitive_text(value: Any) -> str | None:
    """The text a primitive predicate value is compared as, or None if not a primitive.

    Booleans become ``true``/``false`` and numbers are written as JavaScript writes
    them (``7`` rather than ``7.0``).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def _invalid(message: str) -> CatalogInputError:
    return CatalogInputError(f"Invalid query: {message}")


def _predicate_list(value: Any, operator: str, budget: ConditionBudget, depth: int) -> list[Any]:
    if not isinstance(value, list):
        raise _invalid(f"{operator} must be an array of predicates")
    if len(value) > MAX_FILTER_SETS:
        raise _invalid(f"{operator} has more than {MAX_FILTER_SETS} predicates")
    return [_parse(item, budget, depth + 1) for item in value]


def _value_matcher(key: str, value: Any, budget: ConditionBudget) -> FilterNode:
    field = normalise_key(key)
    text = primitive_text(value)
    if text is not None:
        budget.spend()
        return KeyMatch(field, (normalise_value(text),))
    if not isinstance(value, Mapping) or len(value) != 1:
        raise _invalid(
            f'value for field "{key}" must be a primitive value or one of $exists, $in, $hasPrefix'
        )
    ((operator, operand),) = value.items()
    if operator == "$exists":
        if not isinstance(operand, bool):
            raise _invalid(f'$exists for field "{key}" must be true or false')
        budget.spend()
        return KeyMatch(field) if operand else Negation(KeyMatch(field))
    if operator == "$in":
        if not isinstance(operand, list):
            raise _invalid(f'$in for field "{key}" must be an array')
        texts = [primitive_text(item) for item in operand]
        if any(item is None for item in texts):
            raise _invalid(f'$in for field "{key}" must hold only primitive values')
        budget.spend(max(len(texts), 1))
        values = tuple(dict.fromkeys(normalise_value(t) for t in texts if t is not None))
        return KeyMatch(field, values) if values else AnyOf(())
    if operator == "$hasPrefix":
        if not isinstance(operand, str):
            raise _invalid(f'$hasPrefix for field "{key}" must be a string')
        budget.spend()
        return KeyMatch(field, prefix=normalise_value(operand))
    raise _invalid(f'unsupported operator {operator} for field "{key}"')


def _parse(node: Any, budget: ConditionBudget, depth: int) -> FilterNode:
    if depth > MAX_DEPTH:
        raise _invalid(f"predicates nested deeper than {MAX_DEPTH} levels")
    if not isinstance(node, Mapping):
        raise _invalid(
            "top-level primitive values and arrays are not supported; "
            'wrap values in a field expression, e.g. {"kind": "component"}'
        )
    logical = [key for key in node if key in _LOGICAL]
    if logical:
        if len(node) != 1:
            raise _invalid(f"{logical[0]} must be the only key of its object")
        ((operator, operand),) = node.items()
        if operator == "$not":
            return Negation(_parse(operand, budget, depth + 1))
        children = tuple(_predicate_list(operand, operator, budget, depth))
        return AllOf(children) if operator == "$all" else AnyOf(children)
    matchers: list[FilterNode] = []
    for key, value in node.items():
        if not isinstance(key, str) or key.startswith("$"):
            raise _invalid(f"unsupported operator {key}")
        matchers.append(_value_matcher(key, value, budget))
    if len(matchers) == 1:
        return matchers[0]
    return AllOf(tuple(matchers))


def parse_predicate(predicate: Any, budget: ConditionBudget | None = None) -> FilterNode:
    """Parse a Backstage filter predicate into a filter tree.

    Args:
        predicate: The decoded JSON of the predicate; it must be an object.
        budget: The request's condition counter; a fresh one when omitted.

    Returns:
        The equivalent filter tree (``{}`` matches everything).

    Raises:
        CatalogInputError: The predicate is malformed, uses an unsupported operator,
            or exceeds the caps on conditions and nesting.
    """
    return _parse(predicate, budget or ConditionBudget(), 0)

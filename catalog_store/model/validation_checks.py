"""Building blocks of entity validation: an error collector and composable field checks.

A check is a function ``check(errors, value, path)`` that records what is wrong with
``value`` (found at ``path``) in ``errors``. The combinators below build the checks of
each kind's ``spec`` the way its JSON schema describes it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from catalog_store.model.errors import FieldError, PathPart

Path = tuple[PathPart, ...]
MAX_ERRORS = 50


class ErrorCollector:
    """Collects field errors, keeping at most ``MAX_ERRORS`` of them."""

    __slots__ = ("errors",)

    def __init__(self) -> None:
        """Start with no errors."""
        self.errors: list[FieldError] = []

    def add(self, path: Path, message: str) -> None:
        """Record an error at ``path`` unless the cap has been reached.

        Args:
            path: Where the problem is.
            message: What the problem is.
        """
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(FieldError(path, message))


Check = Callable[[ErrorCollector, Any, Path], None]
FieldRules = Mapping[str, tuple[Check, bool]]
"""Rules for an object's fields: field name -> (check, required)."""


def type_name(value: object) -> str:
    """Name a value's type in JSON terms, for error messages.

    Args:
        value: Any value.

    Returns:
        ``null``, ``boolean``, ``number``, ``string``, ``list``, ``object`` or the
        Python type name.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def shown(value: str, limit: int = 60) -> str:
    """Quote a value for an error message, shortening long ones.

    Args:
        value: The offending text.
        limit: How many characters to show at most.

    Returns:
        The quoted text, e.g. ``'invalid component'``.
    """
    if len(value) > limit:
        return repr(value[:limit]) + "..."
    return repr(value)


def as_object(errors: ErrorCollector, value: Any, path: Path) -> Mapping[str, Any] | None:
    """Return ``value`` if it is an object (mapping), else record an error and return None.

    Args:
        errors: Where to record the error.
        value: The value to check.
        path: Its location.

    Returns:
        The mapping, or None.
    """
    if isinstance(value, dict | Mapping):
        return value
    errors.add(path, f"must be an object (got {type_name(value)})")
    return None


def as_list(errors: ErrorCollector, value: Any, path: Path) -> list[Any] | None:
    """Return ``value`` if it is a list, else record an error and return None.

    Args:
        errors: Where to record the error.
        value: The value to check.
        path: Its location.

    Returns:
        The list, or None.
    """
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    errors.add(path, f"must be a list (got {type_name(value)})")
    return None


def as_text(
    errors: ErrorCollector, value: Any, path: Path, *, allow_empty: bool = False
) -> str | None:
    """Return ``value`` if it is a string (non-empty unless allowed), else record an error.

    Args:
        errors: Where to record the error.
        value: The value to check.
        path: Its location.
        allow_empty: Whether ``""`` is acceptable.

    Returns:
        The string, or None.
    """
    if not isinstance(value, str):
        errors.add(path, f"must be a string (got {type_name(value)})")
        return None
    if not value and not allow_empty:
        errors.add(path, "must not be empty")
        return None
    return value


def text(errors: ErrorCollector, value: Any, path: Path) -> None:
    """Check for a non-empty string (JSON schema ``type: string, minLength: 1``)."""
    as_text(errors, value, path)


def string(errors: ErrorCollector, value: Any, path: Path) -> None:
    """Check for any string, empty allowed (JSON schema ``type: string``)."""
    as_text(errors, value, path, allow_empty=True)


def any_object(errors: ErrorCollector, value: Any, path: Path) -> None:
    """Check for an object with any content (JSON schema ``type: object``)."""
    as_object(errors, value, path)


def string_or_boolean(errors: ErrorCollector, value: Any, path: Path) -> None:
    """Check for a string or a boolean (JSON schema ``type: [string, boolean]``)."""
    if not isinstance(value, str | bool):
        errors.add(path, f"must be a string or a boolean (got {type_name(value)})")


def one_of(allowed: Collection[str]) -> Check:
    """Build a check for a string out of a fixed set (JSON schema ``enum``).

    Args:
        allowed: The accepted values.

    Returns:
        The check.
    """
    listing = ", ".join(repr(a) for a in allowed)

    def check(errors: ErrorCollector, value: Any, path: Path) -> None:
        if not isinstance(value, str) or value not in allowed:
            got = shown(value) if isinstance(value, str) else type_name(value)
            errors.add(path, f"must be one of {listing} (got {got})")

    return check


def list_of(item: Check, *, min_items: int = 0) -> Check:
    """Build a check for a list whose items all pass ``item``.

    Args:
        item: The check for each item.
        min_items: The least number of items accepted.

    Returns:
        The check.
    """

    def check(errors: ErrorCollector, value: Any, path: Path) -> None:
        items = as_list(errors, value, path)
        if items is None:
            return
        if len(items) < min_items:
            errors.add(path, f"must have at least {min_items} item(s)")
        for index, entry in enumerate(items):
            item(errors, entry, (*path, index))

    return check


TEXT_LIST = list_of(text)
"""A list of non-empty strings, the shape of every entity-reference list in a spec."""


def check_fields(
    errors: ErrorCollector,
    obj: Mapping[str, Any],
    path: Path,
    rules: FieldRules,
    other: Check | None = None,
) -> None:
    """Apply field rules to an object that is already known to be a mapping.

    Args:
        errors: Where to record errors.
        obj: The object.
        path: Its location.
        rules: Field name -> (check, required).
        other: A check for every field not named in ``rules`` (JSON schema
            ``additionalProperties``); None accepts anything.
    """
    for name, (check, required) in rules.items():
        if name in obj:
            check(errors, obj[name], (*path, name))
        elif required:
            errors.add((*path, name), "required")
    if other is not None:
        for name, value in obj.items():
            if name not in rules:
                other(errors, value, (*path, str(name)))


def object_with(rules: FieldRules, other: Check | None = None) -> Check:
    """Build a check for an object whose fields follow ``rules``.

    Args:
        rules: Field name -> (check, required).
        other: A check for fields not named in ``rules``; None accepts anything.

    Returns:
        The check.
    """

    def check(errors: ErrorCollector, value: Any, path: Path) -> None:
        obj = as_object(errors, value, path)
        if obj is not None:
            check_fields(errors, obj, path, rules, other)

    return check

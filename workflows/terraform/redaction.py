"""Sensitivity masks and the few values a summary may show.

Terraform marks sensitive values with masks shaped like the values they describe
(``after_sensitive``, ``before_sensitive``, ``sensitive_values``): ``true`` marks a value
and everything under it. A value is shown only when no mask marks it, it is a scalar, and
it is short enough once cut; everything else is replaced with a placeholder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

SENSITIVE = "(sensitive)"
KNOWN_AFTER_APPLY = "(known after apply)"
MAX_VALUE_CHARS = 60
"""How many characters of a string value are shown before it is cut."""


def mask_at(mask: object, key: str | int) -> object:
    """The part of ``mask`` that describes ``key``; ``True`` stays ``True`` all the way down."""
    if mask is True:
        return True
    if isinstance(mask, Mapping) and isinstance(key, str):
        return mask.get(key)
    if isinstance(mask, Sequence) and not isinstance(mask, str) and isinstance(key, int):
        return mask[key] if 0 <= key < len(mask) else None
    return None


def marks_anything(mask: object) -> bool:
    """True when ``mask`` marks the value or any part of it."""
    if mask is True:
        return True
    if isinstance(mask, Mapping):
        return any(marks_anything(part) for part in mask.values())
    if isinstance(mask, Sequence) and not isinstance(mask, str):
        return any(marks_anything(part) for part in mask)
    return False


def is_scalar(value: object) -> bool:
    """True for strings, numbers, booleans and null."""
    return value is None or isinstance(value, str | int | float | bool)


def one_line(text: str) -> str:
    """``text`` with line breaks and runs of blanks made single spaces."""
    return " ".join(text.split())


def cut(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis when longer."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "\u2026"


def shown_scalar(value: Any) -> str | None:
    """A non-sensitive scalar as it is shown (strings quoted and cut), None for others.

    Callers check sensitivity first: this only formats.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return cut(json.dumps(value), MAX_VALUE_CHARS)
    if isinstance(value, str):
        return json.dumps(cut(value, MAX_VALUE_CHARS), ensure_ascii=False)
    return None


def shown_value(value: Any, *, sensitive: bool, unknown: bool = False) -> str | None:
    """What may be shown of one value: a placeholder, a short scalar, or None."""
    if sensitive:
        return SENSITIVE
    if unknown:
        return KNOWN_AFTER_APPLY
    return shown_scalar(value) if is_scalar(value) else None

"""Typed reads from a JSON payload, with errors that name the field that is wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from workflows.runs.events import RunLink
from workflows.webhooks.errors import describe, malformed

MAX_ID_CHARS = 500
"""Identifiers and names longer than this are refused."""

MAX_TIMESTAMP_CHARS = 64
_LATEST_EPOCH = 4_102_444_800  # 2100-01-01: later epoch seconds are refused, not overflowed


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def parse_timestamp(value: object, name: str) -> datetime:
    """An ISO 8601 timestamp (or epoch seconds) as an aware UTC datetime.

    A timestamp without a timezone is taken as UTC.

    Raises:
        WebhookError: 400 naming ``name`` when ``value`` is not a timestamp.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value <= _LATEST_EPOCH:
            raise malformed(f"{name}: {describe(value)} is not a plausible time")
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        raise malformed(f"{name}: expected a timestamp, got {_type_name(value)}")
    text = value.strip()
    if not text or len(text) > MAX_TIMESTAMP_CHARS:
        raise malformed(f"{name}: expected an ISO 8601 timestamp")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise malformed(f"{name}: {describe(text)} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def first_line(text: str | None) -> str | None:
    """The first non-empty line of ``text`` (a commit or run message), or None."""
    if text is None:
        return None
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def clip(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters (with an ellipsis when cut); None stays None."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "\u2026"


def web_link(label: str, url: str | None) -> RunLink | None:
    """A link to show, when ``url`` is an absolute http(s) URL; None otherwise."""
    if not url or len(url) > 2000:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return RunLink(label=label, url=url)


def links(*candidates: tuple[str, str | None]) -> tuple[RunLink, ...]:
    """The usable links among ``(label, url)`` pairs, in order, each URL once."""
    seen: set[str] = set()
    found: list[RunLink] = []
    for label, url in candidates:
        link = web_link(label, url)
        if link is not None and link.url not in seen:
            seen.add(link.url)
            found.append(link)
    return tuple(found)


class Fields:
    """One JSON object of a payload, read field by field.

    Every read checks the value's type; a wrong or missing required value raises a 400
    :class:`~workflows.webhooks.errors.WebhookError` that names the field by its path in
    the payload (``notifications[0].run_status``). ``null`` reads as absent.
    """

    def __init__(self, data: object, path: str = "") -> None:
        """Wrap ``data``, which must be a JSON object found at ``path``."""
        if not isinstance(data, dict):
            where = path or "the body"
            raise malformed(f"{where}: expected a JSON object, got {_type_name(data)}")
        self._data: dict[str, Any] = data
        self._path = path

    @property
    def path(self) -> str:
        """Where this object is in the payload (empty for the top level)."""
        return self._path

    def name(self, key: str) -> str:
        """The path of ``key`` in the payload."""
        return f"{self._path}.{key}" if self._path else key

    def raw(self, key: str) -> object:
        """The value of ``key`` as parsed, or None."""
        return self._data.get(key)

    def _missing(self, key: str) -> Exception:
        return malformed(f"{self.name(key)}: required")

    def opt_text(self, key: str, *, max_chars: int = MAX_ID_CHARS) -> str | None:
        """A string of at most ``max_chars`` characters, or None when absent or empty."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise malformed(f"{self.name(key)}: expected a string, got {_type_name(value)}")
        if len(value) > max_chars:
            raise malformed(f"{self.name(key)}: longer than {max_chars} characters")
        return value.strip() or None

    def text(self, key: str, *, max_chars: int = MAX_ID_CHARS) -> str:
        """A required, non-empty string."""
        value = self.opt_text(key, max_chars=max_chars)
        if value is None:
            raise self._missing(key)
        return value

    def opt_prose(self, key: str, *, keep: int) -> str | None:
        """Free text (a message, a description) of any length, cut to ``keep`` characters."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise malformed(f"{self.name(key)}: expected a string, got {_type_name(value)}")
        return clip(value.strip(), keep) or None

    def opt_identifier(self, key: str) -> str | None:
        """An id written as a string or an integer, as a string; None when absent."""
        value = self._data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if value is None or isinstance(value, str):
            return self.opt_text(key)
        raise malformed(
            f"{self.name(key)}: expected a string or an integer, got {_type_name(value)}"
        )

    def identifier(self, key: str) -> str:
        """A required id written as a string or an integer."""
        value = self.opt_identifier(key)
        if value is None:
            raise self._missing(key)
        return value

    def opt_int(self, key: str) -> int | None:
        """An integer, or None when absent."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise malformed(f"{self.name(key)}: expected an integer, got {_type_name(value)}")
        return value

    def opt_bool(self, key: str) -> bool | None:
        """A boolean, or None when absent."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise malformed(f"{self.name(key)}: expected a boolean, got {_type_name(value)}")
        return value

    def opt_time(self, key: str) -> datetime | None:
        """A timestamp (see :func:`parse_timestamp`), or None when absent or empty."""
        value = self._data.get(key)
        if value is None or value == "":
            return None
        return parse_timestamp(value, self.name(key))

    def time(self, key: str) -> datetime:
        """A required timestamp."""
        value = self.opt_time(key)
        if value is None:
            raise self._missing(key)
        return value

    def opt_child(self, key: str) -> Fields | None:
        """The JSON object at ``key``, or None when absent."""
        value = self._data.get(key)
        if value is None:
            return None
        return Fields(value, self.name(key))

    def child(self, key: str) -> Fields:
        """The required JSON object at ``key``."""
        value = self.opt_child(key)
        if value is None:
            raise self._missing(key)
        return value

    def objects(self, key: str) -> list[Fields]:
        """The required, non-empty array of JSON objects at ``key``."""
        value = self._data.get(key)
        if value is None:
            raise self._missing(key)
        if not isinstance(value, list):
            raise malformed(f"{self.name(key)}: expected an array, got {_type_name(value)}")
        if not value:
            raise malformed(f"{self.name(key)}: must not be empty")
        return [Fields(item, f"{self.name(key)}[{index}]") for index, item in enumerate(value)]

"""What a paging provider says about one schedule, policy or team, before it is answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from catalog_store.oncall.answers import OnCallShift
from catalog_store.oncall.provider_http import ProviderError


@dataclass(frozen=True, slots=True)
class ProviderResult:
    """People on call now and next according to a provider.

    Attributes:
        schedule_name: The provider's name of what was asked about.
        now: Who is on call at the moment asked about.
        next: Who takes over next.
    """

    schedule_name: str | None
    now: list[OnCallShift] = field(default_factory=list)
    next: list[OnCallShift] = field(default_factory=list)


def unexpected(label: str, what: str) -> ProviderError:
    """The error for a provider answer that is JSON but not in the documented shape."""
    return ProviderError(f"{label} answered in an unexpected shape ({what})")


def mapping_at(value: Any, label: str, what: str) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else raise :func:`unexpected`."""
    if not isinstance(value, Mapping):
        raise unexpected(label, f"{what} is not an object")
    return value


def list_at(value: Any, label: str, what: str) -> list[Any]:
    """``value`` if it is a JSON list, else raise :func:`unexpected`."""
    if not isinstance(value, list):
        raise unexpected(label, f"{what} is not a list")
    return value


def optional_text(value: Any) -> str | None:
    """``value`` if it is a non-empty string, else None."""
    return value if isinstance(value, str) and value.strip() else None


def instant(value: Any, label: str, what: str) -> datetime | None:
    """An ISO 8601 time from a provider as an aware UTC datetime; None for null."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise unexpected(label, f"{what} is not a time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise unexpected(label, f"{what} is not a time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """An instant as ISO 8601 in UTC with seconds, as the providers' APIs take it."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")

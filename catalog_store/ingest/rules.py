"""Catalog rules: which kinds a location may bring in (Backstage's ``catalog.rules``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_ALLOWED_KINDS = ("Component", "API", "Location")


@dataclass(frozen=True, slots=True)
class KindRules:
    """The union of every ``allow`` list that applies to a location."""

    allowed: frozenset[str]
    spelled: tuple[str, ...]
    allow_all: bool = False

    @classmethod
    def everything(cls) -> KindRules:
        """Rules that allow every kind (offline validation)."""
        return cls(allowed=frozenset(), spelled=(), allow_all=True)

    @classmethod
    def from_config(cls, *rule_lists: Sequence[Mapping[str, Any]] | None) -> KindRules:
        """Combine global and per-location rules; no global rules = Backstage's default."""
        kinds: list[str] = []
        global_rules = rule_lists[0] if rule_lists else None
        if global_rules is None:
            kinds.extend(DEFAULT_ALLOWED_KINDS)
        for rules in rule_lists:
            for rule in rules or ():
                kinds.extend(str(kind) for kind in _as_list(rule.get("allow")))
        unique = tuple(dict.fromkeys(kinds))
        return cls(allowed=frozenset(k.lower() for k in unique), spelled=unique)

    def allows(self, kind: str) -> bool:
        """Whether an entity of ``kind`` may be ingested."""
        return self.allow_all or kind.lower() in self.allowed

    def refusal(self, kind: str) -> str:
        """The message for a refused kind."""
        listed = ", ".join(self.spelled) or "nothing"
        return f"kind {kind!r} is not allowed by catalog.rules (allowed: {listed})"


def _as_list(value: Any) -> Iterable[Any]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return value
    return (value,)

"""What a terraform plan or run does to one resource or output, free of any value that
could be secret."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ChangeAction(StrEnum):
    """What happens to a resource, in the order summaries list them."""

    REPLACE = "replace"
    DELETE = "delete"
    CREATE = "create"
    UPDATE = "update"
    IMPORT = "import"
    MOVE = "move"
    READ = "read"
    FORGET = "forget"
    """Removed from the state while the real object stays (``removed`` blocks)."""
    NO_OP = "no-op"
    UNKNOWN = "unknown"
    """An action this reader does not know; the resource keeps its raw actions."""


ACTION_ORDER: tuple[ChangeAction, ...] = (
    ChangeAction.REPLACE,
    ChangeAction.DELETE,
    ChangeAction.CREATE,
    ChangeAction.UPDATE,
    ChangeAction.IMPORT,
    ChangeAction.MOVE,
    ChangeAction.READ,
    ChangeAction.FORGET,
    ChangeAction.UNKNOWN,
)
"""The actions a summary lists, replacements and destroys first; no-ops are not listed."""


class ResourceOutcome(StrEnum):
    """How far a streamed run got with one resource."""

    PENDING = "pending"
    APPLYING = "applying"
    APPLIED = "applied"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AttributeChange:
    """A top-level attribute that changes, by name only: values are never kept.

    Attributes:
        name: The attribute's name in the provider schema.
        sensitive: Its value (or part of it) is marked sensitive.
        known_after_apply: The new value is only known once the plan is applied.
        forces_replacement: Changing it is why the resource is replaced.
    """

    name: str
    sensitive: bool = False
    known_after_apply: bool = False
    forces_replacement: bool = False


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """One resource instance a plan or a run changes.

    Attributes:
        address: The instance address, e.g. ``module.db.aws_instance.this[0]``.
        action: What happens to it (see :class:`ChangeAction`).
        raw_actions: The actions as terraform wrote them (``["delete", "create"]``).
        reason: Why, in ``show -json`` words (``replace_because_tainted``), when given.
        previous_address: Where it was before a ``moved`` block, when it moved.
        importing: It is imported by this plan.
        deposed: The deposed object's key when the change is about a deposed object.
        mode: ``managed`` or ``data``.
        attributes: The attributes that change (updates, replacements and drift).
        outcome: How far a streamed run got with it; None in plans.
    """

    address: str
    action: ChangeAction
    raw_actions: tuple[str, ...] = ()
    reason: str | None = None
    previous_address: str | None = None
    importing: bool = False
    deposed: str | None = None
    mode: str = "managed"
    attributes: tuple[AttributeChange, ...] = field(default=())
    outcome: ResourceOutcome | None = None

    @property
    def moved(self) -> bool:
        """True when the resource moved from another address."""
        return self.previous_address is not None and self.previous_address != self.address


@dataclass(frozen=True, slots=True)
class OutputChange:
    """A root module output: what happens to it and, when it may be shown, its value.

    Attributes:
        name: The output's name.
        action: ``create``, ``update``, ``delete`` ... or None when the source did not say.
        sensitive: Marked sensitive anywhere; its value is then never kept.
        value: The new value ready to show (a short, non-sensitive scalar), or
            ``(sensitive)``/``(known after apply)``, or None when it is not shown.
        previous: The old value under the same rules, for updates.
    """

    name: str
    action: str | None
    sensitive: bool
    value: str | None = None
    previous: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """An error or a warning terraform reported.

    Attributes:
        severity: ``error`` or ``warning`` (as terraform wrote it).
        summary: The one-line summary.
        detail: The longer explanation ("" when none).
        address: The resource it is about, when terraform said.
        filename: The configuration file of its source range.
        line: The line its source range starts on.
    """

    severity: str
    summary: str
    detail: str = ""
    address: str | None = None
    filename: str | None = None
    line: int | None = None

    @property
    def is_error(self) -> bool:
        """True for errors (warnings and other severities are not)."""
        return self.severity.lower() == "error"

    @property
    def location(self) -> str | None:
        """``main.tf:2`` when the source range is known."""
        if not self.filename:
            return None
        return f"{self.filename}:{self.line}" if self.line is not None else self.filename

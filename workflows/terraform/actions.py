"""Terraform's action words (``show -json`` lists and streamed log words) and reasons."""

from __future__ import annotations

from collections.abc import Sequence

from workflows.terraform.changes import ChangeAction

_PLAN_ACTIONS: dict[tuple[str, ...], ChangeAction] = {
    ("no-op",): ChangeAction.NO_OP,
    ("create",): ChangeAction.CREATE,
    ("read",): ChangeAction.READ,
    ("update",): ChangeAction.UPDATE,
    ("delete",): ChangeAction.DELETE,
    ("forget",): ChangeAction.FORGET,
    ("delete", "create"): ChangeAction.REPLACE,
    ("create", "delete"): ChangeAction.REPLACE,
    ("create", "forget"): ChangeAction.REPLACE,
    ("forget", "create"): ChangeAction.REPLACE,
}

_STREAM_ACTIONS: dict[str, ChangeAction] = {
    "noop": ChangeAction.NO_OP,
    "no-op": ChangeAction.NO_OP,
    "create": ChangeAction.CREATE,
    "read": ChangeAction.READ,
    "update": ChangeAction.UPDATE,
    "replace": ChangeAction.REPLACE,
    "delete": ChangeAction.DELETE,
    "move": ChangeAction.MOVE,
    "import": ChangeAction.IMPORT,
    "remove": ChangeAction.FORGET,
    "forget": ChangeAction.FORGET,
}

_STREAM_REASONS = {
    "tainted": "replace_because_tainted",
    "requested": "replace_by_request",
    "cannot_update": "replace_because_cannot_update",
    "replace_triggered_by": "replace_by_triggers",
}

_REASON_WORDS = {
    "replace_because_tainted": "tainted",
    "replace_because_cannot_update": "cannot be updated in place",
    "replace_by_request": "replacement requested",
    "replace_by_triggers": "replace_triggered_by",
    "delete_because_no_resource_config": "no longer in the configuration",
    "delete_because_wrong_repetition": "count/for_each changed",
    "delete_because_count_index": "count index out of range",
    "delete_because_each_key": "for_each key removed",
    "delete_because_no_module": "module removed",
    "delete_because_no_move_target": "moved to an address that does not exist",
    "read_because_config_unknown": "configuration known only after apply",
    "read_because_dependency_pending": "depends on pending changes",
    "read_because_check_nested": "read by a check block",
}


def plan_action(actions: Sequence[str]) -> ChangeAction:
    """The action for a ``show -json`` actions list; unknown lists give ``UNKNOWN``."""
    return _PLAN_ACTIONS.get(tuple(actions), ChangeAction.UNKNOWN)


def stream_action(action: str) -> ChangeAction:
    """The action for a streamed ``planned_change`` or hook action word."""
    return _STREAM_ACTIONS.get(action, ChangeAction.UNKNOWN)


def plan_reason(stream_reason: str) -> str:
    """A streamed reason (``tainted``) in ``show -json`` words (``replace_because_tainted``)."""
    return _STREAM_REASONS.get(stream_reason, stream_reason)


def reason_words(reason: str) -> str:
    """A reason as a reader says it; reasons this reader does not know stay as written."""
    return _REASON_WORDS.get(reason, reason.replace("_", " "))

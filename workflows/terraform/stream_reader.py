"""Following ``terraform plan -json`` / ``apply -json`` machine-readable UI streams.

A :class:`StreamSummarizer` reads one line at a time, so a live run can be followed and
summarised after every line; :func:`summarize_stream` reads a whole log. Messages of types
this reader does not use are skipped; a line that is not a JSON object raises
:class:`PlanFormatError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workflows.runs.events import PlanCounts
from workflows.terraform.actions import plan_reason, stream_action
from workflows.terraform.changes import (
    ChangeAction,
    Diagnostic,
    OutputChange,
    ResourceChange,
    ResourceOutcome,
)
from workflows.terraform.errors import PlanFormatError
from workflows.terraform.plan_summary import group_by_action
from workflows.terraform.redaction import SENSITIVE, shown_value
from workflows.terraform.stream_summary import ResourceFailure, StreamState, StreamSummary

_STATE_RANKS = {
    StreamState.PLANNING: 0,
    StreamState.PLANNED: 1,
    StreamState.APPLYING: 2,
    StreamState.APPLIED: 3,
    StreamState.ERRORED: 4,
}
_APPLY_HOOKS = frozenset({"apply_start", "apply_progress", "apply_complete"})
_PROVISION_HOOKS = frozenset({"provision_start", "provision_progress", "provision_complete"})
_APPLY_OPERATIONS = frozenset({"apply", "destroy"})


@dataclass(slots=True)
class _Tracked:
    """One resource as the stream has told of it so far."""

    address: str
    action: ChangeAction
    raw_action: str
    mode: str
    announced: bool
    reason: str | None = None
    previous_address: str | None = None
    importing: bool = False
    outcome: ResourceOutcome = ResourceOutcome.PENDING
    completed: set[str] = field(default_factory=set)

    def frozen(self) -> ResourceChange:
        return ResourceChange(
            address=self.address,
            action=self.action,
            raw_actions=(self.raw_action,) if self.raw_action else (),
            reason=self.reason,
            previous_address=self.previous_address,
            importing=self.importing,
            mode=self.mode,
            outcome=self.outcome,
        )


def summarize_stream(lines: Iterable[str | bytes] | str | bytes) -> StreamSummary:
    """Summarise a whole ``terraform plan -json`` or ``apply -json`` log.

    Args:
        lines: The log's lines (or the whole log as one text).

    Raises:
        PlanFormatError: A line is not a JSON object.
    """
    summarizer = StreamSummarizer()
    if isinstance(lines, str | bytes):
        summarizer.feed(lines)
    else:
        for line in lines:
            summarizer.feed(line)
    return summarizer.summary()


class StreamSummarizer:
    """Reads a streamed run line by line; :meth:`summary` tells where it is at any time."""

    def __init__(self) -> None:
        """Start before the first line: the run is planning."""
        self._line_number = 0
        self._state = StreamState.PLANNING
        self._terraform_version: str | None = None
        self._resources: dict[str, _Tracked] = {}
        self._drift: dict[str, ResourceChange] = {}
        self._outputs: tuple[OutputChange, ...] = ()
        self._diagnostics: list[Diagnostic] = []
        self._failures: list[ResourceFailure] = []
        self._summaries: dict[str, Mapping[str, Any]] = {}
        self._operation: str | None = None
        self._change_summary: str | None = None
        self._updated_at: datetime | None = None

    @property
    def state(self) -> StreamState:
        """The run's state after the lines read so far."""
        return self._state

    def feed(self, line: str | bytes) -> None:
        """Read one line of the log (text holding several lines is read line by line).

        Raises:
            PlanFormatError: A line is not a JSON object.
        """
        if isinstance(line, bytes | bytearray):
            try:
                line = bytes(line).decode("utf-8")
            except UnicodeDecodeError:
                raise PlanFormatError(
                    f"line {self._line_number + 1} of the log is not UTF-8 text"
                ) from None
        for text in line.splitlines() or [""]:
            self._line_number += 1
            text = text.strip().lstrip("\ufeff")
            if not text:
                continue
            try:
                message = json.loads(text)
            except json.JSONDecodeError as error:
                raise PlanFormatError(
                    f"line {self._line_number} of the log is not JSON: {error.msg}"
                ) from None
            if not isinstance(message, Mapping):
                raise PlanFormatError(f"line {self._line_number} of the log is not a JSON object")
            self.feed_message(message)

    def feed_message(self, message: Mapping[str, Any]) -> None:
        """Read one parsed message; messages of types this reader does not use are skipped."""
        self._note_time(message.get("@timestamp"))
        kind = message.get("type")
        if not isinstance(kind, str):
            return
        if kind == "version":
            version = message.get("terraform")
            self._terraform_version = version if isinstance(version, str) else None
        elif kind == "planned_change":
            self._planned_change(_mapping(message, "change"))
        elif kind == "resource_drift":
            self._resource_drift(_mapping(message, "change"))
        elif kind == "change_summary":
            self._change_summary_message(message)
        elif kind == "outputs":
            self._outputs = tuple(_outputs(_mapping(message, "outputs")))
        elif kind == "diagnostic":
            self._diagnostic(message)
        elif kind in _APPLY_HOOKS or kind in _PROVISION_HOOKS:
            self._progress(kind, _mapping(message, "hook"))
        elif kind in ("apply_errored", "provision_errored"):
            self._failure(kind, message)
        elif kind.endswith("_errored"):
            self._advance(StreamState.ERRORED)

    def summary(self) -> StreamSummary:
        """The run as the lines read so far tell it."""
        tracked = list(self._resources.values())
        replaced = sum(1 for item in tracked if item.action is ChangeAction.REPLACE)
        plan = self._summaries.get("plan")
        applied = next(
            (self._summaries[name] for name in ("apply", "destroy") if name in self._summaries),
            None,
        )
        listed = group_by_action(item.frozen() for item in tracked)
        return StreamSummary(
            state=self._state,
            operation=self._operation,
            change_summary=self._change_summary,
            plan_counts=_counts(plan, replaced) if plan is not None else None,
            applied_counts=_counts(applied, replaced) if applied is not None else None,
            resources=tuple(resource for group in listed.values() for resource in group),
            drift=tuple(
                resource
                for group in group_by_action(self._drift.values()).values()
                for resource in group
            ),
            outputs=self._outputs,
            diagnostics=tuple(self._diagnostics),
            failures=tuple(self._failures),
            terraform_version=self._terraform_version,
            updated_at=self._updated_at,
        )

    def _advance(self, state: StreamState) -> None:
        """Move to ``state`` unless the run is already further (errored stays errored)."""
        if _STATE_RANKS[state] > _STATE_RANKS[self._state]:
            self._state = state

    def _note_time(self, stamp: object) -> None:
        if not isinstance(stamp, str):
            return
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return
        if moment.tzinfo is not None:
            self._updated_at = moment

    def _planned_change(self, change: Mapping[str, Any]) -> None:
        resource = _mapping(change, "resource")
        address = _text(resource, "addr")
        if address is None:
            return
        raw = _text(change, "action") or ""
        action = stream_action(raw)
        reason = _text(change, "reason")
        previous = _text(_mapping(change, "previous_resource"), "addr")
        tracked = self._resources.get(address)
        if tracked is None:
            tracked = _Tracked(address, action, raw, _mode(resource), announced=True)
            self._resources[address] = tracked
        tracked.action, tracked.raw_action, tracked.announced = action, raw, True
        tracked.reason = plan_reason(reason) if reason else None
        tracked.previous_address = previous if previous != address else None
        tracked.importing = isinstance(change.get("importing"), Mapping)

    def _resource_drift(self, change: Mapping[str, Any]) -> None:
        resource = _mapping(change, "resource")
        address = _text(resource, "addr")
        if address is None:
            return
        raw = _text(change, "action") or ""
        self._drift[address] = ResourceChange(
            address=address,
            action=stream_action(raw),
            raw_actions=(raw,) if raw else (),
            mode=_mode(resource),
        )

    def _change_summary_message(self, message: Mapping[str, Any]) -> None:
        changes = _mapping(message, "changes")
        operation = _text(changes, "operation")
        if operation is None:
            return
        self._summaries[operation] = changes
        self._operation = operation
        self._change_summary = _text(message, "@message")
        if operation == "plan":
            self._advance(StreamState.PLANNED)
        elif operation in _APPLY_OPERATIONS:
            self._advance(StreamState.APPLIED)

    def _hooked(self, hook: Mapping[str, Any]) -> tuple[_Tracked, str] | None:
        """The resource a hook is about (tracked from now on) and the hook's action word."""
        resource = _mapping(hook, "resource")
        address = _text(resource, "addr")
        if address is None:
            return None
        word = _text(hook, "action") or ""
        tracked = self._resources.get(address)
        if tracked is None:
            tracked = _Tracked(address, stream_action(word), word, _mode(resource), False)
            self._resources[address] = tracked
        elif not tracked.announced and word and {word, tracked.raw_action} == {"create", "delete"}:
            tracked.action, tracked.raw_action = ChangeAction.REPLACE, "replace"
        return tracked, word

    def _progress(self, kind: str, hook: Mapping[str, Any]) -> None:
        self._advance(StreamState.APPLYING)
        found = self._hooked(hook)
        if found is None:
            return
        tracked, word = found
        if tracked.outcome is ResourceOutcome.FAILED:
            return
        if kind == "apply_complete":
            tracked.completed.add(word)
            halves_left = tracked.action is ChangeAction.REPLACE and len(tracked.completed) < 2
            tracked.outcome = ResourceOutcome.APPLYING if halves_left else ResourceOutcome.APPLIED
        else:
            tracked.outcome = ResourceOutcome.APPLYING

    def _failure(self, kind: str, message: Mapping[str, Any]) -> None:
        self._advance(StreamState.ERRORED)
        hook = _mapping(message, "hook")
        found = self._hooked(hook)
        if found is None:
            return
        tracked, word = found
        tracked.outcome = ResourceOutcome.FAILED
        provisioner = _text(hook, "provisioner") if kind == "provision_errored" else None
        self._failures.append(
            ResourceFailure(
                address=tracked.address,
                action=word or None,
                provisioner=provisioner,
                message=_text(message, "@message") or f"{tracked.address}: {kind}",
            )
        )

    def _diagnostic(self, message: Mapping[str, Any]) -> None:
        diagnostic = _mapping(message, "diagnostic")
        severity = _text(diagnostic, "severity") or _text(message, "@level") or "error"
        source = _mapping(diagnostic, "range")
        line = _mapping(source, "start").get("line")
        found = Diagnostic(
            severity=severity,
            summary=_text(diagnostic, "summary") or _text(message, "@message") or "",
            detail=_text(diagnostic, "detail") or "",
            address=_text(diagnostic, "address"),
            filename=_text(source, "filename"),
            line=line if isinstance(line, int) and not isinstance(line, bool) else None,
        )
        self._diagnostics.append(found)
        if found.is_error:
            self._advance(StreamState.ERRORED)


def _mapping(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, Mapping) else {}


def _text(parent: Mapping[str, Any], key: str) -> str | None:
    value = parent.get(key)
    return value if isinstance(value, str) and value else None


def _number(parent: Mapping[str, Any], key: str) -> int:
    value = parent.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _mode(resource: Mapping[str, Any]) -> str:
    name = _text(resource, "resource") or ""
    return "data" if name.startswith("data.") else "managed"


def _counts(changes: Mapping[str, Any], replaced: int) -> PlanCounts:
    """A change summary's counts with replacements apart (terraform counts each one as an
    add and a destroy)."""
    add, remove = _number(changes, "add"), _number(changes, "remove")
    replace = min(replaced, add, remove)
    return PlanCounts(
        add=add - replace,
        change=_number(changes, "change"),
        destroy=remove - replace,
        replace=replace,
        imported=_number(changes, "import"),
    )


def _outputs(outputs: Mapping[str, Any]) -> Iterable[OutputChange]:
    for name, output in outputs.items():
        if not isinstance(output, Mapping):
            continue
        action = _text(output, "action")
        if action == "noop":
            continue
        sensitive = output.get("sensitive") is True
        if "value" in output:
            value = shown_value(output["value"], sensitive=sensitive)
        else:
            value = SENSITIVE if sensitive else None
        yield OutputChange(name=str(name), action=action, sensitive=sensitive, value=value)

"""Reading ``terraform show -json`` plans, every format version from 0.1 to 1.x.

Old plans lack keys newer ones have (sensitivity masks, ``action_reason``, ``importing``,
``previous_address``, ``resource_drift``, ``checks``); a missing key means "not said".
What cannot be a plan at all raises :class:`PlanFormatError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from workflows.runs.events import PlanCounts
from workflows.terraform.actions import plan_action
from workflows.terraform.changes import (
    AttributeChange,
    ChangeAction,
    OutputChange,
    ResourceChange,
)
from workflows.terraform.errors import PlanFormatError
from workflows.terraform.plan_summary import PlanSummary, group_by_action
from workflows.terraform.redaction import marks_anything, mask_at, shown_value

KNOWN_FORMAT_MAJORS = frozenset({0, 1})
_MISSING = object()


def summarize_plan_json(text: str | bytes) -> PlanSummary:
    """Summarise the text ``terraform show -json <planfile>`` printed.

    Raises:
        PlanFormatError: The text is not JSON, or not a plan.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise PlanFormatError(f"the plan is not UTF-8 text: {error}") from None
    try:
        plan = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        raise PlanFormatError(
            f"the plan is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    return summarize_plan(plan)


def summarize_plan(plan: Mapping[str, Any]) -> PlanSummary:
    """Summarise a parsed ``terraform show -json`` plan.

    Args:
        plan: The JSON object terraform wrote.

    Raises:
        PlanFormatError: ``plan`` is not a plan terraform writes (another JSON value, a
            state, a format major version after 1, or lists and objects of the wrong type).
    """
    if not isinstance(plan, Mapping):
        raise PlanFormatError(f"a plan is a JSON object, not {_json_type(plan)}")
    format_version = _check_format(plan)
    planned_values = _mapping(plan, "planned_values")
    prior_values = _mapping(_mapping(plan, "prior_state"), "values")
    planned_masks = dict(_module_masks(_mapping(planned_values, "root_module")))
    prior_masks = dict(_module_masks(_mapping(prior_values, "root_module")))

    resources = [
        _resource_change(entry, f"resource_changes[{index}]", planned_masks, prior_masks)
        for index, entry in enumerate(_objects(plan, "resource_changes"))
    ]
    drift = [
        _resource_change(entry, f"resource_drift[{index}]", {}, prior_masks)
        for index, entry in enumerate(_objects(plan, "resource_drift"))
    ]
    terraform_version = plan.get("terraform_version")
    complete = plan.get("complete")
    return PlanSummary(
        counts=_counts(resources),
        resources=_listed(resources),
        drift=_listed(drift),
        outputs=tuple(_output_changes(plan, planned_values, prior_values)),
        moved=sum(1 for resource in resources if resource.moved),
        forgotten=sum(1 for resource in resources if resource.action is ChangeAction.FORGET),
        failed_checks=tuple(_failed_checks(plan)),
        errored=plan.get("errored") is True,
        complete=complete if isinstance(complete, bool) else None,
        format_version=format_version,
        terraform_version=terraform_version if isinstance(terraform_version, str) else None,
    )


def _json_type(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, Sequence):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _check_format(plan: Mapping[str, Any]) -> str | None:
    """The plan's ``format_version`` after checking the object is a plan this reader knows."""
    if not any(key in plan for key in ("format_version", "resource_changes", "planned_values")):
        raise PlanFormatError(
            "not a terraform plan: no format_version, resource_changes or planned_values"
        )
    if "values" in plan and "planned_values" not in plan and "resource_changes" not in plan:
        raise PlanFormatError("this is terraform state (show -json of a state), not a plan")
    version = plan.get("format_version")
    if version is None:
        return None
    if not isinstance(version, str):
        raise PlanFormatError(f"format_version is {_json_type(version)}, not a string")
    try:
        major = int(version.split(".", 1)[0])
    except ValueError:
        raise PlanFormatError(f"format_version {version!r} is not a version number") from None
    if major not in KNOWN_FORMAT_MAJORS:
        raise PlanFormatError(
            f"plan format_version {version} is not supported (known: 0.x and 1.x)"
        )
    return version


def _mapping(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, Mapping) else {}


def _objects(plan: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The list ``plan[key]`` (empty when absent); anything but a list of objects raises."""
    value = plan.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PlanFormatError(f"{key} is {_json_type(value)}, expected a list")
    for index, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            raise PlanFormatError(f"{key}[{index}] is {_json_type(entry)}, expected an object")
    return value


def _module_masks(module: Mapping[str, Any]) -> Iterator[tuple[str, object]]:
    """``(address, sensitive_values)`` for every resource of a module and its children."""
    resources = module.get("resources")
    if isinstance(resources, list):
        for resource in resources:
            if isinstance(resource, Mapping) and isinstance(resource.get("address"), str):
                yield resource["address"], resource.get("sensitive_values")
    children = module.get("child_modules")
    if isinstance(children, list):
        for child in children:
            if isinstance(child, Mapping):
                yield from _module_masks(child)


def _address(entry: Mapping[str, Any], where: str) -> str:
    address = entry.get("address")
    if isinstance(address, str) and address:
        return address
    kind, name = entry.get("type"), entry.get("name")
    if not isinstance(kind, str) or not isinstance(name, str):
        raise PlanFormatError(f"{where} has no address")
    module = entry.get("module_address")
    address = f"{module}.{kind}.{name}" if isinstance(module, str) and module else f"{kind}.{name}"
    if entry.get("mode") == "data":
        address = f"data.{address}"
    index = entry.get("index")
    if isinstance(index, str):
        return f"{address}[{json.dumps(index)}]"
    if isinstance(index, int):
        return f"{address}[{index}]"
    return address


def _resource_change(
    entry: Mapping[str, Any],
    where: str,
    planned_masks: Mapping[str, object],
    prior_masks: Mapping[str, object],
) -> ResourceChange:
    address = _address(entry, where)
    change = _mapping(entry, "change")
    actions = change.get("actions")
    raw_actions = tuple(str(action) for action in actions) if isinstance(actions, list) else ()
    action = plan_action(raw_actions)
    previous = entry.get("previous_address")
    previous = previous if isinstance(previous, str) and previous != address else None
    importing = isinstance(change.get("importing"), Mapping)
    if action is ChangeAction.NO_OP and previous is not None:
        action = ChangeAction.MOVE
    elif action is ChangeAction.NO_OP and importing:
        action = ChangeAction.IMPORT
    attributes: tuple[AttributeChange, ...] = ()
    if action in (ChangeAction.UPDATE, ChangeAction.REPLACE):
        masks = (
            change.get("before_sensitive"),
            change.get("after_sensitive"),
            planned_masks.get(address),
            prior_masks.get(address),
        )
        attributes = changed_attributes(change, masks)
    reason = entry.get("action_reason")
    deposed = entry.get("deposed")
    mode = entry.get("mode")
    return ResourceChange(
        address=address,
        action=action,
        raw_actions=raw_actions,
        reason=reason if isinstance(reason, str) and reason else None,
        previous_address=previous,
        importing=importing,
        deposed=deposed if isinstance(deposed, str) and deposed else None,
        mode=mode if isinstance(mode, str) else "managed",
        attributes=attributes,
    )


def changed_attributes(
    change: Mapping[str, Any], masks: Sequence[object]
) -> tuple[AttributeChange, ...]:
    """The top-level attributes whose value changes or becomes unknown, by name.

    Attributes that force a replacement come first, the rest in name order.

    Args:
        change: A ``change`` object (``before``, ``after``, ``after_unknown``,
            ``replace_paths``).
        masks: Every sensitivity mask known for the resource; any of them marking an
            attribute makes it sensitive.
    """
    before = change.get("before")
    after = change.get("after")
    before = before if isinstance(before, Mapping) else {}
    after = after if isinstance(after, Mapping) else {}
    unknown = change.get("after_unknown")
    names = set(before) | set(after)
    if isinstance(unknown, Mapping):
        names |= {name for name, part in unknown.items() if marks_anything(part)}
    forced = _replace_roots(change.get("replace_paths"))
    found = []
    for name in names:
        if not isinstance(name, str):
            continue
        is_unknown = marks_anything(mask_at(unknown, name))
        if not is_unknown and before.get(name, _MISSING) == after.get(name, _MISSING):
            continue
        found.append(
            AttributeChange(
                name=name,
                sensitive=any(marks_anything(mask_at(mask, name)) for mask in masks),
                known_after_apply=is_unknown,
                forces_replacement=name in forced,
            )
        )
    found.sort(key=lambda attribute: (not attribute.forces_replacement, attribute.name))
    return tuple(found)


def _replace_roots(paths: object) -> frozenset[str]:
    if not isinstance(paths, list):
        return frozenset()
    return frozenset(
        path[0] for path in paths if isinstance(path, list) and path and isinstance(path[0], str)
    )


def _listed(resources: list[ResourceChange]) -> tuple[ResourceChange, ...]:
    grouped = group_by_action(resources)
    return tuple(resource for group in grouped.values() for resource in group)


def _counts(resources: list[ResourceChange]) -> PlanCounts:
    def count(action: ChangeAction) -> int:
        return sum(1 for resource in resources if resource.action is action)

    return PlanCounts(
        add=count(ChangeAction.CREATE),
        change=count(ChangeAction.UPDATE),
        destroy=count(ChangeAction.DELETE),
        replace=count(ChangeAction.REPLACE),
        imported=sum(1 for resource in resources if resource.importing),
    )


def _output_changes(
    plan: Mapping[str, Any],
    planned_values: Mapping[str, Any],
    prior_values: Mapping[str, Any],
) -> Iterator[OutputChange]:
    changes = _mapping(plan, "output_changes")
    marked = _outputs_marked_sensitive(plan, planned_values, prior_values)
    for name, change in changes.items():
        if not isinstance(change, Mapping):
            continue
        actions = change.get("actions")
        raw = tuple(str(action) for action in actions) if isinstance(actions, list) else ()
        action = plan_action(raw)
        if action is ChangeAction.NO_OP:
            continue
        sensitive = (
            name in marked
            or marks_anything(change.get("before_sensitive"))
            or marks_anything(change.get("after_sensitive"))
        )
        value = None
        if action is not ChangeAction.DELETE:
            value = shown_value(
                change.get("after"),
                sensitive=sensitive,
                unknown=marks_anything(change.get("after_unknown")),
            )
        previous = None
        if action in (ChangeAction.UPDATE, ChangeAction.DELETE):
            previous = shown_value(change.get("before"), sensitive=sensitive)
        yield OutputChange(
            name=str(name),
            action=action.value if action is not ChangeAction.UNKNOWN else ",".join(raw) or None,
            sensitive=sensitive,
            value=value,
            previous=previous,
        )


def _outputs_marked_sensitive(
    plan: Mapping[str, Any],
    planned_values: Mapping[str, Any],
    prior_values: Mapping[str, Any],
) -> frozenset[str]:
    """Outputs that the planned values, the prior state or the configuration mark."""
    sources = (
        _mapping(planned_values, "outputs"),
        _mapping(prior_values, "outputs"),
        _mapping(_mapping(_mapping(plan, "configuration"), "root_module"), "outputs"),
    )
    return frozenset(
        name
        for outputs in sources
        for name, output in outputs.items()
        if isinstance(output, Mapping) and output.get("sensitive") is True
    )


def _failed_checks(plan: Mapping[str, Any]) -> Iterator[str]:
    checks = plan.get("checks")
    if not isinstance(checks, list):
        return
    for check in checks:
        if not isinstance(check, Mapping) or check.get("status") not in ("fail", "error"):
            continue
        address = check.get("address")
        shown = address.get("to_display") if isinstance(address, Mapping) else address
        if isinstance(shown, str) and shown:
            yield shown

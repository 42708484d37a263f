"""Plans built in code, shaped like ``terraform show -json`` format 1.2 output."""

from __future__ import annotations

from typing import Any

ACTIONS = (
    ["create"],
    ["update"],
    ["delete", "create"],
    ["delete"],
    ["no-op"],
    ["read"],
    ["create", "delete"],
)


def resource_change(
    address: str,
    actions: list[str],
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    before_sensitive: Any = False,
    after_sensitive: Any = None,
    after_unknown: Any = None,
    **extra: Any,
) -> dict[str, Any]:
    """One ``resource_changes`` entry."""
    change: dict[str, Any] = {
        "actions": actions,
        "before": before,
        "after": after,
        "after_unknown": after_unknown if after_unknown is not None else {},
        "before_sensitive": before_sensitive,
        "after_sensitive": after_sensitive if after_sensitive is not None else {},
    }
    change.update(extra.pop("change_extra", {}))
    entry = {
        "address": address,
        "mode": "data" if address.startswith("data.") else "managed",
        "type": address.split("[")[0].split(".")[-2],
        "name": address.split("[")[0].split(".")[-1],
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": change,
    }
    entry.update(extra)
    return entry


def plan(resource_changes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A format 1.2 plan holding ``resource_changes``."""
    document: dict[str, Any] = {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {}},
        "resource_changes": resource_changes,
    }
    document.update(extra)
    return document


def large_plan(count: int) -> dict[str, Any]:
    """A plan of ``count`` resources in modules, cycling through every action."""
    changes = []
    for index in range(count):
        actions = ACTIONS[index % len(ACTIONS)]
        prefix = "data." if actions == ["read"] else ""
        address = f"module.team_{index % 37}.{prefix}aws_instance.web_{index}[{index % 5}]"
        before = {"ami": f"ami-{index}", "tags": {"team": "a"}, "password": "old-pw"}
        after = {"ami": f"ami-{index + 1}", "tags": {"team": "b"}, "password": "new-pw"}
        changes.append(
            resource_change(
                address,
                list(actions),
                before=None if actions == ["create"] else before,
                after=None if actions == ["delete"] else after,
                before_sensitive={"password": True},
                after_sensitive={"password": True},
                after_unknown={"id": True},
                change_extra={"replace_paths": [["ami"]]} if "delete" in actions else {},
            )
        )
    return plan(changes)
